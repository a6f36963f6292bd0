import { fnv1aOfBytes, fnv1aOfName, nameByte } from '../parsing/nameHash';
/** What sorting and matching need of a name list: read-only access to names stored as bytes. */
export interface FoldedNames {
  nameLength(id: number): number;
  foldedChunk(id: number, depth: number): number;
  foldedByte(id: number, depth: number): number;
  compareFolded(a: number, b: number): number;
}

/**
 * Names stored as bytes with end offsets (name k is bytes[offsets[k], offsets[k + 1])), compared without
 * creating strings. NameTable adds the hash for lookups; a worker thread that only sorts uses this alone.
 */
export class NameBytes implements FoldedNames {
  constructor(
    protected bytes: Uint8Array,
    protected offsets: Uint32Array,
  ) {}

  /** Compares two names case-insensitively without creating strings. */
  compareFolded(a: number, b: number): number {
    const bytes = this.bytes;
    let i = this.offsets[a];
    const aEnd = this.offsets[a + 1];
    let j = this.offsets[b];
    const bEnd = this.offsets[b + 1];
    for (; i < aEnd && j < bEnd; i++, j++) {
      const x = fold(bytes[i]);
      const y = fold(bytes[j]);
      if (x !== y) return x - y;
    }
    return aEnd - this.offsets[a] - (bEnd - this.offsets[b]) || a - b;
  }

  /** Compares a name with a lowercase ASCII query: <0, 0 when the name starts with it, >0. */
  comparePrefixFolded(id: number, lowerQuery: string): number {
    const bytes = this.bytes;
    const start = this.offsets[id];
    const end = this.offsets[id + 1];
    for (let k = 0; k < lowerQuery.length; k++) {
      if (start + k >= end) return -1;
      const x = fold(bytes[start + k]);
      const y = lowerQuery.charCodeAt(k);
      if (x !== y) return x - y;
    }
    return 0;
  }

  nameLength(id: number): number {
    return this.offsets[id + 1] - this.offsets[id];
  }

  /** Case-folded bytes depth..depth+3 as a 28-bit number (7 bits each, 0 past the end). */
  foldedChunk(id: number, depth: number): number {
    const start = this.offsets[id] + depth;
    const end = this.offsets[id + 1];
    let key = 0;
    for (let k = 0; k < 4; k++) key = (key << 7) | (start + k < end ? fold(this.bytes[start + k]) & 127 : 0);
    return key;
  }

  /** Case-folded byte at `depth` of a name, 0 past its end (names never contain byte 0). */
  foldedByte(id: number, depth: number): number {
    const at = this.offsets[id] + depth;
    return at < this.offsets[id + 1] ? fold(this.bytes[at]) & 127 : 0;
  }
}

/**
 * Interned identifiers of a whole tree (3–4 million in a full kernel) in flat byte storage with an
 * open-addressing hash: a fraction of the memory of a Map<string, number> plus one JS string per name.
 * Identifiers are ASCII (the lexer only produces [A-Za-z0-9_$]); other characters are stored as '?'.
 */
export class NameTable extends NameBytes {
  private used: number;
  private count: number;
  private slots: Int32Array;
  private view: Buffer;

  /** `slots` (the hash table of a previous serialize()) skips re-hashing millions of names at load time. */
  /**
   * `shared`: names and offsets live in SharedArrayBuffers, so a worker thread can read them without a copy
   * (the cold build sorts names on another thread).
   */
  constructor(
    bytes?: Uint8Array,
    offsets?: Uint32Array,
    slots?: Int32Array,
    private readonly shared = false,
  ) {
    const given = bytes !== undefined && offsets !== undefined;
    super(given ? bytes : makeBytes(1 << 16, shared), given ? offsets : makeOffsets(1 << 12, shared));
    this.used = given ? offsets[offsets.length - 1] : 0;
    this.count = given ? offsets.length - 1 : 0;
    this.view = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const size = Math.max(1 << 12, nextPowerOfTwo(this.count * 2));
    // A persisted table is reused as it is at its own power-of-two size (up to twice the minimum).
    if (slots && (slots.length === size || (slots.length === size * 2 && slots.length > 1 << 12))) {
      this.slots = slots;
    } else {
      this.slots = new Int32Array(0);
      this.rehash(size);
    }
  }

  get size(): number {
    return this.count;
  }
  /** Number of hash slots (a power of two): where a name with hash h starts probing is h & (slotCount - 1). */
  get slotCount(): number {
    return this.slots.length;
  }

  /** An independent copy with the same ids (a refresh keeps ids stable, so unchanged files need no remapping). */
  clone(): NameTable {
    const copy = new NameTable(this.bytes.slice(0, Math.max(this.used, 1)), this.offsets.slice(0, this.count + 1));
    return copy;
  }

  /** Id of a name, adding it if new. */
  intern(name: string): number {
    const found = this.lookup(name);
    if (found >= 0) return found;
    const id = this.addName(name.length, fnv1aOfName(name));
    const at = this.offsets[id];
    for (let k = 0; k < name.length; k++) {
      const c = name.charCodeAt(k);
      this.bytes[at + k] = c < 128 ? c : 63;
    }
    return id;
  }

