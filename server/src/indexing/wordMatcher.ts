/**
 * The ranks of workspace-symbol search (symbolSearch.ts explains them) and the matcher that gives a name its word
 * rank (2-6) against one query.
 */
import { MAX_QUERY, MAX_WORDS, firstLetter, fold, splitWords } from './nameWords';

export const RANK_EXACT = 0;
export const RANK_EXACT_OTHER_CASE = 1;
export const RANK_WHOLE_NAME = 2;
export const RANK_ALL_WORDS = 3;
export const RANK_FIRST_WORDS = 4;
export const RANK_SOME_WORDS = 5;
export const RANK_SUBSEQUENCE = 6;
export const NO_MATCH = -1;
/** Orders inside rank 2: the name but for its underscores, then prefixes and initials, then other-case prefixes. */
export const WHOLE_NAME_ABBREVIATED = 0.25;
export const WHOLE_NAME_OTHER_CASE = 0.5;

/**
 * Matches one name (bytes[start, end)) against a prepared query for ranks 2-6. Reused across names: its
 * scratch arrays are allocated once per query.
 */
export class WordMatcher {
  /** The query folded, without underscores. */
  readonly query: Uint8Array;
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
   * The word rank of the name (RANK_WHOLE_NAME for an abbreviation of all its words, then 3-6), or NO_MATCH.
   * Rank 3 carries a fraction (never reaching rank 4) that orders its names: the whole last word at the end of
   * the query first, then names with more words.
   */
  rank(bytes: Uint8Array, start: number, end: number): number {
    const query = this.query;
    const q = query.length;
    // Necessary for every rank here: the query is a subsequence of the name, starting at its first letter.
    const k = firstLetter(bytes, start, end);
    if (k === end || fold(bytes[k]) !== query[0]) return NO_MATCH;
    let p = 0;
    for (let j = k; j < end && p < q; j++) if (fold(bytes[j]) === query[p]) p++;
    if (p < q) return NO_MATCH;
    const caseWords = splitWords(bytes, k, end, true, this.wordStart);
    // Every word rank needs the query cut into prefixes of some words (a split at underscores only joins case
    // words, so it needs it too): most names of a short query's scan stop here.
    if (caseWords < MAX_WORDS && !this.matchWords(bytes, caseWords, end, true, false)) return RANK_SUBSEQUENCE;
    // Words at underscores and case changes (`FwStart`), then at underscores only: `mt` is the initials of
    // `Mpi2SGEIOUnion_t` as its author wrote it, though `Mpi2SGEIOUnion` has four words by case.
    let best = NO_MATCH;
    for (const byCase of [true, false]) {
      const words = byCase ? caseWords : splitWords(bytes, k, end, false, this.wordStart);
      if (!byCase && words === caseWords) break; // no case change: the same words
      if (this.matchWords(bytes, words, end, false, true)) {
        const rank = this.allWordsRank(bytes, words, end);
        if (best === NO_MATCH || rank < best) best = rank;
      }
    }
    if (best !== NO_MATCH) return best;
    const words = splitWords(bytes, k, end, true, this.wordStart);
    if (this.matchWords(bytes, words, end, false, false)) return RANK_FIRST_WORDS;
    if (this.matchWords(bytes, words, end, true, false)) return RANK_SOME_WORDS;
    return RANK_SUBSEQUENCE;
  }

  /** The rank of a name whose `words` (in wordStart) all match: see `rank`. */
  private allWordsRank(bytes: Uint8Array, words: number, end: number): number {
    const q = this.query.length;
    const lastStart = this.wordStart[words - 1];
    let letters = 0;
    for (let j = this.wordStart[0]; j < end; j++) if (bytes[j] !== 95) letters++;
    // Every word whole (the prefixes matched add up to the whole name: the name but for its underscores, first
    // of rank 2), or initials and the whole last word (with the prefixes).
    if (letters === q) return RANK_WHOLE_NAME;
    const endsWithLastWord = this.endsWithWord(bytes, lastStart, end);
    if (endsWithLastWord && this.isInitials(bytes, words)) return RANK_WHOLE_NAME + WHOLE_NAME_ABBREVIATED;
    return RANK_ALL_WORDS + (endsWithLastWord ? 0 : 0.5) + (MAX_WORDS - words) / (2 * (MAX_WORDS + 1));
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
