import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import {
  compileNameGenerators,
  generatedNames,
  generatorMacros,
  NameGeneratorError,
} from '../../server/src/parsing/nameGenerators';
import { attributeMacros, findAttributeSpans, maskAttributeMacros } from '../../server/src/parsing/kernelSource';
import { dataDir } from '../../server/src/base/paths';

test('PAGEFLAG expands through TESTPAGEFLAG/SETPAGEFLAG/CLEARPAGEFLAG into page and folio helpers', () => {
  const names = generatedNames('PAGEFLAG', ['Referenced', 'referenced', 'PF_HEAD'])!;
  assert.deepEqual(names.map((n) => n.name).sort(), [
    'ClearPageReferenced',
    'PageReferenced',
    'SetPageReferenced',
    'folio_clear_referenced',
    'folio_set_referenced',
    'folio_test_referenced',
  ]);
  assert.ok(names.every((n) => n.kind === 'generated'));
  assert.equal(names.find((n) => n.name === 'PageReferenced')!.argIndex, 0);
  assert.equal(names.find((n) => n.name === 'folio_test_referenced')!.argIndex, 1);
});

test('other generators: __PAGEFLAG, TESTSCFLAG, PAGE_TYPE_OPS, SYSCALL_DEFINEn, DEFINE_PER_CPU, DECLARE_*', () => {
  assert.deepEqual(
    generatedNames('__PAGEFLAG', ['Locked', 'locked', 'PF_NO_TAIL'])!
      .map((n) => n.name)
      .sort(),
    [
      'PageLocked',
      '__ClearPageLocked',
      '__SetPageLocked',
      '__folio_clear_locked',
      '__folio_set_locked',
      'folio_test_locked',
    ],
  );
  assert.deepEqual(
    generatedNames('TESTSCFLAG', ['Active', 'active', 'PF_HEAD'])!
      .map((n) => n.name)
      .sort(),
    ['TestClearPageActive', 'TestSetPageActive', 'folio_test_clear_active', 'folio_test_set_active'],
  );
  assert.deepEqual(
    generatedNames('SYSCALL_DEFINE3', [
      'madvise',
      'unsigned long',
      'start',
      'size_t',
      'len_in',
      'int',
      'behavior',
    ])!.map((n) => [n.name, n.kind]),
    [
      ['sys_madvise', 'function'],
      ['__do_sys_madvise', 'generated'],
    ],
  );
  assert.deepEqual(generatedNames('DEFINE_PER_CPU', ['struct demo', 'demo_pcp']), [
    { name: 'demo_pcp', kind: 'variable', argIndex: 1 },
  ]);
  assert.equal(generatedNames('DECLARE_STATIC_KEY_FALSE', ['demo_key'])![0].isDeclaration, true);
  assert.equal(generatedNames('PAGE_TYPE_OPS', ['Buddy', 'buddy', 'buddy'])!.length, 6);
});

test('not a generator, wrong arity or expression arguments give nothing', () => {
  assert.equal(generatedNames('kmalloc', ['size', 'GFP_KERNEL']), undefined);
  assert.equal(generatedNames('PAGEFLAG', ['Dirty', 'dirty']), undefined);
  assert.equal(generatedNames('DEFINE_MUTEX', ['a', 'b']), undefined);
  assert.equal(generatedNames('DEFINE_MUTEX', ['&lock']), undefined);
});

test('every generator in the shipped data names its 6.12 source header and compiles', () => {
  const document = parseYaml(fs.readFileSync(path.join(dataDir(), 'name-generators.yaml'), 'utf8'));
  const compiled = compileNameGenerators(document);
  assert.ok(compiled.size >= 60);
  for (const entry of document.generators)
    assert.match(
      entry.source,
      /^(include\/(linux|asm-generic|uapi\/linux)|mm|arch\/\w+\/include\/asm|tools\/lib\/bpf)\/[\w/-]+\.h$/,
      entry.macro,
    );
  assert.ok(generatorMacros().includes('FOLIO_FLAG'));
});

test('malformed generator data is rejected with a message naming the entry', () => {
  const bad = (generators: unknown, pattern: RegExp) =>
    assert.throws(
      () => compileNameGenerators({ generators }),
      (err: Error) => err instanceof NameGeneratorError && pattern.test(err.message),
    );
  bad(undefined, /"generators" list is missing/);
  bad([{ macro: 'X', params: ['a'], produces: [{ name: '{a}', kind: 'variable' }] }], /X has no "source"/);
  bad(
    [{ macro: 'X', source: 'h.h', params: ['a'], produces: [{ name: '{b}', kind: 'variable' }] }],
    /\{b\} is not one of its params/,
  );
  bad([{ macro: 'X', source: 'h.h', params: ['a'], produces: [{ name: '{a}', kind: 'bogus' }] }], /bad "produces"/);
  bad([{ macro: 'X', source: 'h.h', params: ['a'], includes: [{ macro: 'X', args: ['{a}'] }] }], /includes itself/);
  bad([{ macro: 'X', source: 'h.h', params: ['a'], includes: [{ macro: 'Y', args: ['{a}'] }] }], /unknown generator/);
});

test('attribute masking blanks annotations in code only, keeping every offset', () => {
  const text =
    '#define __init __section(".init.text")\nstatic int __init demo(void) /* __init */ { return __printf(1, 2) + f("__init"); }\n';
  const masked = maskAttributeMacros(text);
  assert.equal(masked.length, text.length);
  assert.ok(masked.startsWith('#define __init __section(".init.text")\n'), 'directives are left alone');
  assert.ok(masked.includes('static int        demo(void) /* __init */'));
  assert.ok(masked.includes('return                + f("__init")'));
  assert.deepEqual(
    findAttributeSpans(text).map((s) => s.name),
    ['__init', '__printf'],
  );
  assert.ok(attributeMacros().plain.has('__must_check'));
});
