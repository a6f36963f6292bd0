/**
 * Calls through ops tables: which functions can run when code calls through a function-pointer field
 * (`vmf->page->pgmap->ops->migrate_to_ram(vmf)`), and where a callback is installed. One service for the call
 * hierarchy, `textDocument/implementation`, hover and the CLI's `implementations`.
 *
 * Built lazily, per field name, from the index: the files that mention the field are scanned for stores
 * (parsing/fieldStores.ts), each keyed by (struct type, field). An initialiser's type is written in its
 * declaration; an assignment's object is typed by the semantic type service (semantics/) on the file's tree. A
 * store whose type cannot be found is attributed by the field's name when exactly one struct type of the tree has a
 * function-pointer field of that name, and marked inferred; otherwise it is left out of every type's answer (a
 * wrong target is worse than a missing one).
 *
 * Where a function is installed (`storesOfFunction`) reads only the files the index lists as install sites of the
 * name (indexing: parsing/installSites.ts, a superset of what the store scanner finds), not every file naming it
 * (1,400 for `kvfree` on 6.12); without such an index (the look-up index of a warm start still loading) it reads
 * those. The typed calls through each field (indirectCalls.ts) are kept here too.
 *
 * Everything is kept per file: what a file's scan found and a field's typed calls in each file. An edit of a file
 * (the index's change event, or the editor's) drops what came from that file only; the next question rescans that
 * file alone. An edit that changes a file's definitions (a struct, a field's type, a signature) can change how
 * other files' code is typed, so it drops everything (`forget()`), as every edit did before.
 */
import type { Parser } from 'web-tree-sitter';
import type { Definition, KernelIndex, Range } from '../indexing/types';
import { scanFieldStores, type FieldStore } from '../parsing/fieldStores';
import {
  macroArgumentTest,
  macrosProducing,
  macrosStoring,
  scanMacroStores,
  unexpandedMacrosStoring,
} from '../parsing/macroStores';
import { LineMap } from '../parsing/textScan';
import { expressionStartBefore } from '../semantics/accessExpressions';
import { withParsedText } from '../semantics/snippetParser';
import type { SemanticDocument, TypeResolver } from '../semantics/typeResolver';
import { memberAt } from '../semantics/symbolResolution';
import type { CType } from '../semantics/cTypes';

/** One function stored into a field. */
export interface OpsStore {
  /** Struct tag of the table (`dev_pagemap_ops`); undefined when neither written nor resolved. */
  type?: string;
  field: string;
  function: string;
  /** Where the store is (tree-relative file, 0-based line and UTF-16 column of the function's name). */
  file: string;
  line: number;
  character: number;
  /** `macro`: an invocation of a table macro of data/ops-macros.yaml (`DEFINE_SHOW_ATTRIBUTE(foo)`). */
  kind: 'initializer' | 'assignment' | 'macro';
  /** The type was not written or resolved: attributed by the field name (the only struct with such a field). */
  inferred: boolean;
  /** For a macro store: the macro invoked. */
  macro?: string;
}

/** A `#define` of the tree that builds tables storing into a field, which the ops tables do not expand. */
export interface UnexpandedTableMacro {
  macro: string;
  file: string;
  /** 0-based line of the `#define`. */
  line: number;
}

/** A call through a field, resolved. */
export interface IndirectCall {
  /** Struct tag the call goes through, when the object's type was found. */
  type?: string;
  field: string;
  /** True when the object's type was not found and the targets are those of every struct with such a field. */
  inferred: boolean;
  targets: OpsStore[];
}

/** A call through a field, typed as far as it can be, without its targets (callers of a callback need no more). */
export interface TypedFieldCall {
  /** Struct tag the call goes through, when the object's type was found (and is one of `candidates`). */
  type?: string;
  field: string;
  inferred: boolean;
  /** Struct tags with a function-pointer field of this name. */
  candidates: string[];
}

/** One call through a field in the tree, typed (indirectCalls.ts builds them, the tables keep them). */
export interface FieldCallSite {
  file: string;
  /** The enclosing function, as the index names it. */
  caller: string;
  /** The field's name at the call. */
  range: Range;
  call: TypedFieldCall;
}

