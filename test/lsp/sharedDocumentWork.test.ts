import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { LARGE_DOCUMENT_CHARS, openExtractions } from '../../server/src/lsp/openExtraction';
import { buildDocumentSymbols } from '../../server/src/lsp/features/documentSymbols';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { macroCallSpans, maskAttributeMacros, parseKernelC } from '../../server/src/parsing/kernelSource';
import { documentLexicalScan } from '../../server/src/parsing/lexicalFallback';
import { extractFromTree } from '../../server/src/parsing/syntaxExtractor';
import { parseInSlices } from '../../server/src/parsing/slicedParse';

/**
 * Issue 17: the work per version of an open document is done once, whoever asks; a large document's outline comes
 * from the lexical pass without a parse; a parse runs in slices and stops when the document changes; a version over
 * its parse budget is parsed again when the server is idle. Inputs are generated here (no kernel file).
 */

const URI = 'file:///tree/mm/demo_shared.c';

/** `count` small functions and a struct: about 50 characters per function. */
function generated(count: number, prefix = 'demo_fn'): string {
  const parts = ['struct demo_holder {\n\tint demo_field;\n};\n'];
  for (let i = 0; i < count; i++) parts.push(`static int ${prefix}_${i}(int a)\n{\n\treturn a + ${i};\n}\n`);
  return parts.join('');
}

async function fresh(text: string): Promise<string> {
  const parser = await createCParser();
  const tree = parseKernelC(parser, text);
  try {
    return tree.rootNode.toString();
  } finally {
    tree.delete();
    parser.delete();
  }
}

test('requests on one version share one lexical pass, one parse and one extraction', async () => {
  const store = new DocumentStore(undefined, () => undefined, { parseMsPerKib: 1000, parseTimeoutMs: 60_000 });
  const extractions = openExtractions(store);
  try {
    store.open(URI, 'c', 1, generated(400));
    // Outline, highlights, hover, inlay hints and code lens ask at the same time, as an editor does on open.
    const [a, b, treeA, treeB] = await Promise.all([
      extractions.get(URI, 'mm/demo_shared.c'),
      extractions.get(URI, 'mm/demo_shared.c'),
      store.tree(URI),
      store.tree(URI),
    ]);
    assert.ok(a && treeA);
    assert.equal(a, b, 'the same extraction object');
    assert.equal(treeA, treeB, 'the same tree');
    assert.equal(store.parses, 1, 'one parse for the version');
    assert.equal(store.lexicalPasses, 1, 'one lexical pass: masking and extraction share it');
    assert.equal(extractions.computed, 1, 'one extraction');
    assert.equal(a.definitions.filter((d) => d.kind === 'function').length, 400);
    // A later request on the same version computes nothing.
    await extractions.get(URI, 'mm/demo_shared.c');
    await store.tree(URI);
    assert.deepEqual([store.parses, store.lexicalPasses, extractions.computed], [1, 1, 1]);
    // A new version: once more each.
    store.change(URI, 2, [{ text: generated(401) }]);
    await Promise.all([extractions.get(URI, 'mm/demo_shared.c'), store.tree(URI)]);
    assert.deepEqual([store.parses, store.lexicalPasses, extractions.computed], [2, 2, 2]);
    assert.equal(store.liveTrees, 1);
  } finally {
    store.dispose();
  }
});

test('a large document answers its outline from the lexical pass without parsing, and says so', async () => {
  const logs: string[] = [];
  const store = new DocumentStore(undefined, (m) => logs.push(m), { parseMsPerKib: 1000, parseTimeoutMs: 60_000 });
  const extractions = openExtractions(store, (m) => logs.push(m));
  try {
    const text = generated(6000);
    assert.ok(text.length > LARGE_DOCUMENT_CHARS, 'the generated file is over the limit');
    store.open(URI, 'c', 1, text);
    const extraction = await extractions.get(URI, 'mm/demo_shared.c');
    assert.ok(extraction);
    assert.equal(store.parses, 0, 'no parse for the outline');
    assert.match(extraction.partial ?? '', /lexical extraction only: \d+ KiB is over 256 KiB/);
    assert.ok(
      logs.some((line) => /outline and references from the lexical extractor \(\d+ KiB is over 256 KiB\)/.test(line)),
    );
    const outline = buildDocumentSymbols(extraction.definitions);
    assert.equal(outline.length, 6001);
    assert.deepEqual(
      [outline[0].name, outline[0].children?.map((c) => c.name), outline[6000].name],
      ['demo_holder', ['demo_field'], 'demo_fn_5999'],
    );
    // Hover, inlay hints and code lens still get a tree; its masking reuses the same lexical pass.
    const tree = await store.tree(URI);
    assert.ok(tree);
    assert.equal(store.parses, 1);
    assert.equal(store.lexicalPasses, 1);
    assert.equal(tree.rootNode.toString(), await fresh(text));
  } finally {
    store.dispose();
  }
});

test('a parse cut into many slices gives the same tree, and stops when told the text changed', async () => {
  const text = maskAttributeMacros(generated(300));
  const parser = await createCParser();
  try {
    const sliced = await parseInSlices(parser, text, null, { budgetMs: 60_000, sliceMs: 0, isStale: () => false });
    assert.ok('tree' in sliced);
    try {
      assert.ok(sliced.slices > 1, `several slices (${sliced.slices})`);
      assert.equal(sliced.tree.rootNode.toString(), await fresh(text));
    } finally {
      sliced.tree.delete();
    }
    let asked = 0;
    const stopped = await parseInSlices(parser, text, null, {
      budgetMs: 60_000,
      sliceMs: 0,
      isStale: () => ++asked > 2,
    });
    assert.deepEqual(stopped, { stale: true });
    // The parser was reset: the next document parses from its own start.
    const other = 'int demo_other;\n';
    const next = await parseInSlices(parser, other, null, { budgetMs: 60_000, isStale: () => false });
    assert.ok('tree' in next);
    try {
      assert.equal(next.tree.rootNode.toString(), await fresh(other));
    } finally {
      next.tree.delete();
    }
  } finally {
    parser.delete();
  }
});

