/**
 * What one C file contributes to the index, collected during the bulk pass without a string per identifier:
 * name ids from a worker-local name table, the file's distinct names in first-use order, and every code
 * occurrence, grouped by name into an *occurrence block* that the index stores on disk so a references
 * query reads positions instead of re-lexing every file that mentions a name.
 *
 * Block layout (little-endian u32 words):
 *   magic, identCount, occurrenceCount, scopeCount,
 *   scope names               [scopeCount]        (function bodies: the index of their name in the file's name list)
 *   occurrence start per name [identCount + 1]    (records of the file's k-th name: start[k] .. start[k+1])
 *   records                   [occurrenceCount × 2]: line | flags, column | scope index << 16
 */
import { BatchNames } from './batchNames';
import { FLAG_SPLICED, TokenScratch, type TokenStream } from '../parsing/lexer';
import { OCC_FLAG_CALL, OCC_FLAG_PREPROCESSOR, type ExtractionSink } from '../parsing/extractionSink';

export const OCC_BLOCK_MAGIC = 0x314f4d4b; // 'KMO1'
export const OCC_HEADER_WORDS = 4;
export const OCC_LINE_MASK = 0xffffff;
export const OCC_FLAG_DEFINITION = 1 << 26;
const MAX_16 = 0xffff;
/**
 * Name-id cache of a worker: direct-mapped, 8192 entries of 16 bytes (in L2), valid for the whole batch. A
 * file repeats its names (700 occurrences of about 230 names on average) and files share common ones
 * (`u32`, `NULL`, `dev`, ...): on mm, kernel, fs and drivers/net this cache leaves 1.8 M lookups in the
 * batch table, whose misses go to memory, where a cache emptied for each file left 2.8 M.
 */
const CACHE_SIZE = 1 << 13;
const CACHE_MASK = CACHE_SIZE - 1;
const CACHE_STRIDE = 4; // hash, hash2, epoch << 8 | length, id
/** Longer names are not cached (their length does not fit the stamp's low byte). */
const CACHE_MAX_LENGTH = 0xff;
/** Epochs wrap before epoch << 8 leaves the positive int32 range (then the cache is cleared). */
const EPOCH_LIMIT = 1 << 23;

/** Views into the collector's reused arrays: valid until the next file (the batch packer copies them). */
export interface FinishedFile {
  /** The file's distinct names (worker-local ids), in first-use order: the order of the block's name index. */
  idents: Uint32Array;
  /** Occurrence block bytes, or undefined when a position does not fit the record (then queries re-lex the file). */
  block?: Uint8Array;
  scopeCount: number;
  /** Install sites (parsing/installSites.ts) as triples: field name id, value name id (worker-local), line. */
  installs: Uint32Array;
}

export class OccurrenceCollector implements ExtractionSink {
  readonly names = new BatchNames();
  /** The bulk pass's token arrays, reused for every file this collector sees. */
  readonly tokenScratch = new TokenScratch();
  private stamp = new Int32Array(1 << 16);
  private localIndex = new Int32Array(1 << 16);
  /** Word classes of the batch's names (declarationWords.ts), computed once per name and batch; 0: not yet. */
  private wordClasses = new Uint16Array(1 << 16);
  private epoch = 0;
  private identCount = 0;
  private fileIdents: Uint32Array = new Uint32Array(1 << 12);
  private occurrenceCount = 0;
  private occToken = new Int32Array(1 << 14);
  private occLocal = new Int32Array(1 << 14);
  private occWord = new Int32Array(1 << 14); // scope << 2 | 1 (call) | 2 (preprocessor) until finishFile
  private scopeNames: number[] = [];
  private definitionMarks = new Uint8Array(1 << 14);
  // Reused for every file's block and its counting sort (an allocation per file added up over 60k files).
  private blockScratch = new Uint32Array(1 << 16);
  private fillScratch = new Uint32Array(1 << 12);
  private tokens: TokenStream | undefined;
  private installWords: Uint32Array = new Uint32Array(1 << 10);
  private installCount = 0;
  // Entries are stamped with the batch's epoch (older entries count as empty: their ids are of another table).
  private readonly cache = new Int32Array(CACHE_SIZE * CACHE_STRIDE);
  private cacheEpoch = 0;
  private cacheStamp = 0;

