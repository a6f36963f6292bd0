/**
 * A warm start that answers before the cache is read. The cache file of the 6.12 tree is about 520 MB; reading
 * it and checking its CRC takes 1-1.5 s here before the first query can be answered. This index instead reads
 * only the header (section offsets) and then the few pages each query touches, with positioned reads through a
 * small page cache: the same effect as memory-mapping the file, which Node cannot do. The editor gets correct
 * definitions a few hundred milliseconds after the server starts, while the whole cache is read and checked in
 * the background; the language server then swaps in the full in-memory index (indexing/treeIndex.ts).
 *
 * Answers are the full index's: the same name hash (nameHash.ts), the same definition records (unpackDefinition)
 * and the same definition objects and order (definitionOf/sortDefinitions of treeIndex.ts). What it does not do:
 * edited documents (the language server keeps them until the full index takes over), fuzzy workspace-symbol
 * matches (exact and prefix only). References are read from the occurrence store, as the full index reads them.
 *
 * A damaged file is caught by the header and bounds checks here and by the CRC of the full read, which replaces
 * this index (or rebuilds) as soon as it fails; every loop below is bounded by the section sizes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CacheError, readCacheHeader, sectionEndOffset, type CacheHeader, type SectionHeader } from './cacheStore';
import { PagedFile, Section } from './pagedCacheFile';
import { OccurrenceStoreReader } from './occurrenceStore';
import { storedReferences, type OccurrenceTables } from './storedReferences';
import { referenceFileOrder, referencesInFiles, referencesInText } from './referenceQuery';
import { isKconfigFile } from '../parsing/kernelFiles';
import {
  considerRecord,
  DEF_FIELDS,
  DefField,
  DEFINITION_KINDS,
  kindCodeOf,
  readSourceFile,
  unpackDefinition,
} from './fileExtraction';
import { ExtentPicker, type DefinitionExtent } from './definitionExtent';
import { definitionOf, sortDefinitions } from './definitionRecords';
import type { Definition, DefinitionKind, IndexStats, KernelIndex, QueryOptions, Reference } from './types';
import { fnv1aOfName, nameByte } from '../parsing/nameHash';
import { countByReason } from '../base/regularFile';

/** Names of a prefix range ranked by searchSymbols (see there). */
const PREFIX_SCAN = 20_000;

export interface CacheLookupOptions {
  preferredArch?: string;
  maxFileSize?: number;
  /**
   * The full index, once loaded: it answers the references this index cannot (no occurrence store, a block that
   * fails its checks, `CONFIG_` names, whose Kconfig spellings are re-read from the sources).
   */
  fullIndex?: () => Promise<KernelIndex | undefined>;
}

const REQUIRED = [
  'nameBytes',
  'nameOffsets',
  'nameSlots',
  'files',
  'defs',
  'defFile',
  'nameDefStart',
  'nameDefs',
  'nameFileStart',
  'nameFiles',
  'fileDefStart',
  'fileRefCount',
  'sortedNames',
] as const;
/** Sections of the per-file occurrence tables: references are answered from the store when all are there. */
const OCCURRENCE_SECTIONS = ['fileIdentStart', 'idents', 'fileOccOffset', 'fileOccLength', 'fileOccScopes'] as const;

export class CacheLookupIndex implements KernelIndex {
  readonly root: string;
  readonly settingsKey: string;
  private readonly sections: Record<(typeof REQUIRED)[number], Section>;
  private readonly files: string[];
  private fileIds: Map<string, number> | undefined;
  private readonly nameCount: number;
  private readonly slotMask: number;
  private readonly textCache = new Map<string, string>();
  private readonly preferredArch: string;
  private readonly maxFileSize: number;
  private readonly skippedReasons: string[];
  /** The occurrence store and the cache's tables of it, when the cache has both. */
  private readonly occurrences: { store: OccurrenceStoreReader; tables: OccurrenceTables } | undefined;

