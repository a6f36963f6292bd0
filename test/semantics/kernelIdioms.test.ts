import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { memberAt, type MemberResolution } from '../../server/src/semantics/symbolResolution';
import { offsetOf, withDocument } from './helpers';
import { loadFixtureTree, type FixtureTree } from './fixtureTree';

// Each case is a kernel idiom the member resolution once got wrong or could not read (measured over every
// `a->f` / `a.f` of mm/*.c and fs/dax.c in 6.12); the inputs are hand-written in test/fixtures/semantics.
let tree: FixtureTree;
before(async () => {
  tree = await loadFixtureTree();
});

function member(lineContains: string, word: string, nth = 0): MemberResolution {
  const file = 'mm/idioms.c';
  const text = tree.read(file);
  return withDocument(tree.parser, text, file, (document) => {
    const start = offsetOf(text, lineContains, word, nth);
    const found = memberAt(tree.resolver, document, start, start + word.length);
    assert.ok(found, `${word} is a member on "${lineContains}"`);
    return found;
  });
}

void test('fields declared by a macro (DECLARE_BITMAP, DECLARE_FLEX_ARRAY) are fields, typed through the macro', () => {
  const cpus = member('local.counted += s->cpus[0]', 'cpus');
  assert.equal(cpus.fields[0]?.declaration, 'DECLARE_BITMAP(cpus, 64)');
  assert.equal(cpus.fields[0]?.file, 'include/linux/demo_stats.h');
  const end = member('local.counted += s->cpus[0]', 'end');
  assert.equal(end.record?.name, 'range');
});

void test('designators in a row choose the object: `.first.hits = 1`', () => {
  assert.equal(member('.first.hits = 1', 'first').record?.name, 'demo_pair');
  assert.equal(member('.first.hits = 1', 'hits').record?.name, 'demo_stats');
  assert.equal(member('.second = { .hits = 2 }', 'hits').record?.name, 'demo_stats');
});

void test('a struct defined inside the function', () => {
  assert.equal(member('local.counted += s->cpus[0]', 'counted').record?.name, 'local_only');
});

void test('a loop macro read as a declaration by the parser still leaves the parameter `s` a parameter', () => {
  const ranges = member('per_cpu_ptr(s->ranges, cpu)->start', 'ranges');
  assert.equal(ranges.record?.name, 'demo_stats');
  assert.equal(member('per_cpu_ptr(s->ranges, cpu)->start', 'start').record?.name, 'range');
});

void test('a per-CPU global defined by DEFINE_PER_CPU, an array global, an object-like macro as a value', () => {
  assert.equal(member('return this_cpu_ptr(&demo_pcpu)->hits', 'hits').record?.name, 'demo_stats');
  assert.equal(member('demo_table[1].hits + demo_default.hits', 'hits', 0).record?.name, 'demo_stats');
  assert.equal(member('demo_table[1].hits + demo_default.hits', 'hits', 1).record?.name, 'demo_stats');
});

void test('a struct or global of another .c file (a tools/ program) is never the answer', () => {
  const hits = member('demo_table[1].hits + demo_default.hits', 'hits', 0);
  assert.equal(hits.record?.file, 'include/linux/demo_stats.h');
  assert.ok(hits.record?.fields.every((field) => field.name !== 'tools_only'));
});

void test('a struct defined in another .c file of the same folder loses to the header, even when not included directly', () => {
  const file = 'mm/indirect.c';
  const text = tree.read(file);
  const found = withDocument(tree.parser, text, file, (document) => {
    const start = offsetOf(text, 'return s->hits', 'hits');
    return memberAt(tree.resolver, document, start, start + 4);
  });
  assert.equal(found?.record?.file, 'include/linux/demo_stats.h');
  assert.equal(found?.fields.length, 1);
});
