/**
 * The index on disk: one binary file per tree (typed arrays written as they are, 8-byte aligned),
 * with a header, a format version and a CRC-32 over everything, so a truncated, corrupt or foreign
 * file is detected and rebuilt instead of trusted. Writes go to a temporary file renamed into place.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import * as zlib from 'zlib';
import { Worker } from 'worker_threads';
import type { DerivedTables, IndexData } from './indexData';
import { DEF_FIELDS } from './fileExtraction';
import { NameTable } from './nameTable';

const MAGIC = Buffer.from('KMMLIDX\0', 'latin1');
/** Bump when the layout of IndexData or of packed definitions changes. 9: install sites (fileInstallStart, installs). */
const CACHE_FORMAT_VERSION = 9;
/**
 * CRC-32 of everything before it: catches truncation and corruption (zlib's is hardware-assisted; SHA-1 took 50 %
 * longer).
 */
const DIGEST_BYTES = 4;

type Crc32 = (data: Uint8Array, value?: number) => number;
const nativeCrc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;
let crcTable: Uint32Array | undefined;
/** zlib.crc32 (Node 20.15+), or the same function in JS for older runtimes. */
const crc32: Crc32 =
  nativeCrc32 ??
  ((data, value = 0) => {
    if (!crcTable) {
      crcTable = new Uint32Array(256);
      for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        crcTable[n] = c >>> 0;
      }
    }
    let crc = ~value >>> 0;
    for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
    return ~crc >>> 0;
  });

export type SectionType = 'text' | 'json' | 'f64' | 'u32' | 'i32' | 'u8';
export type SectionName =
  | Exclude<keyof IndexData, 'names' | 'derived' | 'occurrenceStore'>
  | 'nameBytes'
  | 'nameOffsets'
  | 'nameSlots'
  | 'defFile'
  | 'nameDefStart'
  | 'nameDefs'
  | 'nameFileStart'
  | 'nameFiles';
export interface SectionHeader {
  name: SectionName;
  type: SectionType;
  offset: number;
  length: number;
}
export interface CacheHeader {
  root: string;
  settingsKey: string;
  createdAt: string;
  sections: SectionHeader[];
  /** The occurrence store of this index: a file in the same folder, with its generation and size. */
  occurrenceStore?: { file: string; generation: string; bytes: number };
}

export class CacheError extends Error {}

/** Folder of one tree's cache inside the cache dir (keyed by the tree's real path). */
export function cacheFileFor(cacheDir: string, root: string): string {
  let real = root;
  try {
    real = fs.realpathSync(root);
  } catch {
    /* the tree may be gone: use the path as given */
  }
  const key = crypto.createHash('sha1').update(real).digest('hex').slice(0, 16);
  return path.join(cacheDir, `tree-${key}`, 'index.bin');
}

const SECTIONS: Array<[SectionName, SectionType]> = [
  ['nameBytes', 'u8'],
  ['nameOffsets', 'u32'],
  ['files', 'text'],
  ['skipped', 'json'],
  ['fileSize', 'f64'],
  ['fileMtime', 'f64'],
  ['fileDefStart', 'u32'],
  ['defs', 'i32'],
  ['fileIdentStart', 'u32'],
  ['idents', 'u32'],
  ['fileRefCount', 'u32'],
  ['fileOccOffset', 'f64'],
  ['fileOccLength', 'u32'],
  ['fileOccScopes', 'u32'],
  ['fileInstallStart', 'u32'],
  ['installs', 'u32'],
  // Last: a cold build may still be sorting it on another thread while the sections above are written.
  ['sortedNames', 'u32'],
];
/** Sections a reader can do without (recomputed when absent). */
const DERIVED_SECTIONS: Array<[SectionName, SectionType]> = [
  ['nameSlots', 'i32'],
  ['defFile', 'u32'],
  ['nameDefStart', 'u32'],
  ['nameDefs', 'u32'],
  ['nameFileStart', 'u32'],
  ['nameFiles', 'u32'],
];

/** Sections a reader accepts when absent (a cache written before they existed): IndexData's optional arrays. */
const OPTIONAL_SECTIONS: Array<[SectionName, SectionType]> = [['installOrder', 'u32']];

