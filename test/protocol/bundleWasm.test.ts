import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { IndexStatusNotification } from '../../protocol';
import { LspTestClient } from './lspClient';

const dist = path.join(__dirname, '..', '..', 'dist');
const fixtureTree = path.join(__dirname, '..', 'fixtures', 'index-tree');

/** A copy of the bundle layout alone (no node_modules anywhere near it), as installed from the .vsix. */
function copyBundle(): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-bundle-'));
  for (const name of ['server.js', 'indexWorker.js', 'tree-sitter.wasm', 'tree-sitter-c.wasm'])
    fs.copyFileSync(path.join(dist, name), path.join(target, name));
  fs.cpSync(path.join(dist, 'data'), path.join(target, 'data'), { recursive: true });
  return target;
}

test('the shipped wasm files load from the bundle layout: initialize succeeds and the tree is indexed', async () => {
  const bundle = copyBundle();
  const client = new LspTestClient(fixtureTree, {}, path.join(bundle, 'server.js'));
  try {
    const init = await client.initialize({ cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-cache-')) });
    assert.ok(init.capabilities.definitionProvider);
    const status = await client.waitForNotification(IndexStatusNotification.method, (s) => s.state === 'ready');
    assert.equal(status.files, 14);
  } finally {
    await client.shutdown();
  }
  const run = spawnSync(
    process.execPath,
    [path.join(bundle, 'server.js'), 'index', '--no-cache', '--json', fixtureTree],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).files, 14);
});

test('a damaged grammar wasm fails initialize with a clear message', async () => {
  const bundle = copyBundle();
  fs.writeFileSync(path.join(bundle, 'tree-sitter-c.wasm'), Buffer.from('not a wasm module'));
  const client = new LspTestClient(fixtureTree, {}, path.join(bundle, 'server.js'));
  try {
    await assert.rejects(client.initialize(), /cannot load the C grammar .*tree-sitter-c\.wasm/);
  } finally {
    await client.shutdown();
  }
});
