import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DocumentStore, editFor, pointAt } from '../../server/src/lsp/documentStore';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { parseKernelC } from '../../server/src/parsing/kernelSource';

const fixtures = path.join(__dirname, '..', 'fixtures', 'idioms');
const URI = 'file:///tree/mm/demo.c';

async function freshParse(text: string): Promise<string> {
  const parser = await createCParser();
  const tree = parseKernelC(parser, text);
  try {
    return tree.rootNode.toString();
  } finally {
    tree.delete();
    parser.delete();
  }
}

type Change = {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
};
const at = (line: number, character: number) => ({ line, character });
const replace = (sl: number, sc: number, el: number, ec: number, text: string): Change => ({
  range: { start: at(sl, sc), end: at(el, ec) },
  text,
});

test('incremental re-parse after each LSP edit equals a fresh parse of the same text', async () => {
  const logs: string[] = [];
  const store = new DocumentStore(undefined, (m) => logs.push(m));
  const text = fs.readFileSync(path.join(fixtures, 'functions.c'), 'utf8');
  store.open(URI, 'c', 1, text);
  const first = await store.tree(URI);
  assert.ok(first);
  const edits: Change[][] = [
    [replace(19, 11, 19, 17, '')], // delete "__init": masking changes too
    [replace(19, 11, 19, 11, '__init ')], // and type it back
    [replace(32, 0, 32, 0, '\tint demo_new_local;\n')], // insert a line
    [replace(0, 0, 0, 0, '/* header */\r\n'), replace(5, 3, 5, 18, 'renamed_lock')], // two changes, CRLF
    [replace(44, 0, 49, 1, 'int demo_alloc(void)\n{\n\treturn 0;\n}')], // replace a multi-line range
    [replace(24, 0, 24, 0, '__section(".demo"')], // unbalanced: not masked yet
    [replace(24, 17, 24, 17, ') ')], // closing it masks text before the edit
    [replace(30, 0, 30, 0, 'void __printf(1,\n\tdemo_a + demo_b, demo_c(d),\n\tdemo_e\n')],
    [replace(32, 7, 32, 7, ')')], // masks three lines that were not edited
    [replace(2, 0, 2, 0, 'é𝒳 ')], // non-ASCII (UTF-16 surrogate pair)
  ];
  let version = 1;
  for (const batch of edits) {
    store.change(URI, ++version, batch);
    const incremental = await store.tree(URI);
    assert.ok(incremental, `tree after edit ${version}`);
    const current = store.get(URI)!.getText();
    assert.equal(
      incremental.rootNode.toString(),
      await freshParse(current),
      `edit ${version} re-parsed incrementally equals a fresh parse`,
    );
    assert.equal(incremental.rootNode.endIndex, current.length);
  }
  assert.equal(store.version(URI), version);
  assert.equal(store.liveTrees, 1, 'replaced trees were deleted');
  assert.deepEqual(logs, []);
  store.dispose();
  assert.equal(store.liveTrees, 0);
});

test('an unchanged document reuses its tree; close frees it', async () => {
  const store = new DocumentStore(undefined, () => undefined);
  store.open(URI, 'c', 1, 'int demo;\n');
  const a = await store.tree(URI);
  assert.equal(await store.tree(URI), a);
  const closed: string[] = [];
  store.onDidClose((doc) => closed.push(doc.uri));
  store.close(URI);
  assert.equal(store.liveTrees, 0);
  assert.equal(await store.tree(URI), undefined);
  assert.equal(store.get(URI), undefined);
  assert.deepEqual(closed, [URI]);
  store.dispose();
});

