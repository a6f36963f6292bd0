/**
 * The queryable whole-tree index (implements `KernelIndex`): by-name definition tables and postings
 * derived from `IndexData`, plus a live overlay for files edited since (open documents, changed files).
 * Reference positions live on disk: the postings say which files mention a name, and each file's
 * occurrence block in the store gives the positions with a few small reads. Files without a usable block
 * (edited files, Kconfig/Makefiles, an index built without a cache folder) are re-lexed instead.
 */
import * as path from 'path';
import {
  DEF_FIELDS,
  DEFINITION_KINDS,
  extractText,
  kindCodeOf,
  readSourceFile,
  unpackDefinition,
} from './fileExtraction';
import type { IndexData, DerivedTables } from './indexData';
import type { Definition, DefinitionKind, IndexStats, KernelIndex, QueryOptions, Reference } from './types';
import { normalizeSignature, type LexicalDefinition, type LexicalExtraction } from '../parsing/lexicalExtractor';
import { OccurrenceStoreReader } from './occurrenceStore';
import { storedReferences } from './storedReferences';
import { isKconfigFile } from '../parsing/kernelFiles';

export interface TreeIndexOptions {
  preferredArch?: string;
  maxFileSize?: number;
  /** Statistics of the run that produced the data. */
  stats?: Partial<IndexStats>;
  log?: (message: string) => void;
}

interface OverlayFile {
  text: string;
  extraction: LexicalExtraction;
  identifiers: Set<string>;
}

/** A definition's place: in the base arrays (by def index) or in an overlay file. */
type DefinitionHandle = { base: number } | { overlay: string; definition: LexicalDefinition };

export class TreeIndex implements KernelIndex {
  readonly root: string;
  private readonly fileIds = new Map<string, number>();
  private readonly defFile: Uint32Array;
  private readonly nameDefStart: Uint32Array;
  private readonly nameDefs: Uint32Array;
  private readonly nameFileStart: Uint32Array;
  private readonly nameFiles: Uint32Array;
  private readonly overlay = new Map<string, OverlayFile>();
  private readonly textCache = new Map<string, string>();
  private readonly preferredArch: string;
  private readonly maxFileSize: number;
  /** Reader of the occurrence store, when the data has one. */
  readonly occurrences: OccurrenceStoreReader | undefined;

  constructor(
    readonly data: IndexData,
    private options: TreeIndexOptions = {},
  ) {
    this.root = data.root;
    this.preferredArch = options.preferredArch ?? 'x86';
    this.maxFileSize = options.maxFileSize ?? 2 * 1024 * 1024;
    data.files.forEach((file, id) => this.fileIds.set(file, id));
    this.occurrences = data.occurrenceStore ? new OccurrenceStoreReader(data.occurrenceStore, options.log) : undefined;
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
  }

  // ---- live updates ---------------------------------------------------------------------------

  /** Replaces a file's entries with those of new text (an edited document or a changed file). */
  updateFile(file: string, text: string): LexicalExtraction {
    const extraction = extractText(file, text);
    this.overlay.set(file, { text, extraction, identifiers: new Set(extraction.identifiers) });
    this.textCache.delete(file);
    return extraction;
  }

  /** A file deleted from the tree: its base entries stop counting. */
  removeFile(file: string): void {
    this.overlay.set(file, {
      text: '',
      extraction: { definitions: [], identifiers: [], referenceCount: 0 },
      identifiers: new Set(),
    });
    this.textCache.delete(file);
  }

  /** Statistics of the run that produced this index (set by the builder). */
  setRunStats(stats: Partial<IndexStats>): void {
    this.options.stats = { ...this.options.stats, ...stats };
  }

  private isShadowed(fileId: number): boolean {
    return this.overlay.size > 0 && this.overlay.has(this.data.files[fileId]);
  }

  // ---- KernelIndex ----------------------------------------------------------------------------

  findDefinitions(name: string): Definition[] {
    const handles = this.definitionHandles(name);
    if (handles.length === 0 && name.startsWith('CONFIG_')) {
      handles.push(...this.definitionHandles(name.slice(7)).filter((h) => this.kindOf(h) === 'kconfig'));
    }
    return this.sortDefinitions(handles.map((handle) => this.materialize(handle)));
  }

  findDeclarations(name: string): Definition[] {
    return this.findDefinitions(name).filter((d) => d.isDeclaration || d.kind === 'prototype');
  }