/** Sections the caller is still computing while the ones before them are written (each awaited in its turn). */
export interface PendingSections {
  /** The defined names in order, being sorted on another thread (written last). */
  sortedNames?: { count: number; ready: Promise<Uint32Array> };
  /** The query tables, derived on this thread while the data sections are being written. */
  derived?: Promise<DerivedTables>;
}

/**
 * Writes the cache. Sections go out as positioned writes on libuv's threads, issued without waiting, so the
 * caller keeps computing while the disk is written; a pending section is awaited only when its turn comes
 * (the CRC is computed in file order on this thread).
 */
export async function writeIndexCache(file: string, data: IndexData, pending: PendingSections = {}): Promise<number> {
  const payloads: Array<{ header: SectionHeader; bytes: Uint8Array; byteLength: number; later?: Promise<Uint8Array> }> =
    [];
  const names = data.names.serialize();
  const sources: Record<string, unknown> = {
    ...data,
    ...(data.derived ?? {}),
    nameBytes: names.bytes,
    nameOffsets: names.offsets,
    nameSlots: names.slots,
  };
  const sections = [
    ...SECTIONS.filter(([name]) => name !== 'sortedNames'),
    ...OPTIONAL_SECTIONS,
    ...DERIVED_SECTIONS,
    ...SECTIONS.filter(([name]) => name === 'sortedNames'),
  ];
  const defCount = data.defs.length / DEF_FIELDS;
  // Sizes of the derived tables are known before they are (see deriveTables in treeIndex.ts).
  const derivedLength: Partial<Record<SectionName, number>> = {
    defFile: defCount,
    nameDefStart: data.names.size + 1,
    nameDefs: defCount,
    nameFileStart: data.names.size + 1,
    nameFiles: data.idents.length,
  };
  for (const [name, type] of sections) {
    if (name === 'sortedNames' && pending.sortedNames) {
      const { count, ready } = pending.sortedNames;
      payloads.push({
        header: { name, type, offset: 0, length: count * 4 },
        bytes: new Uint8Array(0),
        byteLength: count * 4,
        later: handled(ready.then(bytesOf)),
      });
      continue;
    }
    const derivedWords = derivedLength[name];
    if (derivedWords !== undefined && !data.derived && pending.derived) {
      const later = handled(pending.derived.then((tables) => bytesOf(tables[name as keyof DerivedTables])));
      payloads.push({
        header: { name, type, offset: 0, length: derivedWords * 4 },
        bytes: new Uint8Array(0),
        byteLength: derivedWords * 4,
        later,
      });
      continue;
    }
    const value = sources[name];
    if (value === undefined) continue;
    let bytes: Uint8Array;
    if (type === 'text') bytes = Buffer.from((value as string[]).join('\n'), 'utf8');
    else if (type === 'json') bytes = Buffer.from(JSON.stringify(value), 'utf8');
    else bytes = bytesOf(value as Float64Array | Uint32Array | Int32Array | Uint8Array);
    payloads.push({
      header: { name, type, offset: 0, length: type === 'text' ? (value as string[]).length : bytes.byteLength },
      bytes,
      byteLength: bytes.byteLength,
    });
  }
  // Layout: magic, version (u32), header length (u32), header JSON, then 8-aligned sections, then the digest.
  const store = data.occurrenceStore;
  const header: CacheHeader = {
    root: data.root,
    settingsKey: data.settingsKey,
    createdAt: new Date().toISOString(),
    sections: [],
    // Only a store next to the cache file is recorded (it is found again relative to it).
    occurrenceStore:
      store && path.dirname(store.path) === path.dirname(file)
        ? { file: path.basename(store.path), generation: store.generation, bytes: store.bytes }
        : undefined,
  };
  const provisional = Buffer.from(
    JSON.stringify({ ...header, sections: payloads.map((p) => ({ ...p.header, offset: 1e15 })) }),
    'utf8',
  );
  let offset = align8(MAGIC.length + 8 + provisional.length + 64);
  const headerStart = MAGIC.length + 8;
  for (const payload of payloads) {
    payload.header.offset = offset;
    header.sections.push(payload.header);
    offset = align8(offset + payload.byteLength);
  }
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  if (headerStart + headerBytes.length > payloads[0].header.offset) throw new CacheError('cache header overflow');
  const total = offset + DIGEST_BYTES;
  // Streamed to a temporary file (no second copy of a few hundred MB in memory), then renamed into place.
  const prefix = Buffer.alloc(payloads[0].header.offset);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(CACHE_FORMAT_VERSION, MAGIC.length);
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length + 4);
  headerBytes.copy(prefix, headerStart);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  let checksum = 0;
  const fd = fs.openSync(temporary, 'w');
  const writes: Array<Promise<void>> = [];
  let complete = false;
  try {
    let position = 0;
    const write = (bytes: Uint8Array) => {
      checksum = crc32(bytes, checksum);
      if (bytes.byteLength > 0) writes.push(handled(writeFully(fd, bytes, position)));
      position += bytes.byteLength;
    };
    write(prefix);
    for (const payload of payloads) {
      if (position < payload.header.offset) write(Buffer.alloc(payload.header.offset - position));
      if (payload.later) {
        const bytes = await payload.later;
        if (bytes.byteLength !== payload.byteLength)
          throw new CacheError(
            `section ${payload.header.name} has ${bytes.byteLength} bytes, expected ${payload.byteLength}`,
          );
        write(bytes);
      } else {
        write(payload.bytes);
      }
    }
    if (position < offset) write(Buffer.alloc(offset - position));
    const digest = Buffer.alloc(DIGEST_BYTES);
    digest.writeUInt32LE(checksum >>> 0, 0);
    write(digest);
    await Promise.all(writes);
    complete = true;
  } finally {
    // Every write issued must have ended before the file is closed (or removed).
    await Promise.allSettled(writes);
    fs.closeSync(fd);
    if (!complete) {
      try {
        fs.unlinkSync(temporary);
      } catch {
        /* already gone */
      }
    }
  }
  fs.renameSync(temporary, file);
  return total;
}

