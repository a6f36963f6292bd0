/**
 * The words of an identifier as workspace-symbol search reads them, and the abbreviation keys built from them.
 * Words start after an underscore and, when `byCase`, at a lower-to-upper case change (`FwStart`: Fw, Start;
 * `v8` stays one word). Shared by the matcher of symbolSearch.ts and the abbreviation table below, so both read a
 * name the same way.
 */

export const MAX_WORDS = 32;
export const MAX_QUERY = 64;

const UNDERSCORE = 95;

export function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}
function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** Word starts of bytes[from, end) into wordStart (at case changes too when `byCase`); returns the word count. */
export function splitWords(
  bytes: Uint8Array,
  from: number,
  end: number,
  byCase: boolean,
  wordStart: Int32Array,
): number {
  let words = 0;
  let previous = UNDERSCORE;
  for (let j = from; j < end && words < MAX_WORDS; j++) {
    const c = bytes[j];
    if (c === UNDERSCORE) {
      previous = c;
      continue;
    }
    const starts = previous === UNDERSCORE || (byCase && isUpper(c) && isLower(previous));
    if (starts) wordStart[words++] = j;
    previous = c;
  }
  wordStart[words] = end;
  return words;
}

/** First byte of a name that is not a leading underscore (the word ranks ignore those). */
export function firstLetter(bytes: Uint8Array, start: number, end: number): number {
  let k = start;
  while (k < end && bytes[k] === UNDERSCORE) k++;
  return k;
}

const FNV_OFFSET = 0x811c9dc5;
function mix(hash: number, c: number): number {
  return Math.imul(hash ^ c, 0x01000193) >>> 0;
}

/** Hash of a query as the abbreviation table keys it: folded, without underscores, at most MAX_QUERY characters. */
export function hashQuery(query: Uint8Array): number {
  let hash = FNV_OFFSET;
  for (let k = 0; k < query.length; k++) hash = mix(hash, query[k]);
  return hash;
}

/** A name's words at underscores: the character bits of their first letters (see symbolSearch.ts) and how many. */
export interface NameShape {
  heads: number;
  words: number;
}

/** Letters a-z as bits 0-25 and digits as bit 26, as the character masks of symbolSearch.ts. */
export function headBit(c: number): number {
  const f = fold(c);
  return f >= 97 && f <= 122 ? 1 << (f - 97) : f >= 48 && f <= 57 ? 1 << 26 : 0;
}

/**
 * The hashes of every query that abbreviates the whole name (bytes[start, end)), written to `out` (room for 3);
 * returns how many, without repeats: the name spelled whole without underscores (`mvsetup` for `mv_setup`), and
 * for each reading of its words (by case, at underscores only) the initials of every word but the last followed
 * by the whole last word (`fwstart` for `folio_walk_start`, `pt` for `PortEnable_t`). `shape` gets the words at
 * underscores.
 */
export function abbreviationKeys(
  bytes: Uint8Array,
  start: number,
  end: number,
  wordStart: Int32Array,
  out: Uint32Array,
  shape: NameShape,
): number {
  shape.heads = 0;
  shape.words = 0;
  const k = firstLetter(bytes, start, end);
  if (k === end) return 0;
  let whole = FNV_OFFSET;
  let letters = 0;
  let upper = false;
  for (let j = k; j < end; j++) {
    const c = bytes[j];
    if (c === UNDERSCORE) continue;
    if (isUpper(c)) upper = true;
    if (letters < MAX_QUERY) {
      whole = mix(whole, fold(c));
      letters++;
    }
  }
  out[0] = whole;
  let count = 1;
  let caseWords = -1;
  // Without an upper-case letter, the words at case changes are the words at underscores: one split.
  for (let pass = upper ? 0 : 1; pass < 2; pass++) {
    const words = splitWords(bytes, k, end, pass === 0, wordStart);
    if (pass === 1 && words === caseWords) break; // no case change: the same words
    caseWords = words;
    // The shape is the last split's: at underscores only (the case split when it is the same).
    shape.words = words;
    shape.heads = 0;
    for (let w = 0; w < words; w++) shape.heads |= headBit(bytes[wordStart[w]]);
    if (words < 2) continue;
    let hash = FNV_OFFSET;
    for (let w = 0; w < words - 1; w++) hash = mix(hash, fold(bytes[wordStart[w]]));
    let length = words - 1;
    for (let j = wordStart[words - 1]; j < wordStart[words] && bytes[j] !== UNDERSCORE && length < MAX_QUERY; j++) {
      hash = mix(hash, fold(bytes[j]));
      length++;
    }
    let repeated = false;
    for (let r = 0; r < count; r++) if (out[r] === hash) repeated = true;
    if (!repeated) out[count++] = hash;
  }
  return count;
}
