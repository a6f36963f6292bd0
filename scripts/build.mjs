#!/usr/bin/env node
// Bundles client, server and index worker with esbuild into dist/, and copies what they load at run time
// next to them: the two tree-sitter wasm files, the knowledge data (server/data) and the webview assets.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
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
]);

// The runtime and the grammar are pinned together in package.json; copy both next to the server bundle.
const runtimeWasm = join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
const grammarWasm = join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm');
cpSync(runtimeWasm, join(dist, 'tree-sitter.wasm'));
cpSync(grammarWasm, join(dist, 'tree-sitter-c.wasm'));

// Knowledge data is loaded at run time, so adding a catalog entry or a rule is a data change only.
cpSync(join(root, 'server/data'), join(dist, 'data'), { recursive: true });
// Every index worker loads the name generators and the attribute macros: a JSON twin spares each one the YAML parser (see
// server/src/base/dataFiles.ts; the twin is used only while its hash matches the YAML text beside it).
for (const name of ['name-generators.yaml', 'attribute-macros.yaml']) {
  const text = readFileSync(join(root, 'server/data', name), 'utf8');
  const twin = { sourceSha1: createHash('sha1').update(text, 'utf8').digest('hex'), document: parseYaml(text) };
  writeFileSync(join(dist, 'data', name.replace(/\.ya?ml$/, '') + '.json'), JSON.stringify(twin));
}

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
