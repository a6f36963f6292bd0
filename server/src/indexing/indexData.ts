/**
 * The persistent part of the index, as flat typed arrays (compact in memory, written to the cache as is).
 * Definitions and identifiers are grouped by file (CSR layout: `fileDefStart[f]..fileDefStart[f+1]`).
 * Everything derived for queries (by-name tables, postings) is rebuilt from this at load time.
 */
import { DEF_FIELDS, DefField } from './fileExtraction';
import type { PackedBatch } from './batchPacker';
import { NameTable } from './nameTable';
import type { SkippedFile } from './types';

export interface IndexData {
  root: string;
  /** Key of the settings that change what is indexed (excludes, size limit); a change invalidates the cache. */
  settingsKey: string;
  names: NameTable;
  /** Ids of the names that have a definition, in case-insensitive order (workspace-symbol prefix search). */
  sortedNames: Uint32Array;
  files: string[];
  fileSize: Float64Array;
  fileMtime: Float64Array;
  fileDefStart: Uint32Array;
  defs: Int32Array;
  fileIdentStart: Uint32Array;
  idents: Uint32Array;
  fileRefCount: Uint32Array;
  /** Per file: its occurrence block in the store (offset -1: none, queries re-lex the file), length, scope count. */
  fileOccOffset: Float64Array;
  fileOccLength: Uint32Array;
  fileOccScopes: Uint32Array;
  occurrenceStore?: OccurrenceStoreRef;
  /**
   * Install sites (parsing/installSites.ts: where a file may store a function into a struct field), grouped by file
   * (`fileInstallStart[f]..fileInstallStart[f+1]`, in triples): field name id, value name id, 0-based line.
   */
  fileInstallStart: Uint32Array;
  installs: Uint32Array;
  /**
   * The install sites by function: site numbers ordered by value name id (file order within a name), so "where is f
   * installed" is a binary search (installSiteTable.ts). Derived at build time and cached; absent in a cache written
   * before it existed (then derived on the first question).
   */
  installOrder?: Uint32Array;
  skipped: SkippedFile[];
  /** Query tables derived from the above (by-name CSR); persisted so a warm start does not recompute them. */
  derived?: DerivedTables;
}

export interface DerivedTables {
  defFile: Uint32Array;
  nameDefStart: Uint32Array;
  nameDefs: Uint32Array;
  nameFileStart: Uint32Array;
  nameFiles: Uint32Array;
}

/** Where the occurrence blocks of an index live (a file next to the index cache, read on demand). */
export interface OccurrenceStoreRef {
  path: string;
  /** Random id shared with the index that refers to it: a store from another run is never trusted. */
  generation: string;
  bytes: number;
}

/** Sink for occurrence blocks during a build (see occurrenceStore.ts); returns each block's offset. */
export interface OccurrenceSink {
  append(bytes: Uint8Array): number;
}
/** Source of a previous index's blocks, for files reused unchanged in a refresh. */
export interface OccurrenceSource {
  read(offset: number, length: number): Uint8Array | undefined;
}

/**
 * Assembles `IndexData` while batches arrive: each batch's names are interned (with the hashes the worker
 * computed), and its files appended in completion order straight into the flat arrays with global ids (no
 * per-file copies held until the end). The arrays are allocated with generous capacity: pages never
 * written cost no memory.
 */
export class IndexDataBuilder {
  readonly names: NameTable;
  readonly skipped: SkippedFile[] = [];
  private readonly order: number[] = [];
  private fileDefStart: number[] = [0];
  private fileIdentStart: number[] = [0];
  private fileRefCount: number[] = [];
  private fileOccOffset: number[] = [];
  private fileOccLength: number[] = [];
  private fileOccScopes: number[] = [];
  private fileSizes: number[] = [];
  private fileMtimes: number[] = [];
  private fileInstallStart: number[] = [0];
  private installs = new Uint32Array(1 << 16);
  private installWords = 0;
  private defs: Int32Array;
  private defWords = 0;
  private idents: Uint32Array;
  private identCount = 0;
  private remap = new Uint32Array(1 << 16);
  /** Names received from workers (each batch sends its own): what the main thread interned. */
  namesReceived = 0;

