/**
 * The persistent part of the index, as flat typed arrays (compact in memory, written to the cache as is).
 * Definitions and identifiers are grouped by file (CSR layout: `fileDefStart[f]..fileDefStart[f+1]`).
 * Everything derived for queries (by-name tables, postings) is rebuilt from this at load time.
 */
import { DEF_FIELDS, DefField, type PackedBatch } from './fileExtraction';
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

/** Per-file entries with global name ids, assembled into `IndexData` once all files are known. */
export interface FileEntry {
  defs: Int32Array;
  idents: Uint32Array;
  referenceCount: number;
}

/** Collects files (from worker batches or from a previous cache) and assembles the flat arrays. */
export class IndexDataBuilder {
  readonly names: NameTable;
  private readonly entries: Array<FileEntry | undefined>;
  readonly skipped: SkippedFile[] = [];

  /**
   * With `previous`, name ids of the previous index are kept (its table is copied), so unchanged files are
   * reused as they are and the sorted-name table is merged instead of sorted again.
   */
  constructor(private readonly files: Array<{ file: string; size: number; mtimeMs: number }>, private readonly previous?: IndexData) {
    this.entries = new Array(files.length);
    this.names = previous ? previous.names.clone() : new NameTable();
  }

  nameId(name: string): number { return this.names.intern(name); }

  /** Adds a worker batch: its string table is remapped to global ids. */
  addBatch(batch: PackedBatch, onError: (file: string, error: string) => void): void {
    const remap = new Uint32Array(batch.names.length);
    batch.names.forEach((name, local) => { remap[local] = this.nameId(name); });
    for (const packed of batch.files) {
      if (packed.error) {
        onError(this.files[packed.fileIndex].file, packed.error);
        this.skipped.push({ file: this.files[packed.fileIndex].file, reason: packed.error });
        continue;
      }
      const defs = packed.defs;
      for (let o = 0; o < defs.length; o += DEF_FIELDS) {
        defs[o] = remap[defs[o]];
        if (defs[o + DefField.Container] >= 0) defs[o + DefField.Container] = remap[defs[o + DefField.Container]];
      }
      const idents = packed.idents;
      for (let k = 0; k < idents.length; k++) idents[k] = remap[idents[k]];
      this.entries[packed.fileIndex] = { defs, idents, referenceCount: packed.referenceCount };
    }
  }

  /** Reuses an unchanged file's entry from a previous index (ids translated through its name table). */
  addFromPrevious(fileIndex: number, previous: IndexData, previousFile: number, previousIdMap: Int32Array): void {
    if (previous === this.previous) {
      // Same name ids: the file's entries are copied as they are.
      this.entries[fileIndex] = {
        defs: previous.defs.subarray(previous.fileDefStart[previousFile] * DEF_FIELDS, previous.fileDefStart[previousFile + 1] * DEF_FIELDS),
        idents: previous.idents.subarray(previous.fileIdentStart[previousFile], previous.fileIdentStart[previousFile + 1]),
        referenceCount: previous.fileRefCount[previousFile],
      };
      return;
    }
    const translate = (oldId: number) => {
      let id = previousIdMap[oldId];
      if (id < 0) { id = this.nameId(previous.names.name(oldId)); previousIdMap[oldId] = id; }
      return id;
    };
    const defs = previous.defs.slice(previous.fileDefStart[previousFile] * DEF_FIELDS, previous.fileDefStart[previousFile + 1] * DEF_FIELDS);
    for (let o = 0; o < defs.length; o += DEF_FIELDS) {
      defs[o] = translate(defs[o]);
      if (defs[o + DefField.Container] >= 0) defs[o + DefField.Container] = translate(defs[o + DefField.Container]);
    }
    const idents = previous.idents.slice(previous.fileIdentStart[previousFile], previous.fileIdentStart[previousFile + 1]);
    for (let k = 0; k < idents.length; k++) idents[k] = translate(idents[k]);
    this.entries[fileIndex] = { defs, idents, referenceCount: previous.fileRefCount[previousFile] };
  }

