import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IndexStatusNotification } from '../../protocol';
import { LspTestClient } from '../protocol/lspClient';

// One call graph for every surface (issue 24): the editor's call hierarchy and `kernel-mm-lens calls` give the same
// callers and callees, indirect ones (through ops tables) included, on the hand-written tree of test/fixtures/ops-tree.
const root = path.join(__dirname, '..', 'fixtures', 'ops-tree');
const bundle = path.join(__dirname, '..', '..', 'dist', 'server.js');
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-calls-'));
let client: LspTestClient;

before(async () => {
  client = new LspTestClient(root);
  await client.initialize({ cacheDir, kernelConfig: 'all' });
  await client.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
});

after(async () => {
  await client.shutdown();
});

/** One edge as both surfaces can say it: function, its file and line, how it is reached, the call sites. */
function edge(name: string, file: string, line: number, via: string | undefined, sites: number[]): string {
  return `${name} ${file}:${line} ${via ?? 'direct'} at ${sites.join(',')}`;
}

async function lspEdges(file: string, name: string, direction: 'incoming' | 'outgoing'): Promise<string[]> {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  client.open(file, text);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => new RegExp(`\\b${name}\\(`).test(l) && !/^\s/.test(l));
  assert.ok(line >= 0, `${name} defined in ${file}`);
  const [item] = await client.request('textDocument/prepareCallHierarchy', {
    textDocument: { uri: client.uri(file) },
    position: { line, character: lines[line].indexOf(name) + 1 },
  });
  const calls = await client.request(`callHierarchy/${direction}Calls`, { item });
  return calls.map((call: any) => {
    const target = direction === 'incoming' ? call.from : call.to;
    const via = /^via (\S+)/.exec(target.detail)?.[1];
    return edge(
      target.name,
      path.relative(root, new URL(target.uri).pathname),
      target.selectionRange.start.line + 1,
      via,
      call.fromRanges.map((r: any) => r.start.line + 1),
    );
  });
}

function cliEdges(name: string, direction: 'incoming' | 'outgoing'): string[] {
  const run = spawnSync(
    process.execPath,
    [bundle, 'calls', name, '--root', root, '--cache-dir', cacheDir, '--config', 'all', '--json'].concat(
      direction === 'outgoing' ? ['--outgoing'] : [],
    ),
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout).calls.map((call: any) =>
    edge(
      call.function.name,
      call.function.file,
      call.function.line,
      call.via,
      call.calls.map((c: any) => c.line),
    ),
  );
}

const cases: Array<[file: string, name: string, direction: 'incoming' | 'outgoing']> = [
  ['mm/memory.c', 'do_swap_page', 'outgoing'],
  ['mm/memory.c', '__do_fault', 'outgoing'],
  ['mm/memory.c', 'unknown_object', 'outgoing'],
  ['lib/test_hmm.c', 'dmirror_devmem_fault', 'incoming'],
  ['fs/dax_like.c', 'dax_like_fault', 'incoming'],
];

for (const [file, name, direction] of cases)
  test(`${direction} calls of ${name}: the editor and kernel-mm-lens calls agree`, async () => {
    const lsp = await lspEdges(file, name, direction);
    const cli = cliEdges(name, direction);
    assert.deepEqual(cli, lsp);
    if (name === 'do_swap_page')
      assert.deepEqual(lsp.map((e) => e.split(' ')[0]).sort(), [
        'dmirror_devmem_fault',
        'nouveau_dmem_migrate_to_ram',
        'svm_migrate_to_ram',
      ]);
    if (name === 'dmirror_devmem_fault')
      assert.deepEqual(lsp, [edge('do_swap_page', 'mm/memory.c', 4, 'dev_pagemap_ops.migrate_to_ram', [10, 12])]);
  });

test('--direct-only leaves the ops-table edges out', () => {
  const run = spawnSync(
    process.execPath,
    [bundle, 'calls', 'do_swap_page', '--outgoing', '--direct-only', '--root', root, '--cache-dir', cacheDir, '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.ok(!JSON.parse(run.stdout).calls.some((c: any) => c.via), run.stdout);
});
