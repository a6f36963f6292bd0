import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import packageJson from '../../../package.json';

/**
 * Locates files shipped next to the server: in the bundle they sit in `dist/` beside `server.js`;
 * when the sources run directly (tests through tsx) they are found in the repository instead.
 */
const here = __dirname; // dist/ in the bundles; server/src/base/ when the sources run directly
const sourcesRoot = path.join(here, '..'); // server/src/ when the sources run directly

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((candidate) => fs.existsSync(candidate));
}

function repoRoot(): string {
  // dist/server.js -> repo root is one up; server/src/base/paths.ts -> three up.
  const found = firstExisting([
    path.join(here, '..', 'package.json'),
    path.join(here, '..', '..', '..', 'package.json'),
  ]);
  return found ? path.dirname(found) : path.join(here, '..');
}

/** Directory of the knowledge data (catalog, lint rules, diagrams, threads, name generators). */
export function dataDir(): string {
  return (
    firstExisting([path.join(here, 'data'), path.join(repoRoot(), 'server', 'data')]) ??
    path.join(repoRoot(), 'server', 'data')
  );
}

/** Path of one of the two wasm files: `tree-sitter.wasm` (runtime) or `tree-sitter-c.wasm` (grammar). */
export function wasmPath(name: 'tree-sitter.wasm' | 'tree-sitter-c.wasm'): string {
  const root = repoRoot();
  const fromPackages =
    name === 'tree-sitter.wasm'
      ? path.join(root, 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm')
      : path.join(root, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm');
  return firstExisting([path.join(here, name), path.join(root, 'dist', name), fromPackages]) ?? path.join(here, name);
}

/** The index worker script: the bundle in dist/, or the TypeScript source under tsx. */
export function indexWorkerPath(): string {
  return (
    firstExisting([
      path.join(here, 'indexWorker.js'),
      path.join(sourcesRoot, 'indexing', 'indexWorker.ts'),
      path.join(here, 'indexWorker.ts'),
    ]) ?? path.join(here, 'indexWorker.js')
  );
}

/** Default cache folder for the CLI and editors other than VS Code. */
export function defaultCacheDir(): string {
  const base =
    process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME)
      ? process.env.XDG_CACHE_HOME
      : path.join(os.homedir(), '.cache');
  return path.join(base, 'kernel-mm-lens');
}

/** The extension's version, from package.json (bundled at build time). */
export const PACKAGE_VERSION: string = packageJson.version;