  /** Starts over with an empty name table (one per batch, so it stays small enough for the CPU cache). */
  resetNames(): void {
    this.names.reset();
    this.stamp = new Int32Array(1 << 16);
    this.localIndex = new Int32Array(1 << 16);
    this.wordClasses = new Uint16Array(1 << 16);
    if (++this.cacheEpoch === EPOCH_LIMIT) {
      this.cache.fill(0);
      this.cacheEpoch = 1;
    }
    this.cacheStamp = this.cacheEpoch << 8;
  }

  beginFile(tokens: TokenStream): void {
    this.tokens = tokens;
    this.epoch++;
    this.identCount = 0;
    this.occurrenceCount = 0;
    this.scopeNames.length = 0;
    this.installCount = 0;
    if (this.definitionMarks.length < tokens.count) this.definitionMarks = new Uint8Array(tokens.count * 2);
    else this.definitionMarks.fill(0, 0, tokens.count);
  }

  /**
   * Name id of identifier token `i` of the current file; ids below KEYWORD_COUNT are keywords. The cache,
   * like the batch table behind it, trusts the lexer's two 32-bit hashes plus the length (see batchNames.ts).
   */
  idOfToken(tokens: TokenStream, i: number): number {
    // A name cut by a line splice: its text is not the name (rare: the slow path by string).
    if (tokens.flags[i] & FLAG_SPLICED) return this.names.intern(tokens.tokenText(i));
    const h = tokens.hash[i];
    const h2 = tokens.hash2[i];
    const start = tokens.start[i];
    const length = tokens.end[i] - start;
    if (length > CACHE_MAX_LENGTH) return this.names.internRange(tokens.text, start, start + length, h, h2);
    const stamp = this.cacheStamp | length;
    const cache = this.cache;
    const at = (h & CACHE_MASK) * CACHE_STRIDE;
    if (cache[at + 2] === stamp && cache[at] === h && cache[at + 1] === h2) return cache[at + 3];
    const id = this.names.internRange(tokens.text, start, start + length, h, h2);
    cache[at] = h;
    cache[at + 1] = h2;
    cache[at + 2] = stamp;
    cache[at + 3] = id;
    return id;
  }

  /**
   * A function body opens: returns its 1-based scope index for the occurrences inside it. The scope table
   * refers to the function's name by its place in the file's name list (no id to remap later); a name a
   * macro generated is added to that list, as a file that generates a function mentions it.
   */
  functionScope(name: string): number {
    this.scopeNames.push(this.localIndexOf(this.names.intern(name)));
    return this.scopeNames.length;
  }

  private localIndexOf(id: number): number {
    if (id >= this.stamp.length) this.growNameArrays(id);
    if (this.stamp[id] !== this.epoch) {
      this.stamp[id] = this.epoch;
      this.localIndex[id] = this.identCount;
      if (this.identCount === this.fileIdents.length) this.fileIdents = growU32(this.fileIdents);
      this.fileIdents[this.identCount++] = id;
    }
    return this.localIndex[id];
  }

  wordClass(id: number): number {
    return id < this.wordClasses.length ? this.wordClasses[id] : 0;
  }
  setWordClass(id: number, cls: number): void {
    if (id >= this.wordClasses.length) this.growNameArrays(id);
    this.wordClasses[id] = cls;
  }

  markDefinition(token: number): void {
    this.definitionMarks[token] = 1;
  }

  /** One code occurrence of a (non-keyword) name; `flags` are OCC_FLAG_CALL / OCC_FLAG_PREPROCESSOR. */
  occurrence(id: number, token: number, flags: number, scope: number): void {
    const local = this.localIndexOf(id);
    if (this.occurrenceCount === this.occToken.length) this.growOccurrences();
    const k = this.occurrenceCount++;
    this.occToken[k] = token;
    this.occLocal[k] = local;
    this.occWord[k] =
      (scope << 2) | ((flags & OCC_FLAG_CALL) !== 0 ? 1 : 0) | ((flags & OCC_FLAG_PREPROCESSOR) !== 0 ? 2 : 0);
  }

