import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCatalog, type CatalogEntry } from '../../server/src/knowledge/catalog';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import { pendingChanges, versionStatus } from '../../server/src/knowledge/versionStatus';

const catalog = getCatalog();
const v = (text: string) => parseKernelVersion(text)!;
const entry = (name: string) => {
  const found = catalog.lookup(name);
  assert.ok(found, `no catalog entry ${name}`);
  return found;
};

test('a symbol introduced later is "not in this tree yet" in an older tree', () => {
  const status = versionStatus(entry('make_device_exclusive'), v('6.1'), { definedInTree: false });
  assert.equal(status.state, 'not-yet');
  assert.equal(status.text, 'Not in this tree yet (6.1): added in 6.15.');
  // Unknown whether the tree defines it (no index): the release number is all it says.
  assert.equal(
    versionStatus(entry('softleaf_from_pte'), v('6.12')).text,
    "Added in 6.19, after this tree's release (6.12); without the index a backport is not ruled out.",
  );
  assert.match(
    versionStatus(entry('softleaf_from_pte'), v('6.12'), { definedInTree: true }).text,
    /^Not in this tree yet \(6\.12\): added in 6\.19\. This tree defines it anyway \(a backport\?\)\.$/,
  );
  const folioWalk = versionStatus(entry('folio_walk_start'), v('6.12'));
  assert.equal(folioWalk.state, 'present');
  assert.equal(folioWalk.text, "Introduced in 6.12, this tree's release; exists in this tree (6.12).");
  assert.match(
    versionStatus(entry('folio_walk_start'), v('6.17')).text,
    /^Introduced in 6\.12; exists in this tree \(6\.17\); last changed in 6\.17 \(no longer skips devmap PUDs/,
  );
});

test("a present symbol names the newest change the tree's release has: the form of the API in this tree", () => {
  const pagemap = entry('get_dev_pagemap');
  assert.match(
    versionStatus(pagemap, v('6.19')).text,
    /^Present by 6\.1; exists in this tree \(6\.19\); last changed in 6\.18 \(second parameter \(pgmap to reuse\) removed: get_dev_pagemap\(pfn\)\)\.$/,
  );
  // Before 6.18 the tree still has the two-argument form: the 6.18 change is not claimed for it.
  assert.doesNotMatch(versionStatus(pagemap, v('6.17')).text, /6\.18/);
  // A change made in the release that introduced the symbol is how it arrived, not a later change.
  assert.doesNotMatch(versionStatus(entry('make_device_exclusive'), v('6.19')).text, /last changed/);
});

test('a removed symbol: "removed upstream" before the removal, "removed" at or after it, with the replacement', () => {
  const old = versionStatus(entry('make_device_exclusive_range'), v('6.1'));
  assert.equal(old.state, 'removed-upstream');
  assert.equal(old.text, 'Exists in this tree (6.1); removed upstream in 6.15 — use `make_device_exclusive`.');
  const gone = versionStatus(entry('make_device_exclusive_range'), v('6.17'));
  assert.equal(gone.state, 'removed');
  assert.equal(gone.text, 'Not in 6.17: was removed in 6.15 — use `make_device_exclusive`.');
  const devmap = versionStatus(entry('pmd_devmap'), v('6.12'));
  assert.equal(devmap.removed, '6.17');
  assert.match(devmap.text, /removed upstream in 6\.17 — use `pmd_trans_huge`/);
  const kconfig = versionStatus(entry('ARCH_HAS_PTE_DEVMAP'), v('6.12'));
  assert.match(kconfig.text, /removed upstream in 6\.17 — delete the `select` line/);
});

test('what the index found refines the wording', () => {
  const backport = versionStatus(entry('make_device_exclusive_range'), v('6.17'), { definedInTree: true });
  assert.match(backport.text, /still defined in this tree/);
  const missing = versionStatus(entry('pmd_devmap'), v('6.12'), { definedInTree: false });
  assert.match(missing.text, /^Expected in 6\.12 but not found in this tree's index; removed upstream in 6\.17/);
});

test('"at-or-before" bounds never claim an exact first release', () => {
  const e = entry('get_user_page_vma_remote');
  assert.equal(e.status.introduced?.bound, 'at-or-before');
  assert.match(versionStatus(e, v('6.17')).text, /^Present by 6\.12; exists in this tree/);
  const older = versionStatus(e, v('6.5'));
  assert.equal(older.state, 'unknown');
  assert.match(older.text, /first release is not recorded/);
  assert.equal(versionStatus(e, v('6.5'), { definedInTree: true }).state, 'present');
});

test('unknown tree version and entries without history', () => {
  const unknown = versionStatus(entry('pfn_t'), undefined);
  assert.equal(unknown.state, 'unknown');
  assert.match(unknown.text, /removed upstream in 6\.17 \(this tree's version is unknown\)/);
  const bare: CatalogEntry = {
    name: 'x',
    kind: 'function',
    topics: ['hmm'],
    summary: 's',
    explanation: 'e',
    status: {},
    sources: ['t'],
  };
  assert.equal(versionStatus(bare, v('6.12')).text, 'No release history recorded.');
});

test('pending changes are the ones after the tree', () => {
  const e = entry('restore_exclusive_pte');
  assert.ok(pendingChanges(e, v('6.12')).length >= 2);
  assert.equal(pendingChanges(e, v('6.15')).length, 0);
});
