/**
 * The call hierarchy through ops tables: the calls a function makes through function-pointer fields, with their
 * possible targets, and the functions that can call a callback through the fields it is stored into. Both ask the
 * ops tables (opsTables.ts) and the semantic type service; the LSP call hierarchy and the CLI only adapt them.
 */
import type { Node } from 'web-tree-sitter';
import type { Definition, KernelIndex, Range, Reference } from '../indexing/types';
import type { SemanticDocument, TypeResolver } from '../semantics/typeResolver';
import type { FieldCallSite, FieldCallSites, IndirectCall, OpsTables } from './opsTables';

/** A call through a field inside a function's body. */
export interface IndirectCallSite {
  /** Offsets of the field's name at the call. */
  start: number;
  end: number;
  call: IndirectCall;
}

/** At most this many files are typed for the callers of one field (`fault` is called in hundreds). */
export const MAX_CALLER_FILES = 400;
/** Fields whose typed calls are kept at once (a call hierarchy walk asks a few dozen). */
const MAX_CACHED_FIELDS = 512;

/**
 * Calls through function-pointer fields in the function whose definition covers `line` (0-based):
 * `a->b->f(...)`, `a.f(...)`, `(*a->f)(...)`, `(a->f)(...)`.
 */
export function indirectCallsInFunction(
  ops: OpsTables,
  resolver: TypeResolver,
  document: SemanticDocument,
  line: number,
): IndirectCallSite[] {
  const body = functionCovering(document.tree.rootNode, line);
  if (!body) return [];
  const sites: IndirectCallSite[] = [];
  for (const call of body.descendantsOfType('call_expression')) {
    const field = calledField(call?.childForFieldName('function') ?? null);
    if (!field) continue;
    const resolved = ops.callThrough(resolver, document, field.startIndex, field.endIndex);
    if (resolved && resolved.targets.length > 0)
      sites.push({ start: field.startIndex, end: field.endIndex, call: resolved });
  }
  return sites;
}

/** Parses a tree file (or `text`, that file's text with parts blanked) for `use`; undefined when it cannot. */
export type WithDocument = <T>(file: string, use: (document: SemanticDocument) => T, text?: string) => T | undefined;

/** A function that can call `target` through a field it is stored into. */
export interface IndirectCaller {
  file: string;
  /** The calling function (as the index names the enclosing function). */
  caller: string;
  /** The field's name at the call. */
  range: Range;
  type?: string;
  field: string;
  inferred: boolean;
}

/** Calls through a field not all looked at: MAX_CALLER_FILES of `referencingFiles` files were typed. */
export interface PartialFieldCalls {
  field: string;
  lookedAt: number;
  referencingFiles: number;
}

/** How an answer cut by the cap says so: `calls through .destructor typed in 400 of 650 files ...`. */
export function partialText(partial: PartialFieldCalls): string {
  return (
    `partial: calls through .${partial.field} were looked for in the first ${partial.lookedAt} of ` +
    `${partial.referencingFiles} files that use the field (in path order); callers in the others are not listed`
  );
}

/**
 * The callers of `target` through ops tables: every call through a field `target` is stored into, whose object has
 * the store's struct type (or, when the object's type is not found, any call through a field of that name the
 * struct has, marked inferred). `withDocument` parses a tree file for the call's type.
 *
 * Where `target` is installed and the typed calls through each field are kept by the ops tables for the index
 * generation (`storesOfFunction`, `callSitesOfField`): a request only filters them. Measured in docs/benchmark.md.
 */
export async function indirectCallersOf(
  ops: OpsTables,
  index: KernelIndex,
  resolver: TypeResolver,
  withDocument: WithDocument,
  target: string,
  isCancelled: () => boolean = () => false,
  /** Told of each field whose calls were not all looked at (the answer is partial). */
  onPartial?: (partial: PartialFieldCalls) => void,
): Promise<IndirectCaller[]> {
  const viaFields = new Map<string, Set<string>>();
  for (const store of ops.storesOfFunction(target)) {
    if (!store.type) continue;
    const types = viaFields.get(store.field) ?? new Set<string>();
    types.add(store.type);
    viaFields.set(store.field, types);
  }
  const callers: IndirectCaller[] = [];
  for (const [field, types] of viaFields) {
    const entry = await callSitesOfField(ops, index, resolver, withDocument, field, isCancelled);
    if (!entry?.sites) return callers;
    if (entry.lookedAt < entry.referencingFiles)
      onPartial?.({ field, lookedAt: entry.lookedAt, referencingFiles: entry.referencingFiles });
    for (const site of entry.sites) {
      // `target` is stored into `type.field` for every type of `types`: a call reaches it when it goes through one
      // of them (typed), or when its object's type is unknown and one of them has such a field (inferred).
      const { call } = site;
      const matches = call.type !== undefined ? types.has(call.type) : call.candidates.some((c) => types.has(c));
      if (!matches) continue;
      const caller: IndirectCaller = {
        file: site.file,
        caller: site.caller,
        range: site.range,
        field,
        inferred: call.inferred,
      };
      const type = call.type ?? (types.size === 1 ? [...types][0] : undefined);
      if (type) caller.type = type;
      callers.push(caller);
    }
  }
  return callers;
}

