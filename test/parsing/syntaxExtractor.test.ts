import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { Parser } from 'web-tree-sitter';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { parseKernelC } from '../../server/src/parsing/kernelSource';
import { extractFromTree, type Extraction } from '../../server/src/parsing/syntaxExtractor';
import { archOfPath } from '../../server/src/parsing/kernelFiles';
import type { Definition } from '../../server/src/indexing/types';

const fixtures = path.join(__dirname, '..', 'fixtures', 'idioms');
let parser: Parser;
before(async () => {
  parser = await createCParser();
});
after(() => parser.delete());

function extract(name: string, file = name): Extraction {
  const text = fs.readFileSync(path.join(fixtures, name), 'utf8');
  return extractText(text, file);
}
function extractText(text: string, file = 'x.c'): Extraction {
  const tree = parseKernelC(parser, text);
  try {
    return extractFromTree(tree, text, file);
  } finally {
    tree.delete();
  }
}
function only(result: Extraction, name: string): Definition {
  const found = result.definitions.filter((d) => d.name === name);
  assert.equal(found.length, 1, `exactly one definition of ${name}, got ${JSON.stringify(found.map((d) => d.kind))}`);
  return found[0];
}
function refs(result: Extraction, name: string) {
  return result.references.filter((r) => r.name === name);
}

test('static __always_inline function: name, range, signature, kernel-doc, static', () => {
  const result = extract('functions.c');
  const fn = only(result, 'folio_demo_lock');
  assert.equal(fn.kind, 'function');
  assert.deepEqual(fn.nameRange, { start: { line: 12, character: 27 }, end: { line: 12, character: 42 } });
  assert.deepEqual(fn.range.start, { line: 12, character: 0 });
  assert.deepEqual(fn.range.end, { line: 15, character: 1 });
  assert.equal(fn.signature, 'static __always_inline int folio_demo_lock(struct folio *folio, int nested)');
  assert.equal(fn.isStatic, true);
  assert.match(fn.doc!, /^\/\*\*\n \* folio_demo_lock - lock a demo folio/);
  assert.ok(fn.doc!.endsWith('*/'));
});

test('__must_check prototype is a declaration; __init and __weak functions keep their names', () => {
  const result = extract('functions.c');
  const proto = only(result, 'demo_reserve');
  assert.equal(proto.kind, 'prototype');
  assert.equal(proto.isDeclaration, true);
  assert.equal(proto.signature, 'int __must_check demo_reserve(struct mm_struct *mm, unsigned long nr)');
  assert.equal(only(result, 'demo_init').kind, 'function');
  assert.equal(only(result, 'demo_init').signature, 'static int __init demo_init(void)');
  assert.equal(only(result, 'demo_lookup').kind, 'function');
  // No definition leaks out of the annotations themselves.
  assert.equal(
    result.definitions.some((d) => d.name.startsWith('__')),
    false,
  );
});

test('EXPORT_SYMBOL_GPL(x) is a reference to x, not a definition', () => {
  const result = extract('functions.c');
  assert.equal(result.definitions.filter((d) => d.name === 'demo_lookup').length, 1);
  const exported = refs(result, 'demo_lookup').filter((r) => r.range.start.line === 28);
  assert.equal(exported.length, 1);
  assert.equal(exported[0].isDefinition, false);
  assert.equal(refs(result, 'EXPORT_SYMBOL_GPL')[0].isCall, true);
});

test('calls inside list_for_each_entry { } are found and attributed to the enclosing function', () => {
  const result = extract('functions.c');
  for (const name of ['list_for_each_entry', 'demo_put', 'demo_done', 'demo_finish']) {
    const found = refs(result, name);
    assert.equal(found.length, 1, name);
    assert.equal(found[0].isCall, true, name);
    assert.equal(found[0].enclosingFunction, 'demo_walk', name);
  }
  assert.equal(
    refs(result, 'pos').every((r) => r.enclosingFunction === 'demo_walk' && !r.isCall),
    true,
  );
});

test('#ifdef around half a function: two alternative signatures sharing one body', () => {
  const result = extract('functions.c');
  const alternatives = result.definitions.filter((d) => d.name === 'demo_alloc');
  assert.deepEqual(
    alternatives.map((d) => d.signature),
    ['static int demo_alloc(struct demo *d, int nid)', 'static int demo_alloc(struct demo *d)'],
  );
  assert.ok(alternatives.every((d) => d.kind === 'function' && d.range.end.line === 49));
  assert.equal(refs(result, 'demo_fill')[0].enclosingFunction, 'demo_alloc');
  assert.equal(refs(result, 'CONFIG_DEMO_NUMA')[0].inPreprocessor, true);
});

