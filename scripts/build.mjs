#!/usr/bin/env node
// Bundles client, server, index worker and mail parse worker with esbuild into dist/, and copies what they load at run time
// next to them: the two tree-sitter wasm files, the knowledge data (server/data) and the webview assets.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const production = process.argv.includes('--production');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  minify: production,
  // Only minified bundles need it (it wraps every function, closures included, in a __name call).
  keepNames: production,
  logLevel: 'warning',
  // web-tree-sitter: `import` statements would select its ESM build, whose createRequire(import.meta.url)
  // breaks in a CommonJS bundle; point the package at its CommonJS build explicitly.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
  mainFields: ['main', 'module'],
};

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: { client: join(root, 'client/src/extension.ts') },
    outdir: dist,
    external: ['vscode'],
  }),
  esbuild.build({ ...common, entryPoints: { server: join(root, 'server/src/main.ts') }, outdir: dist }),
  esbuild.build({
    ...common,
    entryPoints: { indexWorker: join(root, 'server/src/indexing/indexWorker.ts') },
    outdir: dist,
  }),
  // The mail parse worker (lore/mailIndex.ts starts two on a large mbox); without it, mail parses on one thread.
  esbuild.build({
    ...common,
    entryPoints: { mailWorker: join(root, 'server/src/lore/mail/parseWorker.ts') },
    outdir: dist,
  }),
]);

// The runtime and the grammar are pinned together in package.json; copy both next to the server bundle.
const runtimeWasm = join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
const grammarWasm = join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm');
cpSync(runtimeWasm, join(dist, 'tree-sitter.wasm'));
cpSync(grammarWasm, join(dist, 'tree-sitter-c.wasm'));

// Knowledge data is loaded at run time, so adding a catalog entry or a rule is a data change only.
cpSync(join(root, 'server/data'), join(dist, 'data'), { recursive: true });
// Every data file gets a JSON twin ({ sourceSha1, document }): the loader (server/src/base/dataFiles.ts) uses it while
// its hash matches the YAML text beside it. Index workers each load the name generators (the yaml parser cost about
// 140 ms per worker); the language server loads the catalog, threads, diagrams, lint rules and call contexts, and
// parsing their YAML was about half a second of a warm start's main thread (docs/benchmark.md).
function writeTwins(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = join(folder, entry.name);
    if (entry.isDirectory()) writeTwins(file);
    else if (/\.ya?ml$/.test(entry.name)) {
      const text = readFileSync(file, 'utf8');
      const twin = { sourceSha1: createHash('sha1').update(text, 'utf8').digest('hex'), document: parseYaml(text) };
      writeFileSync(file.replace(/\.ya?ml$/, '') + '.json', JSON.stringify(twin));
    }
  }
}
writeTwins(join(dist, 'data'));

// Webview-side scripts (optional until the diagram view exists).
const webviewEntry = join(root, 'media/src/diagramView.ts');
if (existsSync(webviewEntry)) {
  await esbuild.build({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    entryPoints: { diagramView: webviewEntry },
    outdir: join(dist, 'media'),
  });
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(
  join(dist, 'build-info.json'),
  JSON.stringify(
    {
      version: pkg.version,
      webTreeSitter: JSON.parse(readFileSync(join(dirname(require.resolve('web-tree-sitter')), 'package.json'), 'utf8'))
        .version,
      treeSitterC: JSON.parse(readFileSync(require.resolve('tree-sitter-c/package.json'), 'utf8')).version,
    },
    null,
    2,
  ),
);
console.log(`built dist/ (${production ? 'production' : 'development'})`);