/** Files larger than this are not scanned (generated tables, hostile input). */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const CACHED_FIELDS = 512;
/** Files whose scans are kept (each holds its answers for the fields and names asked about it). */
const CACHED_FILE_SCANS = 8192;

/** What one scan of one file found, for one filter (a field, or a function's name). */
interface FileScan {
  stores: OpsStore[];
  /** For a field's scan: the `#define`s of the file that build tables storing into it, not expanded. */
  unexpanded: UnexpandedTableMacro[];
}

/** The typed calls through one field, per file (indirectCalls.ts fills it). */
export interface FieldCallSites {
  /** Typed calls of each file looked at (files without a call through the field have an empty list). */
  byFile: Map<string, FieldCallSite[]>;
  /** The answer, in file order; undefined after an edit of one of the files until it is asked again. */
  sites?: FieldCallSite[];
  /** Files with a reference in a function, and how many of them were looked at (MAX_CALLER_FILES). */
  referencingFiles: number;
  lookedAt: number;
}
/**
 * A hover looks for where a function is installed only when at most this many files mention it: callbacks are
 * named in one to three files (their definition and their table), and a hover must not scan the tree.
 */
export const HOVER_INSTALL_FILES = 16;

export class OpsTables {
  private readonly byField = new Map<string, OpsStore[]>();
  private readonly byFunction = new Map<string, OpsStore[]>();
  private readonly pointerTypes = new Map<string, string[]>();
  private readonly unexpanded = new Map<string, UnexpandedTableMacro[]>();
  private readonly installed = new Map<string, OpsStore[] | undefined>();
  /** Scans per file, by filter (`field:NAME`, `value:NAME`): what a question found there, before attribution. */
  private readonly fileScans = new Map<string, Map<string, FileScan>>();
  /** Typed calls through each field, filled by indirectCalls.ts, per file. */
  readonly callSitesByField = new Map<string, FieldCallSites>();
  /**
   * How often answers were computed rather than reused (tests assert reuse): a function's installs or a field's calls
   * assembled, and the files read for them (`fileScans`: a file scanned for stores, `callSiteFiles`: a file looked
   * at for calls through a field).
   */
  readonly builds = { storesOfFunction: 0, callSitesOfField: 0, fileScans: 0, callSiteFiles: 0 };

  constructor(
    private readonly index: KernelIndex,
    /** Text of a tree file (open buffers first), undefined when unreadable. */
    private readonly readText: (file: string) => string | undefined,
    /** Types assignments' objects; without it, they are attributed by field name only. */
    private readonly semantics?: { resolver: TypeResolver; parser: Parser },
  ) {
    index.onFileChanged?.((change) => this.forgetFile(change.file, change.definitionsChanged));
  }

  /** Forgets every answer (stores are found again on the next question, field by field). */
  forget(): void {
    this.forgetAnswers();
    this.fileScans.clear();
    this.callSitesByField.clear();
    this.pointerTypes.clear();
    this.lineCache.clear();
  }

  /**
   * A file changed: what came from it is dropped, the rest is kept. With `definitionsChanged` (its structs, fields or
   * signatures differ), other files' stores and calls may be typed differently now: everything is dropped.
   */
  forgetFile(file: string, definitionsChanged = false): void {
    if (definitionsChanged) {
      this.forget();
      return;
    }
    this.forgetAnswers();
    this.fileScans.delete(file);
    this.lineCache.delete(file);
    for (const entry of this.callSitesByField.values()) {
      entry.byFile.delete(file);
      entry.sites = undefined;
    }
  }

  /** The answers assembled from the per-file scans (cheap to assemble again). */
  private forgetAnswers(): void {
    this.byField.clear();
    this.byFunction.clear();
    this.unexpanded.clear();
    this.installed.clear();
  }

  /** Struct tags with a function-pointer field `field` (`int (*field)(...)`), from the tree's definitions. */
  functionPointerTypes(field: string): string[] {
    const cached = this.pointerTypes.get(field);
    if (cached) return cached;
    const types = new Set<string>();
    for (const definition of this.fieldDefinitions(field))
      if (definition.container && this.isFunctionPointer(definition)) types.add(definition.container);
    const result = [...types].sort();
    this.pointerTypes.set(field, result);
    return result;
  }