test('an edit while a version is being parsed in slices: the tree of the new text, no tree left behind', async () => {
  const store = new DocumentStore(undefined, () => undefined, {
    parseMsPerKib: 1000,
    parseTimeoutMs: 60_000,
    parseSliceMs: 0,
  });
  try {
    store.open(URI, 'c', 1, generated(2000));
    const pending = store.tree(URI);
    // Let a few slices run, then type at the top of the file.
    for (let k = 0; k < 5; k++) await new Promise((resolve) => setImmediate(resolve));
    store.change(URI, 2, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'int demo_new;\n' },
    ]);
    const tree = await pending;
    assert.ok(tree, 'the tree of the version there is now');
    assert.equal(tree.rootNode.toString(), await fresh(store.get(URI)!.getText()));
    assert.equal(store.parses, 2, 'the first parse was abandoned, the second is of the new text');
    assert.equal(store.liveTrees, 1);
  } finally {
    store.dispose();
  }
});

test('a version over its parse budget is parsed again when idle; features hear of it and the lexical answer goes', async () => {
  const logs: string[] = [];
  const store = new DocumentStore(undefined, (m) => logs.push(m), {
    parseTimeoutMs: 0,
    idleRetryBudgetMs: 60_000,
    idleRetryDelayMs: 0,
  });
  const extractions = openExtractions(store);
  try {
    const text = generated(300);
    store.open(URI, 'c', 1, text);
    const parsed = new Promise<number>((resolve) => store.onDidParse((document) => resolve(document.version)));
    const first = await extractions.get(URI, 'mm/demo_shared.c');
    assert.match(first?.partial ?? '', /ran past its budget of 0 ms/);
    assert.equal(await parsed, 1);
    assert.equal(store.parseFailure(URI), undefined);
    const tree = await store.tree(URI);
    assert.ok(tree);
    assert.equal(tree.rootNode.toString(), await fresh(text));
    const second = await extractions.get(URI, 'mm/demo_shared.c');
    assert.equal(second?.partial, undefined, 'the tree answers now');
    assert.ok(logs.some((line) => /parsed while idle in \d+ ms; tree-based answers are back/.test(line)));
  } finally {
    store.dispose();
  }
});

test('a version still over budget when retried stays lexical and the log says so once', async () => {
  const logs: string[] = [];
  const store = new DocumentStore(undefined, (m) => logs.push(m), {
    parseTimeoutMs: 0,
    idleRetryBudgetMs: 0,
    idleRetryDelayMs: 0,
  });
  try {
    store.open(URI, 'c', 1, generated(300));
    assert.equal(await store.tree(URI), undefined);
    for (let k = 0; k < 500 && !logs.some((line) => /stays on the lexical/.test(line)); k++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(logs.filter((line) => /stays on the lexical extractor until its next change/.test(line)).length, 1);
    assert.match(store.parseFailure(URI) ?? '', /parsed again while idle/);
    assert.equal(store.liveTrees, 0);
  } finally {
    store.dispose();
  }
});

test('the one lexical pass gives the masking and the extraction exactly what their own passes gave', async () => {
  const fixtures = path.join(__dirname, '..', 'fixtures', 'idioms');
  const parser = await createCParser();
  try {
    for (const name of fs.readdirSync(fixtures).filter((file) => /\.[ch]$/.test(file))) {
      const text = fs.readFileSync(path.join(fixtures, name), 'utf8');
      const scan = documentLexicalScan(text, `mm/${name}`);
      assert.deepEqual(scan.macroCalls, macroCallSpans(text), `${name}: macro invocations`);
      const tree = parseKernelC(parser, text);
      try {
        assert.deepEqual(
          extractFromTree(tree, text, `mm/${name}`, scan),
          extractFromTree(tree, text, `mm/${name}`),
          `${name}: extraction`,
        );
      } finally {
        tree.delete();
      }
    }
  } finally {
    parser.delete();
  }
});

test('only the latest few lexical scans wait for an outline request; an older one is lexed again when asked', async () => {
  const store = new DocumentStore(undefined, () => undefined, { parseMsPerKib: 1000, parseTimeoutMs: 60_000 });
  const extractions = openExtractions(store);
  const uris = [1, 2, 3, 4, 5].map((k) => `file:///tree/mm/demo_kept_${k}.c`);
  try {
    // Diagnostics parse every open document (each parse runs the version's lexical pass); nobody asks for outlines.
    for (const uri of uris) {
      store.open(uri, 'c', 1, generated(20, `demo_${uri.length}`));
      assert.ok(await store.tree(uri));
    }
    assert.equal(store.lexicalPasses, 5);
    await extractions.get(uris[4], undefined);
    assert.equal(store.lexicalPasses, 5, 'the latest scan was kept for its outline');
    await extractions.get(uris[0], undefined);
    assert.equal(store.lexicalPasses, 6, 'the oldest was let go and is lexed again');
  } finally {
    store.dispose();
  }
});
