/**
 * The queryable whole-tree index (implements `KernelIndex`): by-name definition tables and postings
 * derived from `IndexData`, plus a live overlay for files edited since (open documents, changed files).
 * Reference positions live on disk: the postings say which files mention a name, and each file's
 * occurrence block in the store gives the positions with a few small reads. Files without a usable block
 * (edited files, Kconfig/Makefiles, an index built without a cache folder) are re-lexed instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  considerRecord,
  DEF_FIELDS,
  DefField,
  DEFINITION_KINDS,
  kindCodeOf,
  readSourceFile,
  unpackDefinition,
} from './fileExtraction';
import type { IndexData } from './indexData';
import type {
  Definition,
  DefinitionKind,
  IndexStats,
  KernelIndex,
  QueryOptions,
  Reference,
  SkippedFile,
} from './types';
import { countByReason } from '../base/regularFile';
import type { LexicalDefinition, LexicalExtraction } from '../parsing/lexicalExtractor';
import { OccurrenceStoreReader } from './occurrenceStore';
import { indexDataTables, storedReferences } from './storedReferences';
import { referenceFileOrder, referencesInFiles, referencesInText } from './referenceQuery';
import { isKconfigFile } from '../parsing/kernelFiles';
import { WorkspaceSymbols } from './workspaceSymbols';
import { deletedFile, overlayFile, overlayReferences, type OverlayFile } from './overlayFiles';
import { definitionOf, sortDefinitions } from './definitionRecords';
import { ExtentPicker, type DefinitionExtent } from './definitionExtent';
import { deriveTables } from './derivedTables';
import { definitionsKey, InstallSiteTable, type IndexedInstall, type IndexFileChange } from './installSiteTable';

const FIELD_KIND_CODE = DEFINITION_KINDS.indexOf('field');

export interface TreeIndexOptions {
  preferredArch?: string;
  maxFileSize?: number;
  /** Statistics of the run that produced the data. */
  stats?: Partial<IndexStats>;
  log?: (message: string) => void;
}

/** A definition's place: in the base arrays (by def index) or in an overlay file. */
type DefinitionHandle = { base: number } | { overlay: string; definition: LexicalDefinition };

export class TreeIndex implements KernelIndex {
  readonly root: string;
  private readonly fileIds = new Map<string, number>();
  private readonly defFile: Uint32Array;
  private readonly nameDefStart: Uint32Array;
  private readonly nameDefs: Uint32Array;
  /** Name id -> start of its files in `nameFiles`. */
  readonly nameFileStart: Uint32Array;
  private readonly nameFiles: Uint32Array;
  private readonly overlay = new Map<string, OverlayFile>();
  private readonly textCache = new Map<string, string>();
  private readonly preferredArch: string;
  private readonly maxFileSize: number;
  /** Reader of the occurrence store, when the data has one. */
  readonly occurrences: OccurrenceStoreReader | undefined;
  private readonly occurrenceTables: ReturnType<typeof indexDataTables>;
  private runSkipped: SkippedFile[] | undefined;
  private readonly workspaceSymbols: WorkspaceSymbols;
  private readonly installSites: InstallSiteTable;
  private readonly changeListeners: Array<(change: IndexFileChange) => void> = [];

  constructor(
    readonly data: IndexData,
    private options: TreeIndexOptions = {},
  ) {
    this.root = data.root;
    this.preferredArch = options.preferredArch ?? 'x86';
    this.maxFileSize = options.maxFileSize ?? 2 * 1024 * 1024;
    data.files.forEach((file, id) => this.fileIds.set(file, id));
    this.occurrences = data.occurrenceStore ? new OccurrenceStoreReader(data.occurrenceStore, options.log) : undefined;
    this.occurrenceTables = indexDataTables(data);
    const nameCount = data.names.size;
    const defCount = data.defs.length / DEF_FIELDS;

    const derived =
      data.derived &&
      data.derived.defFile.length === defCount &&
      data.derived.nameDefStart.length === nameCount + 1 &&
      data.derived.nameFiles.length === data.idents.length
        ? data.derived
        : deriveTables(data);
    data.derived = derived;
    this.defFile = derived.defFile;
    this.nameDefStart = derived.nameDefStart;
    this.nameDefs = derived.nameDefs;
    this.nameFileStart = derived.nameFileStart;
    this.nameFiles = derived.nameFiles;
    this.installSites = new InstallSiteTable(data);
    this.workspaceSymbols = new WorkspaceSymbols({
      data,
      nameFileStart: this.nameFileStart,
      findDefinitions: (name) => this.findDefinitions(name),
      memberOnlyNames: () => this.memberOnlyNames(),
      overlayDefinedNames: () => [...this.overlay.values()].map((overlay) => overlay.definedNames),
    });
  }

