import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { buildIndexForTests } from '../../server/src/indexing/testing';

const root = path.join(__dirname, '..', 'fixtures', 'index-tree');

test('definitions across the tree: generic first, then x86, then other arches; declarations last', async () => {
  const index = await buildIndexForTests(root);
  const pmdDevmap = index.findDefinitions('pmd_devmap');
  assert.deepEqual(
    pmdDevmap.map((d) => [d.file, d.kind, d.arch ?? 'generic']),
    [
      ['include/linux/pgtable.h', 'function', 'generic'],
      ['arch/x86/include/asm/pgtable.h', 'function', 'x86'],
      ['arch/arm64/include/asm/pgtable.h', 'function-macro', 'arm64'],
    ],
  );
  const mde = index.findDefinitions('make_device_exclusive');
  assert.deepEqual(
    mde.map((d) => [d.file, d.kind, d.isDeclaration]),
    [
      ['mm/rmap.c', 'function', false],
      ['include/linux/rmap.h', 'prototype', true],
    ],
  );
  assert.equal(mde[0].nameRange.start.line, 16);
  assert.equal(
    mde[0].signature,
    'struct page *make_device_exclusive(struct mm_struct *mm, unsigned long addr, void *owner, struct folio **foliop)',
  );
  assert.match(mde[0].doc ?? '', /Mark a page for exclusive use by a device/);
  assert.deepEqual(
    index.findDeclarations('make_device_exclusive').map((d) => d.file),
    ['include/linux/rmap.h'],
  );
});

test('macros, struct fields, enumerators, typedefs, generated names and Kconfig symbols are definitions', async () => {
  const index = await buildIndexForTests(root);
  const kindOf = (name: string) => index.findDefinitions(name).map((d) => d.kind);
  assert.deepEqual(kindOf('folio_walk_end'), ['function-macro']);
  assert.deepEqual(kindOf('FW_MIGRATION'), ['macro']);
  assert.deepEqual(kindOf('FW_LEVEL_PMD'), ['enumerator']);
  assert.deepEqual(kindOf('folio_walk_flags_t'), ['typedef']);
  assert.deepEqual(
    index.findDefinitions('ptl').map((d) => [d.kind, d.container]),
    [['field', 'folio_walk']],
  );
  assert.deepEqual(
    index.findDefinitions('ptep').map((d) => [d.kind, d.container]),
    [['field', 'folio_walk']],
  );
  assert.deepEqual(kindOf('fixture_rmap_lock'), ['variable']);
  assert.ok(kindOf('folio_test_locked').length === 1, 'PAGEFLAG(Locked, ...) defines folio_test_locked');
  assert.ok(kindOf('PageReferenced').length === 1, 'PAGEFLAG(Referenced, ...) defines PageReferenced');
  assert.deepEqual(
    index.findDefinitions('ARCH_HAS_PTE_DEVMAP').map((d) => [d.file, d.kind]),
    [['mm/Kconfig', 'kconfig']],
  );
  assert.deepEqual(
    index.findDefinitions('CONFIG_ZONE_DEVICE').map((d) => d.name),
    ['ZONE_DEVICE'],
    'CONFIG_ prefix finds the Kconfig entry',
  );
});

test('references: code only, calls marked, enclosing function known, Kconfig and Makefile included', async () => {
  const index = await buildIndexForTests(root);
  const refs = await index.findReferences('folio_walk_start');
  assert.deepEqual(
    refs.map((r) => [r.file, r.range.start.line, r.isCall, r.isDefinition, r.enclosingFunction ?? null]),
    [
      // A definition's name followed by `(` is no call.
      ['include/linux/pagewalk.h', 35, false, true, null],
      ['mm/pagewalk.c', 13, false, true, null],
      ['mm/rmap.c', 26, true, false, 'make_device_exclusive'],
    ],
  );
  const kconfigRefs = await index.findReferences('ARCH_HAS_PTE_DEVMAP');
  assert.deepEqual(
    kconfigRefs.map((r) => [r.file, r.range.start.line]),
    [
      ['arch/x86/Kconfig', 3],
      ['mm/Kconfig', 1],
      ['mm/Kconfig', 6],
    ],
  );
  const configRefs = await index.findReferences('CONFIG_ZONE_DEVICE');
  assert.deepEqual(configRefs.map((r) => r.file).sort(), ['mm/Kconfig', 'mm/Makefile']);
  const inPreprocessor = await index.findReferences('CONFIG_ARCH_HAS_PTE_DEVMAP');
  // CONFIG_X in C and X in Kconfig are the same symbol: both kinds of use are listed.
  assert.deepEqual(
    inPreprocessor.map((r) => [r.file, r.inPreprocessor]),
    [
      ['arch/x86/Kconfig', false],
      ['include/linux/pgtable.h', true],
      ['mm/Kconfig', false],
      ['mm/Kconfig', false],
    ],
  );
  assert.deepEqual(index.filesMentioning('dmirror_atomic_map'), ['lib/test_hmm.c']);
});

