/**
 * The occurrence store: every file's occurrence block (see occurrenceCollector.ts) in one file next to the
 * index cache, written once per full build and read on demand with positioned reads, so a references query
 * costs a few small reads per file instead of re-lexing it, and the positions never take memory.
 *
 * The file starts with a header naming its generation; the index records the same generation and the
 * expected size, so a store from another run, a truncated one or a missing one is detected and the index
 * falls back to re-lexing (nothing is lost, queries only get slower). Blocks are checked as they are read.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import { temporaryPathFor } from '../base/tempFiles';
import type { OccurrenceSink, OccurrenceSource, OccurrenceStoreRef } from './indexData';

const MAGIC = Buffer.from('KMMLOCC\0', 'latin1');
const VERSION = 1;
/** magic (8), version (4), generation length (4), generation (32 hex chars). */
const HEADER_BYTES = 48;

export class OccurrenceStoreWriter implements OccurrenceSink {
  readonly generation = crypto.randomBytes(16).toString('hex');
  private readonly temporary: string;
  private fd: number | undefined;
  private position = HEADER_BYTES;

  private readonly finalPath: string;

  /** A new store for the index cache `cacheFile`, under its own generation's name (see occurrenceStorePathFor). */
  constructor(cacheFile: string) {
    this.finalPath = occurrenceStorePathFor(cacheFile, this.generation);
    fs.mkdirSync(path.dirname(this.finalPath), { recursive: true });
    this.temporary = temporaryPathFor(this.finalPath);
    this.fd = fs.openSync(this.temporary, 'w');
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(VERSION, 8);
    header.writeUInt32LE(this.generation.length, 12);
    header.write(this.generation, 16, 'latin1');
    writeAll(this.fd, header);
  }

  append(bytes: Uint8Array): number {
    if (this.fd === undefined) throw new Error('occurrence store already closed');
    const at = this.position;
    writeAll(this.fd, bytes);
    this.position += bytes.byteLength;
    return at;
  }

  /** Moves the finished store into place and returns what the index records about it. */
  commit(): OccurrenceStoreRef {
    this.close();
    fs.renameSync(this.temporary, this.finalPath);
    return { path: this.finalPath, generation: this.generation, bytes: this.position };
  }

  abort(): void {
    this.close();
    try {
      fs.unlinkSync(this.temporary);
    } catch {
      /* already gone */
    }
  }

  private close(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.byteLength;) done += fs.writeSync(fd, bytes, done, bytes.byteLength - done);
}

/** Positioned reads from a store; any mismatch disables it once, with one log line. */
export class OccurrenceStoreReader implements OccurrenceSource {
  private fd: number | undefined;
  private failed = false;
  private users = 0;

  constructor(
    private readonly ref: OccurrenceStoreRef,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  get usable(): boolean {
    return !this.failed && this.open() !== undefined;
  }

  /** Bytes [offset, offset + length) of the store, or undefined if the store is unusable. */
  read(offset: number, length: number): Uint8Array | undefined {
    const fd = this.open();
    if (fd === undefined) return undefined;
    if (offset < HEADER_BYTES || offset + length > this.ref.bytes) {
      this.fail(`a block lies outside the store (${offset}+${length})`);
      return undefined;
    }
    const buffer = new Uint8Array(length);
    try {
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, buffer, done, length - done, offset + done);
        if (n === 0) {
          this.fail('the store ends early');
          return undefined;
        }
        done += n;
      }
    } catch (err) {
      this.fail(`unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
    return buffer;
  }

  /** Marks the store unusable (a block failed its checks): queries re-lex from now on. */
  fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.log(`occurrence store ${this.ref.path} not used: ${reason}; references are re-read from the sources`);
    this.closeFd();
  }

  /** Keeps the file open across the reads of one query (no descriptor stays open between queries). */
  acquire(): void {
    this.users++;
  }
  release(): void {
    if (--this.users <= 0) {
      this.users = 0;
      this.closeFd();
    }
  }

  private open(): number | undefined {
    if (this.failed) return undefined;
    if (this.fd !== undefined) return this.fd;
    let fd: number;
    try {
      fd = fs.openSync(this.ref.path, 'r');
    } catch (err) {
      this.fail(`cannot open it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
    const header = Buffer.alloc(HEADER_BYTES);
    try {
      const size = fs.fstatSync(fd).size;
      const n = fs.readSync(fd, header, 0, HEADER_BYTES, 0);
      const generationLength = header.readUInt32LE(12);
      const generation = header.toString('latin1', 16, 16 + Math.min(generationLength, 32));
      let problem: string | undefined;
      if (n < HEADER_BYTES || !header.subarray(0, 8).equals(MAGIC)) problem = 'not an occurrence store';
      else if (header.readUInt32LE(8) !== VERSION) problem = `format version ${header.readUInt32LE(8)}`;
      else if (generation !== this.ref.generation) problem = 'it belongs to another index build';
      else if (size !== this.ref.bytes) problem = `size ${size}, expected ${this.ref.bytes} (truncated or rewritten)`;
      if (problem) {
        fs.closeSync(fd);
        this.fail(problem);
        return undefined;
      }
    } catch (err) {
      try {
        fs.closeSync(fd);
      } catch {
        /* ignore */
      }
      this.fail(`unreadable header (${(err as Error).message})`);
      return undefined;
    }
    this.fd = fd;
    return fd;
  }

  private closeFd(): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* ignore */
      }
      this.fd = undefined;
    }
  }
}

/**
 * Path of the store of one generation, next to its index cache file. Each build writes a store of its own name
 * and the index cache records which one it goes with: a build killed after its store was committed but before
 * its index was (the index is written last) leaves the previous index with the previous store, whole and
 * matching, so the next start is an ordinary warm start. (One shared name was replaced first, and the old index
 * then met a store of another generation: every reference query fell back to re-reading the sources.)
 */
export function occurrenceStorePathFor(cacheFile: string, generation: string): string {
  return path.join(path.dirname(cacheFile), `occurrences-${generation.slice(0, 16)}.bin`);
}

const STORE_NAME = /^occurrences(?:-[0-9a-f]+)?\.bin$/;

/**
 * Removes the stores next to `cacheFile` that its index does not use (`keep`: the path it records): those of
 * older builds and of builds killed before their index was written. Returns the bytes freed. Never throws.
 */
export function removeUnusedStores(cacheFile: string, keep: string | undefined): number {
  const dir = path.dirname(cacheFile);
  let freed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!STORE_NAME.test(name) || (keep !== undefined && path.join(dir, name) === keep)) continue;
    try {
      const file = path.join(dir, name);
      freed += fs.statSync(file).size;
      fs.unlinkSync(file);
    } catch {
      /* gone meanwhile */
    }
  }
  return freed;
}
