import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../server/src/main';
import { captureIo } from '../captureIo';
import { buildIndexForTests } from '../../server/src/indexing/testing';
import { snippetParser } from '../../server/src/semantics/snippetParser';
import { DiskSources } from '../../server/src/semantics/sourceAccess';
import { TypeResolver } from '../../server/src/semantics/typeResolver';
import { OpsTables, type OpsStore } from '../../server/src/knowledge/opsTables';
import { scanFieldStores } from '../../server/src/parsing/fieldStores';
import { offsetOf, withDocument } from '../semantics/helpers';

const ROOT = path.join(__dirname, '..', 'fixtures', 'ops-tree');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const names = (stores: OpsStore[]) =>
  stores.map((s) => `${s.function}@${s.file}${s.inferred ? ' (inferred)' : ''}`).sort();

async function setup() {
  const index = await buildIndexForTests(ROOT);
  const parser = await snippetParser();
  const resolver = new TypeResolver({ index, parser, sources: new DiskSources((file) => index.absolutePath(file)) });
  const readText = (file: string) => {
    try {
      return read(file);
    } catch {
      return undefined;
    }
  };
  return { index, parser, resolver, ops: new OpsTables(index, readText, { resolver, parser }), readText };
}

test('field stores: designated initialisers, arrays, nested, compound literals, &f, assignments; not comments', () => {
  const text = [
    'static const struct a_ops one = { .run = run_one, /* .run = in_comment, */ .stop = NULL, };',
    'static struct a_ops many[] __initdata = { { .run = run_two }, [3] = { .run = (void *)&run_three }, };',
    'static struct holder h = { .ops = { .run = nested_run }, .inner.run = chained };',
    'void f(struct x *p) { p->run = by_arrow; s.run = by_dot; if (a.run == b) g(); q = (struct a_ops){ .run = lit }; }',
    '#define TABLE { .run = in_macro }',
    'char *s = ".run = in_string;";',
  ].join('\n');
  const stores = scanFieldStores(text, {
    memberStructType: (outer, field) => (outer === 'holder' && field === 'ops' ? 'a_ops' : undefined),
  });
  assert.deepEqual(
    stores.map((s) => `${s.kind} ${s.structType ?? '?'}.${s.field} = ${s.value}`),
    [
      'initializer a_ops.run = run_one',
      'initializer a_ops.run = run_two',
      'initializer a_ops.run = run_three',
      'initializer a_ops.run = nested_run',
      'initializer ?.run = chained',
      'assignment ?.run = by_arrow',
      'assignment ?.run = by_dot',
      'initializer a_ops.run = lit',
    ],
  );
  for (const store of stores)
    assert.equal(text.slice(store.valueOffset, store.valueOffset + store.value.length), store.value);
});

// A block comment opened on a directive line and closed on the next one is blanked whole: its tail was read as code
// and the designator after it was not seen as one (6.12-style `#endif /* CONFIG_A &&` / ` * CONFIG_B */`).
test('field stores: a designator after a directive whose comment spans two lines', () => {
  const text = [
    'static const struct a_ops t = {',
    '#if defined(CONFIG_A) && \\',
    '\tdefined(CONFIG_B)',
    '\t.run = run_a,',
    '#endif /* CONFIG_A &&',
    '\t * CONFIG_B */',
    '\t.stop = &stop_b,',
    '};',
  ].join('\n');
  assert.deepEqual(
    scanFieldStores(text).map((s) => `${s.kind} ${s.structType ?? '?'}.${s.field} = ${s.value}`),
    ['initializer a_ops.run = run_a', 'initializer a_ops.stop = stop_b'],
  );
});

test('implementations are keyed by (struct type, field); a same-named field of another struct stays apart', async () => {
  const { ops } = await setup();
  assert.deepEqual(ops.functionPointerTypes('fault'), ['fault_injector_ops', 'vm_operations_struct']);
  assert.deepEqual(ops.functionPointerTypes('flags'), [], 'a data field is no function pointer');
  assert.deepEqual(ops.functionPointerTypes('page_mkwrite'), ['vm_operations_struct'], '(* const name)');
  assert.deepEqual(names(ops.implementations('dev_pagemap_ops', 'migrate_to_ram')), [
    'dmirror_devmem_fault@lib/test_hmm.c',
    'nouveau_dmem_migrate_to_ram@drivers/gpu/nouveau/nouveau_dmem.c',
    'svm_migrate_to_ram@drivers/gpu/amdkfd/kfd_migrate.c',
  ]);
  assert.deepEqual(names(ops.implementations('vm_operations_struct', 'fault')), ['dax_like_fault@fs/dax_like.c']);
  assert.deepEqual(names(ops.implementations('fault_injector_ops', 'fault')), [
    'nouveau_inject@drivers/gpu/nouveau/nouveau_dmem.c',
  ]);
  assert.deepEqual(names(ops.implementations('vm_operations_struct', 'huge_fault')), [
    'dax_like_fault@fs/dax_like.c',
    'kfd_huge_fault@drivers/gpu/amdkfd/kfd_migrate.c (inferred)',
  ]);
  assert.deepEqual(names(ops.implementations('vm_operations_struct', 'page_mkwrite')), [
    'dax_like_mkwrite@fs/dax_like.c',
  ]);
  const installed = ops.storesOfFunction('dmirror_devmem_fault');
  assert.deepEqual(
    installed.map((s) => [s.type, s.field, s.file, s.line, s.kind]),
    [['dev_pagemap_ops', 'migrate_to_ram', 'lib/test_hmm.c', 14, 'initializer']],
  );
});

