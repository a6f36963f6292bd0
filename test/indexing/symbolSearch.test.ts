import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchNames, RANK_ALL_WORDS, type SearchableNames } from '../../server/src/indexing/symbolSearch';

/** A name table for the search: `usage` is how many files mention each name (the tie-break inside a rank). */
function table(usage: Record<string, number>): SearchableNames {
  const names = Object.keys(usage);
  const encoded = names.map((name) => Buffer.from(name, 'latin1'));
  const offsets = new Uint32Array(names.length + 1);
  encoded.forEach((bytes, k) => (offsets[k + 1] = offsets[k] + bytes.length));
  const bytes = new Uint8Array(offsets[names.length]);
  encoded.forEach((b, k) => bytes.set(b, offsets[k]));
  const fileStart = new Uint32Array(names.length + 1);
  names.forEach((name, k) => (fileStart[k + 1] = fileStart[k] + usage[name]));
  const ids = names.map((_, k) => k);
  const folded = (k: number) => names[k].toLowerCase();
  const sorted = Uint32Array.from(ids.sort((a, b) => (folded(a) < folded(b) ? -1 : folded(a) > folded(b) ? 1 : a - b)));
  return {
    bytes,
    offsets,
    sorted,
    fileStart,
    idOf: (name) => (names.includes(name) ? names.indexOf(name) : undefined),
  };
}

function top(usage: Record<string, number>, query: string, limit = 10): string[] {
  const names = Object.keys(usage);
  return searchNames(table(usage), query, limit).map((entry) => names[entry.id]);
}

void test('initials of every word but the last and the whole last word rank before other word matches', () => {
  // `mvs_setup` is used more, but `mvsetup` is exactly the initials of migrate_vma_setup (prefixes stay first).
  assert.deepEqual(top({ mvs_setup: 50, migrate_vma_setup: 3, mvsetup_ops: 1 }, 'mvsetup'), [
    'mvsetup_ops',
    'migrate_vma_setup',
    'mvs_setup',
  ]);
  // A query spelling every word whole comes first of the word matches.
  assert.deepEqual(top({ migrate_vma_setup: 9, mv_setup: 1 }, 'mvsetup'), ['mv_setup', 'migrate_vma_setup']);
});

void test('words at underscores count, not only words at case changes', () => {
  // By case, PortEnable_t has three words and `pt` skips one (rank 6); at underscores it is `p` + `t`.
  const usage = { PortEnable_t: 1, PageTable: 30, pmd_teardown: 2 };
  const names = Object.keys(usage);
  const ranked = searchNames(table(usage), 'pt', 10);
  assert.equal(ranked.find((entry) => names[entry.id] === 'PortEnable_t')?.rank, RANK_ALL_WORDS);
  assert.deepEqual(top(usage, 'pt'), ['PortEnable_t', 'PageTable', 'pmd_teardown']);
});