  /**
   * Every store into a field of this name, any struct type: in the files that mention the field, and in those that
   * invoke a table macro of the data storing into it (`DEFINE_SHOW_ATTRIBUTE(foo)` never spells `.open`).
   */
  storesOfField(field: string): OpsStore[] {
    const cached = this.byField.get(field);
    if (cached) return cached;
    const stores: OpsStore[] = [];
    const unexpanded: UnexpandedTableMacro[] = [];
    const fields = new Set([field]);
    const files = new Set(this.index.filesMentioning(field));
    for (const macro of macrosStoring(field)) for (const file of this.index.filesMentioning(macro)) files.add(file);
    for (const file of files) {
      if (!/\.[ch]$/.test(file)) continue;
      const scan = this.cachedScan(file, `field:${field}`, () => {
        const found: UnexpandedTableMacro[] = [];
        const fieldStores = this.scanFile(file, { fields }, (text) => {
          for (const macro of unexpandedMacrosStoring(text, field)) found.push({ ...macro, file });
        });
        return { stores: fieldStores, unexpanded: found };
      });
      for (const store of scan.stores) stores.push({ ...store });
      unexpanded.push(...scan.unexpanded);
    }
    this.attributeByName(stores);
    this.byField.set(field, stores);
    this.unexpanded.set(field, unexpanded);
    if (this.byField.size > CACHED_FIELDS) {
      const oldest = this.byField.keys().next().value!;
      this.byField.delete(oldest);
      this.unexpanded.delete(oldest);
    }
    return stores;
  }

  /**
   * The `#define`s that build tables storing into `field` and that the ops tables do not expand (a subsystem's
   * own `KSM_ATTR(name)` around `__ATTR_RW`): their tables are missing from the answers, which should say so.
   */
  unexpandedMacros(field: string): UnexpandedTableMacro[] {
    if (!this.unexpanded.has(field)) this.storesOfField(field);
    return this.unexpanded.get(field) ?? [];
  }

  /**
   * Where a function is installed, for a hover: undefined when the name is mentioned in more than `maxFiles` files
   * (a function used everywhere is no callback worth scanning the tree for on every hover). Remembered per name.
   */
  installationsOf(name: string, maxFiles = 64): OpsStore[] | undefined {
    if (this.installed.has(name)) return this.installed.get(name);
    const files = this.index.filesMentioning(name);
    const answer = files.length > maxFiles ? undefined : this.storesOfFunction(name);
    if (this.installed.size > CACHED_FIELDS) this.installed.delete(this.installed.keys().next().value!);
    this.installed.set(name, answer);
    return answer;
  }

  /** The functions stored into `type.field`, in file order. */
  implementations(type: string, field: string): OpsStore[] {
    return this.storesOfField(field).filter((store) => store.type === type);
  }

  /**
   * Where a function is installed: every store of it into a field. The files read are those naming it that the
   * index lists as its install sites, or that invoke a table macro of the data able to produce the name
   * (`__ATTR(x, 0644, kvfree, NULL)` would); every file naming it when the index keeps no install sites.
   */
  storesOfFunction(name: string): OpsStore[] {
    const cached = this.byFunction.get(name);
    if (cached) return cached;
    this.builds.storesOfFunction++;
    const stores: OpsStore[] = [];
    const values = new Set([name]);
    const candidates = this.installCandidates(name);
    // Most files naming a function call it (`kvfree(`): a store's value is followed, in the raw text, by blanks
    // and then a terminator or what the store scanner blanks (comment, string, preprocessor line). Files without
    // that are skipped before the scanner blanks them (docs/benchmark.md).
    const mayStore = /^[A-Za-z_]\w*$/.test(name) ? new RegExp(`\\b${name}\\s*[,;}#"'/]`) : undefined;
    // Likewise for table macros: the argument the name is made from, ending an argument (`__ATTR(n, m, kvfree, x)`).
    const mayStoreByMacro = mayStore && macroArgumentTest(name);
    for (const file of this.index.filesMentioning(name)) {
      if (!/\.[ch]$/.test(file) || (candidates && !candidates.has(file))) continue;
      const scan = this.cachedScan(file, `value:${name}`, () => ({
        stores: this.scanFile(file, { values }, undefined, mayStore, mayStoreByMacro),
        unexpanded: [],
      }));
      for (const store of scan.stores) stores.push({ ...store });
    }
    this.attributeByName(stores);
    this.byFunction.set(name, stores);
    if (this.byFunction.size > CACHED_FIELDS) this.byFunction.delete(this.byFunction.keys().next().value!);
    return stores;
  }