test('workspace symbols: exact, prefix and fuzzy', async () => {
  const index = await buildIndexForTests(root);
  const names = (query: string) => [...new Set(index.searchSymbols(query).map((d) => d.name))];
  assert.equal(names('folio_walk_start')[0], 'folio_walk_start');
  // The name itself, then prefix matches by how many files use them (folio_walk_start is used more than _end).
  assert.deepEqual(names('folio_walk').slice(0, 3), ['folio_walk', 'folio_walk_start', 'folio_walk_end']);
  assert.ok(names('FOLIO_WALK_S').includes('folio_walk_start'), 'prefix search ignores case');
  assert.ok(names('fwstart').includes('folio_walk_start'), 'fuzzy subsequence');
  assert.deepEqual(names(''), []);
});

test('live overlay: an edited file replaces its entries without a rebuild', async () => {
  const index = await buildIndexForTests(root);
  index.updateFile('lib/test_hmm.c', 'int brand_new_function(void) { return folio_walk_start(0, 0, 0, 0) != 0; }\n');
  assert.deepEqual(
    index.findDefinitions('brand_new_function').map((d) => d.file),
    ['lib/test_hmm.c'],
  );
  assert.deepEqual(index.findDefinitions('dmirror_exclusive'), [], 'old definitions of the edited file are gone');
  const refs = await index.findReferences('folio_walk_start');
  assert.ok(refs.some((r) => r.file === 'lib/test_hmm.c' && r.enclosingFunction === 'brand_new_function'));
  assert.deepEqual(
    index.definitionsInFile('lib/test_hmm.c').map((d) => d.name),
    ['brand_new_function'],
  );
  index.removeFile('mm/pagewalk.c');
  assert.deepEqual(
    index.findDefinitions('folio_walk_start').map((d) => d.file),
    ['include/linux/pagewalk.h'],
  );
});

test('statistics count files, definitions and code references', async () => {
  const index = await buildIndexForTests(root);
  const stats = index.stats();
  assert.equal(stats.files, 14);
  assert.ok(stats.symbols > 40, `symbols: ${stats.symbols}`);
  assert.ok(stats.references > 100, `references: ${stats.references}`);
});

test('references in an edited (overlay) file come from its per-text table, equal to lexing it for the name', async () => {
  const index = await buildIndexForTests(root);
  const text =
    'struct folio *f;\nint a(void)\n{\n\tfolio_walk_start(0, 0, 0, 0);\n#if X\n\tf = folio_walk_start(f, 0, 0, 0);\n#endif\n\treturn a(); /* folio_walk_start */\n}\r\nint é; int folio_walk_start2;\n';
  index.updateFile('mm/rmap.c', text);
  const { extractText } = await import('../../server/src/indexing/fileExtraction');
  for (const name of ['folio_walk_start', 'a', 'f', 'folio_walk_start2', 'absent']) {
    const expected = (extractText('mm/rmap.c', text, new Set([name])).references ?? []).map((r) => JSON.stringify(r));
    const found = (await index.findReferences(name))
      .filter((r) => r.file === 'mm/rmap.c')
      .map((r) => JSON.stringify(r));
    assert.deepEqual(found, expected, name);
  }
  // The table follows the text: a new edit is seen.
  index.updateFile('mm/rmap.c', 'int a(void) { return 0; }\n');
  assert.deepEqual(
    (await index.findReferences('folio_walk_start')).filter((r) => r.file === 'mm/rmap.c'),
    [],
  );
});
