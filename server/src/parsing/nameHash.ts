/**
 * How names are hashed, in one place. The lexer computes both hashes of every identifier on the way (the
 * whole-tree pass then finds a name in its tables without reading the text again), so every table that is
 * probed with a lexer hash must hash exactly like this: the worker's batch tables (indexing/batchNames.ts)
 * key on both hashes and the length; the whole-tree name table (indexing/nameTable.ts) on the first.
 */

/** FNV-1a, 32 bits: offset basis and prime. */
export const FNV_OFFSET_BASIS = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
/** The second, independent hash: h2 = h2 * this + byte, from h2 = first byte (MurmurHash2's multiplier). */
export const SECOND_HASH_MULTIPLIER = 0x5bd1e995;
/** Identifiers are ASCII ([A-Za-z0-9_$]); any other character is hashed and stored as '?'. */
const NON_ASCII_BYTE = 63;

/** The byte a name character is hashed and stored as. */
export function nameByte(c: number): number {
  return c < 128 ? c : NON_ASCII_BYTE;
}

/** Both hashes of a name as the lexer computes them for an identifier token (signed 32-bit values). */
export function nameHashes(name: string): [number, number] {
  let h = FNV_OFFSET_BASIS;
  let h2 = 0;
  for (let k = 0; k < name.length; k++) {
    const c = nameByte(name.charCodeAt(k));
    h = Math.imul(h ^ c, FNV_PRIME);
    h2 = k === 0 ? c : (Math.imul(h2, SECOND_HASH_MULTIPLIER) + c) | 0;
  }
  return [h | 0, h2];
}

/** FNV-1a of a name (unsigned), as the whole-tree name table stores it. */
export function fnv1aOfName(name: string): number {
  let h = FNV_OFFSET_BASIS;
  for (let k = 0; k < name.length; k++) h = Math.imul(h ^ nameByte(name.charCodeAt(k)), FNV_PRIME);
  return h >>> 0;
}

/** FNV-1a of bytes[start, end) (unsigned): a name stored as bytes. */
export function fnv1aOfBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET_BASIS;
  for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k], FNV_PRIME);
  return h >>> 0;
}