/**
 * Every call through a field of this name in the tree, typed, kept in the ops tables per file (undefined when
 * cancelled). Only files with a reference that reads as a call (`->field(`, `.field)(`) are parsed; at most
 * MAX_CALLER_FILES files with a reference are looked at (`lookedAt` < `referencingFiles` then: the answer says it is
 * partial). After an edit of one file, only that file is looked at again (the references are listed again: which
 * files come first may change).
 */
export async function callSitesOfField(
  ops: OpsTables,
  index: KernelIndex,
  resolver: TypeResolver,
  withDocument: WithDocument,
  field: string,
  isCancelled: () => boolean = () => false,
): Promise<FieldCallSites | undefined> {
  const cached = ops.callSitesByField.get(field);
  if (cached?.sites) return cached;
  const references = await index.findReferences(field, { isCancelled });
  if (isCancelled()) return undefined;
  const byFile = new Map<string, typeof references>();
  for (const reference of references) {
    if (reference.isDefinition || reference.inPreprocessor || !reference.enclosingFunction) continue;
    const list = byFile.get(reference.file) ?? [];
    list.push(reference);
    byFile.set(reference.file, list);
  }
  const kept = cached?.byFile ?? new Map<string, FieldCallSite[]>();
  const entry: FieldCallSites = { byFile: new Map(), referencingFiles: byFile.size, lookedAt: 0 };
  const sites: FieldCallSite[] = [];
  for (const [file, list] of [...byFile].slice(0, MAX_CALLER_FILES)) {
    if (isCancelled()) return undefined;
    entry.lookedAt++;
    let fileSites = kept.get(file);
    if (!fileSites) {
      fileSites = callSitesInFile(ops, index, resolver, withDocument, field, file, list);
      ops.builds.callSiteFiles++;
    }
    entry.byFile.set(file, fileSites);
    sites.push(...fileSites);
  }
  entry.sites = sites;
  ops.builds.callSitesOfField++;
  ops.callSitesByField.delete(field);
  ops.callSitesByField.set(field, entry);
  if (ops.callSitesByField.size > MAX_CACHED_FIELDS)
    ops.callSitesByField.delete(ops.callSitesByField.keys().next().value!);
  return entry;
}

/** The typed calls through `field` in one file, from the file's references to the field. */
function callSitesInFile(
  ops: OpsTables,
  index: KernelIndex,
  resolver: TypeResolver,
  withDocument: WithDocument,
  field: string,
  file: string,
  list: Reference[],
): FieldCallSite[] {
  const sites: FieldCallSite[] = [];
  // The text decides which references are calls; only a file with one is parsed (most mention the field
  // in initialisers and assignments).
  const text = ops.textOf(file);
  if (text === undefined) return sites;
  const starts = lineStarts(text);
  const calls: Array<{ start: number; end: number; reference: Reference }> = [];
  for (const reference of list) {
    const start = starts[reference.range.start.line] + reference.range.start.character;
    const end = start + (reference.range.end.character - reference.range.start.character);
    if (text.slice(start, end) !== field || !isCallThrough(text, start, end)) continue;
    calls.push({ start, end, reference });
  }
  if (calls.length === 0) return sites;
  // Only the functions with a call are parsed (functionsOnly): a call is typed from its function's declarations and
  // the index, and the parse of a large file (net/core/skbuff.c for `destructor`) becomes the parse of a few functions
  // (docs/benchmark.md).
  const kept = calls.map((call) => call.reference.range.start.line);
  const reduced = functionsOnly(text, starts, index.definitionsInFile(file), kept);
  withDocument(
    file,
    (document) => {
      // The document is the reduced text, or the file's (a caller's withDocument may parse the file itself); it is
      // the same text unless the file changed in between (then offsets are checked again).
      const inReduced = reduced !== undefined && document.text === reduced.text;
      for (const { start, end, reference } of calls) {
        const from = inReduced ? reduced.offsetOf(start) : start;
        const to = from + (end - start);
        if (from < 0 || document.text.slice(from, to) !== field) continue;
        const call = ops.typeOfCall(resolver, document, from, to);
        if (call) sites.push({ file, caller: reference.enclosingFunction!, range: reference.range, call });
      }
    },
    reduced?.text,
  );
  return sites;
}

