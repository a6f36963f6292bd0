import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IndexStatusNotification } from '../../protocol';
import { LspTestClient } from './lspClient';

// Calls through ops tables over stdio (issue 24), on the hand-written tree of test/fixtures/ops-tree.
const root = path.join(__dirname, '..', 'fixtures', 'ops-tree');
let client: LspTestClient;

before(async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-ops-'));
  client = new LspTestClient(root);
  const init = await client.initialize({ cacheDir });
  assert.equal(init.capabilities.implementationProvider, true);
  await client.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
});

after(async () => {
  await client.shutdown();
});

const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
function positionOf(text: string, needle: string, inside = 1) {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  const before = text.slice(0, offset + inside).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}
const fileOf = (uri: string) => path.relative(root, new URL(uri).pathname);

test('outgoing calls of do_swap_page list the migrate_to_ram implementations, marked indirect', async () => {
  const text = read('mm/memory.c');
  client.open('mm/memory.c', text);
  const [item] = await client.request('textDocument/prepareCallHierarchy', {
    textDocument: { uri: client.uri('mm/memory.c') },
    position: positionOf(text, 'do_swap_page(struct'),
  });
  assert.equal(item.name, 'do_swap_page');
  const outgoing = await client.request('callHierarchy/outgoingCalls', { item });
  assert.deepEqual(outgoing.map((c: any) => c.to.name).sort(), [
    'dmirror_devmem_fault',
    'nouveau_dmem_migrate_to_ram',
    'svm_migrate_to_ram',
  ]);
  for (const call of outgoing) {
    assert.match(call.to.detail, /^via dev_pagemap_ops\.migrate_to_ram · /);
    // Both calls: `->migrate_to_ram(vmf)` and `(*...->migrate_to_ram)(vmf)`.
    assert.deepEqual(
      call.fromRanges.map((r: any) => r.start.line),
      [9, 11],
    );
  }
  const [fault] = await client.request('textDocument/prepareCallHierarchy', {
    textDocument: { uri: client.uri('mm/memory.c') },
    position: positionOf(text, '__do_fault(struct'),
  });
  const faultCalls = await client.request('callHierarchy/outgoingCalls', { item: fault });
  // The fault_injector_ops.fault implementation is not a vm_operations_struct.fault target.
  assert.deepEqual(
    faultCalls.map((c: any) => [c.to.name, c.to.detail.split(' · ')[0]]),
    [['dax_like_fault', 'via vm_operations_struct.fault']],
  );
});

test('incoming calls of a callback list its indirect callers', async () => {
  const text = read('lib/test_hmm.c');
  client.open('lib/test_hmm.c', text);
  const [item] = await client.request('textDocument/prepareCallHierarchy', {
    textDocument: { uri: client.uri('lib/test_hmm.c') },
    position: positionOf(text, 'dmirror_devmem_fault(struct'),
  });
  const incoming = await client.request('callHierarchy/incomingCalls', { item });
  assert.deepEqual(
    incoming.map((c: any) => [c.from.name, fileOf(c.from.uri), c.from.detail.split(' · ')[0], c.fromRanges.length]),
    [['do_swap_page', 'mm/memory.c', 'via dev_pagemap_ops.migrate_to_ram', 2]],
  );
});

test('implementation at a field declaration, at a call through it and at a designator', async () => {
  const header = read('include/linux/memremap.h');
  client.open('include/linux/memremap.h', header);
  const atDeclaration = await client.request('textDocument/implementation', {
    textDocument: { uri: client.uri('include/linux/memremap.h') },
    position: positionOf(header, 'migrate_to_ram)(struct'),
  });
  const where = (locations: any[]) => locations.map((l) => `${fileOf(l.uri)}:${l.range.start.line}`).sort();
  assert.deepEqual(where(atDeclaration), [
    'drivers/gpu/amdkfd/kfd_migrate.c:3',
    'drivers/gpu/nouveau/nouveau_dmem.c:3',
    'lib/test_hmm.c:7',
  ]);
  const memory = read('mm/memory.c');
  const atCall = await client.request('textDocument/implementation', {
    textDocument: { uri: client.uri('mm/memory.c') },
    position: positionOf(memory, 'fault(vmf);'),
  });
  assert.deepEqual(where(atCall), ['fs/dax_like.c:3']);
  const dmem = read('drivers/gpu/nouveau/nouveau_dmem.c');
  client.open('drivers/gpu/nouveau/nouveau_dmem.c', dmem);
  const atDesignator = await client.request('textDocument/implementation', {
    textDocument: { uri: client.uri('drivers/gpu/nouveau/nouveau_dmem.c') },
    position: positionOf(dmem, 'fault = nouveau_inject'),
  });
  assert.deepEqual(where(atDesignator), ['drivers/gpu/nouveau/nouveau_dmem.c:19']);
  const notAField = await client.request('textDocument/implementation', {
    textDocument: { uri: client.uri('mm/memory.c') },
    position: positionOf(memory, 'vm_fault_t ret'),
  });
  assert.equal(notAField, null);
});
