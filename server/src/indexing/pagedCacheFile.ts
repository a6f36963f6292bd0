/**
 * Positioned reads of the index cache file for the warm-start index (cacheLookup.ts): a small LRU page cache, the
 * same effect as memory-mapping the file, which Node cannot do, and typed sections read item by item with bounds
 * checks.
 */
import * as fs from 'fs';
import { CacheError, type SectionHeader } from './cacheStore';

const PAGE_BYTES = 16 * 1024;
/** At most this many pages are kept (16 MB). */
const MAX_PAGES = 1024;

/** Positioned reads of one file through a small LRU page cache. */
export class PagedFile {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(
    private fd: number | undefined,
    readonly size: number,
  ) {}

  private page(index: number): Uint8Array {
    const cached = this.pages.get(index);
    if (cached) {
      // Most recently used last.
      this.pages.delete(index);
      this.pages.set(index, cached);
      return cached;
    }
    if (this.fd === undefined) throw new CacheError('closed');
    const start = index * PAGE_BYTES;
    const length = Math.min(PAGE_BYTES, this.size - start);
    if (length <= 0) throw new CacheError('read past the end of the cache');
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, bytes, done, length - done, start + done);
      if (n === 0) throw new CacheError('cache file shrank while reading');
      done += n;
    }
    this.pages.set(index, bytes);
    if (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value!);
    return bytes;
  }

  u8(offset: number): number {
    return this.page(Math.floor(offset / PAGE_BYTES))[offset % PAGE_BYTES];
  }

  /** Little-endian 32-bit word at a 4-aligned offset (sections are 8-aligned, so a word never spans pages). */
  u32(offset: number): number {
    const bytes = this.page(Math.floor(offset / PAGE_BYTES));
    const at = offset % PAGE_BYTES;
    return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  }

  i32(offset: number): number {
    return this.u32(offset) | 0;
  }

  /** Bytes [offset, offset + length) into a new array. */
  bytes(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const page = this.page(Math.floor(at / PAGE_BYTES));
      const from = at % PAGE_BYTES;
      const n = Math.min(page.length - from, length - done);
      out.set(page.subarray(from, from + n), done);
      done += n;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    this.pages.clear();
  }
}

/** One typed section of the file, read word by word with bounds checks. */
export class Section {
  readonly count: number;
  constructor(
    private readonly file: PagedFile,
    private readonly header: SectionHeader,
    bytesPerItem: number,
  ) {
    this.count = Math.floor(header.length / bytesPerItem);
  }
  u32(i: number): number {
    if (!(i >= 0 && i < this.count)) throw new CacheError(`section ${this.header.name}: index ${i} out of bounds`);
    return this.file.u32(this.header.offset + i * 4);
  }
  i32(i: number): number {
    return this.u32(i) | 0;
  }
  /** Little-endian 64-bit float (the f64 sections: sizes, mtimes, occurrence offsets). */
  f64(i: number): number {
    if (!(i >= 0 && i < this.count)) throw new CacheError(`section ${this.header.name}: index ${i} out of bounds`);
    return Buffer.from(this.file.bytes(this.header.offset + i * 8, 8)).readDoubleLE(0);
  }
  /** Items [from, to) of a u32 section as one array. */
  u32s(from: number, to: number): Uint32Array {
    if (!(from >= 0 && to <= this.count && from <= to))
      throw new CacheError(`section ${this.header.name}: range out of bounds`);
    return new Uint32Array(this.file.bytes(this.header.offset + from * 4, (to - from) * 4).buffer);
  }
  u8(i: number): number {
    if (!(i >= 0 && i < this.count)) throw new CacheError(`section ${this.header.name}: index ${i} out of bounds`);
    return this.file.u8(this.header.offset + i);
  }
  bytes(from: number, to: number): Uint8Array {
    if (!(from >= 0 && to <= this.count && from <= to))
      throw new CacheError(`section ${this.header.name}: range out of bounds`);
    return this.file.bytes(this.header.offset + from, to - from);
  }
}