test('SYSCALL_DEFINEn defines sys_<name>, and its body calls belong to it', () => {
  const result = extract('syscalls.c');
  const sys = only(result, 'sys_demo_madvise');
  assert.equal(sys.kind, 'function');
  assert.equal(sys.generatedBy, 'SYSCALL_DEFINE3(demo_madvise, unsigned long, start, size_t, len_in, int, behavior)');
  assert.deepEqual(sys.nameRange.start, { line: 1, character: 16 });
  assert.equal(sys.range.end.line, 4);
  assert.equal(refs(result, 'do_demo_madvise')[0].enclosingFunction, 'sys_demo_madvise');
  assert.equal(only(result, 'sys_demo_sync').kind, 'function');
  assert.equal(refs(result, 'demo_sync_all')[0].enclosingFunction, 'sys_demo_sync');
  assert.equal(
    result.definitions.some((d) => d.name.startsWith('SYSCALL_DEFINE')),
    false,
  );
  // Type keywords inside the macro arguments are not references.
  assert.equal(refs(result, 'unsigned').length, 0);
});

test('DEFINE_* macros, __section and plain globals are variable definitions; locals and strings are not', () => {
  const result = extract('globals.c');
  for (const name of [
    'demo_mutex',
    'demo_key',
    'demo_lock',
    'demo_counter',
    'demo_list',
    'demo_sectioned',
    'demo_plain',
    'demo_table',
    'demo_name',
  ]) {
    assert.equal(only(result, name).kind, 'variable', name);
  }
  assert.equal(only(result, 'demo_mutex').isStatic, true);
  assert.equal(only(result, 'demo_key').isStatic, undefined);
  assert.equal(only(result, 'demo_counter').generatedBy, 'DEFINE_PER_CPU(unsigned long, demo_counter)');
  assert.equal(only(result, 'demo_extern_count').isDeclaration, true);
  assert.equal(only(result, 'demo_sectioned').signature, 'int demo_sectioned');
  for (const name of ['local_list', 'not_a_definition', 'commented_out']) {
    assert.equal(
      result.definitions.some((d) => d.name === name),
      false,
      name,
    );
  }
  assert.equal(refs(result, 'not_a_definition').length, 0, 'strings are not code');
  // Regressions found on 6.12 (page_alloc.c, fork.c, hugetlb.c, migrate.c).
  for (const name of ['demo_boot_pcp', 'demo_stacks', 'demo_work'])
    assert.equal(only(result, name).kind, 'variable', name);
  assert.equal(only(result, 'demo_flags_t').kind, 'typedef');
  assert.equal(
    only(result, 'demo_rmqueue').signature,
    'static inline struct page *demo_rmqueue(struct zone *zone, unsigned int order)',
  );
  assert.equal(
    only(result, 'DEMO_LOCAL_LIMIT').signature,
    '#define DEMO_LOCAL_LIMIT 16UL',
    'a #define inside a function body',
  );
  assert.equal(refs(result, 'demo_take')[0].enclosingFunction, 'demo_rmqueue');
  assert.equal(
    result.definitions.some((d) => d.name === '' || d.name === 'struct'),
    false,
    'no recovery artefacts',
  );
  assert.equal(refs(result, 'commented_out').length, 0, 'comments are not code');
});

test('macros, structs with fields (anonymous union members belong to the struct), enums, typedefs', () => {
  const result = extract('types.h', 'include/linux/demo_types.h');
  assert.equal(only(result, 'DEMO_MAX_ORDER').kind, 'macro');
  assert.equal(only(result, 'DEMO_MAX_ORDER').signature, '#define DEMO_MAX_ORDER 10');
  const fnMacro = only(result, 'demo_pfn_valid');
  assert.equal(fnMacro.kind, 'function-macro');
  assert.equal(fnMacro.signature, '#define demo_pfn_valid(pfn)');
  assert.equal(fnMacro.range.end.line, 6, 'continuation line is part of the macro');
  const inMacro = refs(result, 'demo_check')[0];
  assert.equal(inMacro.inPreprocessor, true);
  assert.equal(inMacro.isCall, true);

  assert.equal(only(result, 'demo_page').kind, 'struct');
  for (const field of ['flags', 'lru', 'mapping', 'index', 'demo_bits', 'release']) {
    const def = only(result, field);
    assert.equal(def.kind, 'field', field);
    assert.equal(def.container, 'demo_page', field);
  }
  assert.equal(only(result, 'release').signature, 'int (*release)(struct demo_page *page)');
  assert.equal(only(result, 'demo_state').kind, 'enum');
  assert.deepEqual(
    result.definitions.filter((d) => d.kind === 'enumerator').map((d) => [d.name, d.container]),
    [
      ['DEMO_IDLE', 'demo_state'],
      ['DEMO_BUSY', 'demo_state'],
      ['DEMO_NR_STATES', 'demo_state'],
    ],
  );
  assert.equal(only(result, 'demo_entry_t').kind, 'typedef');
  assert.equal(only(result, 'val').container, 'demo_entry_t');
  assert.equal(only(result, 'demo_fault_fn').kind, 'typedef');
  assert.equal(only(result, 'demo_forward').isDeclaration, true);
});