  /** By name id: 1 when every indexed definition of the name is a struct or union member (one pass over them). */
  private memberOnlyNames(): Uint8Array {
    const defs = this.data.defs;
    const seen = new Uint8Array(this.data.names.size); // bit 1: a member, bit 2: anything else
    for (let o = 0; o < defs.length; o += DEF_FIELDS)
      seen[defs[o + DefField.Name]] |= kindCodeOf(defs, o) === FIELD_KIND_CODE ? 1 : 2;
    for (let id = 0; id < seen.length; id++) seen[id] = seen[id] === 1 ? 1 : 0;
    return seen;
  }

  // ---- live updates ---------------------------------------------------------------------------

  /** Replaces a file's entries with those of new text (an edited document or a changed file). */
  updateFile(file: string, text: string): LexicalExtraction {
    const before = this.definitionsKeyForListeners(file);
    const overlay = overlayFile(file, text);
    this.overlay.set(file, overlay);
    this.textCache.delete(file);
    this.changed(file, before);
    return overlay.extraction;
  }

  /** Calls `listener` after a file's entries change (knowledge caches drop what came from that file). */
  onFileChanged(listener: (change: IndexFileChange) => void): void {
    this.changeListeners.push(listener);
  }

  /** The file's definitions key (installSiteTable.ts) when someone listens for changes. */
  private definitionsKeyForListeners(file: string): string | undefined {
    if (this.changeListeners.length === 0) return undefined;
    const overlay = this.overlay.get(file);
    if (overlay) return definitionsKey(overlay.extraction.definitions, overlay.text);
    const fileId = this.fileIds.get(file);
    if (fileId === undefined) return '';
    const text = this.textOf(file) ?? '';
    const definitions: LexicalDefinition[] = [];
    for (let d = this.data.fileDefStart[fileId]; d < this.data.fileDefStart[fileId + 1]; d++)
      definitions.push(unpackDefinition(this.data.defs, d * DEF_FIELDS, this.nameOfId));
    return definitionsKey(definitions, text);
  }

  private changed(file: string, before: string | undefined): void {
    if (before === undefined) return;
    const change = { file, definitionsChanged: this.definitionsKeyForListeners(file) !== before };
    for (const listener of this.changeListeners) listener(change);
  }

  /**
   * An open document's text. Laid over the index only when it differs from the file the index was built from:
   * opening a file without editing it keeps the file's indexed entries (and costs the searches nothing).
   */
  setDocumentText(file: string, text: string): void {
    if (this.holdsText(file, text)) {
      const before = this.overlay.has(file) ? this.definitionsKeyForListeners(file) : undefined;
      if (this.overlay.delete(file)) {
        this.textCache.delete(file);
        this.changed(file, before);
      }
      return;
    }
    this.updateFile(file, text);
  }

  /** A document was closed: the file on disk counts again. */
  documentClosed(file: string): void {
    if (!this.overlay.has(file)) return;
    const read = readSourceFile(this.absolutePath(file), this.maxFileSize);
    if ('error' in read) {
      // Never saved (or gone): what the index had before, if anything (deletions come as file events).
      const before = this.definitionsKeyForListeners(file);
      this.overlay.delete(file);
      this.textCache.delete(file);
      this.changed(file, before);
      return;
    }
    this.setDocumentText(file, read.text);
  }