  /**
   * With `previous`, name ids of the previous index are kept (its table is copied), so unchanged files are
   * reused as they are and the sorted-name table is merged instead of sorted again.
   */
  constructor(
    private readonly files: Array<{ file: string; size: number; mtimeMs: number }>,
    private readonly previous?: IndexData,
    private readonly occurrences?: OccurrenceSink,
  ) {
    // A fresh table is shared memory: the name sort of a cold build reads it from a worker thread.
    this.names = previous ? previous.names.clone() : new NameTable(undefined, undefined, undefined, true);
    // Sizes are unknown (-1) when the scan did not stat files: count 15 KB each, a kernel's average.
    const bytes = files.reduce((sum, f) => sum + (f.size >= 0 ? f.size : 15_000), 0);
    // A kernel tree has about 3,700 distinct names per MB of source (6.12: 3.67 M names in 994 MB).
    this.names.reserve(Math.ceil((bytes / 1e6) * 3600));
    // About 5,300 definitions and 16,000 distinct-names-per-file entries per MB of kernel source; twice that as room.
    this.defs = new Int32Array(Math.max(1 << 12, Math.ceil((bytes / 1e6) * 12_000)) * DEF_FIELDS);
    this.idents = new Uint32Array(Math.max(1 << 14, Math.ceil((bytes / 1e6) * 36_000)));
  }

  /** Adds a worker batch: its names are interned, its ids remapped, its files appended. */
  addBatch(
    batch: PackedBatch,
    onError: (file: string, error: string) => void,
    onLimit?: (file: string, limit: string) => void,
  ): void {
    const ends = batch.nameEnds;
    if (this.remap.length < ends.length) this.remap = new Uint32Array(ends.length * 2);
    const remap = this.remap;
    this.namesReceived += ends.length;
    for (let k = 0, start = 0; k < ends.length; start = ends[k++])
      remap[k] = this.names.internBytes(batch.nameBytes, start, ends[k], batch.nameHashes[k]);
    const occWords = new Uint32Array(
      batch.occurrences.buffer,
      batch.occurrences.byteOffset,
      batch.occurrences.byteLength >>> 2,
    );
    const occBase =
      batch.occurrences.byteLength > 0 && this.occurrences ? this.occurrences.append(batch.occurrences) : -1;
    let defAt = 0;
    let identAt = 0;
    let installAt = 0;
    for (const packed of batch.files) {
      const scanned = this.files[packed.fileIndex];
      const installs = batch.installs.subarray(installAt, installAt + packed.installCount * 3);
      installAt += installs.length;
      if (packed.error) {
        onError(scanned.file, packed.error);
        this.skipped.push({ file: scanned.file, reason: packed.error });
        continue;
      }
      for (const limit of packed.limits ?? []) onLimit?.(scanned.file, limit);
      const defs = batch.defs.subarray(defAt, defAt + packed.defCount * DEF_FIELDS);
      defAt += defs.length;
      for (let o = 0; o < defs.length; o += DEF_FIELDS) {
        defs[o] = remap[defs[o]];
        if (defs[o + DefField.Container] >= 0) defs[o + DefField.Container] = remap[defs[o + DefField.Container]];
      }
      const idents = batch.idents.subarray(identAt, identAt + packed.identCount);
      identAt += idents.length;
      for (let k = 0; k < idents.length; k++) idents[k] = remap[idents[k]];
      for (let k = 0; k < installs.length; k += 3) {
        installs[k] = remap[installs[k]];
        installs[k + 1] = remap[installs[k + 1]];
      }
      const hasBlock = occBase >= 0 && packed.occOffset >= 0;
      const scopes = hasBlock ? occWords[(packed.occOffset >>> 2) + 3] : 0;
      this.append(
        packed.fileIndex,
        defs,
        idents,
        packed.referenceCount,
        hasBlock ? occBase + packed.occOffset : -1,
        packed.occLength,
        scopes,
        installs,
      );
      if (packed.size >= 0) {
        this.fileSizes[this.fileSizes.length - 1] = packed.size;
        this.fileMtimes[this.fileMtimes.length - 1] = packed.mtimeMs;
      }
    }
  }

