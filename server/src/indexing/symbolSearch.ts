/**
 * Workspace-symbol search over the millions of defined names of a kernel tree, ranked the way people type:
 *
 *   0  the name itself (same case)             `folio_walk_start`
 *   1  the name in another case                `fwstart` -> `FwStart`
 *   2  a prefix, same case first (2 then 3)    `folio_wa` -> `folio_walk_start`
 *   4  prefixes of all its words, in order     `fws`, `fwstart`, `migratevmasetup` -> `folio_walk_start`, ...
 *   5  prefixes of its first words             `fw` -> `folio_walk_start`
 *   6  prefixes of some of its words           `fstart` -> `folio_walk_start`
 *   7  a subsequence starting at its start     `fwsrt` -> `folio_walk_start`
 *
 * Words are split at underscores and at a lower-to-upper case change (`v8` stays one word); rank 4 also tries the
 * words at underscores only (`pt` -> `PortEnable_t`); underscores in the query are ignored by ranks 4-7. Within
 * rank 4: the query spelling every word whole (`mvsetup` -> `mv_setup`), then the initials of every word but the
 * last with the whole last word (`mvsetup` -> `migrate_vma_setup`, the way people abbreviate), then names whose
 * last word ends the query, then the others; names with more words first inside each (`fwstart`:
 * `folio_walk_start` before `fw_started`). Within a rank, names used in more files come
 * first, then shorter names, then the case-insensitive order. Every rank starts with the query's first character, so the scan is
 * limited to the contiguous range of the sorted table that starts with it (and the prefix range inside it is
 * taken as a whole); there is no time budget, so the answer never depends on the machine's load.
 */

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
}

export interface RankedName {
  id: number;
  rank: number;
}

export const RANK_EXACT = 0;
export const RANK_EXACT_OTHER_CASE = 1;
export const RANK_PREFIX = 2;
export const RANK_PREFIX_OTHER_CASE = 3;
export const RANK_ALL_WORDS = 4;
export const RANK_FIRST_WORDS = 5;
export const RANK_SOME_WORDS = 6;
export const RANK_SUBSEQUENCE = 7;
const NO_MATCH = -1;

const MAX_QUERY = 64;
const MAX_WORDS = 32;

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/**
 * Matches one name (bytes[start, end)) against a prepared query for ranks 4-7. Reused across names: its
 * scratch arrays are allocated once per query.
 */
class WordMatcher {
  /** The query folded, without underscores. */
  private readonly query: Uint8Array;
  private readonly wordStart = new Int32Array(MAX_WORDS + 1);
  /** reach[w * (q + 1) + p]: query[p..] can be matched from word w on (1 yes, 2 no, 0 unknown). */
  private reach = new Uint8Array(0);

  constructor(lowerQuery: string) {
    const chars: number[] = [];
    for (let k = 0; k < lowerQuery.length && chars.length < MAX_QUERY; k++) {
      const c = lowerQuery.charCodeAt(k);
      if (c !== 95) chars.push(c < 128 ? c : 63);
    }
    this.query = Uint8Array.from(chars);
  }

  get usable(): boolean {
    return this.query.length > 0;
  }

  /**
   * Rank 4-7 of the name, or NO_MATCH. Rank 4 carries a fraction (never reaching rank 5) that orders its names:
   * the query spelling every word whole (`migratevmasetup`), then the initials of every word but the last and the
   * whole last word (`fwstart`, `idestroy`), then the whole last word at the end, then the rest; within each,
   * names with more words first.
   */
  rank(bytes: Uint8Array, start: number, end: number): number {
    const query = this.query;
    const q = query.length;
    // Necessary for every rank here: the query is a subsequence of the name, starting at its first letter.
    let k = start;
    while (k < end && bytes[k] === 95) k++;
    if (k === end || fold(bytes[k]) !== query[0]) return NO_MATCH;
    let p = 0;
    for (let j = k; j < end && p < q; j++) if (fold(bytes[j]) === query[p]) p++;
    if (p < q) return NO_MATCH;
    // Words at underscores and case changes (`FwStart`), then at underscores only: `mt` is the initials of
    // `Mpi2SGEIOUnion_t` as its author wrote it, though `Mpi2SGEIOUnion` has four words by case.
    let best = NO_MATCH;
    for (const byCase of [true, false]) {
      const words = this.splitWords(bytes, k, end, byCase);
      if (!byCase && words === this.caseWords) break; // no case change: the same words
      if (byCase) this.caseWords = words;
      if (this.matchWords(bytes, words, end, false, true)) {
        const rank = RANK_ALL_WORDS + this.allWordsOrder(bytes, words, end);
        if (best === NO_MATCH || rank < best) best = rank;
      }
    }
    if (best !== NO_MATCH) return best;
    const words = this.splitWords(bytes, k, end, true);
    if (this.matchWords(bytes, words, end, false, false)) return RANK_FIRST_WORDS;
    if (this.matchWords(bytes, words, end, true, false)) return RANK_SOME_WORDS;
    return RANK_SUBSEQUENCE;
  }

