import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IndexStatusNotification, Requests } from '../../protocol';
import { LspTestClient } from './lspClient';

const root = path.join(__dirname, '..', 'fixtures', 'index-tree');
let client: LspTestClient;

before(async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-lsp-'));
  client = new LspTestClient(root);
  const init = await client.initialize({ cacheDir });
  assert.equal(init.serverInfo.name, 'kernel-mm-lens');
  await client.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
});

after(async () => {
  await client.shutdown();
});

const rmapText = () => fs.readFileSync(path.join(root, 'mm/rmap.c'), 'utf8');
function positionOf(text: string, needle: string, occurrence = 0) {
  let offset = -1;
  for (let k = 0; k <= occurrence; k++) offset = text.indexOf(needle, offset + 1);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length + 1 };
}

test('initialize advertises the navigation capabilities and the index reports progress and status', async () => {
  const status = await client.request(Requests.indexStatus.method, null);
  assert.equal(status.state, 'ready');
  assert.equal(status.files, 14);
  assert.equal(status.kernelVersion, '6.12.9');
  assert.ok(
    client.serverRequests.some((r) => r.method === 'window/workDoneProgress/create'),
    'work done progress was created',
  );
  assert.ok(client.notifications.some((n) => n.method === '$/progress' && n.params.value.kind === 'end'));
});

test('definition and declaration over stdio', async () => {
  const text = rmapText();
  client.open('mm/rmap.c', text);
  const definition = await client.request('textDocument/definition', {
    textDocument: { uri: client.uri('mm/rmap.c') },
    position: positionOf(text, 'folio_walk_start(&fw'),
  });
  assert.deepEqual(
    definition.map((l: any) => [l.uri.endsWith('mm/pagewalk.c'), l.range.start.line]),
    [[true, 13]],
  );
  const declaration = await client.request('textDocument/declaration', {
    textDocument: { uri: client.uri('mm/rmap.c') },
    position: positionOf(text, 'folio_walk_start(&fw'),
  });
  assert.deepEqual(
    declaration.map((l: any) => [l.uri.endsWith('include/linux/pagewalk.h'), l.range.start.line]),
    [[true, 35]],
  );
  const include = await client.request('textDocument/definition', {
    textDocument: { uri: client.uri('mm/rmap.c') },
    position: { line: 2, character: 14 },
  });
  assert.ok(include[0].uri.endsWith('include/linux/pagewalk.h'), 'an #include line jumps to the header');
});

test('references, workspace symbols and call hierarchy come from the whole tree', async () => {
  const text = rmapText();
  const references = await client.request('textDocument/references', {
    textDocument: { uri: client.uri('mm/rmap.c') },
    position: positionOf(text, 'make_device_exclusive(struct'),
    context: { includeDeclaration: false },
  });
  const files = references.map((r: any) => path.relative(root, new URL(r.uri).pathname)).sort();
  assert.deepEqual(files, ['lib/test_hmm.c', 'mm/rmap.c']);
  const symbols = await client.request('workspace/symbol', { query: 'dmirror_' });
  assert.deepEqual(symbols.map((s: any) => s.name).sort(), ['dmirror_atomic_map', 'dmirror_exclusive']);
  // the file is the location's: editors print it next to the name, so the container never repeats it
  for (const symbol of symbols) assert.ok(!String(symbol.containerName ?? '').includes('/'), symbol.containerName);
  const items = await client.request('textDocument/prepareCallHierarchy', {
    textDocument: { uri: client.uri('mm/rmap.c') },
    position: positionOf(text, 'make_device_exclusive(struct'),
  });
  assert.equal(items.length, 1);
  const incoming = await client.request('callHierarchy/incomingCalls', { item: items[0] });
  assert.deepEqual(
    incoming.map((c: any) => c.from.name),
    ['dmirror_exclusive'],
  );
  const outgoing = await client.request('callHierarchy/outgoingCalls', { item: items[0] });
  assert.deepEqual(outgoing.map((c: any) => c.to.name).sort(), ['folio_walk_end', 'folio_walk_start']);
});

test('an edit in an open document is indexed without saving', async () => {
  const edited = `${rmapText()}\nint added_while_typing(void) { return 0; }\n`;
  client.notify('textDocument/didChange', {
    textDocument: { uri: client.uri('mm/rmap.c'), version: 2 },
    contentChanges: [{ text: edited }],
  });
  let symbols: any[] = [];
  for (let attempt = 0; attempt < 40 && symbols.length === 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    symbols = await client.request('workspace/symbol', { query: 'added_while_typing' });
  }
  assert.deepEqual(
    symbols.map((s: any) => s.name),
    ['added_while_typing'],
  );
});