  async findReferences(name: string, options: QueryOptions = {}): Promise<Reference[]> {
    const names = new Set([name]);
    const files = new Set(this.filesMentioning(name));
    if (name.startsWith('CONFIG_')) {
      // Kconfig spells the symbol without the prefix.
      for (const file of this.filesMentioning(name.slice(7))) if (isKconfigFile(file)) files.add(file);
    }
    const results: Reference[] = [];
    const nameId = this.data.names.get(name);
    const store = this.occurrences;
    let relexed = 0;
    let stored = 0;
    store?.acquire();
    try {
      for (const file of [...files].sort()) {
        if (options.isCancelled?.()) break;
        const fileId = this.overlay.has(file) ? undefined : this.fileIds.get(file);
        const fromStore =
          store && nameId !== undefined && fileId !== undefined
            ? storedReferences(this.data, store, fileId, nameId)
            : undefined;
        if (fromStore) {
          for (const reference of fromStore) results.push(reference);
          if (options.limit && results.length >= options.limit) return results.slice(0, options.limit);
          // Let other requests (and cancellation) through on long lists.
          if (++stored % 1024 === 0) await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        const text = this.textOf(file);
        if (text === undefined) continue;
        const wanted = isKconfigFile(file) && name.startsWith('CONFIG_') ? new Set([name.slice(7)]) : names;
        for (const reference of extractText(file, text, wanted).references ?? []) {
          results.push(reference);
          if (options.limit && results.length >= options.limit) return results;
        }
        if (++relexed % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      store?.release();
    }
    return results;
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

  searchSymbols(query: string, options: QueryOptions = {}): Definition[] {
    const limit = options.limit ?? 100;
    const q = query.trim();
    const matches: string[] = [];
    const seen = new Set<string>();
    const take = (name: string) => {
      if (!seen.has(name)) {
        seen.add(name);
        matches.push(name);
      }
    };
    if (q === '') return [];
    if (this.definitionHandles(q).length > 0) take(q);
    const lower = q.toLowerCase();
    const names = this.data.names;
    const sorted = this.data.sortedNames;
    // Prefix matches from the sorted table.
    let lo = 0,
      hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (names.comparePrefixFolded(sorted[mid], lower) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (
      let k = lo;
      k < sorted.length && matches.length < limit && names.comparePrefixFolded(sorted[k], lower) === 0;
      k++
    )
      take(names.name(sorted[k]));
    for (const file of this.overlay.keys()) {
      for (const d of this.overlay.get(file)!.extraction.definitions)
        if (d.name.toLowerCase().startsWith(lower)) take(d.name);
    }
    // Fuzzy: the query's characters in order (fwstart -> folio_walk_start), anchored on the first character
    // like editors' fuzzy finders, so only the contiguous first-letter range of the sorted table is scanned.
    // Only when the prefix found little, and within a time budget: typing must stay fast on 3M+ names.
    if (matches.length < Math.min(limit, 10) && lower.length >= 2) {
      const deadline = performance.now() + (options.budgetMs ?? 25);
      const first = lower[0];
      let from = 0,
        to = sorted.length;
      while (from < to) {
        const mid = (from + to) >> 1;
        if (names.comparePrefixFolded(sorted[mid], first) < 0) from = mid + 1;
        else to = mid;
      }
      let end = from;
      let hi = sorted.length;
      while (end < hi) {
        const mid = (end + hi) >> 1;
        if (names.comparePrefixFolded(sorted[mid], first) <= 0) end = mid + 1;
        else hi = mid;
      }
      const scored: Array<{ id: number; score: number }> = [];
      for (let k = from; k < end; k++) {
        if ((k & 0x3fff) === 0 && (options.isCancelled?.() || performance.now() > deadline)) break;
        const span = names.subsequenceSpan(sorted[k], lower);
        if (span > 0) scored.push({ id: sorted[k], score: span * 4 + names.nameLength(sorted[k]) });
      }
      scored.sort((a, b) => a.score - b.score);
      for (const { id } of scored) {
        if (matches.length >= limit) break;
        take(names.name(id));
      }
    }
    const results: Definition[] = [];
    for (const name of matches) {
      for (const definition of this.findDefinitions(name)) {
        results.push(definition);
        if (results.length >= limit) return results;
      }
    }
    return results;
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
      skipped: this.data.skipped.length,
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
      if (!overlay.identifiers.has(name)) continue;
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

  private materialize(handle: DefinitionHandle): Definition {
    let file: string;
    let d: LexicalDefinition;
    if ('base' in handle) {
      file = this.data.files[this.defFile[handle.base]];
      d = unpackDefinition(this.data.defs, handle.base * DEF_FIELDS, (id) => this.data.names.name(id));
    } else {
      file = handle.overlay;
      d = handle.definition;
    }
    const textOf = (path: string) => this.textOf(path);
    const arch = /^arch\/([^/]+)\//.exec(file)?.[1];
    // Signature and kernel-doc are read from the file only when someone looks at them.
    let text: string | undefined | null = null;
    const source = () => (text === null ? (text = textOf(file)) : text);
    return {
      name: d.name,
      kind: d.kind,
      file,
      nameRange: {
        start: { line: d.nameLine, character: d.nameCol },
        end: { line: d.nameLine, character: d.nameEndCol },
      },
      range: { start: { line: d.startLine, character: d.startCol }, end: { line: d.endLine, character: d.endCol } },
      container: d.container,
      get signature() {
        const t = source();
        return t === undefined ? undefined : normalizeSignature(t.slice(d.sigStart, d.sigEnd));
      },
      get doc() {
        const t = source();
        return t === undefined || d.docStart < 0 ? undefined : t.slice(d.docStart, d.docEnd);
      },
      arch,
      isDeclaration: d.isDeclaration || d.kind === 'prototype',
      isStatic: d.isStatic,
      generatedBy:
        d.kind === 'generated' ||
        (d.kind === 'function' && /^[A-Z_0-9]+\(/.test(source()?.slice(d.sigStart, d.sigEnd) ?? ''))
          ? source()?.slice(d.sigStart, d.sigEnd)
          : undefined,
    };
  }

  private sortDefinitions(definitions: Definition[]): Definition[] {
    const archRank = (d: Definition) => (!d.arch ? 0 : d.arch === this.preferredArch ? 1 : 2);
    // A function defined in a .c file beats a header's inline stub of the same name (`#else` fallbacks).
    const stubRank = (d: Definition) => (d.kind === 'function' && d.file.endsWith('.h') ? 1 : 0);
    return definitions.sort(
      (a, b) =>
        Number(a.isDeclaration ?? false) - Number(b.isDeclaration ?? false) ||
        archRank(a) - archRank(b) ||
        stubRank(a) - stubRank(b) ||
        (a.arch ?? '').localeCompare(b.arch ?? '') ||
        a.file.localeCompare(b.file) ||
        a.nameRange.start.line - b.nameRange.start.line,
    );
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

/** By-name tables (counting sort into CSR): name -> definitions, name -> files mentioning it. */
function deriveTables(data: IndexData): DerivedTables {
  const nameCount = data.names.size;
  const defCount = data.defs.length / DEF_FIELDS;
  const defFile = new Uint32Array(defCount);
  for (let f = 0; f < data.files.length; f++) defFile.fill(f, data.fileDefStart[f], data.fileDefStart[f + 1]);
  const nameDefStart = new Uint32Array(nameCount + 1);
  for (let d = 0; d < defCount; d++) nameDefStart[data.defs[d * DEF_FIELDS] + 1]++;
  for (let n = 0; n < nameCount; n++) nameDefStart[n + 1] += nameDefStart[n];
  const nameDefs = new Uint32Array(defCount);
  const defFill = nameDefStart.slice(0, nameCount);
  for (let d = 0; d < defCount; d++) nameDefs[defFill[data.defs[d * DEF_FIELDS]]++] = d;
  const nameFileStart = new Uint32Array(nameCount + 1);
  for (let k = 0; k < data.idents.length; k++) nameFileStart[data.idents[k] + 1]++;
  for (let n = 0; n < nameCount; n++) nameFileStart[n + 1] += nameFileStart[n];
  const nameFiles = new Uint32Array(data.idents.length);
  const fileFill = nameFileStart.slice(0, nameCount);
  for (let f = 0; f < data.files.length; f++) {
    for (let k = data.fileIdentStart[f]; k < data.fileIdentStart[f + 1]; k++) nameFiles[fileFill[data.idents[k]]++] = f;
  }
  return { defFile, nameDefStart, nameDefs, nameFileStart, nameFiles };
}
