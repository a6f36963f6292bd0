import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IndexStatusNotification } from '../../protocol';
import { LspTestClient } from '../protocol/lspClient';

// The semantic features over stdio, as an editor uses them, on the hand-written tree of test/fixtures/semantics.
const fixture = path.join(__dirname, '..', 'fixtures', 'semantics');
let root: string;
let client: LspTestClient;

function positionOf(text: string, lineContains: string, word: string, nth = 0) {
  const lineStart = text.lastIndexOf('\n', text.indexOf(lineContains)) + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, lineEnd);
  const pattern = new RegExp(`(?<![A-Za-z0-9_])${word}(?![A-Za-z0-9_])`, 'g');
  let match: RegExpExecArray | null = null;
  for (let k = 0; k <= nth; k++) match = pattern.exec(line);
  assert.ok(match, `${word} on ${lineContains}`);
  return { line: text.slice(0, lineStart).split('\n').length - 1, character: match.index + 1 };
}
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const lineOf = (file: string, needle: string) => read(file).slice(0, read(file).indexOf(needle)).split('\n').length - 1;

async function startServer(initializationOptions: Record<string, unknown>): Promise<LspTestClient> {
  const started = new LspTestClient(root);
  await started.initialize({ cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-sem-')), ...initializationOptions });
  await started.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
  return started;
}

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-sem-tree-'));
  fs.cpSync(fixture, root, { recursive: true });
  client = await startServer({});
  client.open('mm/ksm.c', read('mm/ksm.c'));
});

after(async () => {
  await client.shutdown();
});

void test('definition of a local is its own declaration, exactly; references stay in its function', async () => {
  const text = read('mm/ksm.c');
  const definition = await client.request('textDocument/definition', {
    textDocument: { uri: client.uri('mm/ksm.c') },
    position: positionOf(text, 'if (folio) {', 'folio'),
  });
  assert.equal(definition.length, 1);
  assert.ok(definition[0].uri.endsWith('mm/ksm.c'));
  assert.equal(definition[0].range.start.line, lineOf('mm/ksm.c', 'struct folio *folio;'));

  const references = await client.request('textDocument/references', {
    textDocument: { uri: client.uri('mm/ksm.c') },
    position: positionOf(text, 'return page;', 'page'),
    context: { includeDeclaration: true },
  });
  const first = lineOf('mm/ksm.c', 'static struct page *get_mergeable_page');
  const last = lineOf('mm/ksm.c', 'return page;');
  assert.ok(references.length >= 3);
  assert.ok(
    references.every(
      (r: any) => r.uri.endsWith('mm/ksm.c') && r.range.start.line >= first && r.range.start.line <= last,
    ),
  );
});

void test("fw.page goes to struct folio_walk's field; hover shows the resolved struct's field", async () => {
  const text = read('mm/ksm.c');
  const position = positionOf(text, 'page = fw.page', 'page', 1);
  const definition = await client.request('textDocument/definition', {
    textDocument: { uri: client.uri('mm/ksm.c') },
    position,
  });
  assert.equal(definition.length, 1);
  assert.ok(definition[0].uri.endsWith('include/linux/pagewalk.h'));
  assert.equal(definition[0].range.start.line, lineOf('include/linux/pagewalk.h', 'struct page *page;'));
  const hover = await client.request('textDocument/hover', { textDocument: { uri: client.uri('mm/ksm.c') }, position });
  // A tracked member: the catalog's entry for the struct the access resolved to.
  assert.match(hover.contents.value, /^\*\*struct folio\\_walk::page\*\* — field/);
  assert.match(hover.contents.value, /Defined in `include\/linux\/pagewalk\.h:\d+`/);
  const untracked = await client.request('textDocument/hover', {
    textDocument: { uri: client.uri('mm/ksm.c') },
    position: positionOf(text, 'unsigned long addr = rmap_item->address;', 'address'),
  });
  assert.match(untracked.contents.value, /field of `struct ksm_rmap_item`/);

  const local = await client.request('textDocument/hover', {
    textDocument: { uri: client.uri('mm/ksm.c') },
    position: positionOf(text, 'if (folio) {', 'folio'),
  });
  assert.match(local.contents.value, /local variable in `get_mergeable_page\(\)`/);
  assert.doesNotMatch(local.contents.value, /mm_types\.h:\d+\.$/m);
});

void test('completion after `fw.` on the unsaved buffer, and signature help while typing a call', async () => {
  const original = read('mm/ksm.c');
  const anchor = 'folio = folio_walk_start(&fw, vma, addr, 0);\n';
  const typed = original.replace(anchor, `${anchor}\tfw.\n\tfolio_walk_start(&fw, vma, \n`);
  client.notify('textDocument/didChange', {
    textDocument: { uri: client.uri('mm/ksm.c'), version: 2 },
    contentChanges: [{ text: typed }],
  });
  const fwLine = typed.slice(0, typed.indexOf('\tfw.\n')).split('\n').length - 1;
  const completion = await client.request('textDocument/completion', {
    textDocument: { uri: client.uri('mm/ksm.c') },
    position: { line: fwLine, character: 4 },
    context: { triggerKind: 2, triggerCharacter: '.' },
  });
  const labels = completion.items.map((i: any) => i.label);
  for (const field of ['page', 'level', 'pte', 'pmd']) assert.ok(labels.includes(field), labels.join(' '));
  assert.ok(
    completion.items.every((i: any) => i.kind === 5),
    'fields only',
  );

  const help = await client.request('textDocument/signatureHelp', {
    textDocument: { uri: client.uri('mm/ksm.c') },
    position: { line: fwLine + 1, character: '\tfolio_walk_start(&fw, vma, '.length },
  });
  const [signature] = help.signatures;
  assert.equal(signature.label.slice(...signature.parameters[0].label), 'struct folio_walk *fw');
  assert.equal(help.activeParameter, 2);
  client.notify('textDocument/didChange', {
    textDocument: { uri: client.uri('mm/ksm.c'), version: 3 },
    contentChanges: [{ text: original }],
  });
});

void test('next to clangd: files of its compile database are its own, the rest of the tree and whole-tree symbols ours', async () => {
  fs.writeFileSync(
    path.join(root, 'compile_commands.json'),
    JSON.stringify([{ directory: root, file: 'mm/ksm.c', command: 'cc -c mm/ksm.c' }]),
  );
  const next = await startServer({ clangd: { active: true } });
  try {
    const ksm = read('mm/ksm.c');
    next.open('mm/ksm.c', ksm);
    const inBuild = await next.request('textDocument/definition', {
      textDocument: { uri: next.uri('mm/ksm.c') },
      position: positionOf(ksm, 'if (folio) {', 'folio'),
    });
    assert.equal(inBuild, null);
    const memory = read('mm/memory.c');
    next.open('mm/memory.c', memory);
    const outside = await next.request('textDocument/definition', {
      textDocument: { uri: next.uri('mm/memory.c') },
      position: positionOf(memory, 'ret = vmf->page->pgmap->ops->migrate_to_ram(vmf)', 'migrate_to_ram'),
    });
    assert.equal(outside.length, 1);
    const symbols = await next.request('workspace/symbol', { query: 'folio_walk_start' });
    assert.ok(symbols.length > 0);
  } finally {
    await next.shutdown();
    fs.rmSync(path.join(root, 'compile_commands.json'));
  }
});
