import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { getChangeCatalog } from '../../../server/src/knowledge/changes/changeCatalog';
import {
  pickByEvidence,
  summarizeForSymbol,
  TreeChanges,
  treeChangesFor,
} from '../../../server/src/knowledge/changes/treeChanges';
import { FileTreeSource, IndexTreeSource } from '../../../server/src/knowledge/changes/treeSource';
import { evaluateProbe } from '../../../server/src/knowledge/changes/probes';
import { indexFixture } from '../fixtureIndex';

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'changes');
const partial = path.join(fixtures, 'tree-6.12-partial');
const modern = path.join(fixtures, 'tree-6.19');

/** 1-based line of the first line of `file` containing `snippet`: found by plain text search, not by the engine. */
function lineOf(root: string, file: string, snippet: string): number {
  const index = fs
    .readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(snippet));
  assert.ok(index >= 0, `${snippet} not in ${file}`);
  return index + 1;
}

function statuses(changes: TreeChanges, ids: string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, changes.result(id)?.status ?? 'no such change']));
}

const DX_IDS = [
  'dx-fixes-01-gup-hugetlb',
  'dx-fixes-02-rmap-hugetlb',
  'dx-fixes-03-single-page-api',
  'dx-fixes-04-folio-walk',
  'dx-fixes-07-pvmw-not-migration',
  'dx-fixes-10-try-to-unmap-one',
  'dx-fixes-11-try-to-migrate-one',
  'dx-fixes-17-no-ebusy',
];
const NEW_API_IDS = [
  'softleaf-introduce',
  'softleaf-eliminate-predicates',
  'pgtable-level-enum',
  'get-dev-pagemap-one-param',
  'device-private-folio-free',
  'device-private-large-folios',
  'device-private-thp-migration',
  'hmm-pmd-swap-entry',
];

for (const mode of ['files', 'index'] as const) {
  const open = async (root: string) => {
    if (mode === 'files') return treeChangesFor(root);
    const { index } = await indexFixture(root);
    return treeChangesFor(root, { index });
  };

  void test(`[${mode}] a 6.12.y tree with partial backports: which fixes it has, from its code`, async () => {
    const changes = await open(partial);
    assert.equal(changes.basis, mode);
    assert.deepEqual(statuses(changes, DX_IDS), {
      'dx-fixes-01-gup-hugetlb': 'present',
      'dx-fixes-02-rmap-hugetlb': 'present',
      'dx-fixes-03-single-page-api': 'absent',
      'dx-fixes-04-folio-walk': 'absent',
      'dx-fixes-07-pvmw-not-migration': 'absent',
      'dx-fixes-10-try-to-unmap-one': 'present',
      'dx-fixes-11-try-to-migrate-one': 'absent',
      'dx-fixes-17-no-ebusy': 'absent',
    });
    // The stable tree's transitional softleaf typedef and macros are not the 6.19 leaf-entry API.
    for (const id of NEW_API_IDS) assert.equal(changes.result(id)?.status, 'absent', id);

    const gup = changes.result('dx-fixes-01-gup-hugetlb')!;
    assert.equal(gup.versionRelation, 'backport');
    assert.deepEqual(gup.evidence, {
      file: 'mm/gup.c',
      line: lineOf(partial, 'mm/gup.c', '(gup_flags & FOLL_SPLIT_PMD)'),
      text: 'if ((gup_flags & FOLL_SPLIT_PMD) &&',
    });
    const pvmw = changes.result('dx-fixes-07-pvmw-not-migration')!;
    assert.equal(pvmw.versionRelation, 'as-expected');
    assert.equal(pvmw.evidence?.file, 'mm/page_vma_mapped.c');
    assert.equal(pvmw.evidence?.line, lineOf(partial, 'mm/page_vma_mapped.c', 'is_migration_entry(entry) &&'));
    const rmapHugetlb = changes.result('dx-fixes-02-rmap-hugetlb')!;
    assert.equal(rmapHugetlb.evidence?.line, lineOf(partial, 'mm/rmap.c', 'folio_test_hugetlb( folio )'));
  });

  void test(`[${mode}] a 6.19-style tree has the 6.15-6.19 changes; the pending ones stay absent`, async () => {
    const changes = await open(modern);
    for (const id of DX_IDS) assert.equal(changes.result(id)?.status, 'present', id);
    for (const id of NEW_API_IDS) assert.equal(changes.result(id)?.status, 'present', id);
    for (const id of [
      'dx-cleanups-3-folio-and-pte',
      'dx-cleanups-5-notify-clear',
      'dx-fixes-05-writability',
      'dx-fixes-06-single-swap-type',
      'do-swap-page-trylock',
    ]) {
      assert.equal(changes.result(id)?.status, 'present', id);
    }
    assert.equal(changes.result('hmm-livelock-wait-on-locked')?.status, 'absent');
    assert.equal(changes.result('zone-device-page-init-pgmap')?.status, 'absent');
    assert.equal(changes.result('softleaf-introduce')?.versionRelation, 'as-expected');
    const params = changes.result('get-dev-pagemap-one-param')!;
    assert.equal(
      params.evidence?.line,
      lineOf(modern, 'include/linux/memremap.h', 'get_dev_pagemap(unsigned long pfn)'),
    );
  });
}