  /** Reuses an unchanged file's entries from the previous index (same name ids); its block is copied over. */
  addFromPrevious(fileIndex: number, previous: IndexData, previousFile: number, source?: OccurrenceSource): void {
    const defs = previous.defs.subarray(
      previous.fileDefStart[previousFile] * DEF_FIELDS,
      previous.fileDefStart[previousFile + 1] * DEF_FIELDS,
    );
    const idents = previous.idents.subarray(
      previous.fileIdentStart[previousFile],
      previous.fileIdentStart[previousFile + 1],
    );
    let offset = -1;
    const length = previous.fileOccLength[previousFile];
    if (this.occurrences && source && previous.fileOccOffset[previousFile] >= 0) {
      const block = source.read(previous.fileOccOffset[previousFile], length);
      if (block) offset = this.occurrences.append(block);
    }
    this.append(
      fileIndex,
      defs,
      idents,
      previous.fileRefCount[previousFile],
      offset,
      length,
      previous.fileOccScopes[previousFile],
      previous.installs.subarray(
        previous.fileInstallStart[previousFile] * 3,
        previous.fileInstallStart[previousFile + 1] * 3,
      ),
    );
  }

  build(
    root: string,
    settingsKey: string,
    extraSkipped: SkippedFile[],
    occurrenceStore?: OccurrenceStoreRef,
  ): IndexData {
    const data: IndexData = {
      root,
      settingsKey,
      names: this.names,
      sortedNames: new Uint32Array(0),
      files: this.order.map((index) => this.files[index].file),
      fileSize: Float64Array.from(this.fileSizes),
      fileMtime: Float64Array.from(this.fileMtimes),
      fileDefStart: Uint32Array.from(this.fileDefStart),
      defs: this.defs.subarray(0, this.defWords),
      fileIdentStart: Uint32Array.from(this.fileIdentStart),
      idents: this.idents.subarray(0, this.identCount),
      fileRefCount: Uint32Array.from(this.fileRefCount),
      fileOccOffset: Float64Array.from(this.fileOccOffset),
      fileOccLength: Uint32Array.from(this.fileOccLength),
      fileOccScopes: Uint32Array.from(this.fileOccScopes),
      occurrenceStore,
      fileInstallStart: Uint32Array.from(this.fileInstallStart),
      installs: this.installs.subarray(0, this.installWords),
      skipped: [...extraSkipped, ...this.skipped],
    };
    if (data.installs.length > 0) data.installOrder = installOrder(data.installs, this.names.size);
    // The caller orders the defined names (sortDefinedNames / nameOrder.ts), possibly on another thread.
    return data;
  }

  private append(
    fileIndex: number,
    defs: Int32Array,
    idents: Uint32Array,
    referenceCount: number,
    occOffset: number,
    occLength: number,
    occScopes: number,
    installs: Uint32Array,
  ): void {
    if (this.defWords + defs.length > this.defs.length) this.defs = growTo(this.defs, this.defWords + defs.length);
    this.defs.set(defs, this.defWords);
    this.defWords += defs.length;
    if (this.identCount + idents.length > this.idents.length)
      this.idents = growTo(this.idents, this.identCount + idents.length);
    this.idents.set(idents, this.identCount);
    this.identCount += idents.length;
    this.order.push(fileIndex);
    this.fileSizes.push(this.files[fileIndex].size);
    this.fileMtimes.push(this.files[fileIndex].mtimeMs);
    this.fileDefStart.push(this.defWords / DEF_FIELDS);
    this.fileIdentStart.push(this.identCount);
    this.fileRefCount.push(referenceCount);
    this.fileOccOffset.push(occOffset);
    this.fileOccLength.push(occOffset >= 0 ? occLength : 0);
    this.fileOccScopes.push(occOffset >= 0 ? occScopes : 0);
    if (this.installWords + installs.length > this.installs.length)
      this.installs = growTo(this.installs, this.installWords + installs.length);
    this.installs.set(installs, this.installWords);
    this.installWords += installs.length;
    this.fileInstallStart.push(this.installWords / 3);
  }
}

/** Site numbers of `installs` (triples: field, value, line) ordered by value name id, stable (a counting sort). */
export function installOrder(installs: Uint32Array, nameCount: number): Uint32Array {
  const siteCount = installs.length / 3;
  const start = new Uint32Array(nameCount + 1);
  for (let s = 0; s < siteCount; s++) start[installs[s * 3 + 1] + 1]++;
  for (let n = 0; n < nameCount; n++) start[n + 1] += start[n];
  const order = new Uint32Array(siteCount);
  for (let s = 0; s < siteCount; s++) order[start[installs[s * 3 + 1]]++] = s;
  return order;
}

function growTo<T extends Int32Array | Uint32Array>(array: T, needed: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, Math.ceil(array.length * 1.5)));
  next.set(array);
  return next;
}