test('non-C documents are tracked for text but never parsed', async () => {
  const store = new DocumentStore(undefined, () => undefined);
  store.open('file:///tree/Documentation/mm/demo.rst', 'restructuredtext', 1, 'int x;');
  store.open('file:///tree/tools/demo.cpp', 'cpp', 1, 'int x;');
  store.open('file:///tree/include/linux/demo.h', 'cpp', 1, 'int x;');
  assert.equal(await store.tree('file:///tree/Documentation/mm/demo.rst'), undefined);
  assert.equal(await store.tree('file:///tree/tools/demo.cpp'), undefined);
  assert.ok(await store.tree('file:///tree/include/linux/demo.h'));
  assert.equal(store.get('file:///tree/Documentation/mm/demo.rst')!.getText(), 'int x;');
  assert.equal(store.all().length, 3);
  store.dispose();
});

test('binary and invalid UTF-8 content parses without crashing; full-text changes are applied', async () => {
  // Error recovery over 4 KiB of garbage can outlast the default wall-clock budget on a loaded machine (it did in
  // CI at load 6): the budget has its own tests; this one is about the content.
  const store = new DocumentStore(undefined, () => undefined, { parseTimeoutMs: 600_000, parseMsPerKib: 600_000 });
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)).toString('utf8');
  store.open(URI, 'c', 1, garbage);
  const tree = await store.tree(URI);
  assert.ok(tree);
  assert.equal(tree.rootNode.endIndex, garbage.length);
  store.change(URI, 2, [{ text: 'int demo_after;\n' }]);
  const after = await store.tree(URI);
  assert.equal(after!.rootNode.toString(), await freshParse('int demo_after;\n'));
  assert.equal(store.liveTrees, 1);
  store.dispose();
});

test('a parse that exceeds its deadline or size limit is dropped with a log line, and the store keeps serving', async () => {
  const logs: string[] = [];
  const store = new DocumentStore(undefined, (m) => logs.push(m), { maxParseLength: 100 });
  store.open(URI, 'c', 1, 'int x;\n'.repeat(50));
  assert.equal(await store.tree(URI), undefined);
  assert.match(logs[0], /not parsed: .*limit 100/);
  store.change(URI, 2, [{ text: 'int y;\n' }]);
  assert.ok(await store.tree(URI));

  const slow = new DocumentStore(undefined, (m) => logs.push(m), { parseTimeoutMs: 0 });
  slow.open(URI, 'c', 1, 'static int demo(void) { return 0; }\n'.repeat(20000));
  assert.equal(await slow.tree(URI), undefined);
  assert.match(logs[logs.length - 1], /ran past its budget of 0 ms/);
  assert.equal(slow.liveTrees, 0);
  store.dispose();
  slow.dispose();
});

test('edit positions follow tree-sitter conventions (rows count \\n, UTF-16 columns)', () => {
  assert.deepEqual(pointAt('ab\ncd\r\nef', 8), { row: 2, column: 1 });
  const edit = editFor('ab\ncd', 4, 5, 'x\nyz');
  assert.deepEqual(edit, {
    startIndex: 4,
    oldEndIndex: 5,
    newEndIndex: 8,
    startPosition: { row: 1, column: 1 },
    oldEndPosition: { row: 1, column: 2 },
    newEndPosition: { row: 2, column: 2 },
  });
});

test('a change of masking before the edited range is reported to tree-sitter too', async () => {
  // Typing the `)` that completes `__printf(...)` blanks text that was not edited; without the extra
  // edit tree-sitter would reuse the old `__printf` call tokens and disagree with a fresh parse.
  const store = new DocumentStore(undefined, () => undefined);
  store.open(URI, 'c', 1, 'int v = __printf(demo_a, demo_b + demo_f(3);\nint w;\n');
  const before = await store.tree(URI);
  assert.match(before!.rootNode.toString(), /call_expression/);
  store.change(URI, 2, [replace(0, 42, 0, 42, ')')]);
  const after = await store.tree(URI);
  const fresh = await freshParse(store.get(URI)!.getText());
  assert.doesNotMatch(fresh, /call_expression/);
  assert.equal(after!.rootNode.toString(), fresh);
  store.dispose();
});