void test('the index answers for the whole tree; the file fallback only for the files a probe names', async () => {
  // devmap_managed_key's removal is probed in mm/memremap.c and include/linux/mm.h: neither exists in the fixture.
  // The fallback cannot read them; the index sees the whole tree, but an absence from a tree that has none of the
  // files where the key lived proves no removal either, so both say unknown.
  assert.equal(treeChangesFor(partial).result('devmap-remove-managed-key')?.status, 'unknown');
  const { index } = await indexFixture(partial);
  assert.equal(treeChangesFor(partial, { index }).result('devmap-remove-managed-key')?.status, 'unknown');
  assert.ok(new IndexTreeSource(index).complete);
  // A symbol defined outside the files the data names: only the index finds it.
  const probe = { defines: 'folio_make_device_exclusive', in: ['mm/memory.c'] };
  assert.equal(evaluateProbe(probe, new IndexTreeSource(index)).outcome, 'holds');
  assert.equal(evaluateProbe(probe, new FileTreeSource(partial)).outcome, 'fails');
});

void test("a symbol's summary says what is backported and what is not, with the mainline release as context", () => {
  const changes = treeChangesFor(partial);
  const summary = summarizeForSymbol(changes, 'make_device_exclusive_range');
  assert.deepEqual(summary.backported.map((r) => r.change.id).sort(), [
    'dx-fixes-01-gup-hugetlb',
    'dx-fixes-02-rmap-hugetlb',
  ]);
  assert.match(
    summary.text!,
    /^Backported in this tree \(6\.12\): "v2 01\/17 mm\/gup: reject FOLL_SPLIT_PMD with hugetlb VMAs" \(mainline 6\.15\); "v2 02\/17 mm\/rmap: reject hugetlb folios in folio_make_device_exclusive\(\)" \(mainline 6\.15\)/,
  );
  assert.match(
    summary.text!,
    // More than two missing changes with tags: tags only, grouped by release (the subjects are listed further down).
    /; not in this tree: v2 03\/17, v2 04\/17, v2 17\/17 \(mainline 6\.15\)\.$/,
  );
  assert.equal(summarizeForSymbol(changes, 'no_such_symbol').text, undefined);
});

void test('a partly backported change lists which of its parts the tree has', () => {
  const catalog = getChangeCatalog();
  const change = catalog.byId('dx-fixes-10-try-to-unmap-one')!;
  // Same change, one probe's function missing its pte_clear(): a tree in the middle of a backport.
  const trimmed = {
    ...change,
    probes: change.probes.map((probe) =>
      probe.calls === 'pte_clear' ? { ...probe, calls: 'pte_clear_not_backported' } : probe,
    ),
  };
  const only = {
    ...catalog,
    changes: [trimmed],
    byId: (id: string) => (id === trimmed.id ? trimmed : undefined),
    touching: () => [trimmed],
  };
  const changes = treeChangesFor(partial, { catalog: only });
  assert.equal(changes.result(trimmed.id)?.status, 'partial');
  assert.equal(changes.result(trimmed.id)?.versionRelation, 'backport');
  assert.match(
    summarizeForSymbol(changes, 'try_to_unmap_one').text!,
    /partly backported: "v2 10\/17 .*" \(PFN taken from a PFN swap PTE: yes, a non-present PTE is cleared with pte_clear\(\): no, soft-dirty of the swap PTE carried over: yes\)/,
  );
});

void test('results are computed once per tree and forgotten on invalidate', () => {
  const changes = treeChangesFor(partial);
  const first = changes.result('dx-fixes-01-gup-hugetlb');
  assert.equal(changes.result('dx-fixes-01-gup-hugetlb'), first);
  assert.equal(changes.has('dx-fixes-01-gup-hugetlb'), true);
  assert.equal(changes.has('dx-fixes-07-pvmw-not-migration'), false);
  assert.equal(changes.has('no-such-change'), undefined);
  changes.invalidate();
  assert.notEqual(changes.result('dx-fixes-01-gup-hugetlb'), first);
});

void test('pickByEvidence: the newest variant whose changes the tree has (diagram variants)', () => {
  const variants = [
    { id: 'rmap-walk-legacy' },
    { id: 'hugetlb-rejected', changes: ['dx-fixes-02-rmap-hugetlb'] },
    { id: 'folio-walk-6.15', changes: ['dx-fixes-03-single-page-api', 'dx-fixes-04-folio-walk'] },
  ];
  assert.equal(pickByEvidence(treeChangesFor(partial), variants)?.id, 'hugetlb-rejected');
  const modernChanges = treeChangesFor(modern);
  assert.equal(modernChanges.hasAll(['dx-fixes-03-single-page-api', 'dx-fixes-04-folio-walk']), true);
  assert.equal(pickByEvidence(modernChanges, variants)?.id, 'folio-walk-6.15');
  assert.equal(modernChanges.hasAll(['no-such-change']), undefined);
});