  /**
   * The files that can hold a store of `name`: its install sites in the index, and the files invoking a table macro
   * of the data with a template that can produce the name. Undefined when the index keeps no install sites.
   */
  private installCandidates(name: string): Set<string> | undefined {
    if (!this.index.installSitesOf) return undefined;
    const files = new Set(this.index.installSitesOf(name).map((site) => site.file));
    for (const macro of macrosProducing(name)) for (const file of this.index.filesMentioning(macro)) files.add(file);
    return files;
  }

  /** One file's scan for one filter, kept until the file changes. */
  private cachedScan(file: string, key: string, scan: () => FileScan): FileScan {
    let scans = this.fileScans.get(file);
    const cached = scans?.get(key);
    if (cached) return cached;
    this.builds.fileScans++;
    const result = scan();
    if (!scans) {
      if (this.fileScans.size >= CACHED_FILE_SCANS) this.fileScans.delete(this.fileScans.keys().next().value!);
      scans = new Map();
      this.fileScans.set(file, scans);
    }
    scans.set(key, result);
    return result;
  }

  /** A tree file's text as the tables read it (open buffers first), undefined when unreadable. */
  textOf(file: string): string | undefined {
    try {
      return this.readText(file);
    } catch {
      return undefined;
    }
  }

  /**
   * The call through the field named at [start, end) of a document (`a->b->field(...)`, `(*a->field)(...)`,
   * `a.field(...)`): the object's type through the semantic services, else every struct with such a
   * function-pointer field (inferred). Undefined when the name is not a function-pointer field of any struct.
   */
  callThrough(
    resolver: TypeResolver,
    document: SemanticDocument,
    start: number,
    end: number,
  ): IndirectCall | undefined {
    const call = this.typeOfCall(resolver, document, start, end);
    if (!call) return undefined;
    const { type, field } = call;
    if (type) return { type, field, inferred: false, targets: this.implementations(type, field) };
    const targets = call.candidates.flatMap((candidate) => this.implementations(candidate, field));
    return { field, inferred: true, targets };
  }

  /**
   * The struct type a call through the field at [start, end) goes through, as `callThrough` decides it, without
   * collecting the targets (which costs a scan of every file naming the field). Undefined when the name is not a
   * function-pointer field of any struct.
   */
  typeOfCall(
    resolver: TypeResolver,
    document: SemanticDocument,
    start: number,
    end: number,
  ): TypedFieldCall | undefined {
    const field = document.text.slice(start, end);
    const candidates = this.functionPointerTypes(field);
    if (candidates.length === 0) return undefined;
    const member = memberAt(resolver, document, start, end);
    const type = member?.record?.name ?? tagOf(member?.objectType);
    if (type && candidates.includes(type)) return { type, field, inferred: false, candidates };
    return { field, inferred: true, candidates };
  }