test('page-flag generators define the Page*/folio_* helpers, pointing at the right argument', () => {
  const result = extract('pageflags.h');
  const locked = only(result, 'folio_test_locked');
  assert.equal(locked.kind, 'generated');
  assert.equal(locked.generatedBy, '__PAGEFLAG(Locked, locked, PF_NO_TAIL)');
  assert.deepEqual(locked.nameRange, { start: { line: 2, character: 19 }, end: { line: 2, character: 25 } });
  assert.deepEqual(only(result, '__SetPageLocked').nameRange.start, { line: 2, character: 11 });
  for (const name of [
    'PageDirty',
    'SetPageDirty',
    'ClearPageDirty',
    'folio_test_dirty',
    'TestSetPageDirty',
    'folio_test_clear_dirty',
    'folio_set_waiters',
    'PageHighMem',
    'folio_test_highmem',
    'PageBuddy',
    '__folio_clear_buddy',
  ]) {
    only(result, name);
  }
  assert.equal(
    result.definitions.some((d) => d.name === 'SetPageLocked'),
    false,
    '__PAGEFLAG uses the non-atomic setters',
  );
  assert.equal(
    result.definitions.some((d) => d.name === 'Pagex'),
    false,
    'uses inside #define bodies are not invocations',
  );
});

test('arch/<arch>/ paths give the definition an arch; other paths are generic', () => {
  assert.equal(archOfPath('arch/x86/include/asm/pgtable.h'), 'x86');
  assert.equal(archOfPath('include/linux/pgtable.h'), undefined);
  const result = extractText('int demo_arch_var;\n', 'arch/arm64/mm/demo.c');
  assert.equal(result.definitions[0].arch, 'arm64');
});

test('ERROR regions: a function hidden in macro soup is recovered with its calls', () => {
  // An unknown annotation plus a conditional between the signature and the body: tree-sitter-c gives up.
  const text =
    'static int demo_hidden(int a) DEMO_ANNOT(x)\n#ifdef DEMO_Y\n#endif\n{\n\tdemo_callee(a);\n\treturn 0;\n}\n';
  const tree = parseKernelC(parser, text);
  try {
    assert.equal(tree.rootNode.firstChild!.type, 'ERROR', 'the fixture really produces an ERROR node');
  } finally {
    tree.delete();
  }
  const result = extractText(text);
  const hidden = result.definitions.filter((d) => d.name === 'demo_hidden');
  assert.equal(hidden.length, 1);
  assert.equal(hidden[0].kind, 'function');
  const call = refs(result, 'demo_callee')[0];
  assert.equal(call.isCall, true);
  assert.equal(call.enclosingFunction, 'demo_hidden');
});

test('invalid UTF-8 and binary-looking text do not break extraction', () => {
  const binary = Buffer.from([
    0x7f, 0x45, 0x4c, 0x46, 0xff, 0xfe, 0x00, 0x00, 0xc3, 0x28, 0x69, 0x6e, 0x74, 0x20, 0x78, 0x3b,
  ]).toString('utf8');
  const result = extractText(binary + '\nint demo_after_garbage(void) { return 0; }\n');
  assert.ok(result.definitions.some((d) => d.name === 'demo_after_garbage'));
});

test('references: code only — no include paths, directive keywords, comments or strings; members marked', () => {
  const text = [
    '#include <linux/demo_header.h>',
    '#if defined(CONFIG_DEMO) /* a comment that',
    '   spans lines: hidden_word */',
    'static int demo_x = DEMO_INIT;',
    '#endif',
    'void demo_f(struct demo *d) { d->member = demo_x; call_me("not_code", \'c\'); /* skipped_word */ }',
    '',
  ].join('\n');
  const result = extractText(text);
  const names = result.references.map((r) => r.name);
  for (const absent of [
    'include',
    'linux',
    'demo_header',
    'h',
    'if',
    'defined',
    'endif',
    'hidden_word',
    'spans',
    'not_code',
    'skipped_word',
    'c',
  ]) {
    assert.equal(names.includes(absent), false, absent);
  }
  assert.equal(refs(result, 'CONFIG_DEMO')[0].inPreprocessor, true);
  assert.equal(refs(result, 'DEMO_INIT')[0].inPreprocessor, false);
  assert.equal(refs(result, 'member')[0].isMember, true);
  assert.equal(
    refs(result, 'd').some((r) => r.isMember),
    false,
  );
  assert.deepEqual(
    refs(result, 'demo_x').map((r) => [r.range.start.line, r.isDefinition, r.enclosingFunction]),
    [
      [3, true, undefined],
      [5, false, 'demo_f'],
    ],
  );
  assert.equal(refs(result, 'call_me')[0].isCall, true);
});
