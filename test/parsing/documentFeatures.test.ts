import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { SymbolKind, DocumentHighlightKind, type DocumentSymbol } from 'vscode-languageserver/node';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { openExtractions } from '../../server/src/lsp/openExtraction';
import { buildDocumentSymbols } from '../../server/src/lsp/features/documentSymbols';
import { documentHighlights } from '../../server/src/lsp/features/documentHighlight';

const fixtures = path.join(__dirname, '..', 'fixtures', 'idioms');

async function open(name: string) {
  const store = new DocumentStore(undefined, () => undefined);
  const uri = `file:///tree/mm/${name}`;
  const text = fs.readFileSync(path.join(fixtures, name), 'utf8');
  store.open(uri, 'c', 1, text);
  const extraction = (await openExtractions(store).get(uri, `mm/${name}`))!;
  assert.ok(extraction);
  return { store, uri, text, extraction };
}

const KIND_NAMES = new Map<number, string>(Object.entries(SymbolKind).map(([name, value]) => [value as number, name]));

function outline(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [
    `${'  '.repeat(depth)}${KIND_NAMES.get(s.kind)} ${s.name}`,
    ...outline(s.children ?? [], depth + 1),
  ]);
}

test('document symbols: types hold their members (anonymous unions flattened), the rest is top level', async () => {
  const { store, extraction } = await open('types.h');
  const symbols = buildDocumentSymbols(extraction.definitions);
  assert.deepEqual(outline(symbols), [
    'Constant _DEMO_TYPES_H',
    'Constant DEMO_MAX_ORDER',
    'Function demo_pfn_valid',
    'Struct demo_page',
    '  Field flags',
    '  Field lru',
    '  Field mapping',
    '  Field index',
    '  Field demo_bits',
    '  Field release',
    'Enum demo_state',
    '  EnumMember DEMO_IDLE',
    '  EnumMember DEMO_BUSY',
    '  EnumMember DEMO_NR_STATES',
    'TypeParameter demo_entry_t',
    '  Field val',
    'TypeParameter demo_fault_fn',
    'Struct demo_forward',
  ]);
  const struct = symbols.find((s) => s.name === 'demo_page')!;
  assert.deepEqual(struct.selectionRange.start, { line: 8, character: 7 });
  assert.equal(struct.children![5].detail, 'int (*release)(struct demo_page *page)');
  store.dispose();
});

test('document symbols of functions carry their signature; generator names are listed', async () => {
  const { store, extraction } = await open('functions.c');
  const symbols = buildDocumentSymbols(extraction.definitions);
  assert.deepEqual(
    symbols.map((s) => s.name),
    ['folio_demo_lock', 'demo_reserve', 'demo_init', 'demo_lookup', 'demo_walk', 'demo_alloc', 'demo_alloc'],
  );
  assert.equal(symbols[1].detail, 'declaration: int __must_check demo_reserve(struct mm_struct *mm, unsigned long nr)');
  for (const symbol of symbols) {
    assert.ok(
      symbol.range.start.line <= symbol.selectionRange.start.line &&
        symbol.selectionRange.end.line <= symbol.range.end.line,
    );
  }
  store.dispose();
  const flags = await open('pageflags.h');
  assert.ok(
    buildDocumentSymbols(flags.extraction.definitions).some(
      (s) => s.name === 'folio_test_waiters' && s.kind === SymbolKind.Function,
    ),
  );
  flags.store.dispose();
});

test('document highlight: code occurrences only, Write for definitions and assignments', async () => {
  const { store, text, extraction } = await open('highlight.c');
  const highlights = documentHighlights(extraction, text, { line: 15, character: 3 }); // demo_total += n
  assert.deepEqual(
    highlights.map((h) => [h.range.start.line, h.range.start.character, h.kind]),
    [
      [6, 11, DocumentHighlightKind.Write], // definition
      [15, 1, DocumentHighlightKind.Write], // +=
      [16, 28, DocumentHighlightKind.Read], // argument (the one inside the string is not code)
      [23, 1, DocumentHighlightKind.Write], // =
    ],
  );
  store.dispose();
});

test('document highlight: a local stays in its function; members are their own namespace', async () => {
  const { store, text, extraction } = await open('highlight.c');
  const locals = documentHighlights(extraction, text, { line: 11, character: 5 }); // int i; in demo_add
  assert.deepEqual(
    locals.map((h) => h.range.start.line),
    [11, 13, 13, 13],
  );
  assert.equal(locals[1].kind, DocumentHighlightKind.Write);
  const member = documentHighlights(extraction, text, { line: 14, character: 8 }); // ctx->count++
  assert.deepEqual(
    member.map((h) => [h.range.start.line, h.kind]),
    [
      [2, DocumentHighlightKind.Write],
      [14, DocumentHighlightKind.Write],
      [21, DocumentHighlightKind.Read],
    ],
  );
  assert.deepEqual(documentHighlights(extraction, text, { line: 8, character: 5 }), [], 'nothing in a comment');
  store.dispose();
});

test('document highlight: a macro parameter stays in its #define', async () => {
  const { store, text, extraction } = await open('types.h');
  const param = documentHighlights(extraction, text, { line: 5, character: 24 }); // demo_pfn_valid(pfn)
  assert.deepEqual(
    param.map((h) => h.range.start.line),
    [5, 6, 6],
  );
  store.dispose();
});
