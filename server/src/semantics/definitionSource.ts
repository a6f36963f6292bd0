import type { Node, Parser, Tree } from 'web-tree-sitter';
import type { Definition, KernelIndex } from '../indexing/types';
import { LineMap } from '../parsing/textScan';
import { parseKernelDoc } from '../parsing/kernelDoc';
import { UNKNOWN, type CType, type FunctionType, type RecordInfo, type RecordTag } from './cTypes';
import { declaredNames, recordFromBody, slice, type Locator } from './declarators';
import { lineSpan, type SourceAccess } from './sourceAccess';
import { withParsedText } from './snippetParser';

/**
 * Where the semantic services find what a name means beyond the current document: the whole-tree index says
 * where `struct folio_walk`, `pte_t`, `init_mm` or `folio_walk_start` are defined, and only the lines of that
 * definition are parsed (a struct out of mm_types.h, not mm_types.h). Results are cached by definition text, so
 * an edit of the definition is seen and nothing stale is served.
 *
 * Which definition, when a name has several: the asking file's own, then headers it includes, then generic
 * headers, then the preferred architecture, then other architectures; tools/, scripts/ and samples/ after them,
 * and other .c files last (a type or static defined in a .c file is not visible outside it).
 */

export interface MacroDefinition {
  name: string;
  params: string[];
  variadic: boolean;
  body: string;
  file: string;
  line: number;
}

const CACHE_LIMIT = 512;
const MAX_DEFINITION_LINES = 2000;

export class DefinitionSource {
  private readonly records = new Map<string, { text: string; record: RecordInfo | null }>();
  private readonly typedefs = new Map<string, { text: string; type: CType }>();
  private readonly declarations = new Map<string, CType>();
  private readonly macros = new Map<string, { text: string; macro: MacroDefinition | null }>();

  constructor(
    private readonly index: KernelIndex | undefined,
    private readonly sources: SourceAccess,
    private readonly parser: Parser,
    private readonly preferredArch = 'x86',
  ) {}

  /** Candidate definitions of `name` accepted by `accept`, best first for a question asked from `fromFile`. */
  definitions(
    name: string,
    accept: (d: Definition) => boolean,
    fromFile?: string,
    includes?: Set<string>,
  ): Definition[] {
    if (!this.index) return [];
    let found: Definition[];
    try {
      found = this.index.findDefinitions(name).filter(accept);
    } catch {
      return [];
    }
    return rankDefinitions(found, fromFile, includes, this.preferredArch);
  }

  /** The struct or union `tag name` (with a body), as defined in the tree. */
  record(tag: RecordTag, name: string, fromFile?: string, includes?: Set<string>): RecordInfo | undefined {
    for (const definition of this.definitions(name, (d) => d.kind === tag && !d.isDeclaration, fromFile, includes)) {
      const record = this.recordAt(definition, tag, name);
      if (record) return record;
    }
    return undefined;
  }

  /** What `typedef ... name;` stands for; undefined when no typedef of that name is found. */
  typedef(name: string, fromFile?: string, includes?: Set<string>): CType | undefined {
    for (const definition of this.definitions(name, (d) => d.kind === 'typedef', fromFile, includes)) {
      const type = this.typedefAt(definition, name);
      if (type) return type;
    }
    return undefined;
  }