void test('typing inside function bodies keeps the lexical macro invocations without a lexical pass, and the tree stays equal to a fresh parse', async () => {
  const store = new DocumentStore(undefined, () => undefined);
  const text = [
    'static int __diagnose_as(demo, 1) demo_count;', // 0: an attribute-like macro no data lists
    'DEMO_MODULE_LINE(demo_init)', // 1: a macro line without a semicolon
    'static int demo_init(void)',
    '{',
    '\tstruct demo *d = demo_get();',
    '\treturn d->count + 1;',
    '}',
    'DEMO_EXPORT(demo_init)',
    'static long demo_other(int a)',
    '{',
    '\tif (a)',
    '\t\treturn a * 2;',
    '\treturn 0;',
    '}',
    '',
  ].join('\n');
  store.open(URI, 'c', 1, text);
  assert.ok(await store.tree(URI));
  assert.equal(store.lexicalPasses, 1);
  let version = 1;
  const typeAndCheck = async (batch: Change[], passes: number, why: string) => {
    store.change(URI, ++version, batch);
    const tree = await store.tree(URI);
    assert.ok(tree, why);
    assert.equal(tree.rootNode.toString(), await freshParse(store.get(URI)!.getText()), why);
    assert.equal(store.lexicalPasses, passes, why);
  };
  // Typing `->cou` at the end of `d` on line 5, one character at a time, then deleting it again: no pass.
  let column = '\treturn d'.length;
  for (const c of '->cou') {
    await typeAndCheck([replace(5, column, 5, column, c)], 1, `typed ${c}`);
    column++;
  }
  for (let k = 0; k < 5; k++) {
    await typeAndCheck([replace(5, column - 1, 5, column, '')], 1, `deleted at ${column}`);
    column--;
  }
  // A word inside the second body shifts the invocations after the first function.
  await typeAndCheck([replace(11, 10, 11, 10, ' demo_scale')], 1, 'a word in the second body');
  // Structural edits run the pass: a brace, a line break, a comment opener, an edit at file scope.
  await typeAndCheck([replace(12, 9, 12, 9, '{')], 2, 'a brace');
  await typeAndCheck([replace(12, 9, 12, 10, '')], 3, 'the brace deleted');
  await typeAndCheck([replace(4, 1, 4, 1, '\n\t')], 4, 'a line break');
  await typeAndCheck([replace(8, 12, 8, 12, 'x')], 5, 'a word at file scope');
  await typeAndCheck([replace(5, 1, 5, 1, '/')], 6, 'a slash');
});

void test('typing 20,000 blocks deep keeps the reuse decision linear (no parent walk, issue 17)', async () => {
  // Deciding whether an edit lies in a function body walked up with tree-sitter's `parent`, which finds each
  // parent again from the root: quadratic in depth, minutes per keystroke here. Now one pass down with a cursor.
  // A budget large enough for a tree whatever the load: this test is about the reuse decision, not the budget.
  const store = new DocumentStore(undefined, () => undefined, { parseTimeoutMs: 600_000, parseMsPerKib: 600_000 });
  const depth = 20_000;
  const text = `int deep(void)\n{\n${'if (a) {'.repeat(depth)} x = 1; ${'}'.repeat(depth)}\n}\n`;
  store.open(URI, 'c', 1, text);
  assert.ok(await store.tree(URI));
  const column = text.split('\n')[2].indexOf('x = 1') + 1;
  const started = performance.now();
  store.change(URI, 2, [replace(2, column, 2, column, 'y')]);
  assert.ok(await store.tree(URI));
  assert.equal(store.lexicalPasses, 1, 'typing a letter in the deep body needs no lexical pass');
  // A guard against the quadratic walk (minutes), not a timing.
  assert.ok(performance.now() - started < 60_000);
  store.change(URI, 3, [replace(0, 4, 0, 4, 'z')]);
  assert.ok(await store.tree(URI));
  assert.equal(store.lexicalPasses, 2, 'a word at file scope runs the pass');
});