  /** The index's entries of `file` were extracted from exactly `text` (same file on disk, same text). */
  private holdsText(file: string, text: string): boolean {
    const id = this.fileIds.get(file);
    if (id === undefined) return false;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.absolutePath(file));
    } catch {
      return false;
    }
    if (stat.size !== this.data.fileSize[id] || stat.mtimeMs !== this.data.fileMtime[id]) return false;
    const read = readSourceFile(this.absolutePath(file), this.maxFileSize);
    return !('error' in read) && read.text === text;
  }

  /** A file deleted from the tree: its base entries stop counting. */
  removeFile(file: string): void {
    const before = this.definitionsKeyForListeners(file);
    this.overlay.set(file, deletedFile());
    this.textCache.delete(file);
    this.changed(file, before);
  }

  /** Statistics of the run that produced this index (set by the builder). */
  setRunStats(stats: Partial<IndexStats>): void {
    this.options.stats = { ...this.options.stats, ...stats };
  }

  /** The paths this run skipped (a warm start's scan), instead of those the cached build recorded. */
  setRunSkipped(skipped: SkippedFile[]): void {
    this.runSkipped = skipped;
  }

  /** Paths left out of the index, each with its reason. */
  skippedFiles(): SkippedFile[] {
    return this.runSkipped ?? this.data.skipped;
  }

  private isShadowed(fileId: number): boolean {
    return this.overlay.size > 0 && this.overlay.has(this.data.files[fileId]);
  }

  // ---- KernelIndex ----------------------------------------------------------------------------

  findDefinitions(name: string, accept?: (kind: DefinitionKind) => boolean): Definition[] {
    let handles = this.definitionHandles(name);
    // CONFIG_X is defined by the Kconfig entry X (through the generated autoconf.h every file sees), also when C code
    // defines the name somewhere (`#ifndef CONFIG_NR_CPUS` fallbacks, a vDSO's fake 32-bit build).
    if (name.startsWith('CONFIG_')) {
      handles.push(...this.definitionHandles(name.slice(7)).filter((h) => this.kindOf(h) === 'kconfig'));
    }
    // Filtered on the packed kind before anything is built (`flags` has 6,076 definitions, nearly all members).
    if (accept) handles = handles.filter((handle) => accept(this.kindOf(handle)));
    return this.sortDefinitions(handles.map((handle) => this.materialize(handle)));
  }

  findDeclarations(name: string): Definition[] {
    return this.findDefinitions(name).filter((d) => d.isDeclaration || d.kind === 'prototype');
  }

  async findReferences(name: string, options: QueryOptions = {}): Promise<Reference[]> {
    const files = new Set(this.filesMentioning(name));
    if (name.startsWith('CONFIG_')) {
      // Kconfig spells the symbol without the prefix.
      for (const file of this.filesMentioning(name.slice(7))) if (isKconfigFile(file)) files.add(file);
    }
    const nameId = this.data.names.get(name);
    const store = this.occurrences;
    store?.acquire();
    try {
      return await referencesInFiles(
        referenceFileOrder(files, options.firstFile),
        {
          stored: (file) => {
            const fileId = this.overlay.has(file) ? undefined : this.fileIds.get(file);
            return store && nameId !== undefined && fileId !== undefined
              ? storedReferences(this.occurrenceTables, store, fileId, nameId)
              : undefined;
          },
          relexed: (file) => {
            const overlay = this.overlay.get(file);
            if (overlay)
              return overlayReferences(
                file,
                overlay,
                isKconfigFile(file) && name.startsWith('CONFIG_') ? name.slice(7) : name,
              );
            const text = this.textOf(file);
            return text === undefined ? undefined : referencesInText(file, text, name);
          },
        },
        options,
      );
    } finally {
      store?.release();
    }
  }

  namesWithPrefix(prefix: string, limit: number): string[] {
    const lower = prefix.toLowerCase();
    const names = this.data.names;
    const sorted = this.data.sortedNames;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (names.comparePrefixFolded(sorted[mid], lower) < 0) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    const seen = new Set<string>();
    for (
      let k = lo;
      k < sorted.length && out.length < limit && names.comparePrefixFolded(sorted[k], lower) === 0;
      k++
    ) {
      const name = names.name(sorted[k]);
      if (this.definitionHandles(name).length === 0) continue; // its only definitions were in an edited file
      seen.add(name);
      out.push(name);
    }
    for (const file of this.overlay.keys()) {
      if (out.length >= limit) break;
      for (const definition of this.overlay.get(file)!.extraction.definitions)
        if (!seen.has(definition.name) && definition.name.toLowerCase().startsWith(lower) && out.length < limit) {
          seen.add(definition.name);
          out.push(definition.name);
        }
    }
    return out;
  }

  /**
   * Workspace symbols (workspaceSymbols.ts): exact > prefix or abbreviation > word prefixes > subsequence, the more used first, the
   * same answer whatever the load; names defined only in edited files are ranked the same way.
   */
  searchSymbols(query: string, options: QueryOptions = {}): Definition[] {
    return this.workspaceSymbols.search(query, options);
  }

  /** Builds the workspace-symbol tables in the background (in slices), instead of in the first search. */
  prepareSymbolSearch(): Promise<void> {
    return this.workspaceSymbols.prepare();
  }

  /** Until `done`, workspace symbols answer the exact name only (the defined names are being sorted). */
  namesSortedWhen(done: Promise<void>): void {
    this.workspaceSymbols.namesSortedWhen(done);
  }

  definitionsInFile(file: string): Definition[] {
    const overlay = this.overlay.get(file);
    if (overlay)
      return overlay.extraction.definitions.map((definition) => this.materialize({ overlay: file, definition }));
    const fileId = this.fileIds.get(file);
    if (fileId === undefined) return [];
    const out: Definition[] = [];
    for (let d = this.data.fileDefStart[fileId]; d < this.data.fileDefStart[fileId + 1]; d++)
      out.push(this.materialize({ base: d }));
    return out;
  }

  definitionExtentAt(file: string, line: number): DefinitionExtent | undefined {
    const picker = new ExtentPicker(line);
    const overlay = this.overlay.get(file);
    if (overlay) {
      for (const d of overlay.extraction.definitions) picker.consider(d.kind, d.isDeclaration, d);
      return picker.extent;
    }
    const fileId = this.fileIds.get(file);
    if (fileId === undefined) return undefined;
    const defs = this.data.defs;
    for (let d = this.data.fileDefStart[fileId]; d < this.data.fileDefStart[fileId + 1]; d++)
      considerRecord(picker, defs, d * DEF_FIELDS);
    return picker.extent;
  }

  /**
   * The function (or generated function) named `name` whose body holds `line` in `file`, else the first one of
   * that name in the file. Reads the file's packed definitions without building the others: incoming calls ask
   * this once per caller (kvfree has about 1,400), and building every definition of each caller's file cost
   * 0.6 ms per caller.
   */
  functionAt(file: string, name: string, line: number): Definition | undefined {
    const isFunction = (kind: DefinitionKind) => kind === 'function' || kind === 'generated';
    const overlay = this.overlay.get(file);
    if (overlay) {
      const candidates = overlay.extraction.definitions.filter((d) => d.name === name && isFunction(d.kind));
      const found = candidates.find((d) => d.startLine <= line && line <= d.endLine) ?? candidates[0];
      return found ? this.materialize({ overlay: file, definition: found }) : undefined;
    }
    const fileId = this.fileIds.get(file);
    const nameId = this.data.names.get(name);
    if (fileId === undefined || nameId === undefined) return undefined;
    const defs = this.data.defs;
    let first = -1;
    for (let d = this.data.fileDefStart[fileId]; d < this.data.fileDefStart[fileId + 1]; d++) {
      const o = d * DEF_FIELDS;
      if (defs[o + DefField.Name] !== nameId || !isFunction(DEFINITION_KINDS[kindCodeOf(defs, o)])) continue;
      if (defs[o + DefField.StartLine] <= line && line <= defs[o + DefField.EndLine])
        return this.materialize({ base: d });
      if (first < 0) first = d;
    }
    return first >= 0 ? this.materialize({ base: first }) : undefined;
  }

  definitionAt(file: string, name: string, line: number, character: number): Definition | undefined {
    const overlay = this.overlay.get(file);
    if (overlay) {
      const found = overlay.extraction.definitions.find(
        (d) => d.name === name && d.nameLine === line && d.nameCol === character,
      );
      return found ? this.materialize({ overlay: file, definition: found }) : undefined;
    }
    const fileId = this.fileIds.get(file);
    const nameId = this.data.names.get(name);
    if (fileId === undefined || nameId === undefined) return undefined;
    const defs = this.data.defs;
    for (let d = this.data.fileDefStart[fileId]; d < this.data.fileDefStart[fileId + 1]; d++) {
      const o = d * DEF_FIELDS;
      if (
        defs[o + DefField.Name] === nameId &&
        defs[o + DefField.NameLine] === line &&
        (defs[o + DefField.Cols] & 0xffff) === Math.min(character, 0xffff)
      )
        return this.materialize({ base: d });
    }
    return undefined;
  }

  filesMentioning(name: string): string[] {
    const out: string[] = [];
    const id = this.data.names.get(name);
    if (id !== undefined) {
      for (let k = this.nameFileStart[id]; k < this.nameFileStart[id + 1]; k++) {
        const fileId = this.nameFiles[k];
        if (!this.isShadowed(fileId)) out.push(this.data.files[fileId]);
      }
    }
    for (const [file, overlay] of this.overlay) if (overlay.identifiers.has(name)) out.push(file);
    return out;
  }

  installSitesOf(name: string): IndexedInstall[] {
    const sites = this.installSites.sitesOf(name, (fileId) => this.isShadowed(fileId));
    for (const [file, overlay] of this.overlay) {
      if (!overlay.identifiers.has(name)) continue;
      for (const site of overlay.extraction.installs ?? [])
        if (site.value === name) sites.push({ file, field: site.field, line: site.line });
    }
    return sites;
  }

  absolutePath(file: string): string {
    return path.join(this.root, ...file.split('/'));
  }

  relativePath(absolute: string): string | undefined {
    const rel = path.relative(this.root, absolute);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  stats(): IndexStats {
    const base = this.options.stats ?? {};
    let references = 0;
    for (let f = 0; f < this.data.fileRefCount.length; f++) references += this.data.fileRefCount[f];
    return {
      files: this.data.files.length,
      symbols: this.data.defs.length / DEF_FIELDS,
      references,
      skipped: this.skippedFiles().length,
      skippedByReason: countByReason(this.skippedFiles().map((skip) => skip.reason)),
      seconds: base.seconds ?? 0,
      fromCache: base.fromCache ?? 0,
      parsed: base.parsed ?? 0,
    };
  }

  // ---- helpers --------------------------------------------------------------------------------

  private definitionHandles(name: string): DefinitionHandle[] {
    const handles: DefinitionHandle[] = [];
    const id = this.data.names.get(name);
    if (id !== undefined) {
      for (let k = this.nameDefStart[id]; k < this.nameDefStart[id + 1]; k++) {
        const d = this.nameDefs[k];
        if (!this.isShadowed(this.defFile[d])) handles.push({ base: d });
      }
    }
    for (const [file, overlay] of this.overlay) {
      if (!overlay.definedNames.has(name)) continue;
      for (const definition of overlay.extraction.definitions)
        if (definition.name === name) handles.push({ overlay: file, definition });
    }
    return handles;
  }

  private kindOf(handle: DefinitionHandle): DefinitionKind {
    return 'base' in handle
      ? DEFINITION_KINDS[kindCodeOf(this.data.defs, handle.base * DEF_FIELDS)]
      : handle.definition.kind;
  }

  /** Names of the ids met while building definitions (a name asked for has all its definitions built at once). */
  private readonly nameOfId = (id: number): string => {
    if (id === this.lastNameId) return this.lastName;
    this.lastNameId = id;
    this.lastName = this.data.names.name(id);
    return this.lastName;
  };
  private lastNameId = -1;
  private lastName = '';

  private materialize(handle: DefinitionHandle): Definition {
    if ('base' in handle)
      return definitionOf(
        this.data.files[this.defFile[handle.base]],
        unpackDefinition(this.data.defs, handle.base * DEF_FIELDS, this.nameOfId),
        (file) => this.textOf(file),
      );
    return definitionOf(handle.overlay, handle.definition, (file) => this.textOf(file));
  }

  private sortDefinitions(definitions: Definition[]): Definition[] {
    return sortDefinitions(definitions, this.preferredArch);
  }

  /** Current text of a tree file: the overlay (edited document) or the file on disk (small LRU). */
  textOf(file: string): string | undefined {
    const overlay = this.overlay.get(file);
    if (overlay) return overlay.text;
    const cached = this.textCache.get(file);
    if (cached !== undefined) return cached;
    const read = readSourceFile(this.absolutePath(file), this.maxFileSize);
    if ('error' in read) return undefined;
    this.textCache.set(file, read.text);
    if (this.textCache.size > 48) this.textCache.delete(this.textCache.keys().next().value!);
    return read.text;
  }
}
