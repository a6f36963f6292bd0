import type { Definition, DefinitionKind } from '../indexing/types';
import { typeText } from './cTypes';
import { expressionStartBefore } from './accessExpressions';
import { localsAt } from './scopes';
import { operatorBefore } from './symbolResolution';
import type { SemanticDocument, TypeResolver } from './typeResolver';

/**
 * Completion without a build, on the buffer being typed: after `->`/`.` the fields of the object's resolved
 * type (nothing when the type is not found: no guessing among every struct of the tree); after `struct`/`union`/
 * `enum` the tags; otherwise locals and parameters in scope first, then this file's definitions, the headers it
 * includes, and the whole tree by prefix (functions, macros, types, globals, enum constants; never struct
 * members), each name once with its kind and signature, arch variants collapsed into one item with a note.
 * The tree-wide part is bounded: the list is marked incomplete so the editor asks again as the prefix grows.
 */

export type CandidateKind = 'local' | 'parameter' | 'field' | DefinitionKind;

export interface CompletionCandidate {
  label: string;
  kind: CandidateKind;
  /** Type (locals, fields) or signature (definitions), one line. */
  detail?: string;
  /** Plain text: a field's comment, where a definition lives, arch variants. Untrusted: escape before rendering. */
  documentation?: string;
  /** 0 locals and fields, 1 this file, 2 its includes, 3 the tree, 4 other architectures and tools. */
  group: number;
  /** Order inside the group when not alphabetical: fields in declaration order (`0003`). */
  sortKey?: string;
}

export interface CompletionAnswer {
  context: 'member' | 'tag' | 'identifier' | 'none';
  items: CompletionCandidate[];
  /** More matches exist than were listed: the editor should ask again as the user types. */
  isIncomplete: boolean;
}

export interface CompletionOptions {
  /** Most items in one answer (default 150). */
  limit?: number;
}

const DEFAULT_LIMIT = 150;
/** Tree-wide names looked at per request (the editor asks again, narrower, as the prefix grows). */
const TREE_NAMES = 200;

