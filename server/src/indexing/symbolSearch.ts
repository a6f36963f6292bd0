/**
 * Workspace-symbol search over the millions of defined names of a kernel tree, ranked the way people type:
 *
 *   0  the name itself (same case)                      `folio_walk_start`
 *   1  the name in another case                         `fwstart` -> `FwStart`
 *   2  the whole name: a prefix of it, or an abbreviation of all its words, every word whole
 *      (`mvsetup` -> `mv_setup`) or the initials of every word but the last and the whole last word
 *      (`fwstart` -> `folio_walk_start`, `mvsetup` -> `migrate_vma_setup`, `pt` -> `PortEnable_t`)
 *   3  other prefixes of all its words, in order        `fws`, `migratevmas` -> `folio_walk_start`, ...
 *   4  prefixes of its first words                      `fw` -> `folio_walk_start`
 *   5  prefixes of some of its words                    `fstart` -> `folio_walk_start`
 *   6  a subsequence starting at its start              `fwsrt` -> `folio_walk_start`
 *
 * Why an abbreviation ranks with the prefixes: both account for the whole query and read it as the start of the
 * name's words; `cid` is as much `cgroup_id` as `cidx`, and which one the user means is best told by how much each
 * is used. Within a rank: names defined as something other than a struct member first (a member name such as
 * `status` or `mtu` is declared in hundreds of structs and used in thousands of files, and is rarely what a
 * workspace-symbol search looks for), then in rank 3 the query ending with the whole last word, then names used
 * in more files, shorter names, the case-insensitive order. With an upper-case letter in the query, a prefix in
 * the query's case comes before one in another case.
 *
 * Words are split at underscores and at a lower-to-upper case change (nameWords.ts); rank 2 also reads the words
 * at underscores only (`pt` -> `PortEnable_t`); underscores in the query and leading underscores of names are
 * ignored by the word ranks. The prefixes are a contiguous range of the sorted table; the abbreviations are found
 * through a table keyed by the abbreviation itself (nameWords.abbreviationKeys); ranks 3-6 all start with the
 * query's first character, a contiguous range scanned with a character mask per name, and the scan stops as soon
 * as the list is full of better names. There is no time budget: the answer never depends on the machine's load.
 */
import { MAX_WORDS, abbreviationKeys, firstLetter, fold, hashQuery } from './nameWords';
import {
  NO_MATCH,
  RANK_ALL_WORDS,
  RANK_EXACT,
  RANK_EXACT_OTHER_CASE,
  RANK_FIRST_WORDS,
  RANK_WHOLE_NAME,
  WHOLE_NAME_ABBREVIATED,
  WHOLE_NAME_OTHER_CASE,
  WordMatcher,
} from './wordMatcher';

export {
  RANK_EXACT,
  RANK_EXACT_OTHER_CASE,
  RANK_WHOLE_NAME,
  RANK_ALL_WORDS,
  RANK_FIRST_WORDS,
  RANK_SOME_WORDS,
  RANK_SUBSEQUENCE,
} from './wordMatcher';

/** What the search reads of the index: names as bytes, the folded order of defined names, and usage. */
export interface SearchableNames {
  /** Name k is bytes[offsets[k], offsets[k + 1]). */
  bytes: Uint8Array;
  offsets: Uint32Array;
  /** Ids of the defined names, in case-insensitive order. */
  sorted: Uint32Array;
  /** Name id -> start of its files in the postings (files mentioning name k: fileStart[k + 1] - fileStart[k]):
   * how widely a name is used, the tie-break inside a rank. */
  fileStart: Uint32Array;
  /** Case-sensitive lookup (rank 0). */
  idOf(name: string): number | undefined;
  /** By name id, 1 when the name is defined only as struct or union members (after the other names of its rank). */
  memberOnly?: Uint8Array;
}

export interface RankedName {
  id: number;
  rank: number;
}

/**
 * An entry's place in the list, compared field by field: `key` is rank * 4 + 2 for a member-only name + a
 * fraction of 1 or less (the order inside ranks 2 and 3), then more `usage` first, shorter, the sorted order.
 */