  build(root: string, settingsKey: string, extraSkipped: SkippedFile[]): IndexData {
    // Files that failed are dropped from the file list (they are reported in `skipped`).
    const kept: number[] = [];
    this.entries.forEach((entry, index) => { if (entry) kept.push(index); });
    let defCount = 0;
    let identCount = 0;
    for (const index of kept) { defCount += this.entries[index]!.defs.length / DEF_FIELDS; identCount += this.entries[index]!.idents.length; }
    const data: IndexData = {
      root,
      settingsKey,
      names: this.names,
      sortedNames: new Uint32Array(0),
      files: kept.map((index) => this.files[index].file),
      fileSize: new Float64Array(kept.map((index) => this.files[index].size)),
      fileMtime: new Float64Array(kept.map((index) => this.files[index].mtimeMs)),
      fileDefStart: new Uint32Array(kept.length + 1),
      defs: new Int32Array(defCount * DEF_FIELDS),
      fileIdentStart: new Uint32Array(kept.length + 1),
      idents: new Uint32Array(identCount),
      fileRefCount: new Uint32Array(kept.length),
      skipped: [...extraSkipped, ...this.skipped],
    };
    let defAt = 0;
    let identAt = 0;
    kept.forEach((index, f) => {
      const entry = this.entries[index]!;
      data.fileDefStart[f] = defAt / DEF_FIELDS;
      data.defs.set(entry.defs, defAt);
      defAt += entry.defs.length;
      data.fileIdentStart[f] = identAt;
      data.idents.set(entry.idents, identAt);
      identAt += entry.idents.length;
      data.fileRefCount[f] = entry.referenceCount;
      this.entries[index] = undefined; // let the per-file arrays go as soon as they are copied
    });
    data.fileDefStart[kept.length] = defAt / DEF_FIELDS;
    data.fileIdentStart[kept.length] = identAt;
    data.sortedNames = sortDefinedNames(data, this.previous);
    return data;
  }
}

/**
 * Ids of defined names sorted case-insensitively (persisted). A refresh with the same name ids keeps the
 * previous order, drops names no longer defined and merges in the few new ones instead of sorting millions.
 */
function sortDefinedNames(data: IndexData, previous?: IndexData): Uint32Array {
  const hasDefinition = new Uint8Array(data.names.size);
  for (let o = 0; o < data.defs.length; o += DEF_FIELDS) hasDefinition[data.defs[o + DefField.Name]] = 1;
  const compare = (a: number, b: number) => data.names.compareFolded(a, b);
  if (!previous) {
    const ids: number[] = [];
    for (let id = 0; id < hasDefinition.length; id++) if (hasDefinition[id]) ids.push(id);
    // A 4-character key settles most comparisons without walking the bytes of both names.
    const key = new Float64Array(data.names.size);
    for (const id of ids) key[id] = data.names.foldedPrefixKey(id);
    return Uint32Array.from(ids).sort((a, b) => key[a] - key[b] || compare(a, b));
  }
  const kept: number[] = [];
  const seen = new Uint8Array(data.names.size);
  for (const id of previous.sortedNames) if (id < hasDefinition.length && hasDefinition[id]) { kept.push(id); seen[id] = 1; }
  const added: number[] = [];
  for (let id = 0; id < hasDefinition.length; id++) if (hasDefinition[id] && !seen[id]) added.push(id);
  added.sort(compare);
  const merged = new Uint32Array(kept.length + added.length);
  let i = 0, j = 0, k = 0;
  while (i < kept.length && j < added.length) merged[k++] = compare(kept[i], added[j]) <= 0 ? kept[i++] : added[j++];
  while (i < kept.length) merged[k++] = kept[i++];
  while (j < added.length) merged[k++] = added[j++];
  return merged;
}