/** Marks a promise as handled (its failure is still seen where it is awaited, in turn), so a failure that
 *  comes before its turn is not an unhandled rejection, which would end the process. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function bytesOf(array: Float64Array | Uint32Array | Int32Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** One positioned write, continued until every byte is written (libuv's threads do the system calls). */
function writeFully(fd: number, bytes: Uint8Array, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = (done: number) => {
      if (done >= bytes.byteLength) {
        resolve();
        return;
      }
      fs.write(fd, bytes, done, bytes.byteLength - done, position + done, (err, written) => {
        if (err) reject(err);
        else next(done + written);
      });
    };
    next(0);
  });
}

/** Reads a cache file; throws CacheError with a reason for anything but a valid cache of this format. */
function readIndexCache(file: string, expectedRoot?: string): IndexData {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (err) {
    throw new CacheError(`unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseIndexCache(file, raw, expectedRoot);
}

/**
 * Reads a cache on a short-lived worker thread into shared memory (and checks its CRC there), so a warm
 * start scans the tree for changes at the same time. Falls back to reading on this thread.
 */
export function readIndexCacheInBackground(file: string, expectedRoot?: string): Promise<IndexData> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fallback = () => {
      if (settled) return;
      settled = true;
      try {
        resolve(readIndexCache(file, expectedRoot));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    let worker: Worker;
    try {
      worker = new Worker(CACHE_READER_SOURCE, { eval: true, workerData: { file, digestBytes: DIGEST_BYTES } });
    } catch {
      fallback();
      return;
    }
    worker.on('message', (message: { shared?: SharedArrayBuffer; length?: number; crc?: number; error?: string }) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (message.error !== undefined) {
        reject(new CacheError(`unreadable (${message.error})`));
        return;
      }
      try {
        resolve(parseIndexCache(file, Buffer.from(message.shared!, 0, message.length), expectedRoot, message.crc));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    worker.on('error', fallback);
    worker.on('exit', fallback);
  });
}

/** The cache-reading worker (plain CommonJS, no bundle to load: it starts in a few milliseconds). */
const CACHE_READER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const zlib = require('zlib');
try {
  const fd = fs.openSync(workerData.file, 'r');
  let length = 0;
  let shared;
  try {
    const size = fs.fstatSync(fd).size;
    shared = new SharedArrayBuffer(size);
    const bytes = new Uint8Array(shared);
    while (length < size) { const n = fs.readSync(fd, bytes, length, size - length, length); if (n === 0) break; length += n; }
  } finally { fs.closeSync(fd); }
  const crc = typeof zlib.crc32 === 'function' && length >= workerData.digestBytes
    ? zlib.crc32(new Uint8Array(shared, 0, length - workerData.digestBytes)) >>> 0 : undefined;
  parentPort.postMessage({ shared, length, crc });
} catch (err) {
  parentPort.postMessage({ error: err && err.code ? err.code : String(err) });
}
`;

function parseIndexCache(file: string, raw: Buffer, expectedRoot?: string, computedCrc?: number): IndexData {
  if (raw.length < MAGIC.length + 8 + DIGEST_BYTES || !raw.subarray(0, MAGIC.length).equals(MAGIC))
    throw new CacheError('not a Kernel MM Lens index (bad magic)');
  const version = raw.readUInt32LE(MAGIC.length);
  if (version !== CACHE_FORMAT_VERSION)
    throw new CacheError(`format version ${version}, expected ${CACHE_FORMAT_VERSION}`);
  const crc = computedCrc ?? crc32(raw.subarray(0, raw.length - DIGEST_BYTES)) >>> 0;
  if (crc !== raw.readUInt32LE(raw.length - DIGEST_BYTES))
    throw new CacheError('checksum mismatch (truncated or corrupt)');
  // Typed array views need 8-byte aligned memory.
  const bytes = raw.byteOffset % 8 === 0 ? raw : Buffer.from(raw);
  let header: CacheHeader;
  try {
    const headerLength = bytes.readUInt32LE(MAGIC.length + 4);
    header = JSON.parse(
      bytes.subarray(MAGIC.length + 8, MAGIC.length + 8 + headerLength).toString('utf8'),
    ) as CacheHeader;
  } catch (err) {
    throw new CacheError(`unreadable header (${(err as Error).message})`);
  }
  if (expectedRoot !== undefined && header.root !== expectedRoot)
    throw new CacheError(`belongs to another tree (${header.root})`);
  const data: Record<string, unknown> = { root: header.root, settingsKey: header.settingsKey };
  const store = header.occurrenceStore;
  if (
    store &&
    typeof store.file === 'string' &&
    !/[\\/]/.test(store.file) &&
    typeof store.generation === 'string' &&
    typeof store.bytes === 'number'
  ) {
    data.occurrenceStore = {
      path: path.join(path.dirname(file), store.file),
      generation: store.generation,
      bytes: store.bytes,
    };
  }
  for (const section of header.sections) {
    const { offset, length, type } = section;
    const view = (elements: number, size: number) => {
      if (offset + elements * size > bytes.length - DIGEST_BYTES)
        throw new CacheError(`section ${section.name} out of bounds`);
      return { buffer: bytes.buffer, byteOffset: bytes.byteOffset + offset };
    };
    let value: unknown;
    switch (type) {
      case 'text': {
        const end = sectionEnd(header, section, bytes.length - DIGEST_BYTES);
        const text = bytes.subarray(offset, end).toString('utf8').replace(/\0+$/, '');
        value = length === 0 ? [] : text.split('\n');
        if ((value as string[]).length !== length)
          throw new CacheError(`section ${section.name} has ${(value as string[]).length} entries, expected ${length}`);
        break;
      }
      case 'json':
        value = JSON.parse(bytes.subarray(offset, offset + length).toString('utf8'));
        break;
      case 'f64': {
        const v = view(length / 8, 8);
        value = new Float64Array(v.buffer, v.byteOffset, length / 8);
        break;
      }
      case 'u32': {
        const v = view(length / 4, 4);
        value = new Uint32Array(v.buffer, v.byteOffset, length / 4);
        break;
      }
      case 'i32': {
        const v = view(length / 4, 4);
        value = new Int32Array(v.buffer, v.byteOffset, length / 4);
        break;
      }
      case 'u8': {
        const v = view(length, 1);
        value = new Uint8Array(v.buffer, v.byteOffset, length);
        break;
      }
    }
    data[section.name] = value;
  }
  for (const [name] of SECTIONS) if (data[name] === undefined) throw new CacheError(`section ${name} missing`);
  const nameOffsets = data.nameOffsets as Uint32Array;
  const nameBytes = data.nameBytes as Uint8Array;
  if (nameOffsets.length === 0 || nameOffsets[nameOffsets.length - 1] !== nameBytes.length)
    throw new CacheError('inconsistent name table');
  data.names = new NameTable(nameBytes, nameOffsets, data.nameSlots as Int32Array | undefined);
  if (DERIVED_SECTIONS.slice(1).every(([name]) => data[name] !== undefined)) {
    data.derived = Object.fromEntries(DERIVED_SECTIONS.slice(1).map(([name]) => [name, data[name]]));
  }
  for (const name of ['nameBytes', 'nameOffsets', 'nameSlots', ...DERIVED_SECTIONS.map(([n]) => n)]) delete data[name];
  const complete = data as unknown as IndexData;
  const fileCount = complete.files.length;
  if (
    complete.fileDefStart.length !== fileCount + 1 ||
    complete.fileIdentStart.length !== fileCount + 1 ||
    complete.fileOccOffset.length !== fileCount ||
    complete.fileOccLength.length !== fileCount ||
    complete.fileOccScopes.length !== fileCount ||
    complete.fileInstallStart.length !== fileCount + 1 ||
    complete.installs.length !== complete.fileInstallStart[fileCount] * 3
  ) {
    throw new CacheError('inconsistent file tables');
  }
  // An optional table that does not fit is derived again instead.
  if (complete.installOrder && complete.installOrder.length * 3 !== complete.installs.length)
    delete complete.installOrder;
  return complete;
}

/**
 * The header of a cache file, read with a few small reads and checked (magic, format, root, every section
 * inside the file), without reading or checksumming the sections: for the look-up index that answers while the
 * whole file is still being read (cacheLookup.ts). The checksum is verified by that full read.
 */
export function readCacheHeader(fd: number, fileSize: number, expectedRoot?: string): CacheHeader {
  const fixed = Buffer.alloc(MAGIC.length + 8);
  if (fileSize < fixed.length + DIGEST_BYTES || fs.readSync(fd, fixed, 0, fixed.length, 0) !== fixed.length)
    throw new CacheError('too short');
  if (!fixed.subarray(0, MAGIC.length).equals(MAGIC)) throw new CacheError('not a Kernel MM Lens index (bad magic)');
  const version = fixed.readUInt32LE(MAGIC.length);
  if (version !== CACHE_FORMAT_VERSION)
    throw new CacheError(`format version ${version}, expected ${CACHE_FORMAT_VERSION}`);
  const headerLength = fixed.readUInt32LE(MAGIC.length + 4);
  if (headerLength > 16 * 1024 * 1024 || fixed.length + headerLength > fileSize)
    throw new CacheError('bad header length');
  const raw = Buffer.alloc(headerLength);
  if (fs.readSync(fd, raw, 0, headerLength, fixed.length) !== headerLength) throw new CacheError('short header');
  let header: CacheHeader;
  try {
    header = JSON.parse(raw.toString('utf8')) as CacheHeader;
  } catch (err) {
    throw new CacheError(`unreadable header (${(err as Error).message})`, { cause: err });
  }
  if (!header || !Array.isArray(header.sections)) throw new CacheError('unreadable header (no sections)');
  if (expectedRoot !== undefined && header.root !== expectedRoot)
    throw new CacheError(`belongs to another tree (${header.root})`);
  const limit = fileSize - DIGEST_BYTES;
  for (const section of header.sections) {
    const size = section.type === 'text' ? 0 : section.length;
    if (
      !Number.isSafeInteger(section.offset) ||
      !Number.isSafeInteger(section.length) ||
      section.offset < 0 ||
      section.length < 0 ||
      section.offset + size > limit
    )
      throw new CacheError(`section ${section.name} out of bounds`);
  }
  return header;
}

/** End of a section's bytes: the next section's start, or the digest (text sections have no byte length). */
export function sectionEndOffset(header: CacheHeader, section: SectionHeader, fileSize: number): number {
  return sectionEnd(header, section, fileSize - DIGEST_BYTES);
}

function sectionEnd(header: CacheHeader, section: SectionHeader, limit: number): number {
  const later = header.sections.filter((s) => s.offset > section.offset).map((s) => s.offset);
  return later.length > 0 ? Math.min(...later) : limit;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