  private constructor(
    private readonly file: PagedFile,
    header: CacheHeader,
    private readonly options: CacheLookupOptions,
    cacheFile: string,
  ) {
    this.root = header.root;
    this.settingsKey = header.settingsKey;
    this.preferredArch = options.preferredArch ?? 'x86';
    this.maxFileSize = options.maxFileSize ?? 2 * 1024 * 1024;
    const byName = new Map(header.sections.map((s) => [s.name, s] as const));
    const sections = {} as Record<(typeof REQUIRED)[number], Section>;
    for (const name of REQUIRED) {
      const section = byName.get(name);
      if (!section) throw new CacheError(`section ${name} missing`);
      sections[name] = new Section(file, section, name === 'nameBytes' ? 1 : name === 'files' ? 1 : 4);
    }
    this.sections = sections;
    // The file list is small (65k paths, about 2.5 MB): read it whole.
    const filesHeader = byName.get('files')!;
    const end = sectionEndOffset(header, filesHeader, file.size);
    const text = Buffer.from(file.bytes(filesHeader.offset, end - filesHeader.offset))
      .toString('utf8')
      .replace(/\0+$/, '');
    this.files = filesHeader.length === 0 ? [] : text.split('\n');
    if (this.files.length !== filesHeader.length) throw new CacheError('inconsistent file list');
    this.nameCount = sections.nameOffsets.count - 1;
    const slots = sections.nameSlots.count;
    if (this.nameCount < 0 || slots < 1 || (slots & (slots - 1)) !== 0 || slots < this.nameCount)
      throw new CacheError('no usable name hash table');
    this.slotMask = slots - 1;
    if (sections.fileDefStart.count !== this.files.length + 1 || sections.nameDefStart.count !== this.nameCount + 1)
      throw new CacheError('inconsistent tables');
    const skipped = byName.get('skipped');
    this.skippedReasons = skipped && skipped.length < 1 << 20 ? this.readSkipped(skipped) : [];
    this.occurrences = this.openOccurrences(header, byName, cacheFile);
  }

  /** The occurrence store named by the header, read through this file's sections (see storedReferences.ts). */
  private openOccurrences(
    header: CacheHeader,
    byName: Map<string, SectionHeader>,
    cacheFile: string,
  ): CacheLookupIndex['occurrences'] {
    const ref = header.occurrenceStore;
    if (!ref || typeof ref.file !== 'string' || /[\\/]/.test(ref.file) || typeof ref.generation !== 'string') return;
    if (typeof ref.bytes !== 'number' || OCCURRENCE_SECTIONS.some((name) => !byName.has(name))) return;
    const section = (name: (typeof OCCURRENCE_SECTIONS)[number], size: number) =>
      new Section(this.file, byName.get(name)!, size);
    const identStart = section('fileIdentStart', 4);
    const idents = section('idents', 4);
    const offsets = section('fileOccOffset', 8);
    const lengths = section('fileOccLength', 4);
    const scopes = section('fileOccScopes', 4);
    if (identStart.count !== this.files.length + 1 || offsets.count !== this.files.length) return;
    const store = new OccurrenceStoreReader({
      path: path.join(path.dirname(cacheFile), ref.file),
      generation: ref.generation,
      bytes: ref.bytes,
    });
    const tables: OccurrenceTables = {
      file: (fileId) => this.files[fileId],
      blockOffset: (fileId) => offsets.f64(fileId),
      blockLength: (fileId) => lengths.u32(fileId),
      blockScopes: (fileId) => scopes.u32(fileId),
      identsOf: (fileId) => idents.u32s(identStart.u32(fileId), identStart.u32(fileId + 1)),
      nameLength: (nameId) => this.sections.nameOffsets.u32(nameId + 1) - this.sections.nameOffsets.u32(nameId),
      name: (nameId) => this.nameOf(nameId),
    };
    return { store, tables };
  }

