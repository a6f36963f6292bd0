import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  searchNames,
  rankName,
  SymbolSearch,
  RANK_WHOLE_NAME,
  RANK_ALL_WORDS,
  type SearchableNames,
} from '../../server/src/indexing/symbolSearch';

/**
 * A name table for the search: `usage` is how many files mention each name (the tie-break inside a rank);
 * `members` are the names defined only as struct members.
 */
function table(usage: Record<string, number>, members: string[] = []): SearchableNames {
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
    memberOnly: Uint8Array.from(names, (name) => (members.includes(name) ? 1 : 0)),
  };
}

function top(usage: Record<string, number>, query: string, limit = 10, members: string[] = []): string[] {
  const names = Object.keys(usage);
  return searchNames(table(usage, members), query, limit).map((entry) => names[entry.id]);
}

void test('an abbreviation of every word ranks with the prefixes, the more used first', () => {
  // `mvsetup` is exactly the initials of migrate_vma_setup and the whole last word: as good a reading of the query
  // as the prefix mvsetup_ops, and used more; `mvs_setup` leaves part of its first word unexplained (rank 3).
  assert.deepEqual(top({ mvs_setup: 50, migrate_vma_setup: 3, mvsetup_ops: 1 }, 'mvsetup'), [
    'migrate_vma_setup',
    'mvsetup_ops',
    'mvs_setup',
  ]);
  // `cid`: cgroup_id (initials + last word) against cidx (a prefix that ends inside a word).
  assert.deepEqual(top({ cidx: 2, cgroup_id: 40, cid: 1 }, 'cid'), ['cid', 'cgroup_id', 'cidx']);
  // The name but for its underscores comes first of them, whatever the usage.
  assert.deepEqual(top({ migrate_vma_setup: 9, mv_setup: 1, mvsetup_ops: 5 }, 'mvsetup'), [
    'mv_setup',
    'migrate_vma_setup',
    'mvsetup_ops',
  ]);
});

void test('names defined only as struct members come after the other names of their rank', () => {
  // a_count is a member of many structs and used in many files; ages_count is a global used in one.
  const usage = { a_count: 30, ages_count: 1, audio_count: 9 };
  assert.deepEqual(top(usage, 'acount', 10, ['a_count', 'audio_count']), ['ages_count', 'a_count', 'audio_count']);
  // The exact name stays first even when it is only a member.
  assert.deepEqual(top({ sdev: 40, sbridge_dev: 1 }, 'sdev', 10, ['sdev']), ['sdev', 'sbridge_dev']);
});

void test('case counts only when the query has an upper-case letter', () => {
  const usage = { PageDirty: 30, page_frag: 2 };
  assert.deepEqual(top(usage, 'page'), ['PageDirty', 'page_frag']);
  assert.deepEqual(top(usage, 'Page'), ['PageDirty', 'page_frag']);
  assert.deepEqual(top({ PageDirty: 2, page_frag: 30 }, 'Page'), ['PageDirty', 'page_frag']);
  assert.deepEqual(top({ PageDirty: 2, page_frag: 30 }, 'page'), ['page_frag', 'PageDirty']);
});

void test('words at underscores count, not only words at case changes', () => {
  // By case, PortEnable_t has three words and `pt` skips one; at underscores it is `p` + `t`.
  const usage = { PortEnable_t: 1, PageTable: 30, pmd_teardown: 2 };
  const names = Object.keys(usage);
  const ranked = searchNames(table(usage), 'pt', 10);
  assert.equal(ranked.find((entry) => names[entry.id] === 'PortEnable_t')?.rank, RANK_WHOLE_NAME);
  assert.equal(ranked.find((entry) => names[entry.id] === 'PageTable')?.rank, RANK_ALL_WORDS);
  assert.deepEqual(top(usage, 'pt'), ['PortEnable_t', 'PageTable', 'pmd_teardown']);
});

void test('leading underscores: found by the letters after them', () => {
  const usage = { __pud_populate: 5, pud_populate: 45, __nfs_find_lock_context: 1, pmd_populate: 30 };
  assert.deepEqual(top(usage, 'ppopulate'), ['pud_populate', 'pmd_populate', '__pud_populate']);
  assert.deepEqual(top(usage, 'nflcontext'), ['__nfs_find_lock_context']);
});

/** Seeded generator of kernel-like names: a few words from a small vocabulary, some with case or underscores. */
function generatedNames(count: number, seed: number): Record<string, number> {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const words = [
    'mt',
    'migrate',
    'vma',
    'setup',
    'folio',
    'walk',
    'start',
    'st',
    'pt',
    'rr',
    'mrr',
    'Page',
    'Dirty',
    't',
  ];
  const usage: Record<string, number> = {};
  while (Object.keys(usage).length < count) {
    const parts = Array.from({ length: 1 + Math.floor(next() * 4) }, () => words[Math.floor(next() * words.length)]);
    const name = (next() < 0.15 ? '__' : '') + parts.join(next() < 0.2 ? '' : '_');
    usage[name] = Math.floor(next() * 5);
  }
  return usage;
}

void test('the search finds exactly the names rankName ranks, and a short list is the start of a long one', () => {
  const usage = generatedNames(600, 7);
  const names = Object.keys(usage);
  const members = names.filter((_, k) => k % 7 === 0);
  const search = new SymbolSearch(table(usage, members));
  for (const query of ['mt', 'mrr', 'fws', 'pt', 'st', 'mvsetup', 'fwstart', 'Page', 'pd', 'ppd', 'rrt', 'vs']) {
    const all = search.search(query, 10_000);
    const expected = names.filter((name) => rankName(name, query) >= 0).sort();
    assert.deepEqual(all.map((entry) => names[entry.id]).sort(), expected, `every match of ${query}`);
    for (const entry of all)
      assert.equal(entry.rank, rankName(names[entry.id], query), `${names[entry.id]} ~ ${query}`);
    // The pruned scans (a full list stops or skips names) give the first entries of the full answer.
    for (const limit of [1, 5, 20, 60])
      assert.deepEqual(search.search(query, limit), all.slice(0, limit), `${query}, limit ${limit}`);
  }
});