test('without the type service an assignment is attributed by the field name, marked inferred', async () => {
  const { index, readText } = await setup();
  const lexicalOnly = new OpsTables(index, readText);
  const svm = lexicalOnly
    .implementations('dev_pagemap_ops', 'migrate_to_ram')
    .find((s) => s.function === 'svm_migrate_to_ram');
  assert.equal(svm?.inferred, true);
});

test('a call through a field resolves by the type of its object, else by the field name (inferred)', async () => {
  const { ops, parser, resolver } = await setup();
  const text = read('mm/memory.c');
  withDocument(parser, text, 'mm/memory.c', (document) => {
    const at = (line: string, word: string) => {
      const start = offsetOf(text, line, word);
      return ops.callThrough(resolver, document, start, start + word.length);
    };
    for (const line of [
      'ret = vmf->page->pgmap->ops->migrate_to_ram(vmf)',
      'ret = (*page->pgmap->ops->migrate_to_ram)(vmf)',
    ]) {
      const call = at(line, 'migrate_to_ram');
      assert.equal(call?.type, 'dev_pagemap_ops', line);
      assert.equal(call?.inferred, false);
      assert.equal(call?.targets.length, 3);
    }
    const fault = at('return vma->vm_ops->fault(vmf)', 'fault');
    assert.equal(fault?.type, 'vm_operations_struct');
    assert.deepEqual(names(fault?.targets ?? []), ['dax_like_fault@fs/dax_like.c']);
    const unknown = at('return THING(thing)->huge_fault(vmf, 9)', 'huge_fault');
    assert.equal(unknown?.inferred, true);
    assert.equal(unknown?.type, undefined);
    assert.equal(unknown?.targets.length, 2);
    assert.equal(at('struct page *page = vmf->page', 'page'), undefined, 'not a function-pointer field');
  });
});

test('kernel-mm-lens implementations TYPE.FIELD --json answers from the same tables', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-impl-'));
  const captured = captureIo();
  const status = await main(
    ['implementations', 'dev_pagemap_ops.migrate_to_ram', '--root', ROOT, '--cache-dir', cacheDir, '--json'],
    captured.io,
  );
  assert.equal(status, 0, captured.errors());
  const rows = JSON.parse(captured.text()) as Array<{ function: string; definition: { file: string; line: number } }>;
  assert.deepEqual(rows.map((row) => `${row.function} ${row.definition.file}:${row.definition.line}`).sort(), [
    'dmirror_devmem_fault lib/test_hmm.c:8',
    'nouveau_dmem_migrate_to_ram drivers/gpu/nouveau/nouveau_dmem.c:4',
    'svm_migrate_to_ram drivers/gpu/amdkfd/kfd_migrate.c:4',
  ]);
  const missing = captureIo();
  assert.equal(
    await main(['implementations', 'dev_pagemap_ops.flags', '--root', ROOT, '--cache-dir', cacheDir], missing.io),
    1,
  );
  assert.match(missing.errors(), /no function-pointer field flags in struct dev_pagemap_ops/);
});

// A function a table macro generates has no definition of its own; a static function of the same name in another
// .c file is not it (6.12: drivers/acpi/bgrt.c's BGRT_SHOW(version) was sent to the speakup driver's version_show).
// A function of another file that is not static is (shared_show), and so is any for a table in a header.
// Hand-written tree test/fixtures/ops-truth-tree.
test('the definition of a stored function is never a static function of another .c file', async () => {
  const truthTree = path.join(__dirname, '..', 'fixtures', 'ops-truth-tree');
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-impl-static-'));
  const implementations = captureIo();
  const args = ['--root', truthTree, '--cache-dir', cacheDir, '--json'];
  assert.equal(await main(['implementations', 'kobj_attribute.show', ...args], implementations.io), 0);
  const rows = JSON.parse(implementations.text()) as Array<{
    function: string;
    macro?: string;
    definition: { file: string; line: number } | null;
  }>;
  assert.deepEqual(
    rows.map((row) => `${row.function} ${row.macro ?? '-'} ${row.definition ? row.definition.file : 'none'}`),
    [
      'shared_show - drivers/demo/demo_other.c',
      'version_show DEMO_SHOW none',
      // A table in a header is compiled by the .c file that includes it: its static function is the one.
      'header_show - drivers/demo/demo_other.c',
    ],
  );
  const calls = captureIo();
  assert.equal(await main(['calls', 'demo_read', '--outgoing', ...args], calls.io), 0);
  const callees = (JSON.parse(calls.text()) as { calls: Array<{ function: { name: string; file: string } }> }).calls;
  assert.deepEqual(callees.map((c) => `${c.function.name} ${c.function.file}`).sort(), [
    'header_show drivers/demo/demo_other.c',
    'shared_show drivers/demo/demo_other.c',
  ]);
});