  /** Opens the cache of `root`; throws CacheError when it is missing, foreign, of another format or damaged. */
  static open(cacheFile: string, root: string, options: CacheLookupOptions = {}): CacheLookupIndex {
    let fd: number;
    try {
      fd = fs.openSync(cacheFile, 'r');
    } catch (err) {
      throw new CacheError(`unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
    }
    try {
      const size = fs.fstatSync(fd).size;
      const header = readCacheHeader(fd, size, root);
      return new CacheLookupIndex(new PagedFile(fd, size), header, options, cacheFile);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  close(): void {
    this.file.close();
  }

  /** The reasons of the skipped files (the cache stores them as JSON: [{ file, reason }]). */
  private readSkipped(section: SectionHeader): string[] {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(this.file.bytes(section.offset, section.length)).toString('utf8'));
      if (!Array.isArray(parsed)) return [];
      return parsed.map((entry: unknown) =>
        entry && typeof entry === 'object' && typeof (entry as { reason?: unknown }).reason === 'string'
          ? (entry as { reason: string }).reason
          : '',
      );
    } catch {
      return [];
    }
  }

  // ---- names ----------------------------------------------------------------------------------

  /** Id of a name, or -1: the persisted hash table probed like NameTable.lookup. */
  private nameId(name: string): number {
    const { nameSlots } = this.sections;
    let slot = fnv1aOfName(name) & this.slotMask;
    for (let probes = 0; probes <= this.slotMask; probes++, slot = (slot + 1) & this.slotMask) {
      const id = nameSlots.i32(slot);
      if (id < 0) return -1;
      if (id < this.nameCount && this.nameEquals(id, name)) return id;
    }
    return -1;
  }

  private nameEquals(id: number, name: string): boolean {
    const { nameOffsets, nameBytes } = this.sections;
    const start = nameOffsets.u32(id);
    if (nameOffsets.u32(id + 1) - start !== name.length) return false;
    for (let k = 0; k < name.length; k++) if (nameBytes.u8(start + k) !== nameByte(name.charCodeAt(k))) return false;
    return true;
  }

  private nameOf(id: number): string {
    const { nameOffsets, nameBytes } = this.sections;
    return Buffer.from(nameBytes.bytes(nameOffsets.u32(id), nameOffsets.u32(id + 1))).toString('latin1');
  }

  // ---- definitions ----------------------------------------------------------------------------

  private definitionIndexes(name: string): number[] {
    const id = this.nameId(name);
    if (id < 0) return [];
    const { nameDefStart, nameDefs } = this.sections;
    const out: number[] = [];
    for (let k = nameDefStart.u32(id), end = nameDefStart.u32(id + 1); k < end; k++) out.push(nameDefs.u32(k));
    return out;
  }

  private record(d: number): Int32Array {
    const row = new Int32Array(DEF_FIELDS);
    for (let k = 0; k < DEF_FIELDS; k++) row[k] = this.sections.defs.i32(d * DEF_FIELDS + k);
    return row;
  }

  private materialize(d: number): Definition {
    const file = this.files[this.sections.defFile.u32(d)];
    if (file === undefined) throw new CacheError('definition of an unknown file');
    return definitionOf(
      file,
      unpackDefinition(this.record(d), 0, (id) => this.nameOf(id)),
      (f) => this.textOf(f),
    );
  }

  private kindOf(d: number): DefinitionKind {
    return DEFINITION_KINDS[kindCodeOf(this.record(d), 0)];
  }

  findDefinitions(name: string, accept?: (kind: DefinitionKind) => boolean): Definition[] {
    let indexes = this.definitionIndexes(name);
    // CONFIG_X: also the Kconfig entry X, like TreeIndex.findDefinitions.
    if (name.startsWith('CONFIG_'))
      indexes = [...indexes, ...this.definitionIndexes(name.slice(7)).filter((d) => this.kindOf(d) === 'kconfig')];
    // Filtered on the packed kind before anything is built, like TreeIndex.findDefinitions.
    if (accept) indexes = indexes.filter((d) => accept(this.kindOf(d)));
    return sortDefinitions(
      indexes.map((d) => this.materialize(d)),
      this.preferredArch,
    );
  }

  findDeclarations(name: string): Definition[] {
    return this.findDefinitions(name).filter((d) => d.isDeclaration || d.kind === 'prototype');
  }

  definitionsInFile(file: string): Definition[] {
    const [start, end] = this.fileDefinitionRange(file);
    const out: Definition[] = [];
    for (let d = start; d < end; d++) out.push(this.materialize(d));
    return out;
  }

  /** Definition records of `file` (ids into the defs section), or an empty range. */
  private fileDefinitionRange(file: string): [number, number] {
    this.fileIds ??= new Map(this.files.map((f, id) => [f, id]));
    const id = this.fileIds.get(file);
    if (id === undefined) return [0, 0];
    const { fileDefStart } = this.sections;
    return [fileDefStart.u32(id), fileDefStart.u32(id + 1)];
  }

  /** Like TreeIndex.definitionExtentAt. */
  definitionExtentAt(file: string, line: number): DefinitionExtent | undefined {
    const picker = new ExtentPicker(line);
    const [start, end] = this.fileDefinitionRange(file);
    for (let d = start; d < end; d++) considerRecord(picker, this.record(d), 0);
    return picker.extent;
  }

  /** Like TreeIndex.functionAt: the function `name` of `file` whose body holds `line`, else its first one. */
  functionAt(file: string, name: string, line: number): Definition | undefined {
    const nameId = this.nameId(name);
    if (nameId < 0) return undefined;
    const [start, end] = this.fileDefinitionRange(file);
    let first = -1;
    for (let d = start; d < end; d++) {
      const row = this.record(d);
      const kind = DEFINITION_KINDS[kindCodeOf(row, 0)];
      if (row[DefField.Name] !== nameId || (kind !== 'function' && kind !== 'generated')) continue;
      if (row[DefField.StartLine] <= line && line <= row[DefField.EndLine]) return this.materialize(d);
      if (first < 0) first = d;
    }
    return first >= 0 ? this.materialize(first) : undefined;
  }

  /** Like TreeIndex.definitionAt: the definition of `name` whose name starts at this position of `file`. */
  definitionAt(file: string, name: string, line: number, character: number): Definition | undefined {
    const nameId = this.nameId(name);
    if (nameId < 0) return undefined;
    const [start, end] = this.fileDefinitionRange(file);
    for (let d = start; d < end; d++) {
      const row = this.record(d);
      if (
        row[DefField.Name] === nameId &&
        row[DefField.NameLine] === line &&
        (row[DefField.Cols] & 0xffff) === Math.min(character, 0xffff)
      )
        return this.materialize(d);
    }
    return undefined;
  }

  filesMentioning(name: string): string[] {
    const id = this.nameId(name);
    if (id < 0) return [];
    const { nameFileStart, nameFiles } = this.sections;
    const out: string[] = [];
    for (let k = nameFileStart.u32(id), end = nameFileStart.u32(id + 1); k < end; k++) {
      const file = this.files[nameFiles.u32(k)];
      if (file !== undefined) out.push(file);
    }
    return out;
  }

  /**
   * As the full index answers them (the same loop, referenceQuery.ts: blocks of the occurrence store, files without
   * one re-read), without waiting for it: the first references request of a warm start waited for the whole cache
   * to be read and the tree checked (3-19 s on the 6.12 tree, docs/benchmark.md). Without a store the full index
   * answers, once it is there. Edited documents are the full index's, as for definitions.
   */
  async findReferences(name: string, options: QueryOptions = {}): Promise<Reference[]> {
    const occurrences = this.occurrences;
    if (!occurrences?.store.usable) {
      const full = await this.options.fullIndex?.();
      return full && full !== this ? full.findReferences(name, options) : [];
    }
    const files = new Set(this.filesMentioning(name));
    if (name.startsWith('CONFIG_'))
      for (const file of this.filesMentioning(name.slice(7))) if (isKconfigFile(file)) files.add(file);
    const nameId = this.nameId(name);
    this.fileIds ??= new Map(this.files.map((f, id) => [f, id]));
    const fileIds = this.fileIds;
    this.storedAnswers++;
    occurrences.store.acquire();
    try {
      return await referencesInFiles(
        referenceFileOrder(files, options.firstFile),
        {
          stored: (file) => {
            const fileId = fileIds.get(file);
            return nameId >= 0 && fileId !== undefined
              ? storedReferences(occurrences.tables, occurrences.store, fileId, nameId)
              : undefined;
          },
          relexed: (file) => {
            const text = this.textOf(file);
            return text === undefined ? undefined : referencesInText(file, text, name);
          },
        },
        options,
      );
    } finally {
      occurrences.store.release();
    }
  }

  /** References requests answered here rather than by the full index (for tests). */
  storedAnswers = 0;

  /** Position in the sorted name table of the first name starting with `lower` (case-folded), by binary search. */
  private firstSortedWithPrefix(lower: string): number {
    const { sortedNames } = this.sections;
    let lo = 0;
    let hi = sortedNames.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.comparePrefixFolded(sortedNames.u32(mid), lower) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Like TreeIndex.namesWithPrefix (without edited documents, which the full index handles). */
  namesWithPrefix(prefix: string, limit: number): string[] {
    const lower = prefix.toLowerCase();
    const { sortedNames, nameDefStart } = this.sections;
    const out: string[] = [];
    for (let k = this.firstSortedWithPrefix(lower); k < sortedNames.count && out.length < limit; k++) {
      const id = sortedNames.u32(k);
      if (this.comparePrefixFolded(id, lower) !== 0) break;
      if (nameDefStart.u32(id + 1) === nameDefStart.u32(id)) continue; // mentioned, never defined
      out.push(this.nameOf(id));
    }
    return out;
  }

  /**
   * The exact and prefix ranks (0-2) of TreeIndex.searchSymbols, in its order but for the member-only names: rank,
   * then names used in more files, shorter names, the sorted order (symbolSearch.ts); each name's best definition first, then the others. No fuzzy
   * ranks here (the full index adds them). A prefix range larger than PREFIX_SCAN names is ranked on its first
   * PREFIX_SCAN (one- or two-letter queries during the seconds before the full index is there).
   */
  searchSymbols(query: string, options: QueryOptions = {}): Definition[] {
    const limit = options.limit ?? 100;
    const q = query.trim();
    if (!q) return [];
    const lower = q.toLowerCase();
    const { sortedNames, nameOffsets, nameFileStart } = this.sections;
    const exact = this.nameId(q);
    const ranked: Array<{ id: number; rank: number; usage: number; length: number; order: number }> = [];
    const from = this.firstSortedWithPrefix(lower);
    for (let k = from; k < sortedNames.count && k - from < PREFIX_SCAN; k++) {
      const id = sortedNames.u32(k);
      if (this.comparePrefixFolded(id, lower) !== 0) break;
      const length = nameOffsets.u32(id + 1) - nameOffsets.u32(id);
      // Smart case, as symbolSearch.ts: the query's case first only when it has an upper-case letter.
      const rank = id === exact ? 0 : length === q.length ? 1 : lower !== q && !this.nameOf(id).startsWith(q) ? 3 : 2;
      const usage = nameFileStart.u32(id + 1) - nameFileStart.u32(id);
      ranked.push({ id, rank, usage, length, order: k });
    }
    ranked.sort((a, b) => a.rank - b.rank || b.usage - a.usage || a.length - b.length || a.order - b.order);
    const results: Definition[] = [];
    const others: Definition[] = [];
    for (const { id } of ranked.slice(0, limit)) {
      const definitions = this.findDefinitions(this.nameOf(id));
      const real = definitions.filter((definition) => !definition.isDeclaration);
      const [best, ...rest] = real.length > 0 ? real : definitions;
      if (!best) continue;
      results.push(best);
      if (results.length >= limit) return results;
      for (const definition of rest) if (results.length + others.length < limit) others.push(definition);
    }
    return [...results, ...others].slice(0, limit);
  }

  private comparePrefixFolded(id: number, lowerQuery: string): number {
    const { nameOffsets, nameBytes } = this.sections;
    const start = nameOffsets.u32(id);
    const end = nameOffsets.u32(id + 1);
    for (let k = 0; k < lowerQuery.length; k++) {
      if (start + k >= end) return -1;
      const c = nameBytes.u8(start + k);
      const x = c >= 65 && c <= 90 ? c + 32 : c;
      const y = lowerQuery.charCodeAt(k);
      if (x !== y) return x - y;
    }
    return 0;
  }

  // ---- paths and statistics -------------------------------------------------------------------

  absolutePath(file: string): string {
    return path.join(this.root, ...file.split('/'));
  }

  relativePath(absolute: string): string | undefined {
    const rel = path.relative(this.root, absolute);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  stats(): IndexStats {
    const { fileRefCount, defs } = this.sections;
    let references = 0;
    for (let f = 0; f < fileRefCount.count; f++) references += fileRefCount.u32(f);
    return {
      files: this.files.length,
      symbols: Math.floor(defs.count / DEF_FIELDS),
      references,
      skipped: this.skippedReasons.length,
      skippedByReason: countByReason(this.skippedReasons),
      seconds: 0,
      fromCache: this.files.length,
      parsed: 0,
    };
  }

  textOf(file: string): string | undefined {
    const cached = this.textCache.get(file);
    if (cached !== undefined) return cached;
    const read = readSourceFile(this.absolutePath(file), this.maxFileSize);
    if ('error' in read) return undefined;
    this.textCache.set(file, read.text);
    if (this.textCache.size > 16) this.textCache.delete(this.textCache.keys().next().value!);
    return read.text;
  }
}