export function completeAt(
  resolver: TypeResolver,
  document: SemanticDocument,
  offset: number,
  options: CompletionOptions = {},
): CompletionAnswer {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const { text } = document;
  let prefixStart = offset;
  while (prefixStart > 0 && isIdentPart(text.charCodeAt(prefixStart - 1))) prefixStart--;
  const prefix = text.slice(prefixStart, offset);
  if (/^[0-9]/.test(prefix) || insideCommentOrString(document, offset)) return none();

  const operator = operatorBefore(text, prefixStart);
  if (operator) return memberCompletion(resolver, document, operator, prefix, limit);

  const tag = /\b(struct|union|enum)\s+$/.exec(text.slice(Math.max(0, prefixStart - 16), prefixStart));
  if (tag) return tagCompletion(resolver, document, tag[1] as 'struct' | 'union' | 'enum', prefix, limit);
  if (/^[ \t]*#[ \t]*(include|include_next)\b/.test(lineBefore(text, prefixStart))) return none();
  return identifierCompletion(resolver, document, prefixStart, prefix, limit);
}

function none(): CompletionAnswer {
  return { context: 'none', items: [], isIncomplete: false };
}

function memberCompletion(
  resolver: TypeResolver,
  document: SemanticDocument,
  operator: { start: number; arrow: boolean },
  prefix: string,
  limit: number,
): CompletionAnswer {
  const objectStart = expressionStartBefore(document.text, operator.start);
  if (objectStart === undefined) return { context: 'member', items: [], isIncomplete: false };
  let type = resolver.typeOfExpression(document, objectStart, operator.start);
  if (operator.arrow) type = resolver.pointee(type, document);
  const record = type.kind === 'unknown' ? undefined : resolver.recordOf(type, document);
  if (!record) return { context: 'member', items: [], isIncomplete: false };
  const lower = prefix.toLowerCase();
  const items: CompletionCandidate[] = [];
  const seen = new Set<string>();
  for (const field of record.fields) {
    if (seen.has(field.name) || !field.name.toLowerCase().startsWith(lower)) continue;
    seen.add(field.name);
    const where = field.via?.length ? ` (in an anonymous ${field.via.join(' in ')})` : '';
    const item: CompletionCandidate = {
      label: field.name,
      kind: 'field',
      detail: field.declaration,
      group: 0,
      sortKey: String(items.length).padStart(4, '0'),
    };
    const doc = [field.comment, `${field.container}${where}`].filter(Boolean).join('\n\n');
    if (doc) item.documentation = doc;
    items.push(item);
    if (items.length >= limit) break;
  }
  return { context: 'member', items, isIncomplete: false };
}

function tagCompletion(
  resolver: TypeResolver,
  document: SemanticDocument,
  tag: 'struct' | 'union' | 'enum',
  prefix: string,
  limit: number,
): CompletionAnswer {
  const collector = new Collector(limit);
  const accept = (d: Definition) => d.kind === tag && !d.isDeclaration;
  addDefinitionsOfFiles(resolver, document, prefix, accept, collector);
  const complete = addTreeDefinitions(resolver, document, prefix, accept, collector);
  return { context: 'tag', items: collector.items(), isIncomplete: !complete || collector.full };
}

function identifierCompletion(
  resolver: TypeResolver,
  document: SemanticDocument,
  prefixStart: number,
  prefix: string,
  limit: number,
): CompletionAnswer {
  const collector = new Collector(limit);
  const lower = prefix.toLowerCase();
  for (const local of localsAt(document.tree, document.text, prefixStart, resolver.locator(document))) {
    if (local.kind === 'label' || local.kind === 'macro-parameter') continue;
    if (!local.name.toLowerCase().startsWith(lower)) continue;
    const type = local.kind === 'macro-local' ? resolver.localAt(document, local.start, local.end)?.type : local.type;
    collector.add({
      label: local.name,
      kind: local.kind === 'parameter' ? 'parameter' : 'local',
      detail: local.declarationText,
      documentation: `${local.kind === 'parameter' ? 'parameter' : 'local'}${local.functionName ? ` of ${local.functionName}()` : ''}${type && type.kind !== 'unknown' ? ` · ${typeText(type)}` : ''}`,
      group: 0,
    });
  }
  const accept = (d: Definition) => d.kind !== 'field' && d.kind !== 'kconfig';
  addDefinitionsOfFiles(resolver, document, prefix, accept, collector);
  // One character matches a tenth of the tree: wait for the second before listing tree-wide names.
  const complete = prefix.length >= 2 ? addTreeDefinitions(resolver, document, prefix, accept, collector) : false;
  return { context: 'identifier', items: collector.items(), isIncomplete: !complete || collector.full };
}

/** This file's definitions, then those of the headers it includes. */
function addDefinitionsOfFiles(
  resolver: TypeResolver,
  document: SemanticDocument,
  prefix: string,
  accept: (d: Definition) => boolean,
  collector: Collector,
): void {
  const index = resolver.index;
  if (!index) return;
  const lower = prefix.toLowerCase();
  const files: Array<[string, number]> = [];
  if (document.file) files.push([document.file, 1]);
  for (const header of resolver.includes(document)) files.push([header, 2]);
  for (const [file, group] of files) {
    for (const entry of resolver.fileDefinitions(file))
      if (entry.lowerName.startsWith(lower) && accept(entry.definition))
        collector.addDefinition(entry.definition, group);
  }
}

/** Tree-wide names starting with the prefix; false when the scan stopped before the end. */
function addTreeDefinitions(
  resolver: TypeResolver,
  document: SemanticDocument,
  prefix: string,
  accept: (d: Definition) => boolean,
  collector: Collector,
): boolean {
  const index = resolver.index;
  if (!index || prefix.length === 0) return false;
  let names: string[];
  try {
    names = index.namesWithPrefix(prefix, TREE_NAMES);
  } catch {
    return false;
  }
  for (const name of names) {
    if (collector.has(name)) continue; // this file or an include already gave it, with its details
    if (collector.full) return false;
    let definitions: Definition[];
    try {
      definitions = index.findDefinitions(name);
    } catch {
      continue;
    }
    for (const definition of definitions) {
      if (!accept(definition)) continue;
      const group = definition.arch || /^(tools|scripts|samples|Documentation)\//.test(definition.file) ? 4 : 3;
      collector.addDefinition(definition, group, document.file);
    }
  }
  return names.length < TREE_NAMES;
}

/** Candidates by name: the first (best) group wins; other definitions of the name become a note. */
class Collector {
  private readonly byName = new Map<string, { item: CompletionCandidate; definitions: Definition[] }>();
  full = false;

  constructor(private readonly limit: number) {}

  has(name: string): boolean {
    return this.byName.has(name);
  }

  add(item: CompletionCandidate): void {
    if (this.byName.has(item.label)) return;
    if (this.byName.size >= this.limit) {
      this.full = true;
      return;
    }
    this.byName.set(item.label, { item, definitions: [] });
  }

  addDefinition(definition: Definition, group: number, _fromFile?: string): void {
    const existing = this.byName.get(definition.name);
    if (existing) {
      if (existing.item.group > 0) existing.definitions.push(definition);
      return;
    }
    if (this.byName.size >= this.limit) {
      this.full = true;
      return;
    }
    this.byName.set(definition.name, {
      item: { label: definition.name, kind: definition.kind, group },
      definitions: [definition],
    });
  }

  items(): CompletionCandidate[] {
    const out: CompletionCandidate[] = [];
    for (const { item, definitions } of this.byName.values()) {
      if (definitions.length > 0) describe(item, definitions);
      out.push(item);
    }
    return out.sort((a, b) => a.group - b.group || a.label.localeCompare(b.label));
  }
}

/** Kind, signature and where: one definition shown, the others summarised (arch variants, declarations). */
function describe(item: CompletionCandidate, definitions: Definition[]): void {
  const real = definitions.filter((d) => !d.isDeclaration);
  const shown = real.find((d) => !d.arch) ?? real[0] ?? definitions[0];
  item.kind = shown.kind;
  if (shown.signature) item.detail = shown.signature;
  const arches = [...new Set(real.filter((d) => d.arch).map((d) => d.arch!))].sort();
  const lines = [`${shown.kind} · ${shown.file}:${shown.nameRange.start.line + 1}`];
  if (arches.length) lines.push(`arch variants: ${arches.slice(0, 8).join(', ')}${arches.length > 8 ? ', …' : ''}`);
  const signatures = new Set(real.map((d) => d.signature).filter(Boolean));
  if (signatures.size > 1) lines.push(`${signatures.size} different signatures in the tree`);
  item.documentation = lines.join('\n');
}

function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

function lineBefore(text: string, offset: number): string {
  return text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
}

function insideCommentOrString(document: SemanticDocument, offset: number): boolean {
  if (openCommentOrStringInText(document.text, offset)) return true;
  const at = Math.max(0, offset - 1);
  for (let n = document.tree.rootNode.descendantForIndex(at, at), depth = 0; n && depth < 4; n = n.parent, depth++) {
    const inside = n.startIndex < offset && offset <= n.endIndex;
    if (!inside) continue;
    if (n.type === 'comment') {
      const body = document.text.slice(n.startIndex, n.endIndex);
      // At the very end of a block comment the cursor is after `*/`; a line comment runs to the end of its line.
      return offset < n.endIndex || body.startsWith('//') || !body.endsWith('*/');
    }
    if (n.type === 'string_literal' || n.type === 'char_literal' || n.type === 'system_lib_string')
      return offset < n.endIndex;
  }
  return false;
}

/**
 * While typing, an unterminated comment or string is often no node at all: read the text. A `/*` after the last
 * `*\/` (within a bounded window), or a `//` or an odd number of quotes earlier on the same line.
 */
function openCommentOrStringInText(text: string, offset: number): boolean {
  const floor = Math.max(0, offset - 20000);
  const open = text.lastIndexOf('/*', offset - 2);
  if (open >= floor && text.lastIndexOf('*/', offset - 2) < open && !text.slice(open, offset).includes('*/'))
    return true;
  const line = lineBefore(text, offset);
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '/' && line[i + 1] === '/') return true;
  }
  return quote !== '';
}