interface Entry {
  id: number;
  key: number;
  usage: number;
  length: number;
  order: number;
}
const MEMBER_ONLY = 2;
function keyOf(rank: number, memberOnly: boolean): number {
  const whole = Math.floor(rank);
  return whole * 4 + (memberOnly ? MEMBER_ONLY : 0) + (rank - whole) * 2;
}

function compareEntries(a: Omit<Entry, 'id'>, b: Omit<Entry, 'id'>): number {
  return a.key - b.key || b.usage - a.usage || a.length - b.length || a.order - b.order;
}

/** Bounded best-first list: keeps the `limit` smallest entries. */
class TopList {
  readonly entries: Entry[] = [];
  constructor(private readonly limit: number) {}
  worst(): Entry | undefined {
    return this.entries.length >= this.limit ? this.entries[this.entries.length - 1] : undefined;
  }
  /** Whether an entry with these fields would enter the list. */
  admits(key: number, usage: number, length: number, order: number): boolean {
    const worst = this.worst();
    return !worst || (key - worst.key || worst.usage - usage || length - worst.length || order - worst.order) < 0;
  }
  offer(id: number, key: number, usage: number, length: number, order: number): void {
    // Most candidates of a long list lose to its worst entry: rejected before any allocation.
    if (!this.admits(key, usage, length, order)) return;
    const entry = { id, key, usage, length, order };
    // Insertion into a sorted array: the list is short (the LSP asks for a few hundred at most).
    let at = this.entries.length;
    while (at > 0 && compareEntries(entry, this.entries[at - 1]) < 0) at--;
    this.entries.splice(at, 0, entry);
    if (this.entries.length > this.limit) this.entries.pop();
  }
  ranked(): RankedName[] {
    return this.entries.map(({ id, key }) => ({ id, rank: Math.floor(key / 4) }));
  }
}

