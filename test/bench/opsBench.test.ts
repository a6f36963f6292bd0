import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { buildIndexForTests } from '../../server/src/indexing/testing';
import { runOpsBench, truthInitialisers, withoutConditionals } from '../../server/src/cli/bench/opsBench';
import { createCParser } from '../../server/src/parsing/treeSitter';

// The ops-table section of the bench on the hand-written tree of the ops-table tests: the grep + tree-sitter truth
// and the tables agree on initialisers; assignments are not in the truth and are not counted against precision.
test('ops-table bench: recall and precision against the initialiser truth, and the call-hierarchy checks', async () => {
  const index = await buildIndexForTests(path.join(__dirname, '..', 'fixtures', 'ops-tree'));
  const report = await runOpsBench(index, () => undefined);
  const migrate = report.fields.find((f) => f.type === 'dev_pagemap_ops' && f.field === 'migrate_to_ram');
  assert.deepEqual([migrate?.truth, migrate?.found, migrate?.assignments], [2, 2, 1]);
  const huge = report.fields.find((f) => f.field === 'huge_fault');
  assert.deepEqual([huge?.truth, huge?.found], [1, 1], 'the compound literal is an initialiser of the type');
  assert.equal(report.recall, 1);
  assert.equal(report.precision, 1);
  assert.deepEqual(report.doSwapPageTargets, [
    'dmirror_devmem_fault via dev_pagemap_ops.migrate_to_ram',
    'nouveau_dmem_migrate_to_ram via dev_pagemap_ops.migrate_to_ram',
    'svm_migrate_to_ram via dev_pagemap_ops.migrate_to_ram',
  ]);
  assert.deepEqual(report.dmirrorCallers, ['do_swap_page (mm/memory.c) via dev_pagemap_ops.migrate_to_ram']);
});

// The truth reads every branch: tree-sitter's C grammar takes `#ifdef` inside an initializer list for an error and
// lost the store under it (6.12: shmem_aops, swap_aops, bcachefs and vfio_pci_mmap_ops were counted against
// precision although the stores are real). Hand-written tree with such stores, an #if/#else pair with a continued
// condition and a comment on the #endif that spans lines.
const truthTree = path.join(__dirname, '..', 'fixtures', 'ops-truth-tree');

test('ops-table truth: stores under #ifdef/#else inside an initializer list are initialisers', async () => {
  const parser = await createCParser();
  try {
    const aops = truthInitialisers(truthTree, 'address_space_operations', new Set(['migrate_folio']), parser);
    assert.deepEqual([...(aops.get('migrate_folio') ?? [])], ['mm/demo_swap.c:migrate_folio']);
    const vm = truthInitialisers(truthTree, 'vm_operations_struct', new Set(['huge_fault', 'page_mkwrite']), parser);
    assert.deepEqual(
      [...(vm.get('huge_fault') ?? [])].sort(),
      ['drivers/demo/demo_mmap.c:demo_huge_fault', 'drivers/demo/demo_mmap.c:demo_small_fault'],
      'both branches',
    );
    assert.deepEqual([...(vm.get('page_mkwrite') ?? [])], ['drivers/demo/demo_mmap.c:demo_mkwrite']);
  } finally {
    parser.delete();
  }
});

test('ops-table truth: conditional directives blanked in place, comments and #define kept', () => {
  const text = '#if defined(A) && \\\n\tdefined(B)\nint x;\n#else\n#define Y 1\n#endif /* A &&\n * B */\n';
  const blanked = withoutConditionals(text);
  assert.equal(blanked.length, text.length);
  assert.deepEqual(
    blanked.split('\n').map((l) => l.trim()),
    ['', '', 'int x;', '', '#define Y 1', '/* A &&', '* B */', ''],
  );
});

test('ops-table bench: implementation at the field declaration matches the truth on #ifdef stores', async () => {
  const index = await buildIndexForTests(truthTree);
  const report = await runOpsBench(index, () => undefined);
  const present = report.fields.filter((f) => f.truth > 0);
  assert.deepEqual(present.map((f) => `${f.type}.${f.field}:${f.found}/${f.truth}/${f.ours}:${f.asked}`).sort(), [
    'address_space_operations.migrate_folio:1/1/1:declaration',
    'vm_operations_struct.huge_fault:2/2/2:declaration',
    'vm_operations_struct.page_mkwrite:1/1/1:declaration',
  ]);
  assert.equal(report.recall, 1);
  assert.equal(report.precision, 1);
});