  /** Id of the name stored as bytes[start, end) (names sent by a worker as bytes), adding it if new. */
  internBytes(source: Uint8Array, start: number, end: number, hash?: number): number {
    const h = hash === undefined ? fnv1aOfBytes(source, start, end) : hash >>> 0;
    const mask = this.slots.length - 1;
    const length = end - start;
    let slot = h & mask;
    for (; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot];
      if (id < 0) break;
      const at = this.offsets[id];
      if (this.offsets[id + 1] - at !== length) continue;
      let k = 0;
      while (k < length && this.bytes[at + k] === source[start + k]) k++;
      if (k === length) return id;
    }
    // New name: placed in the free slot just found (unless the table grows), bytes copied in a loop (a
    // subarray + set per name cost more than the copy: names are short).
    const id = this.addName(length, h, mask === this.slots.length - 1 ? slot : -1);
    const bytes = this.bytes;
    for (let k = 0, at = this.offsets[id]; k < length; k++) bytes[at + k] = source[start + k];
    return id;
  }

  /** Room for one more name of `length` bytes, hashed `hash`: its id, with bytes[offsets[id]...] to fill. */
  private addName(length: number, hash: number, freeSlot = -1): number {
    if ((this.count + 1) * 2 > this.slots.length) {
      this.rehash(this.slots.length * 2);
      freeSlot = -1;
    }
    const id = this.count++;
    if (this.count + 1 > this.offsets.length)
      this.offsets = grow(this.offsets, this.offsets.length * 2, this.shared) as Uint32Array;
    if (this.used + length > this.bytes.length) {
      this.bytes = grow(this.bytes, Math.max(this.bytes.length * 2, this.used + length), this.shared) as Uint8Array;
      this.view = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    }
    this.offsets[id] = this.used;
    this.used += length;
    this.offsets[id + 1] = this.used;
    if (freeSlot >= 0) this.slots[freeSlot] = id;
    else this.place(id, hash);
    return id;
  }

  /** Makes room for about `names` names without rehashing on the way (sizing from the tree's bytes). */
  reserve(names: number): void {
    const size = nextPowerOfTwo(names * 2);
    if (size > this.slots.length) this.rehash(size);
    if (this.offsets.length < names + 1) this.offsets = grow(this.offsets, names + 1, this.shared) as Uint32Array;
    if (this.bytes.length < names * 14) {
      this.bytes = grow(this.bytes, names * 14, this.shared) as Uint8Array;
      this.view = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    }
  }

  /** Id of a name, or undefined. */
  get(name: string): number | undefined {
    const id = this.lookup(name);
    return id >= 0 ? id : undefined;
  }

  name(id: number): string {
    return this.view.toString('latin1', this.offsets[id], this.offsets[id + 1]);
  }

  /** The storage to persist: bytes actually used and the offsets table. */
  serialize(): { bytes: Uint8Array; offsets: Uint32Array; slots: Int32Array } {
    // Slots are reusable at the size a fresh table of this count would have, or twice it (a table reserved
    // a little large during a build is kept: rehashing millions of names costs a second).
    const size = Math.max(1 << 12, nextPowerOfTwo(this.count * 2));
    if (this.slots.length !== size && this.slots.length !== size * 2) this.rehash(size);
    return {
      bytes: this.bytes.subarray(0, this.used),
      offsets: this.offsets.subarray(0, this.count + 1),
      slots: this.slots,
    };
  }

  private lookup(name: string): number {
    const mask = this.slots.length - 1;
    for (let slot = fnv1aOfName(name) & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot];
      if (id < 0) return -1;
      if (this.equals(id, name)) return id;
    }
  }

  private equals(id: number, name: string): boolean {
    const start = this.offsets[id];
    if (this.offsets[id + 1] - start !== name.length) return false;
    for (let k = 0; k < name.length; k++) {
      const c = name.charCodeAt(k);
      if (this.bytes[start + k] !== nameByte(c)) return false;
    }
    return true;
  }

  private place(id: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] >= 0) slot = (slot + 1) & mask;
    this.slots[slot] = id;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(-1);
    for (let id = 0; id < this.count; id++) this.place(id, this.hashOf(id));
  }

  /** The hash of a stored name (FNV-1a of its bytes, as every intern method computes it). */
  hashOf(id: number): number {
    return fnv1aOfBytes(this.bytes, this.offsets[id], this.offsets[id + 1]);
  }
}

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

function makeBytes(size: number, shared: boolean): Uint8Array {
  return shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
}
function makeOffsets(size: number, shared: boolean): Uint32Array {
  return shared ? new Uint32Array(new SharedArrayBuffer(size * 4)) : new Uint32Array(size);
}

function grow(array: Uint8Array | Uint32Array, size: number, shared = false): Uint8Array | Uint32Array {
  const next = array instanceof Uint8Array ? makeBytes(size, shared) : makeOffsets(size, shared);
  next.set(array);
  return next;
}
