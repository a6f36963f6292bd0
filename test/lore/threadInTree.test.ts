import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { treeChangesFor } from '../../server/src/knowledge/changes/treeChanges';
import { inTreeLookup } from '../../server/src/lore/threadInTree';
import { getCatalog } from '../../server/src/knowledge/catalog';
import { loadBundledThreads } from '../../server/src/lore/bundledThreads';
import { MailIndex } from '../../server/src/lore/mailIndex';
import { SymbolThreadIndex } from '../../server/src/lore/symbolThreads';

// The hand-written 6.12.y tree with partial backports: v2 02/17 (hugetlb rejection) is in it, v2 04/17 is not.
const partial = path.join(__dirname, '..', 'fixtures', 'changes', 'tree-6.12-partial');
const V2_02 = '20250210193801.781278-3-david@redhat.com';
const V2_04 = '20250210193801.781278-5-david@redhat.com';

function lineOf(file: string, snippet: string): number {
  const index = fs
    .readFileSync(path.join(partial, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(snippet));
  assert.ok(index >= 0);
  return index + 1;
}

test('a thread entry is "in this tree" by its Message-ID or its b4 title, from the code evidence', () => {
  const lookup = inTreeLookup(treeChangesFor(partial));
  const line = lineOf('mm/rmap.c', 'folio_test_hugetlb( folio )');
  const byId = lookup([V2_02], 'anything');
  assert.deepEqual(byId && { status: byId.status, changeId: byId.changeId, text: byId.text }, {
    status: 'present',
    changeId: 'dx-fixes-02-rmap-hugetlb',
    text: `in this tree (mm/rmap.c:${line})`,
  });
  assert.equal(byId?.evidence?.line, line);
  // An earlier version (another Message-ID) is matched by its title, prefixes and case aside.
  const byTitle = lookup(['v1-0212@x'], 'MM/rmap: reject hugetlb folios in folio_make_device_exclusive()');
  assert.equal(byTitle?.changeId, 'dx-fixes-02-rmap-hugetlb');
  assert.equal(lookup([V2_04], '')?.text, 'not in this tree');
  assert.equal(lookup(['unrelated@x'], 'mm: something else entirely'), undefined);
});

test('the thread list carries it: the folio_walk patch of make_device_exclusive is "not in this tree" here', () => {
  const bundled = loadBundledThreads((line) => assert.fail(line));
  const entries = new SymbolThreadIndex(MailIndex.empty(), bundled, getCatalog()).threadsFor(
    'make_device_exclusive',
    inTreeLookup(treeChangesFor(partial)),
  );
  const folioWalk = entries.find((e) => e.versions.some((v) => v.messageId === V2_04));
  assert.ok(folioWalk, 'the v2 04/17 entry is listed');
  assert.equal(folioWalk.inTree?.status, 'absent');
  assert.equal(folioWalk.inTree?.changeId, 'dx-fixes-04-folio-walk');
});