/** The first index in `sorted` whose name is not below `lowerQuery` as a prefix (folded comparison). */
function lowerBound(names: SearchableNames, lowerQuery: string, atLeast: boolean): number {
  let lo = 0;
  let hi = names.sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = comparePrefix(names, names.sorted[mid], lowerQuery);
    if (c < 0 || (!atLeast && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** <0, 0 when the name starts with the folded query, >0. */
function comparePrefix(names: SearchableNames, id: number, lowerQuery: string): number {
  const { bytes, offsets } = names;
  const start = offsets[id];
  const end = offsets[id + 1];
  for (let k = 0; k < lowerQuery.length; k++) {
    if (start + k >= end) return -1;
    const x = fold(bytes[start + k]);
    const y = lowerQuery.charCodeAt(k);
    if (x !== y) return x - y;
  }
  return 0;
}

function startsWithExactly(names: SearchableNames, id: number, query: string): boolean {
  const start = names.offsets[id];
  for (let k = 0; k < query.length; k++) if (names.bytes[start + k] !== query.charCodeAt(k)) return false;
  return true;
}

/** Letters a-z as bits 0-25, digits as bit 26: a name can match only if it has every bit of the query. */
const CHARACTER_BITS = new Uint32Array(256);
for (let c = 0; c < 256; c++) {
  const f = fold(c);
  CHARACTER_BITS[c] = f >= 97 && f <= 122 ? 1 << (f - 97) : f >= 48 && f <= 57 ? 1 << 26 : 0;
}
function characterBit(c: number): number {
  return c < 256 ? CHARACTER_BITS[c] : 0;
}

/** Buckets of the abbreviation table: a few keys per bucket on a full tree (3.3 M names, ~2.5 keys each). */
const ABBREVIATION_BUCKET_BITS = 22;

/**
 * Searches one index's names. The character mask, usage, member-only flag and abbreviation keys of every
 * defined name are computed once, in the order of the sorted table (3.3 M names of a full tree, in slices when
 * the index is ready), so the scans read flat arrays and the name bytes only.
 */
export class SymbolSearch {
  private readonly masks: Uint32Array;
  private readonly usages: Uint32Array;
  private readonly memberOnly: Uint8Array;
  /**
   * The letters that start its words at underscores, and how many such words (at most 255): a name of rank 3 has
   * every word's first letter in the query and no more words than the query has characters. Once the list is
   * full down to rank 3, the scan skips every other name without matching it.
   */
  private readonly heads: Uint32Array;
  private readonly headCount: Uint8Array;
  /** Names of the sorted table whose mask, usage and keys are computed (a prefix of it). */
  private prepared = 0;
  /** Abbreviation keys while they are collected: hash and sorted position, then bucketed into the table. */
  private keyHashes = new Uint32Array(0);
  private keyOwners = new Uint32Array(0);
  private keyCount = 0;
  /** Abbreviation table: sorted positions of the names with a key in bucket b at bucketStart[b]..[b + 1]. */
  private bucketStart: Uint32Array | undefined;
  private bucketOwners = new Uint32Array(0);
  private readonly bucketMask: number;
  /**
   * The names with leading underscores (a contiguous range of the sorted table, ~10 % of a tree's names), grouped
   * by their first letter after the underscores: the word ranks of a query read only the group of its first letter.
   */
  private underscoreStart = new Uint32Array(257);
  private underscoreNames = new Uint32Array(0);

  constructor(private readonly names: SearchableNames) {
    this.masks = new Uint32Array(names.sorted.length);
    this.usages = new Uint32Array(names.sorted.length);
    this.memberOnly = new Uint8Array(names.sorted.length);
    this.heads = new Uint32Array(names.sorted.length);
    this.headCount = new Uint8Array(names.sorted.length);
    this.byId = new Uint32Array(Math.max(0, names.offsets.length - 1));
    // Small tables (tests, a few files) get fewer buckets.
    let bits = 4;
    while (bits < ABBREVIATION_BUCKET_BITS && 1 << bits < names.sorted.length * 2) bits++;
    this.bucketMask = (1 << bits) - 1;
  }

  /** Character masks by name id, computed in id order (the name bytes are read front to back, once). */
  private readonly byId: Uint32Array;
  private byIdPrepared = 0;

  /**
   * Computes the per-name tables: the masks of `upTo` more ids (in id order), then the masks, usages and
   * abbreviation keys of up to `upTo` more names of the sorted table. Without an argument, everything left.
   */
  prepare(upTo = Infinity): void {
    const { bytes, offsets, sorted, fileStart } = this.names;
    const byId = this.byId;
    const idEnd = Math.min(byId.length, this.byIdPrepared + upTo);
    for (let id = this.byIdPrepared; id < idEnd; id++) {
      let mask = 0;
      for (let j = offsets[id], end = offsets[id + 1]; j < end; j++) mask |= CHARACTER_BITS[bytes[j]];
      byId[id] = mask;
    }
    this.byIdPrepared = idEnd;
    if (idEnd < byId.length) return;
    const end = Math.min(sorted.length, this.prepared + upTo);
    const wordStart = new Int32Array(MAX_WORDS + 1);
    const keys = new Uint32Array(3);
    const shape = { heads: 0, words: 0 };
    for (let k = this.prepared; k < end; k++) {
      const id = sorted[k];
      this.masks[k] = byId[id];
      this.usages[k] = fileStart[id + 1] - fileStart[id];
      this.memberOnly[k] = this.names.memberOnly?.[id] ?? 0;
      const count = abbreviationKeys(bytes, offsets[id], offsets[id + 1], wordStart, keys, shape);
      this.heads[k] = shape.heads;
      this.headCount[k] = Math.min(shape.words, 255);
      if (this.keyCount + count > this.keyHashes.length) this.growKeys(count);
      for (let j = 0; j < count; j++) {
        this.keyHashes[this.keyCount] = keys[j];
        this.keyOwners[this.keyCount++] = k;
      }
    }
    this.prepared = end;
    if (end === sorted.length && !this.bucketStart) {
      this.bucketKeys();
      this.groupUnderscoreNames();
    }
  }

  private groupUnderscoreNames(): void {
    const { bytes, offsets, sorted } = this.names;
    const from = lowerBound(this.names, '_', true);
    const to = lowerBound(this.names, '_', false);
    const letterOf = (k: number) => {
      const id = sorted[k];
      const first = firstLetter(bytes, offsets[id], offsets[id + 1]);
      return first < offsets[id + 1] ? fold(bytes[first]) : 95;
    };
    const start = new Uint32Array(257);
    for (let k = from; k < to; k++) start[letterOf(k) + 1]++;
    for (let c = 0; c < 256; c++) start[c + 1] += start[c];
    const fill = start.slice(0, 256);
    const grouped = new Uint32Array(to - from);
    for (let k = from; k < to; k++) grouped[fill[letterOf(k)]++] = k; // in sorted order within a group
    this.underscoreStart = start;
    this.underscoreNames = grouped;
  }

  private growKeys(atLeast: number): void {
    const size = Math.max(this.keyCount + atLeast, this.names.sorted.length * 2, this.keyHashes.length * 2);
    const hashes = new Uint32Array(size);
    hashes.set(this.keyHashes.subarray(0, this.keyCount));
    const owners = new Uint32Array(size);
    owners.set(this.keyOwners.subarray(0, this.keyCount));
    this.keyHashes = hashes;
    this.keyOwners = owners;
  }

  /** Counting sort of the collected keys into the bucket table. */
  private bucketKeys(): void {
    const buckets = this.bucketMask + 1;
    const start = new Uint32Array(buckets + 1);
    const { keyHashes: hashes, keyOwners, keyCount, bucketMask } = this;
    for (let j = 0; j < keyCount; j++) start[(hashes[j] & bucketMask) + 1]++;
    for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
    const fill = start.slice(0, buckets);
    const owners = new Uint32Array(keyCount);
    for (let j = 0; j < keyCount; j++) owners[fill[hashes[j] & bucketMask]++] = keyOwners[j];
    this.bucketStart = start;
    this.bucketOwners = owners;
    this.keyHashes = new Uint32Array(0);
    this.keyOwners = new Uint32Array(0);
  }

  private get isPrepared(): boolean {
    return this.prepared >= this.names.sorted.length && this.byIdPrepared >= this.byId.length && !!this.bucketStart;
  }

  /** Computes the tables in slices, giving the event loop a turn between them (requests keep being answered). */
  async prepareInSteps(slice = 200_000): Promise<void> {
    while (!this.isPrepared) {
      this.prepare(slice);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The `limit` best names for `query`, best first. */
  search(query: string, limit: number): RankedName[] {
    const names = this.names;
    const q = query.trim();
    if (q === '' || limit <= 0) return [];
    this.prepare();
    const { masks, usages, memberOnly } = this;
    const lower = q.toLowerCase();
    // Smart case: a query with an upper-case letter prefers prefixes in its own case.
    const caseMatters = lower !== q;
    const top = new TopList(limit);
    const { offsets, bytes, sorted } = names;
    const exact = names.idOf(q);
    const prefixFrom = lowerBound(names, lower, true);
    const prefixTo = lowerBound(names, lower, false);
    for (let k = prefixFrom; k < prefixTo; k++) {
      const id = sorted[k];
      const length = offsets[id + 1] - offsets[id];
      const rank =
        id === exact
          ? RANK_EXACT
          : length === q.length
            ? RANK_EXACT_OTHER_CASE
            : caseMatters && !startsWithExactly(names, id, q)
              ? RANK_WHOLE_NAME + WHOLE_NAME_OTHER_CASE
              : RANK_WHOLE_NAME + WHOLE_NAME_ABBREVIATED;
      top.offer(id, keyOf(rank, memberOnly[k] === 1), usages[k], length, k);
    }
    const matcher = new WordMatcher(lower);
    if (!matcher.usable) return top.ranked();
    // Abbreviations of the whole name (rank 2), from the table keyed by them; each candidate is checked by the
    // matcher (a bucket holds other keys too).
    const abbreviations = new Set<number>();
    const bucket = hashQuery(matcher.query) & this.bucketMask;
    for (let j = this.bucketStart![bucket]; j < this.bucketStart![bucket + 1]; j++) {
      const k = this.bucketOwners[j];
      if ((k >= prefixFrom && k < prefixTo) || abbreviations.has(k)) continue;
      const id = sorted[k];
      const rank = matcher.rank(bytes, offsets[id], offsets[id + 1]);
      if (Math.floor(rank) !== RANK_WHOLE_NAME) continue;
      abbreviations.add(k);
      top.offer(id, keyOf(rank, memberOnly[k] === 1), usages[k], offsets[id + 1] - offsets[id], k);
    }
    // Ranks 3-6 all start with the query's first character: the contiguous range of names starting with it.
    const firstFrom = lowerBound(names, lower[0], true);
    const firstTo = lowerBound(names, lower[0], false);
    let queryMask = 0;
    for (let k = 0; k < lower.length; k++) queryMask |= characterBit(lower.charCodeAt(k));
    // Sorted positions [from, to), or, with `grouped`, the positions underscoreNames[from, to).
    const ranges: Array<[number, number, boolean]> = [
      [firstFrom, prefixFrom, false],
      [prefixTo, firstTo, false],
    ];
    // `__nfs_find_lock_context` is found by `nflcontext` too: the word ranks ignore leading underscores.
    const letter = matcher.query[0];
    if (lower[0] !== '_') ranges.push([this.underscoreStart[letter], this.underscoreStart[letter + 1], true]);
    const bestScanKey = keyOf(RANK_ALL_WORDS, false);
    const firstWordsKey = keyOf(RANK_FIRST_WORDS, false);
    const { heads, headCount } = this;
    const queryLength = matcher.query.length;
    // Two passes: first the names that can be of rank 3 (every word's first letter in the query, no more words than
    // the query has characters), which holds every name of rank 3 and fills most lists of a short query; then,
    // unless the list is full down to rank 3 by then, the others (ranks 4-6). Each name is matched once.
    for (let pass = 0; pass < 2; pass++) {
      const passBestKey = pass === 0 ? bestScanKey : firstWordsKey;
      for (const [from, to, grouped] of ranges) {
        for (let j = from; j < to; j++) {
          const k = grouped ? this.underscoreNames[j] : j;
          if ((masks[k] & queryMask) !== queryMask) continue;
          const mayBeAllWords = (heads[k] & ~queryMask) === 0 && headCount[k] <= queryLength;
          if (mayBeAllWords !== (pass === 0)) continue;
          const id = sorted[k];
          const length = offsets[id + 1] - offsets[id];
          const worst = top.worst();
          if (worst) {
            // Nothing of this pass can beat a full list of better ranks; nor this name, if it loses at its best.
            if (worst.key < passBestKey) return top.ranked();
            if (!top.admits(passBestKey + (memberOnly[k] === 1 ? MEMBER_ONLY : 0), usages[k], length, k)) continue;
          }
          const rank = matcher.rank(bytes, offsets[id], offsets[id + 1]);
          if (rank === NO_MATCH) continue;
          // An abbreviation was offered from the table already (checked only for those: a set lookup per name of
          // the scan cost more than the matching).
          if (rank < RANK_ALL_WORDS && abbreviations.has(k)) continue;
          top.offer(id, keyOf(rank, memberOnly[k] === 1), usages[k], length, k);
        }
      }
    }
    return top.ranked();
  }
}

/** One-off search (tests, small tables). */
export function searchNames(names: SearchableNames, query: string, limit: number): RankedName[] {
  return new SymbolSearch(names).search(query, limit);
}

/** Rank of one name given as a string (names of edited documents, not in the table), or -1. */
export function rankName(name: string, query: string): number {
  const q = query.trim();
  if (q === '') return NO_MATCH;
  if (name === q) return RANK_EXACT;
  const lowerName = name.toLowerCase();
  const lower = q.toLowerCase();
  if (lowerName === lower) return RANK_EXACT_OTHER_CASE;
  if (lowerName.startsWith(lower)) return RANK_WHOLE_NAME;
  const matcher = new WordMatcher(lower);
  if (!matcher.usable) return NO_MATCH;
  const bytes = Uint8Array.from(name, (c) => {
    const code = c.charCodeAt(0);
    return code < 128 ? code : 63;
  });
  return Math.floor(matcher.rank(bytes, 0, bytes.length));
}
