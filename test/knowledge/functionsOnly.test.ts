import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractText } from '../../server/src/indexing/fileExtraction';
import { functionsOnly } from '../../server/src/knowledge/indirectCalls';
import { macroArgumentTest } from '../../server/src/parsing/macroStores';
import type { Definition } from '../../server/src/indexing/types';

// The typed calls through a field parse only the functions that hold a call (rows and columns kept), and the
// installs of a function read a file for table macros only when an argument could make its name.

const SOURCE = [
  '#include <linux/demo.h>', // 0
  'static int helper(void)', // 1
  '{', // 2
  '\treturn 1;', // 3
  '}', // 4
  'static vm_fault_t', // 5
  'demo_put(struct demo *d)', // 6
  '{', // 7
  '\treturn d->ops->release(d);', // 8
  '}', // 9
  'int other(struct demo *d) { return d->ops->probe(d); }', // 10
  '', // 11
].join('\n');

function definitionsOf(text: string): Definition[] {
  return extractText('mm/demo.c', text).definitions.map((d) => ({
    name: d.name,
    kind: d.kind,
    file: 'mm/demo.c',
    range: { start: { line: d.startLine, character: d.startCol }, end: { line: d.endLine, character: d.endCol } },
    nameRange: {
      start: { line: d.nameLine, character: d.nameCol },
      end: { line: d.nameLine, character: d.nameEndCol },
    },
  }));
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

test('only the functions holding the kept lines remain, on their own rows and columns', () => {
  const starts = lineStarts(SOURCE);
  const reduced = functionsOnly(SOURCE, starts, definitionsOf(SOURCE), [8, 10])!;
  assert.ok(reduced);
  const lines = reduced.text.split('\n');
  assert.deepEqual(lines, ['', '', '', '', '', ...SOURCE.split('\n').slice(5, 11)]);
  const call = SOURCE.indexOf('release');
  assert.equal(reduced.text.slice(reduced.offsetOf(call), reduced.offsetOf(call) + 7), 'release');
  const probe = SOURCE.indexOf('probe');
  assert.equal(reduced.text.slice(reduced.offsetOf(probe), reduced.offsetOf(probe) + 5), 'probe');
  assert.equal(reduced.offsetOf(SOURCE.indexOf('return 1')), -1, 'helper() is not kept');
});

test('a kept line outside any function the index knows keeps the whole file', () => {
  assert.equal(functionsOnly(SOURCE, lineStarts(SOURCE), definitionsOf(SOURCE), [0]), undefined);
});

test('table macros are looked for only where an argument can make the name', () => {
  const kvfree = macroArgumentTest('kvfree')!;
  assert.ok(kvfree.test('static struct device_attribute a = __ATTR(a, 0644, kvfree, NULL);'));
  assert.ok(kvfree.test('DEVICE_ATTR(a, 0644, kvfree /* why */, NULL);'));
  assert.ok(!kvfree.test('\tkvfree(p);\n\tkvfree (q);'));
  const show = macroArgumentTest('enabled_show')!;
  assert.ok(show.test('static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);'));
  assert.ok(!show.test('static ssize_t enabled_show(struct kobject *k) { return 0; }'));
  // A name a macro stores as written (seq_read): every invocation may store it.
  assert.equal(macroArgumentTest('seq_read'), undefined);
});

test('a caller whose withDocument parses the whole file itself gets the same typed calls', async () => {
  const { buildIndexForTests } = await import('../../server/src/indexing/testing');
  const { opsTablesOnDisk } = await import('../../server/src/knowledge/opsTableAccess');
  const { indirectCallersOf } = await import('../../server/src/knowledge/indirectCalls');
  const path = await import('path');
  const describe = (callers: Array<{ caller: string; file: string; type?: string; field: string }>) =>
    callers.map((c) => `${c.caller} ${c.file} ${c.type}.${c.field}`);
  const answer = async (passText: boolean) => {
    const index = await buildIndexForTests(path.join(__dirname, '..', 'fixtures', 'ops-tree'));
    const access = await opsTablesOnDisk(index);
    return describe(
      await indirectCallersOf(
        access.ops,
        index,
        access.resolver,
        (file, use, text) => access.withDocument(file, use, passText ? text : undefined),
        'dmirror_devmem_fault',
      ),
    );
  };
  const reduced = await answer(true);
  // Two calls in do_swap_page.
  assert.deepEqual(reduced, [
    'do_swap_page mm/memory.c dev_pagemap_ops.migrate_to_ram',
    'do_swap_page mm/memory.c dev_pagemap_ops.migrate_to_ram',
  ]);
  assert.deepEqual(await answer(false), reduced);
});
