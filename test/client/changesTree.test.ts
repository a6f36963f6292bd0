import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { changesModel, summaryLine } from '../../client/src/changesTree';
import { treeChangesFor } from '../../server/src/knowledge/changes/treeChanges';
import { changesJson } from '../../server/src/knowledge/changes/changesJson';

const tree = path.join(__dirname, '..', 'fixtures', 'changes', 'tree-6.12-partial');

void test('the changes view groups by topic; each change shows status, backport, release and its evidence line', () => {
  const report = changesJson(treeChangesFor(tree), tree);
  const model = changesModel(report);
  assert.match(model.message, /^Linux 6\.12\.\d+: \d+ present \(\d+ backported\), \d+ partial, \d+ absent/);
  assert.match(model.message, /read from the named files/);
  const topics = model.roots.map((node) => node.label);
  assert.equal(new Set(topics).size, topics.length, 'one node per topic');
  const all = model.roots.flatMap((node) => node.children ?? []);
  assert.equal(all.length, report.changes.length, 'every tracked change is listed once');
  const v2of02 = all.find((node) => node.messageId === '20250210193801.781278-3-david@redhat.com');
  assert.ok(v2of02);
  assert.equal(v2of02.icon, 'present');
  assert.match(v2of02.label, /^v2 02\/17 mm\/rmap: reject hugetlb folios in folio_make_device_exclusive\(\)$/);
  assert.match(v2of02.description ?? '', /^present · backported · mainline 6\.15 · mm\/rmap\.c:\d+$/);
  assert.equal(v2of02.evidence?.file, 'mm/rmap.c');
  assert.match(v2of02.tooltip ?? '', /Message-ID: 20250210193801\.781278-3-david@redhat\.com/);
  assert.ok(v2of02.children?.length, 'probes as children');
  const v2of07 = all.find((node) => node.messageId === '20250210193801.781278-8-david@redhat.com');
  assert.equal(v2of07?.icon, 'absent');
});

void test('no tree: a message instead of an empty view; counts name unknowns only when there are some', () => {
  assert.deepEqual(changesModel(null), {
    message: 'No kernel tree open: the tracked changes need a workspace tree.',
    roots: [],
  });
  assert.equal(
    summaryLine({ tree: '/t', kernelVersion: '6.19.0', basis: 'index', changes: [] }),
    'Linux 6.19.0: 0 present, 0 partial, 0 absent',
  );
});
