import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IndexStatusNotification } from '../../protocol';
import { LspTestClient } from './lspClient';

// Hover on a callback says where it is installed; references of a field include its designated initialisers
// (issue 24), on the hand-written tree of test/fixtures/ops-tree.
const root = path.join(__dirname, '..', 'fixtures', 'ops-tree');
let client: LspTestClient;

before(async () => {
  client = new LspTestClient(root);
  await client.initialize({ cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-opshover-')) });
  await client.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
});

after(async () => {
  await client.shutdown();
});

function open(file: string) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  client.open(file, text);
  return text;
}
/** The hover's Markdown as read (file names are escaped: `test\_hmm.c`). */
const unescape = (markdown: string) => markdown.replace(/\\([_*`\\])/g, '$1');
function positionOf(text: string, needle: string, inside = 1) {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  const lines = text.slice(0, offset + inside).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

test('hover on a callback: installed in <struct>.<field> (file:line), also when a table macro stores it', async () => {
  const hmm = open('lib/test_hmm.c');
  const hover = await client.request('textDocument/hover', {
    textDocument: { uri: client.uri('lib/test_hmm.c') },
    position: positionOf(hmm, 'dmirror_devmem_fault(struct'),
  });
  assert.match(
    unescape(hover.contents.value),
    /\*\*installed in:\*\* `dev_pagemap_ops\.migrate_to_ram` \(`lib\/test_hmm\.c:15`\)/,
  );
  const ksm = open('mm/ksm_like.c');
  const attr = await client.request('textDocument/hover', {
    textDocument: { uri: client.uri('mm/ksm_like.c') },
    position: positionOf(ksm, 'pages_shared_show(struct'),
  });
  assert.match(
    unescape(attr.contents.value),
    /installed in:\*\* `kobj_attribute\.show` \(`mm\/ksm_like\.c:23`, by __ATTR_RO\(\)\)/,
  );
  // A function stored nowhere says nothing of the kind.
  const mem = open('mm/memory.c');
  const plain = await client.request('textDocument/hover', {
    textDocument: { uri: client.uri('mm/memory.c') },
    position: positionOf(mem, 'do_swap_page(struct'),
  });
  assert.doesNotMatch(plain?.contents.value ?? '', /installed in/);
});

test('references of a function-pointer field include its designated initialisers', async () => {
  const header = open('include/linux/memremap.h');
  const references = await client.request('textDocument/references', {
    textDocument: { uri: client.uri('include/linux/memremap.h') },
    position: positionOf(header, 'migrate_to_ram)(struct'),
    context: { includeDeclaration: false },
  });
  const at = references.map((r: any) => `${path.relative(root, new URL(r.uri).pathname)}:${r.range.start.line + 1}`);
  assert.ok(at.includes('lib/test_hmm.c:15'), `the designator .migrate_to_ram = in test_hmm.c: ${at.join(', ')}`);
  assert.ok(at.includes('mm/memory.c:10'), `the call through it: ${at.join(', ')}`);
  // The commented-out designator is not a reference.
  assert.ok(!at.includes('lib/test_hmm.c:17'), at.join(', '));
});
