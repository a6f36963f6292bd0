/**
 * Packs what a worker extracted from a batch of files into a few transferable arrays: definitions and
 * identifiers of all files concatenated (batch-local name ids), occurrence blocks concatenated, and the
 * batch's names as bytes. A small table per batch stays in the CPU cache, where a table of the whole
 * tree's 3.6 million names does not (lookups there cost more than all the rest of the lexing); the main
 * thread interns each batch's distinct names once.
 */
import { DEF_FIELDS, packDefinitions } from './fileExtraction';
import { OccurrenceCollector } from './occurrenceCollector';
import type { LexicalExtraction } from '../parsing/lexicalExtractor';

export interface PackedFileMeta {
  /** Index of the file in the list the batch was made from. */
  fileIndex: number;
  defCount: number;
  identCount: number;
  referenceCount: number;
  /** Byte offset of the file's occurrence block in `occurrences`, or -1 without one. */
  occOffset: number;
  occLength: number;
  /** As the worker found the file (a cold scan does not stat files). */
  size: number;
  mtimeMs: number;
  error?: string;
  /** Work bounds the extractor reached in this file (indexed, but partly: LexicalExtraction.limits). */
  limits?: string[];
  /** Install sites of the file (triples in `installs`). */
  installCount: number;
}

export interface PackedBatch {
  /** The batch's names (id k is the k-th), as bytes and end offsets, with their hashes (NameTable's FNV-1a). */
  nameBytes: Uint8Array;
  nameEnds: Uint32Array;
  nameHashes: Int32Array;
  files: PackedFileMeta[];
  defs: Int32Array;
  idents: Uint32Array;
  occurrences: Uint8Array;
  /** Install sites of all files, concatenated: field name id, value name id (batch ids), line. */
  installs: Uint32Array;
}

export class BatchPacker {
  readonly collector = new OccurrenceCollector();
  private files: PackedFileMeta[] = [];
  private defs = new Int32Array(1 << 16);
  private defWords = 0;
  private idents = new Uint32Array(1 << 16);
  private identCount = 0;
  private occurrences = new Uint8Array(1 << 20);
  private occBytes = 0;
  private installs = new Uint32Array(1 << 14);
  private installWords = 0;

  /** Called before each batch. */
  startBatch(): void {
    this.files = [];
    this.defWords = 0;
    this.identCount = 0;
    this.occBytes = 0;
    this.installWords = 0;
    this.collector.resetNames();
  }

  /** Adds a file extracted with `this.collector` (C files) or with plain string identifiers (Kconfig, Makefiles). */
  add(fileIndex: number, extraction: LexicalExtraction, collected: boolean, size = -1, mtimeMs = -1): void {
    const names = this.collector.names;
    const id = (name: string) => names.intern(name);
    const defWords = extraction.definitions.length * DEF_FIELDS;
    this.reserveDefs(defWords);
    packDefinitions(extraction.definitions, id, this.defs, this.defWords);
    this.defWords += defWords;
    let occOffset = -1;
    let occLength = 0;
    if (collected) {
      const finished = this.collector.finishFile();
      this.reserveIdents(finished.idents.length);
      this.idents.set(finished.idents, this.identCount);
      this.identCount += finished.idents.length;
      if (finished.block) {
        occOffset = this.occBytes;
        occLength = finished.block.byteLength;
        this.reserveOccurrences(occLength);
        this.occurrences.set(finished.block, occOffset);
        this.occBytes += occLength;
      }
      this.reserveInstalls(finished.installs.length);
      this.installs.set(finished.installs, this.installWords);
      this.installWords += finished.installs.length;
      this.files.push({
        fileIndex,
        defCount: defWords / DEF_FIELDS,
        identCount: finished.idents.length,
        referenceCount: extraction.referenceCount,
        occOffset,
        occLength,
        size,
        mtimeMs,
        limits: extraction.limits,
        installCount: finished.installs.length / 3,
      });
      return;
    }
    this.reserveIdents(extraction.identifiers.length);
    for (const name of extraction.identifiers) this.idents[this.identCount++] = id(name);
    this.files.push({
      fileIndex,
      defCount: defWords / DEF_FIELDS,
      identCount: extraction.identifiers.length,
      referenceCount: extraction.referenceCount,
      occOffset,
      occLength,
      size,
      mtimeMs,
      limits: extraction.limits,
      installCount: 0,
    });
  }

  addError(fileIndex: number, error: string): void {
    this.files.push({
      fileIndex,
      defCount: 0,
      identCount: 0,
      referenceCount: 0,
      occOffset: -1,
      occLength: 0,
      size: -1,
      mtimeMs: -1,
      error,
      installCount: 0,
    });
  }

  /** The batch, with copies of exactly the used parts (the arrays are transferred to the main thread). */
  finishBatch(): PackedBatch {
    const { bytes, ends, hashes } = this.collector.names.finish();
    const batch: PackedBatch = {
      nameBytes: bytes,
      nameEnds: ends,
      nameHashes: hashes,
      files: this.files,
      defs: this.defs.slice(0, this.defWords),
      idents: this.idents.slice(0, this.identCount),
      occurrences: this.occurrences.slice(0, this.occBytes),
      installs: this.installs.slice(0, this.installWords),
    };
    return batch;
  }

  private reserveDefs(words: number): void {
    if (this.defWords + words <= this.defs.length) return;
    const next = new Int32Array(Math.max(this.defs.length * 2, this.defWords + words));
    next.set(this.defs.subarray(0, this.defWords));
    this.defs = next;
  }
  private reserveIdents(count: number): void {
    if (this.identCount + count <= this.idents.length) return;
    const next = new Uint32Array(Math.max(this.idents.length * 2, this.identCount + count));
    next.set(this.idents.subarray(0, this.identCount));
    this.idents = next;
  }
  private reserveInstalls(words: number): void {
    if (this.installWords + words <= this.installs.length) return;
    const next = new Uint32Array(Math.max(this.installs.length * 2, this.installWords + words));
    next.set(this.installs.subarray(0, this.installWords));
    this.installs = next;
  }
  private reserveOccurrences(bytes: number): void {
    if (this.occBytes + bytes <= this.occurrences.length) return;
    const next = new Uint8Array(Math.max(this.occurrences.length * 2, this.occBytes + bytes));
    next.set(this.occurrences.subarray(0, this.occBytes));
    this.occurrences = next;
  }
}