  install(fieldId: number, valueId: number, line: number): void {
    if (this.installCount + 3 > this.installWords.length) this.installWords = growU32(this.installWords);
    this.installWords[this.installCount++] = fieldId;
    this.installWords[this.installCount++] = valueId;
    this.installWords[this.installCount++] = line;
  }

  /** The file's names and its occurrence block (grouped by name, in source order within a name). */
  finishFile(): FinishedFile {
    const idents = this.fileIdents.subarray(0, this.identCount);
    const tokens = this.tokens!;
    const n = this.occurrenceCount;
    const scopeCount = this.scopeNames.length;
    const words = OCC_HEADER_WORDS + scopeCount + this.identCount + 1 + n * 2;
    if (this.blockScratch.length < words)
      this.blockScratch = new Uint32Array(Math.max(words, this.blockScratch.length * 2));
    const block = this.blockScratch.subarray(0, words);
    block.fill(0, 0, OCC_HEADER_WORDS + scopeCount + this.identCount + 1);
    block[0] = OCC_BLOCK_MAGIC;
    block[1] = this.identCount;
    block[2] = n;
    block[3] = scopeCount;
    for (let s = 0; s < scopeCount; s++) block[OCC_HEADER_WORDS + s] = this.scopeNames[s];
    // Counting sort by name: start offsets first, then records in source order (the sort is stable).
    const startAt = OCC_HEADER_WORDS + scopeCount;
    for (let k = 0; k < n; k++) block[startAt + this.occLocal[k] + 1]++;
    for (let m = 0; m < this.identCount; m++) block[startAt + m + 1] += block[startAt + m];
    if (this.fillScratch.length < this.identCount)
      this.fillScratch = new Uint32Array(Math.max(this.identCount, this.fillScratch.length * 2));
    const fill = this.fillScratch;
    fill.set(block.subarray(startAt, startAt + this.identCount));
    const recordsAt = startAt + this.identCount + 1;
    let fits = true;
    for (let k = 0; k < n; k++) {
      const token = this.occToken[k];
      const line = tokens.line[token];
      const column = tokens.start[token] - tokens.lineStarts[line];
      const word = this.occWord[k];
      const scope = word >>> 2;
      if (line > OCC_LINE_MASK || column > MAX_16 || scope > MAX_16) {
        fits = false;
        break;
      }
      const flags =
        ((word & 1) !== 0 ? OCC_FLAG_CALL : 0) |
        ((word & 2) !== 0 ? OCC_FLAG_PREPROCESSOR : 0) |
        (this.definitionMarks[token] ? OCC_FLAG_DEFINITION : 0);
      const at = recordsAt + 2 * fill[this.occLocal[k]]++;
      block[at] = line | flags;
      block[at + 1] = column | (scope << 16);
    }
    this.tokens = undefined;
    return {
      idents,
      block: fits ? new Uint8Array(block.buffer, block.byteOffset, block.byteLength) : undefined,
      scopeCount,
      installs: this.installWords.subarray(0, this.installCount),
    };
  }

  private growNameArrays(id: number): void {
    let size = this.stamp.length;
    while (size <= id) size *= 2;
    const stamp = new Int32Array(size);
    stamp.set(this.stamp);
    this.stamp = stamp;
    const local = new Int32Array(size);
    local.set(this.localIndex);
    this.localIndex = local;
    const classes = new Uint16Array(size);
    classes.set(this.wordClasses);
    this.wordClasses = classes;
  }

  private growOccurrences(): void {
    const size = this.occToken.length * 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.occToken = grow(this.occToken);
    this.occLocal = grow(this.occLocal);
    this.occWord = grow(this.occWord);
  }
}

function growU32(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