  /** Word count of the last split by case (to skip an identical split at underscores only). */
  private caseWords = 0;

  /** The fraction of rank 4 of a name whose `words` (in wordStart) all match: see `rank`. */
  private allWordsOrder(bytes: Uint8Array, words: number, end: number): number {
    const q = this.query.length;
    const lastStart = this.wordStart[words - 1];
    let letters = 0;
    for (let j = this.wordStart[0]; j < end; j++) if (bytes[j] !== 95) letters++;
    let form: number;
    if (letters === q)
      form = 0; // every word whole: the prefixes matched add up to the whole name
    else if (this.endsWithWord(bytes, lastStart, end) && this.isInitials(bytes, words)) form = 1;
    else if (this.endsWithWord(bytes, lastStart, end)) form = 2;
    else form = 3;
    return form / 4 + (MAX_WORDS - words) / (4 * (MAX_WORDS + 1));
  }

  /** The query starts with the first letter of each word but the last (the last word is checked apart). */
  private isInitials(bytes: Uint8Array, words: number): boolean {
    let lastLength = 0;
    for (let j = this.wordStart[words - 1]; j < this.wordStart[words] && bytes[j] !== 95; j++) lastLength++;
    if (words - 1 + lastLength !== this.query.length) return false;
    for (let w = 0; w < words - 1; w++) if (fold(bytes[this.wordStart[w]]) !== this.query[w]) return false;
    return true;
  }

  /** Whether the query ends with the whole word bytes[from, end) (underscores at its end ignored). */
  private endsWithWord(bytes: Uint8Array, from: number, end: number): boolean {
    while (end > from && bytes[end - 1] === 95) end--;
    const length = end - from;
    const q = this.query.length;
    if (length > q) return false;
    for (let k = 0; k < length; k++) if (fold(bytes[from + k]) !== this.query[q - length + k]) return false;
    return true;
  }

  /** Word starts of bytes[from, end) into wordStart (at case changes too when `byCase`); returns the word count. */
  private splitWords(bytes: Uint8Array, from: number, end: number, byCase: boolean): number {
    let words = 0;
    let previous = 95;
    for (let j = from; j < end && words < MAX_WORDS; j++) {
      const c = bytes[j];
      if (c === 95) {
        previous = c;
        continue;
      }
      const starts = previous === 95 || (byCase && isUpper(c) && isLower(previous));
      if (starts) this.wordStart[words++] = j;
      previous = c;
    }
    this.wordStart[words] = end;
    return words;
  }

  /**
   * Whether the query splits into non-empty prefixes of words in order, the first one of the first word.
   * `skip`: words may be left out between them; `all`: every word is used (and none skipped).
   */
  private matchWords(bytes: Uint8Array, words: number, end: number, skip: boolean, all: boolean): boolean {
    const q = this.query.length;
    const size = (words + 1) * (q + 1);
    if (this.reach.length < size) this.reach = new Uint8Array(size * 2);
    this.reach.fill(0, 0, size);
    return this.from(bytes, 0, 0, words, end, skip, all);
  }

  private from(
    bytes: Uint8Array,
    word: number,
    p: number,
    words: number,
    end: number,
    skip: boolean,
    all: boolean,
  ): boolean {
    const q = this.query.length;
    if (p === q) return !all || word === words;
    if (word >= words) return false;
    const memo = word * (q + 1) + p;
    if (this.reach[memo] !== 0) return this.reach[memo] === 1;
    let ok = false;
    const wordEnd = word + 1 < words ? this.wordStart[word + 1] : end;
    // Take 1..n characters of this word (the longest first: the usual way people abbreviate).
    let n = 0;
    const begin = this.wordStart[word];
    while (begin + n < wordEnd && p + n < q && bytes[begin + n] !== 95 && fold(bytes[begin + n]) === this.query[p + n])
      n++;
    for (let take = n; take >= 1 && !ok; take--) ok = this.from(bytes, word + 1, p + take, words, end, skip, all);
    // Leave this word out (not the first one).
    if (!ok && skip && word > 0) ok = this.from(bytes, word + 1, p, words, end, skip, all);
    this.reach[memo] = ok ? 1 : 2;
    return ok;
  }
}