  private scanFile(
    file: string,
    filter: { fields?: Set<string>; values?: Set<string> },
    alsoRead?: (text: string) => void,
    /** A test of the raw text every file with a wanted designator or assignment store passes (a cheap superset). */
    mayStore?: RegExp,
    /** The same for stores by a table macro. */
    mayStoreByMacro?: RegExp,
  ): OpsStore[] {
    let text: string | undefined;
    try {
      text = this.readText(file);
    } catch {
      text = undefined;
    }
    if (text === undefined || text.length > MAX_FILE_BYTES) return [];
    alsoRead?.(text);
    const found =
      mayStore && !mayStore.test(text)
        ? []
        : scanFieldStores(text, {
            ...filter,
            memberStructType: (structType, field) => this.memberStructType(structType, field),
          });
    const byMacro = mayStoreByMacro && !mayStoreByMacro.test(text) ? [] : scanMacroStores(text, filter);
    if (found.length === 0 && byMacro.length === 0) return [];
    const lines = new LineMap(text);
    const macroStores = byMacro.map((store): OpsStore => {
      const position = lines.position(store.valueOffset);
      const result: OpsStore = {
        field: store.field,
        function: store.value,
        file,
        line: position.line,
        character: position.character,
        kind: 'macro',
        inferred: false,
        macro: store.macro,
      };
      if (store.structType) result.type = store.structType;
      return result;
    });
    if (found.length === 0) return macroStores;
    const assignmentTypes = this.typeAssignments(file, text, found);
    return found
      .map((store, k): OpsStore => {
        const position = lines.position(store.valueOffset);
        const type = store.structType ?? assignmentTypes[k];
        const result: OpsStore = {
          field: store.field,
          function: store.value,
          file,
          line: position.line,
          character: position.character,
          kind: store.kind,
          inferred: false,
        };
        if (type) result.type = type;
        return result;
      })
      .concat(macroStores);
  }

  /** Struct tags of the objects assigned into (`p->field = f;`), by the type service on the file's tree. */
  private typeAssignments(file: string, text: string, stores: FieldStore[]): Array<string | undefined> {
    const types: Array<string | undefined> = stores.map(() => undefined);
    if (!this.semantics || !stores.some((store) => store.kind === 'assignment')) return types;
    const { resolver, parser } = this.semantics;
    withParsedText(parser, text, (tree) => {
      const document: SemanticDocument = { file, text, tree };
      stores.forEach((store, k) => {
        if (store.kind !== 'assignment' || store.operatorOffset === undefined) return;
        const objectStart = expressionStartBefore(text, store.operatorOffset);
        if (objectStart === undefined) return;
        let type = resolver.typeOfExpression(document, objectStart, store.operatorOffset);
        if (store.arrow) type = resolver.pointee(type, document);
        types[k] = resolver.recordOf(type, document)?.name ?? tagOf(type);
      });
    });
    return types;
  }

  /** Stores without a type go to the one struct type with a function-pointer field of that name, if one. */
  private attributeByName(stores: OpsStore[]): void {
    for (const store of stores) {
      if (store.type) continue;
      const types = this.functionPointerTypes(store.field);
      if (types.length === 1) {
        store.type = types[0];
        store.inferred = true;
      }
    }
  }

  /** `struct outer { struct inner field; }`: the tag of a struct-typed field (nested initialisers). */
  private memberStructType(structType: string, field: string): string | undefined {
    for (const definition of this.fieldDefinitions(field)) {
      if (definition.container !== structType) continue;
      const line = this.lineOf(definition);
      const before = line?.slice(0, definition.nameRange.start.character);
      const tag = before && /\bstruct\s+([A-Za-z_]\w*)\s*$/.exec(before);
      if (tag) return tag[1];
    }
    return undefined;
  }

  private fieldDefinitions(field: string): Definition[] {
    try {
      return this.index.findDefinitions(field).filter((d) => d.kind === 'field');
    } catch {
      return [];
    }
  }

  /** `ret (*name)(args)` (also `(* const name)`, `(__rcu *name)`) on the field's line. */
  private isFunctionPointer(definition: Definition): boolean {
    const line = this.lineOf(definition);
    if (line === undefined) return false;
    const before = line.slice(0, definition.nameRange.start.character);
    const after = line.slice(definition.nameRange.end.character);
    return /\(\s*(?:\w+\s+)*\*\s*(?:const\s+)?$/.test(before) && /^\s*\)\s*\(/.test(after);
  }

  private readonly lineCache = new Map<string, string[]>();

  private lineOf(definition: Definition): string | undefined {
    let lines = this.lineCache.get(definition.file);
    if (!lines) {
      const text = this.readText(definition.file);
      if (text === undefined) return undefined;
      lines = text.split('\n');
      this.lineCache.set(definition.file, lines);
      if (this.lineCache.size > 256) this.lineCache.delete(this.lineCache.keys().next().value!);
    }
    return lines[definition.nameRange.start.line];
  }
}

function tagOf(type: CType | undefined): string | undefined {
  return type?.kind === 'tag' && type.tag === 'struct' ? type.name : undefined;
}
