/**
 * The names of one worker batch (about 30,000 distinct names of 6 MB of source), keyed by the lexer's two
 * 32-bit hashes and the length, as the per-file cache in front of it already was. Trusting them instead of
 * comparing bytes makes a lookup one cache line of one table: the byte comparison and the separate
 * offsets and bytes arrays were half of the lookups' time in the whole-tree pass. Two different names
 * merge only if both hashes and the length collide within one batch (of the order of 1e-11 per batch);
 * the main thread's whole-tree table compares bytes as before.
 */
import { C_KEYWORDS } from '../parsing/lexer';
import { nameByte, nameHashes } from '../parsing/nameHash';

const ENTRY_WORDS = 4; // hash, hash2, length + 1 (0: empty), id
const INITIAL_SLOTS = 1 << 16;

export interface BatchNameList {
  /** Name k is bytes[ends[k - 1] (0 for k = 0), ends[k]). */
  bytes: Uint8Array;
  ends: Uint32Array;
  /** FNV-1a of each name (the main thread's table starts probing there). */
  hashes: Int32Array;
}

export class BatchNames {
  private entries = new Int32Array(INITIAL_SLOTS * ENTRY_WORDS);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;
  private bytes = new Uint8Array(1 << 19);
  private used = 0;
  private ends = new Uint32Array(1 << 15);
  private hashes = new Int32Array(1 << 15);

  constructor() {
    this.seed();
  }

  get size(): number {
    return this.count;
  }

  /** Empties the table for the next batch (its arrays are kept: a batch needs about as much as the last). */
  reset(): void {
    this.entries.fill(0);
    this.count = 0;
    this.used = 0;
    this.seed();
  }

  /** Id of text[start, end), hashed by the lexer as `hash`/`hash2`, adding it if new. */
  internRange(text: string, start: number, end: number, hash: number, hash2: number): number {
    const length = end - start;
    const entries = this.entries;
    const mask = this.mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * ENTRY_WORDS;
      const stored = entries[at + 2];
      if (stored === 0) return this.add(text, start, length, hash, hash2, at);
      if (stored === length + 1 && entries[at] === hash && entries[at + 1] === hash2) return entries[at + 3];
    }
  }

  /** Id of a name given as a string (generated names, Kconfig and Makefile words). */
  intern(name: string): number {
    const [h, h2] = nameHashes(name);
    return this.internRange(name, 0, name.length, h, h2);
  }

  /** Name of an id (tests and diagnostics). */
  name(id: number): string {
    const start = id === 0 ? 0 : this.ends[id - 1];
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, this.ends[id] - start).toString('latin1');
  }

  /** Copies of the batch's names, to transfer to the main thread. */
  finish(): BatchNameList {
    return {
      bytes: this.bytes.slice(0, this.used),
      ends: this.ends.slice(0, this.count),
      hashes: this.hashes.slice(0, this.count),
    };
  }

  private add(text: string, start: number, length: number, hash: number, hash2: number, at: number): number {
    const id = this.count++;
    if (id === this.ends.length) {
      this.ends = grown(this.ends, id * 2);
      this.hashes = grown(this.hashes, id * 2);
    }
    if (this.used + length > this.bytes.length)
      this.bytes = grown(this.bytes, Math.max(this.bytes.length * 2, this.used + length));
    const bytes = this.bytes;
    for (let k = 0, to = this.used; k < length; k++) bytes[to + k] = nameByte(text.charCodeAt(start + k));
    this.used += length;
    this.ends[id] = this.used;
    this.hashes[id] = hash;
    const entries = this.entries;
    entries[at] = hash;
    entries[at + 1] = hash2;
    entries[at + 2] = length + 1;
    entries[at + 3] = id;
    if (this.count * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    return id;
  }

  private rehash(slots: number): void {
    const old = this.entries;
    const entries = new Int32Array(slots * ENTRY_WORDS);
    const mask = slots - 1;
    for (let at = 0; at < old.length; at += ENTRY_WORDS) {
      if (old[at + 2] === 0) continue;
      let slot = old[at] & mask;
      while (entries[slot * ENTRY_WORDS + 2] !== 0) slot = (slot + 1) & mask;
      entries.set(old.subarray(at, at + ENTRY_WORDS), slot * ENTRY_WORDS);
    }
    this.entries = entries;
    this.mask = mask;
  }

  private seed(): void {
    for (const keyword of C_KEYWORDS) this.intern(keyword);
  }
}

function grown<T extends Uint8Array | Uint32Array | Int32Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}
