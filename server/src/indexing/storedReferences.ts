/**
 * References of one name in one file, read from the file's occurrence block: the name's place in the
 * file's name list gives the slice of records to read, so a query reads a few hundred bytes per file.
 * Returns undefined when the block cannot be trusted (the caller re-lexes the file instead).
 *
 * The per-file tables come from the full index's arrays (indexDataTables) or, during a warm start, from the
 * cache file's sections (cacheLookup.ts): both describe the same occurrence store.
 */
import type { IndexData } from './indexData';
import type { OccurrenceStoreReader } from './occurrenceStore';
import type { Reference } from './types';
import { OCC_BLOCK_MAGIC, OCC_HEADER_WORDS, OCC_LINE_MASK, OCC_FLAG_DEFINITION } from './occurrenceCollector';
import { OCC_FLAG_CALL, OCC_FLAG_PREPROCESSOR } from '../parsing/extractionSink';

/** Reads the header, scope table and the name's start/end in one read when they are this close together. */
const SINGLE_READ_LIMIT = 16 * 1024;

/** What storedReferences reads of an index besides the store: per file, its block and its name ids. */
export interface OccurrenceTables {
  /** Tree-relative path of a file. */
  file(fileId: number): string;
  /** Byte offset of the file's block in the store; negative when the file has none. */
  blockOffset(fileId: number): number;
  blockLength(fileId: number): number;
  blockScopes(fileId: number): number;
  /** The names of the file's block, in block order (ids of the index's name table). */
  identsOf(fileId: number): ArrayLike<number>;
  nameLength(nameId: number): number;
  name(nameId: number): string;
}

/** The full index's tables. */
export function indexDataTables(data: IndexData): OccurrenceTables {
  return {
    file: (fileId) => data.files[fileId],
    blockOffset: (fileId) => data.fileOccOffset[fileId],
    blockLength: (fileId) => data.fileOccLength[fileId],
    blockScopes: (fileId) => data.fileOccScopes[fileId],
    identsOf: (fileId) => data.idents.subarray(data.fileIdentStart[fileId], data.fileIdentStart[fileId + 1]),
    nameLength: (nameId) => data.names.nameLength(nameId),
    name: (nameId) => data.names.name(nameId),
  };
}

export function storedReferences(
  tables: OccurrenceTables,
  store: OccurrenceStoreReader,
  fileId: number,
  nameId: number,
): Reference[] | undefined {
  const base = tables.blockOffset(fileId);
  if (base < 0) return undefined;
  const idents = tables.identsOf(fileId);
  const identCount = idents.length;
  let k = -1;
  for (let m = 0; m < identCount; m++)
    if (idents[m] === nameId) {
      k = m;
      break;
    }
  if (k < 0) return [];
  const scopeCount = tables.blockScopes(fileId);
  const length = tables.blockLength(fileId);
  const startsWord = OCC_HEADER_WORDS + scopeCount;
  const recordsWord = startsWord + identCount + 1;
  if (length < recordsWord * 4) return invalid(store, fileId, tables);

  // Header, scope names and the pair start[k], start[k + 1].
  const pairEnd = (startsWord + k + 2) * 4;
  let header: Uint32Array;
  let scopes: Uint32Array;
  let first: number;
  let last: number;
  if (pairEnd <= SINGLE_READ_LIMIT) {
    const bytes = store.read(base, pairEnd);
    if (!bytes) return undefined;
    const words = new Uint32Array(bytes.buffer, 0, pairEnd >>> 2);
    header = words;
    scopes = words.subarray(OCC_HEADER_WORDS, startsWord);
    first = words[startsWord + k];
    last = words[startsWord + k + 1];
  } else {
    const head = store.read(base, startsWord * 4);
    const pair = store.read(base + (startsWord + k) * 4, 8);
    if (!head || !pair) return undefined;
    header = new Uint32Array(head.buffer, 0, startsWord);
    scopes = header.subarray(OCC_HEADER_WORDS, startsWord);
    const pairWords = new Uint32Array(pair.buffer, 0, 2);
    first = pairWords[0];
    last = pairWords[1];
  }
  const occurrenceCount = header[2];
  if (
    header[0] !== OCC_BLOCK_MAGIC ||
    header[1] !== identCount ||
    header[3] !== scopeCount ||
    (recordsWord + occurrenceCount * 2) * 4 !== length ||
    first > last ||
    last > occurrenceCount
  ) {
    return invalid(store, fileId, tables);
  }
  if (first === last) return [];
  const recordBytes = store.read(base + (recordsWord + first * 2) * 4, (last - first) * 8);
  if (!recordBytes) return undefined;
  const records = new Uint32Array(recordBytes.buffer, 0, (last - first) * 2);
  const file = tables.file(fileId);
  const nameLength = tables.nameLength(nameId);
  const scopeNames = new Map<number, string | undefined>();
  const scopeName = (scope: number): string | undefined => {
    if (scope === 0 || scope > scopes.length) return undefined;
    let name = scopeNames.get(scope);
    if (name === undefined && !scopeNames.has(scope)) {
      const local = scopes[scope - 1];
      name = local < identCount ? tables.name(idents[local]) : undefined;
      scopeNames.set(scope, name);
    }
    return name;
  };
  const out = new Array<Reference>(last - first);
  for (let r = 0; r < last - first; r++) {
    const lineWord = records[2 * r];
    const columnWord = records[2 * r + 1];
    const line = lineWord & OCC_LINE_MASK;
    const character = columnWord & 0xffff;
    out[r] = {
      file,
      range: { start: { line, character }, end: { line, character: character + nameLength } },
      // A definition's name followed by `(` is not a call.
      isCall: (lineWord & (OCC_FLAG_CALL | OCC_FLAG_DEFINITION)) === OCC_FLAG_CALL,
      isDefinition: (lineWord & OCC_FLAG_DEFINITION) !== 0,
      inPreprocessor: (lineWord & OCC_FLAG_PREPROCESSOR) !== 0,
      enclosingFunction: scopeName(columnWord >>> 16),
    };
  }
  return out;
}

function invalid(store: OccurrenceStoreReader, fileId: number, tables: OccurrenceTables): undefined {
  store.fail(`the block of ${tables.file(fileId)} does not match the index`);
  return undefined;
}
