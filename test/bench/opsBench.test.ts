import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { buildIndexForTests } from '../../server/src/indexing/testing';
import { runOpsBench } from '../../server/src/cli/bench/opsBench';

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