/** A file's text reduced to some of its functions, rows and columns kept (other lines are empty). */
export interface FunctionsOnly {
  text: string;
  /** Offset in `text` of an offset of the file inside one of the functions kept. */
  offsetOf(fileOffset: number): number;
}

/**
 * The functions holding the `kept` lines of a file, alone: every other line is left empty, so rows and columns stay
 * those of the file while the text to parse shrinks to those functions (a line break per other line). The semantic
 * services type a call from its function's declarations and, for file scope, from the index (semantics/scopes.ts),
 * never from the rest of the document. Undefined when a kept line is in no function the index knows (a body opened
 * by a macro, a generated function): the whole file is parsed then.
 */
export function functionsOnly(
  text: string,
  lineStarts: number[],
  definitions: Definition[],
  kept: number[],
): FunctionsOnly | undefined {
  const spans: Array<[number, number]> = [];
  for (const line of new Set(kept)) {
    let innermost: Definition | undefined;
    for (const d of definitions) {
      if (d.kind !== 'function' || d.range.start.line > line || line > d.range.end.line) continue;
      if (!innermost || d.range.start.line >= innermost.range.start.line) innermost = d;
    }
    if (!innermost) return undefined;
    spans.push([innermost.range.start.line, innermost.range.end.line]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  // Functions sharing a line (or nested, or one after the other on the same line) are kept as one span.
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const previous = merged[merged.length - 1];
    if (previous && span[0] <= previous[1]) previous[1] = Math.max(previous[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  const lineEnd = (line: number) => (line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length);
  const parts: string[] = [];
  const mapped: Array<{ fileStart: number; fileEnd: number; start: number }> = [];
  let length = 0;
  let row = 0;
  for (const [first, last] of merged) {
    const breaks = '\n'.repeat(first - row);
    parts.push(breaks);
    length += breaks.length;
    const fileStart = lineStarts[first] ?? text.length;
    const fileEnd = lineEnd(last);
    mapped.push({ fileStart, fileEnd, start: length });
    parts.push(text.slice(fileStart, fileEnd));
    length += fileEnd - fileStart;
    row = last;
  }
  return {
    text: parts.join(''),
    offsetOf(fileOffset) {
      const span = mapped.find((m) => m.fileStart <= fileOffset && fileOffset <= m.fileEnd);
      return span ? fileOffset - span.fileStart + span.start : -1;
    },
  };
}

/** How a reader names an indirect edge: `via dev_pagemap_ops.migrate_to_ram`, `(inferred)` when by name only. */
export function viaText(type: string | undefined, field: string, inferred: boolean): string {
  return `via ${type ?? '?'}.${field}${inferred ? ' (inferred from the field name)' : ''}`;
}

/** `a->f` / `a.f` right before a call's `(`, possibly inside `(*a->f)` or `(a->f)`. */
function isCallThrough(text: string, start: number, end: number): boolean {
  let before = start;
  while (before > 0 && /\s/.test(text[before - 1])) before--;
  const operator = text.slice(before - 2, before) === '->' || (text[before - 1] === '.' && text[before - 2] !== '.');
  if (!operator) return false;
  return /^\s*(?:\)\s*)?\(/.test(text.slice(end, end + 64));
}

function calledField(callee: Node | null): Node | undefined {
  let node = callee;
  for (let guard = 0; node && guard < 4; guard++) {
    if (node.type === 'field_expression') return node.childForFieldName('field') ?? undefined;
    if (node.type === 'parenthesized_expression') node = node.namedChild(0);
    else if (node.type === 'pointer_expression') node = node.childForFieldName('argument');
    else return undefined;
  }
  return undefined;
}

function functionCovering(root: Node, line: number): Node | undefined {
  for (const child of root.namedChildren) {
    if (!child || child.startPosition.row > line || child.endPosition.row < line) continue;
    if (child.type === 'function_definition') return child;
    // Functions inside #ifdef blocks and linkage specifications are nested one level or more.
    const inner = functionCovering(child, line);
    if (inner) return inner;
  }
  return undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