/** Bounded best-first list: keeps the `limit` smallest (rank, -usage, length, order) entries. */
class TopList {
  readonly entries: Array<{ id: number; rank: number; usage: number; length: number; order: number }> = [];
  constructor(private readonly limit: number) {}
  worst(): { rank: number; usage: number; length: number; order: number } | undefined {
    return this.entries.length >= this.limit ? this.entries[this.entries.length - 1] : undefined;
  }
  offer(id: number, rank: number, usage: number, length: number, order: number): void {
    const worst = this.worst();
    // Most candidates of a long list lose to its worst entry: rejected before any allocation.
    if (worst && (rank - worst.rank || worst.usage - usage || length - worst.length || order - worst.order) >= 0)
      return;
    const entry = { id, rank, usage, length, order };
    // Insertion into a sorted array: the list is short (the LSP asks for a few hundred at most).
    let at = this.entries.length;
    while (at > 0 && compareEntries(entry, this.entries[at - 1]) < 0) at--;
    this.entries.splice(at, 0, entry);
    if (this.entries.length > this.limit) this.entries.pop();
  }
}

function compareEntries(
  a: { rank: number; usage: number; length: number; order: number },
  b: { rank: number; usage: number; length: number; order: number },
): number {
  return a.rank - b.rank || b.usage - a.usage || a.length - b.length || a.order - b.order;
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

/**
 * Searches one index's names. The character mask and the usage of every defined name are computed once, in
 * the order of the sorted table (3.3 M names of a full tree, in slices when the index is ready), so the scans
 * read two flat arrays and the name bytes only.
 */
export class SymbolSearch {
  private readonly masks: Uint32Array;
  private readonly usages: Uint32Array;
  /** Names of the sorted table whose mask and usage are computed (a prefix of it). */
  private prepared = 0;

  constructor(private readonly names: SearchableNames) {
    this.masks = new Uint32Array(names.sorted.length);
    this.usages = new Uint32Array(names.sorted.length);
    this.byId = new Uint32Array(Math.max(0, names.offsets.length - 1));
  }

  /** Character masks by name id, computed in id order (the name bytes are read front to back, once). */
  private readonly byId: Uint32Array;
  private byIdPrepared = 0;

  /**
   * Computes the per-name tables: the masks of `upTo` more ids (in id order), then the masks and usages of up to
   * `upTo` more names of the sorted table. Without an argument, everything left.
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
    for (let k = this.prepared; k < end; k++) {
      const id = sorted[k];
      this.masks[k] = byId[id];
      this.usages[k] = fileStart[id + 1] - fileStart[id];
    }
    this.prepared = end;
  }

  private get isPrepared(): boolean {
    return this.prepared >= this.names.sorted.length && this.byIdPrepared >= this.byId.length;
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
    const masks = this.masks;
    const usages = this.usages;
    const lower = q.toLowerCase();
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
            : startsWithExactly(names, id, q)
              ? RANK_PREFIX
              : RANK_PREFIX_OTHER_CASE;
      top.offer(id, rank, usages[k], length, k);
    }
    const matcher = new WordMatcher(lower);
    if (!matcher.usable) return top.entries.map(({ id, rank }) => ({ id, rank: Math.floor(rank) }));
    // Ranks 4-7 all start with the query's first character: the contiguous range of names starting with it.
    const firstFrom = lowerBound(names, lower[0], true);
    const firstTo = lowerBound(names, lower[0], false);
    let queryMask = 0;
    for (let k = 0; k < lower.length; k++) queryMask |= characterBit(lower.charCodeAt(k));
    const ranges = [
      [firstFrom, prefixFrom],
      [prefixTo, firstTo],
    ];
    // `__nfs_find_lock_context` is found by `nflcontext` too: ranks 4-7 ignore leading underscores.
    if (lower[0] !== '_') ranges.push([lowerBound(names, '_', true), lowerBound(names, '_', false)]);
    for (const [from, to] of ranges) {
      for (let k = from; k < to; k++) {
        if ((masks[k] & queryMask) !== queryMask) continue;
        const worst = top.worst();
        // Nothing of rank 4+ can beat a full list of better ranks.
        if (worst && worst.rank < RANK_ALL_WORDS) break;
        const id = sorted[k];
        const rank = matcher.rank(bytes, offsets[id], offsets[id + 1]);
        if (rank !== NO_MATCH) top.offer(id, rank, usages[k], offsets[id + 1] - offsets[id], k);
      }
    }
    return top.entries.map(({ id, rank }) => ({ id, rank: Math.floor(rank) }));
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
  if (name.startsWith(q)) return RANK_PREFIX;
  if (lowerName.startsWith(lower)) return RANK_PREFIX_OTHER_CASE;
  const matcher = new WordMatcher(lower);
  if (!matcher.usable) return NO_MATCH;
  const bytes = Uint8Array.from(name, (c) => {
    const code = c.charCodeAt(0);
    return code < 128 ? code : 63;
  });
  return Math.floor(matcher.rank(bytes, 0, bytes.length));
}