  /** Type of a global variable (its definition or extern declaration), from the text the index kept. */
  variableType(name: string, fromFile?: string, includes?: Set<string>): CType | undefined {
    // A global of another .c file is visible only when it is not static, and never one of tools/ or scripts/.
    const visible = (d: Definition) =>
      d.kind === 'variable' &&
      (d.file === fromFile ||
        (!/^(tools|scripts|samples|Documentation|usr)\//.test(d.file) && (d.file.endsWith('.h') || !d.isStatic)));
    for (const definition of this.definitions(name, visible, fromFile, includes)) {
      const type = definition.signature ? this.declarationType(definition.signature, name) : undefined;
      if (type && type.kind !== 'unknown') return type;
    }
    return undefined;
  }

  /** The invocation that defines a global (`LIST_HEAD(gray_list)`), for a variable a generator macro makes. */
  generatedVariable(name: string, fromFile?: string, includes?: Set<string>): string | undefined {
    // The whole-tree extractor keeps the invocation as the signature; the tree-sitter one also as generatedBy.
    const invocation = (d: Definition) =>
      d.generatedBy ?? (/^[A-Z_][A-Z0-9_]*\s*\(/.test(d.signature ?? '') ? d.signature : undefined);
    const visible = (d: Definition) =>
      d.kind === 'variable' && !!invocation(d) && (d.file === fromFile || d.file.endsWith('.h') || !d.isStatic);
    const definition = this.definitions(name, visible, fromFile, includes)[0];
    return definition ? invocation(definition) : undefined;
  }

  /** The value of an object-like macro (`#define node_possible_map node_states[N_POSSIBLE]`), from its one line. */
  objectMacro(name: string, fromFile?: string, includes?: Set<string>): string | undefined {
    const definition = this.definitions(name, (d) => d.kind === 'macro', fromFile, includes)[0];
    const signature = definition?.signature;
    const match = signature ? new RegExp(`^#\\s*define\\s+${name}\\s+(.+)$`).exec(signature) : null;
    return match ? match[1].trim() : undefined;
  }

  /** Function type of a function (definition or prototype). */
  functionType(name: string, fromFile?: string, includes?: Set<string>): FunctionType | undefined {
    const accept = (d: Definition) => d.kind === 'function' || d.kind === 'prototype';
    for (const definition of this.definitions(name, accept, fromFile, includes)) {
      const type = definition.signature ? this.declarationType(definition.signature, name) : undefined;
      if (type?.kind === 'function') return type;
    }
    return undefined;
  }

  /** A function-like macro's parameters and body, read from its definition lines. */
  macro(name: string, fromFile?: string, includes?: Set<string>): MacroDefinition | undefined {
    for (const definition of this.definitions(name, (d) => d.kind === 'function-macro', fromFile, includes)) {
      const macro = this.macroAt(definition, name);
      if (macro) return macro;
    }
    return undefined;
  }

  /** The type of `name` in a one-line declaration (`struct folio *folio_walk_start(struct folio_walk *fw, ...)`). */
  declarationType(declaration: string, name: string): CType | undefined {
    const key = `${name}\u0000${declaration}`;
    const cached = this.declarations.get(key);
    if (cached) return cached;
    const text = `${withoutInitializer(declaration)};\n`;
    const type =
      withParsedText(this.parser, text, (tree) => {
        const locator = snippetLocator(text, undefined, 0);
        for (const node of tree.rootNode.namedChildren) {
          if (!node || (node.type !== 'declaration' && node.type !== 'type_definition')) continue;
          for (const declared of declaredNames(node, text, locator)) if (declared.name === name) return declared.type;
        }
        return undefined;
      }) ?? UNKNOWN;
    remember(this.declarations, key, type);
    return type.kind === 'unknown' ? undefined : type;
  }

  // ---- reading one definition -------------------------------------------------------------------

  private definitionText(definition: Definition): { text: string; firstLine: number } | undefined {
    const first = definition.range.start.line;
    const last = Math.min(definition.range.end.line, first + MAX_DEFINITION_LINES);
    const file = this.sources.textOf(definition.file);
    if (file === undefined) return undefined;
    const span = lineSpan(file, first, last);
    return span ? { text: file.slice(span.start, span.end), firstLine: first } : undefined;
  }

  private recordAt(definition: Definition, tag: RecordTag, name: string): RecordInfo | undefined {
    const snippet = this.definitionText(definition);
    if (!snippet) return undefined;
    const key = `${tag} ${name}\u0000${definition.file}:${snippet.firstLine}`;
    const cached = this.records.get(key);
    if (cached && cached.text === snippet.text) return cached.record ?? undefined;
    const record =
      withParsedText(this.parser, snippet.text, (tree) =>
        recordInTree(tree, snippet.text, tag, name, snippetLocator(snippet.text, definition.file, snippet.firstLine)),
      ) ?? null;
    if (record && definition.doc) addKernelDocMembers(record, definition.doc);
    remember(this.records, key, { text: snippet.text, record });
    return record ?? undefined;
  }

  private typedefAt(definition: Definition, name: string): CType | undefined {
    const snippet = this.definitionText(definition);
    if (!snippet) return undefined;
    const key = `${name}\u0000${definition.file}:${snippet.firstLine}`;
    const cached = this.typedefs.get(key);
    if (cached && cached.text === snippet.text) return cached.type.kind === 'unknown' ? undefined : cached.type;
    const type =
      withParsedText(this.parser, snippet.text, (tree) =>
        typedefInTree(tree, snippet.text, name, snippetLocator(snippet.text, definition.file, snippet.firstLine)),
      ) ?? UNKNOWN;
    remember(this.typedefs, key, { text: snippet.text, type });
    return type.kind === 'unknown' ? undefined : type;
  }

  private macroAt(definition: Definition, name: string): MacroDefinition | undefined {
    const snippet = this.definitionText(definition);
    if (!snippet) return undefined;
    const key = `${name}\u0000${definition.file}:${snippet.firstLine}`;
    const cached = this.macros.get(key);
    if (cached && cached.text === snippet.text) return cached.macro ?? undefined;
    const macro = parseMacroDefinition(snippet.text, name, definition.file, snippet.firstLine) ?? null;
    remember(this.macros, key, { text: snippet.text, macro });
    return macro ?? undefined;
  }
}

/** The struct's kernel-doc `@member:` lines are the fields' documentation (before any comment next to them). */
function addKernelDocMembers(record: RecordInfo, doc: string): void {
  let members: Map<string, string>;
  try {
    members = new Map(parseKernelDoc(doc).params.map((p) => [p.name, p.description.trim()]));
  } catch {
    return;
  }
  for (const field of record.fields) {
    const description = members.get(field.name);
    if (description) field.comment = description.length > 600 ? `${description.slice(0, 599)}…` : description;
  }
}

/** `static struct x *tbl[] __initdata = { … }` without its initializer (kept: `=` inside parentheses). */
function withoutInitializer(declaration: string): string {
  let depth = 0;
  for (let i = 0; i < declaration.length; i++) {
    const c = declaration[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '=' && depth === 0 && declaration[i + 1] !== '=') return declaration.slice(0, i).trimEnd();
  }
  return declaration.replace(/\{ … \}/g, '');
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > CACHE_LIMIT) map.delete(map.keys().next().value!);
}

export function snippetLocator(text: string, file: string | undefined, firstLine: number): Locator {
  let lines: LineMap | undefined;
  const locator: Locator = {
    position(offset: number) {
      lines ??= new LineMap(text);
      const position = lines.position(offset);
      return { line: position.line + firstLine, character: position.character };
    },
  };
  if (file !== undefined) locator.file = file;
  return locator;
}

/** `#define NAME(a, b) body` out of the definition's lines (splices joined). */
export function parseMacroDefinition(
  text: string,
  name: string,
  file: string,
  line: number,
): MacroDefinition | undefined {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const match = new RegExp(`#\\s*define\\s+${name}\\(([^)]*)\\)([^\\n]*)`).exec(joined);
  if (!match) return undefined;
  const raw = match[1]
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const variadic = raw.length > 0 && raw[raw.length - 1].endsWith('...');
  const params = raw.map((p) => (p === '...' ? '__VA_ARGS__' : p.replace(/\.\.\.$/, '')));
  const body = match[2]
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/, '')
    .trim();
  return { name, params, variadic, body, file, line };
}

/** The struct/union `tag name` with a body anywhere in a parsed snippet. */
export function recordInTree(
  tree: Tree,
  text: string,
  tag: RecordTag,
  name: string,
  locator: Locator,
): RecordInfo | undefined {
  const type = tag === 'struct' ? 'struct_specifier' : 'union_specifier';
  for (const node of tree.rootNode.descendantsOfType(type)) {
    if (!node) continue;
    const nameNode = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    if (nameNode && body && slice(text, nameNode) === name)
      return recordFromBody(tag, name, nameNode, body, text, locator);
  }
  return undefined;
}

/** The type `typedef ... name;` in a parsed snippet stands for. */
export function typedefInTree(tree: Tree, text: string, name: string, locator: Locator): CType | undefined {
  for (const node of tree.rootNode.descendantsOfType('type_definition')) {
    if (!node) continue;
    for (const declared of declaredNames(node, text, locator)) {
      if (declared.name !== name) continue;
      // `typedef struct { ... } pte_t;`: the record is reached through the typedef's name.
      if (declared.type.kind === 'record' && !declared.type.record.name)
        return { kind: 'record', record: { ...declared.type.record, name } };
      return declared.type;
    }
  }
  return undefined;
}

/**
 * The definition of `struct name` / `union name` (with a body) or of the typedef `name` in a document, anywhere
 * (file scope, under #if, inside a function). Found with a text search and checked on the tree: a walk of every
 * node of a 5,000-line file costs 15-40 ms, too much for each keystroke, the search a fraction of a millisecond.
 */
export function documentTypeNode(
  tree: Tree,
  text: string,
  kind: 'struct' | 'union' | 'typedef',
  name: string,
): Node | undefined {
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const pattern =
    kind === 'typedef'
      ? new RegExp(`\\b${name}\\b(?=\\s*[;,)[])`, 'g')
      : new RegExp(`\\b${kind}\\s+(${name})\\b(?=\\s*\\{)`, 'g');
  let tries = 0;
  for (let match = pattern.exec(text); match && tries < 64; match = pattern.exec(text), tries++) {
    const start = kind === 'typedef' ? match.index : match.index + match[0].length - name.length;
    const node = tree.rootNode.descendantForIndex(start, start + name.length - 1);
    if (!node || node.startIndex !== start || node.endIndex !== start + name.length) continue;
    if (kind !== 'typedef') {
      const specifier = node.parent;
      if (specifier?.type === `${kind}_specifier` && specifier.childForFieldName('body')) return specifier;
      continue;
    }
    let up: Node | null = node.parent;
    while (up && up.type.endsWith('declarator')) up = up.parent;
    if (up?.type === 'type_definition') return up;
  }
  return undefined;
}

// ---- ranking ----------------------------------------------------------------------------------------

function rankOf(
  definition: Definition,
  fromFile: string | undefined,
  includes: Set<string> | undefined,
  preferredArch: string,
): number {
  const file = definition.file;
  if (fromFile && file === fromFile) return 0;
  if (includes?.has(file)) return 1;
  // What a .c file defines is visible in that file only (its types, statics): never another file's answer first.
  if (/\.c$/.test(file)) return 7;
  if (/^(tools|scripts|samples|Documentation|usr)\//.test(file)) return 6;
  if (!definition.arch) return fromFile && sameDirectory(file, fromFile) ? 2 : 3;
  return definition.arch === preferredArch ? 4 : 5;
}

function sameDirectory(a: string, b: string): boolean {
  return a.slice(0, a.lastIndexOf('/')) === b.slice(0, b.lastIndexOf('/'));
}

export function rankDefinitions(
  definitions: Definition[],
  fromFile: string | undefined,
  includes: Set<string> | undefined,
  preferredArch: string,
): Definition[] {
  return definitions
    .map((definition, order) => ({ definition, order, rank: rankOf(definition, fromFile, includes, preferredArch) }))
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        Number(!!a.definition.isDeclaration) - Number(!!b.definition.isDeclaration) ||
        a.order - b.order,
    )
    .map((entry) => entry.definition);
}

/** Tree-relative headers a document names in its `#include` lines (both spellings of arch headers). */
export function includedFiles(text: string, file: string | undefined, preferredArch = 'x86'): Set<string> {
  const out = new Set<string>();
  const pattern = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]/gm;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const header = match[2].trim();
    if (match[1] === '"' && file) out.add(`${file.slice(0, file.lastIndexOf('/') + 1)}${header}`);
    out.add(`include/${header}`);
    if (header.startsWith('asm/')) {
      out.add(`arch/${preferredArch}/include/${header}`);
      out.add(`include/asm-generic/${header.slice(4)}`);
    }
  }
  return out;
}
