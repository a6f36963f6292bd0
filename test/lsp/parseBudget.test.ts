import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStore, PARSE_BUDGET_BASE_MS, PARSE_BUDGET_MS_PER_KIB } from '../../server/src/lsp/documentStore';
import { openExtractions } from '../../server/src/lsp/openExtraction';
import { buildDocumentSymbols } from '../../server/src/lsp/features/documentSymbols';
import { documentHighlights } from '../../server/src/lsp/features/documentHighlight';

const URI = 'file:///tree/mm/deep.c';

test('the parse budget grows with the size of the document, up to the timeout', () => {
  const store = new DocumentStore(undefined, () => undefined, { parseTimeoutMs: 3000 });
  assert.equal(store.parseBudgetMs(0), PARSE_BUDGET_BASE_MS);
  assert.equal(store.parseBudgetMs(100 * 1024), PARSE_BUDGET_BASE_MS + 100 * PARSE_BUDGET_MS_PER_KIB);
  assert.equal(store.parseBudgetMs(10 * 1024 * 1024), 3000);
  store.dispose();
});

test('a document over its parse budget answers outline and highlights from the lexical extractor (issue 17)', async () => {
  // Minimised from the mutated corpus: a body 20,000 blocks deep. A zero budget makes the fallback certain whatever
  // the machine's load (the budget arithmetic is checked above).
  const logs: string[] = [];
  const store = new DocumentStore(undefined, (m) => logs.push(m), { parseTimeoutMs: 0 });
  const depth = 20_000;
  const text =
    'struct demo_deep {\n\tint kept_field;\n};\n' +
    'static int demo_before(void)\n{\n\treturn 0;\n}\n' +
    `int deep(void)\n{\n${'if (a) {'.repeat(depth)} demo_before(); ${'}'.repeat(depth)}\n}\n` +
    'int demo_after;\n';
  try {
    store.open(URI, 'c', 1, text);
    const extraction = await openExtractions(store, (m) => logs.push(m)).get(URI, 'mm/deep.c');
    assert.ok(extraction, 'an answer, not nothing');
    assert.match(extraction.partial ?? '', /lexical extraction only: parse of .* ran past its budget of 0 ms/);
    assert.equal(store.liveTrees, 0, 'the cancelled parse left no tree behind');
    const outline = buildDocumentSymbols(extraction.definitions).map((symbol) => [
      symbol.name,
      (symbol.children ?? []).map((child) => child.name),
    ]);
    assert.deepEqual(outline, [
      ['demo_deep', ['kept_field']],
      ['demo_before', []],
      ['deep', []],
      ['demo_after', []],
    ]);
    const highlights = documentHighlights(extraction, text, { line: 3, character: 12 });
    assert.deepEqual(
      highlights.map((h) => h.range.start.line),
      [3, 9],
      'demo_before: its definition and the call deep inside',
    );
    assert.ok(logs.some((line) => /ran past its budget of 0 ms/.test(line)));
    assert.ok(logs.some((line) => /answering from the lexical extractor/.test(line)));
  } finally {
    store.dispose();
  }
});

test('a document with a tree does not take the fallback', async () => {
  const store = new DocumentStore(undefined, () => undefined);
  try {
    store.open(URI, 'c', 1, 'static int demo_small(void)\n{\n\treturn 0;\n}\n');
    const extraction = await openExtractions(store).get(URI, 'mm/deep.c');
    assert.equal(extraction?.partial, undefined);
    assert.deepEqual(
      extraction?.definitions.map((d) => d.name),
      ['demo_small'],
    );
    assert.equal(store.parseFailure(URI), undefined);
  } finally {
    store.dispose();
  }
});
