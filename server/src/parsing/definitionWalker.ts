import type { Node } from 'web-tree-sitter';
import type { Definition, DefinitionKind } from './types';
import { isNameGenerator } from './nameGenerators';
import { C_KEYWORDS } from './cVocabulary';
import {
  LineMap,
  blockComments,
  identifierAt,
  isIdentPart,
  isIdentStart,
  scanIdentifiers,
  skipDirective,
  skipQuoted,
  spanEndingAt,
} from './textScan';

/**
 * The definitions half of the syntax extractor: walks the file-level structure of a tree-sitter-c tree
 * (never function bodies) and turns it into `Definition`s. Names and signatures are always read from
 * the real text, because the tree was parsed from a copy with annotation macros blanked.
 */

export interface Span {
  start: number;
  end: number;
  name: string;
}

interface Frame {
  children: Node[];
  index: number;
  type: string;
}

const CONTAINERS = new Set([
  'translation_unit',
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
]);
const NOT_FUNCTION_NAMES = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'sizeof',
  'typeof',
  '__typeof__',
  'do',
  'else',
  'case',
  'alignof',
  '_Alignof',
  'defined',
]);
const MAX_SIGNATURE = 300;
const MAX_NESTING = 200;
const MAX_PARAMETER_LIST = 4000;
const MAX_ANNOTATIONS = 400;
const MAX_FAILED_BODY_SCANS = 16;
const VALID_NAME = /^[A-Za-z_]\w*$/;
const DEFINE = /^#[ \t]*define[ \t]+([A-Za-z_]\w*)/;

export class DefinitionCollector {
  readonly definitions: Definition[] = [];
  /** Function bodies ({ ... }) with the function they belong to, for enclosingFunction. */
  readonly functionBodies: Span[] = [];
  /** Struct/union bodies, for generator macros used as members (DECLARE_BITMAP inside a struct). */
  readonly containerBodies: Span[] = [];
  private readonly nameStarts = new Map<number, DefinitionKind>();
  /** Names defined at each name offset (a generator argument can start several generated names). */
  private readonly namesAt = new Map<number, string[]>();
  private depth = 0;
  private failedBodyScans = 0;
  /** The child lists being iterated, innermost last (siblings without `nextSibling`). */
  private readonly path: Frame[] = [];
  private comments: Array<[number, number]> | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly lines: LineMap,
    private readonly arch: string | undefined,
  ) {}

  hasDefinitionAt(offset: number): boolean {
    return this.nameStarts.has(offset);
  }
  /** Whether a definition of `name` has its name at `offset` (not one a generator built from the word there). */
  definesAt(offset: number, name: string): boolean {
    return this.namesAt.get(offset)?.includes(name) ?? false;
  }
  definitionKindAt(offset: number): DefinitionKind | undefined {
    return this.nameStarts.get(offset);
  }

  visit(node: Node): void {
    // Hostile nesting (thousands of #ifdef or anonymous structs) must not exhaust the stack.
    if (this.depth >= MAX_NESTING) return;
    this.depth++;
    try {
      this.visitNode(node);
    } finally {
      this.depth--;
    }
  }

  private visitNode(node: Node): void {
    switch (node.type) {
      case 'function_definition':
        this.functionDefinition(node);
        break;
      case 'declaration':
        this.declaration(node);
        break;
      case 'type_definition':
        this.typeDefinition(node);
        break;
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier':
        this.typeSpecifier(node, true, undefined);
        break;
      case 'ERROR':
        this.recoverFromError(node);
        this.visitChildren(node);
        break;
      default:
        if (CONTAINERS.has(node.type)) this.visitChildren(node);
    }
  }

  private visitChildren(node: Node): void {
    // `children` fetches the list in one call; walking `nextSibling` is quadratic in web-tree-sitter
    // (each step looks the parent up from the root).
    const frame: Frame = { children: node.children.filter((c): c is Node => !!c), index: 0, type: node.type };
    this.path.push(frame);
    try {
      for (; frame.index < frame.children.length; frame.index++) this.visit(frame.children[frame.index]);
    } finally {
      this.path.pop();
    }
  }

  /**
   * The compound statement that follows a declaration lacking its `;` (the declaration being visited),
   * looking past the enclosing #if branches: `#ifdef A \n int f(int a) \n #else ... #endif \n { body }`.
   */
  private bodyAfterCurrent(): Node | undefined {
    for (let level = this.path.length - 1; level >= 0 && level >= this.path.length - 8; level--) {
      const frame = this.path[level];
      let next = frame.index + 1;
      while (next < frame.children.length && (frame.children[next].type === 'comment' || !frame.children[next].isNamed))
        next++;
      const sibling = frame.children[next];
      if (sibling?.type === 'compound_statement') return sibling;
      if (
        sibling &&
        sibling.type !== 'preproc_else' &&
        sibling.type !== 'preproc_elif' &&
        sibling.type !== 'preproc_elifdef'
      )
        return undefined;
      if (!/^preproc_(if|ifdef|else|elif|elifdef)$/.test(frame.type)) return undefined;
    }
    return undefined;
  }

  private slice(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  add(
    name: string,
    kind: DefinitionKind,
    nameStart: number,
    nameEnd: number,
    start: number,
    end: number,
    extra: Partial<Definition> = {},
  ): Definition | undefined {
    // MISSING nodes (empty) and keywords misread as names are recovery artefacts, not definitions.
    if (!VALID_NAME.test(name) || C_KEYWORDS.has(name)) return undefined;
    const definition: Definition = {
      name,
      kind,
      file: this.file,
      nameRange: { start: this.lines.position(nameStart), end: this.lines.position(nameEnd) },
      range: { start: this.lines.position(start), end: this.lines.position(end) },
      ...extra,
    };
    if (this.arch) definition.arch = this.arch;
    const doc = this.docCommentBefore(start);
    if (doc && definition.doc === undefined && kind !== 'field' && kind !== 'enumerator') definition.doc = doc;
    this.definitions.push(definition);
    if (!this.nameStarts.has(nameStart)) this.nameStarts.set(nameStart, kind);
    const names = this.namesAt.get(nameStart);
    if (names) names.push(name);
    else this.namesAt.set(nameStart, [name]);
    return definition;
  }

  private addNode(
    nameNode: Node,
    kind: DefinitionKind,
    whole: Node | { startIndex: number; endIndex: number },
    extra: Partial<Definition> = {},
  ): Definition | undefined {
    // tree-sitter ends an identifier at a line splice that C reads through (`demo_spl\<newline>iced_name`).
    const name =
      this.text.charCodeAt(nameNode.endIndex) === 92
        ? identifierAt(this.text, nameNode.startIndex)
        : this.slice(nameNode);
    return this.add(name, kind, nameNode.startIndex, nameNode.endIndex, whole.startIndex, whole.endIndex, extra);
  }

  private functionDefinition(node: Node): void {
    const declarator = node.childForFieldName('declarator');
    const body = node.childForFieldName('body');
    const resolved = declarator ? resolveDeclarator(declarator) : undefined;
    if (!resolved || !body) return;
    let nameNode = resolved.name;
    if (!resolved.isFunction) {
      // `TYPE foo(void)` misread as type `foo` + parenthesised declarator: the "type" is the name.
      const type = node.childForFieldName('type');
      if (type?.type !== 'type_identifier' || declarator?.type !== 'parenthesized_declarator') return;
      nameNode = type;
    }
    // `SYSCALL_DEFINE0(name) { ... }` reads as an old-style definition of SYSCALL_DEFINE0: generators handle it.
    if (isNameGenerator(this.slice(nameNode))) return;
    const definition = this.addNode(nameNode, 'function', node, {
      signature: this.signature(node.startIndex, body.startIndex),
    });
    if (!definition) return;
    if (hasStorageClass(node, 'static', this.text)) definition.isStatic = true;
    this.functionBodies.push({ start: body.startIndex, end: body.endIndex, name: definition.name });
  }

  private declaration(node: Node): void {
    const type = node.childForFieldName('type');
    // `static DEFINE_MUTEX(x);` reads as a declaration of type DEFINE_MUTEX: generators handle it.
    const typeName = type?.type === 'macro_type_specifier' ? type.childForFieldName('name') : type;
    if (typeName && isNameGenerator(this.slice(typeName))) return;
    const declarators = node.childrenForFieldName('declarator').filter((d): d is Node => !!d);
    if (
      type &&
      (type.type === 'struct_specifier' || type.type === 'union_specifier' || type.type === 'enum_specifier')
    ) {
      this.typeSpecifier(type, declarators.length === 0, undefined);
    }
    const isStatic = hasStorageClass(node, 'static', this.text);
    const isExtern = hasStorageClass(node, 'extern', this.text);
    const last = node.lastChild;
    const missingSemicolon = !last || last.type !== ';' || last.isMissing;
    for (const declarator of declarators) {
      const resolved = resolveDeclarator(declarator);
      if (!resolved) continue;
      const extra: Partial<Definition> = {};
      if (isStatic) extra.isStatic = true;
      if (resolved.isFunction) {
        const body = missingSemicolon ? this.bodyAfterCurrent() : undefined;
        if (body) {
          // `#ifdef` around the signature: each alternative declaration owns the body that follows.
          const definition = this.addNode(
            resolved.name,
            'function',
            { startIndex: node.startIndex, endIndex: body.endIndex },
            { ...extra, signature: this.signature(node.startIndex, declarator.endIndex) },
          );
          if (definition)
            this.functionBodies.push({ start: body.startIndex, end: body.endIndex, name: definition.name });
        } else {
          this.addNode(resolved.name, 'prototype', node, {
            ...extra,
            isDeclaration: true,
            signature: this.signature(node.startIndex, declarator.endIndex),
          });
        }
      } else {
        const end =
          declarator.type === 'init_declarator'
            ? (declarator.childForFieldName('declarator')?.endIndex ?? declarator.endIndex)
            : declarator.endIndex;
        if (isExtern) extra.isDeclaration = true;
        this.addNode(resolved.name, 'variable', node, { ...extra, signature: this.signature(node.startIndex, end) });
      }
    }
  }

  private typeDefinition(node: Node): void {
    const type = node.childForFieldName('type');
    const declarators = node.childrenForFieldName('declarator');
    if (
      type &&
      (type.type === 'struct_specifier' || type.type === 'union_specifier' || type.type === 'enum_specifier')
    ) {
      // `typedef struct { ... } pte_t;`: the members belong to the typedef name.
      const first = declarators[0] ? resolveDeclarator(declarators[0]) : undefined;
      this.typeSpecifier(type, false, first ? this.slice(first.name) : undefined);
    }
    for (const declarator of declarators) {
      const resolved = declarator ? resolveDeclarator(declarator) : undefined;
      if (resolved)
        this.addNode(resolved.name, 'typedef', node, { signature: this.signature(node.startIndex, node.endIndex) });
    }
  }

  /** struct/union/enum with a body: the type, its members (with `container`), nested named types. */
  private typeSpecifier(node: Node, standalone: boolean, outerContainer: string | undefined): void {
    if (this.depth >= MAX_NESTING) return;
    this.depth++;
    try {
      this.typeSpecifierAt(node, standalone, outerContainer);
    } finally {
      this.depth--;
    }
  }

  private typeSpecifierAt(node: Node, standalone: boolean, outerContainer: string | undefined): void {
    const nameNode = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    const kind = node.type === 'struct_specifier' ? 'struct' : node.type === 'union_specifier' ? 'union' : 'enum';
    if (!body) {
      if (standalone && nameNode)
        this.addNode(nameNode, kind, node, { isDeclaration: true, signature: `${kind} ${this.slice(nameNode)}` });
      return;
    }
    if (nameNode) this.addNode(nameNode, kind, node, { signature: `${kind} ${this.slice(nameNode)}` });
    const container = nameNode ? this.slice(nameNode) : outerContainer;
    if (container) this.containerBodies.push({ start: body.startIndex, end: body.endIndex, name: container });
    if (kind === 'enum') this.enumerators(body, container);
    else this.fields(body, container);
  }

  private enumerators(list: Node, container: string | undefined): void {
    if (this.depth >= MAX_NESTING) return;
    this.depth++;
    try {
      this.enumeratorsAt(list, container);
    } finally {
      this.depth--;
    }
  }

  private enumeratorsAt(list: Node, container: string | undefined): void {
    for (const child of list.children) {
      if (!child) continue;
      if (child.type === 'enumerator') {
        const name = child.childForFieldName('name');
        if (name)
          this.addNode(name, 'enumerator', child, {
            ...(container ? { container } : {}),
            signature: this.signature(child.startIndex, child.endIndex),
          });
      } else if (child.type.startsWith('preproc_') || child.type === 'ERROR') this.enumerators(child, container);
    }
  }

  private fields(list: Node, container: string | undefined): void {
    if (this.depth >= MAX_NESTING) return;
    this.depth++;
    try {
      this.fieldsAt(list, container);
    } finally {
      this.depth--;
    }
  }

  private fieldsAt(list: Node, container: string | undefined): void {
    for (const child of list.children) {
      if (!child) continue;
      if (child.type === 'field_declaration') {
        const type = child.childForFieldName('type');
        if (
          type &&
          (type.type === 'struct_specifier' || type.type === 'union_specifier' || type.type === 'enum_specifier')
        ) {
          this.typeSpecifier(type, false, container);
        }
        for (const declarator of child.childrenForFieldName('declarator')) {
          const resolved = declarator ? resolveDeclarator(declarator) : undefined;
          if (resolved) {
            this.addNode(resolved.name, 'field', child, {
              ...(container ? { container } : {}),
              signature: this.signature(child.startIndex, child.endIndex),
            });
          }
        }
      } else if (child.type.startsWith('preproc_') || child.type === 'ERROR') this.fields(child, container);
    }
  }

  /**
   * `#define`s, read from the directive lines themselves: they sit anywhere (struct bodies, function
   * bodies, ERROR regions) and the tree only sees their value as one opaque token anyway.
   */
  macros(directives: Array<[number, number]>): void {
    const text = this.text;
    for (const [start, lineEnd] of directives) {
      const head = DEFINE.exec(text.slice(start, Math.min(lineEnd, start + 300)));
      if (!head) continue;
      const nameStart = start + head[0].length - head[1].length;
      const nameEnd = nameStart + head[1].length;
      let end = lineEnd;
      while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
      const functionLike = text[nameEnd] === '(';
      const paramsEnd = functionLike ? text.indexOf(')', nameEnd) + 1 : nameEnd;
      if (functionLike && (paramsEnd <= 0 || paramsEnd > end)) continue;
      const headText = this.signature(start, paramsEnd);
      const signature = functionLike
        ? headText
        : `${headText} ${this.signature(nameEnd, end)}`.trim().slice(0, MAX_SIGNATURE);
      this.add(head[1], functionLike ? 'function-macro' : 'macro', nameStart, nameEnd, start, end, { signature });
    }
  }

  /**
   * ERROR regions: tree-sitter gave up on some kernel macro soup. A function definition still reads
   * `<type> name ( ... ) [annotations] {`: find that shape in the text and take the balanced body.
   */
  private recoverFromError(node: Node): void {
    const text = this.text;
    const tokens: Array<{ start: number; end: number }> = [];
    scanIdentifiers(text, node.startIndex, node.endIndex, (start, end) => tokens.push({ start, end }));
    for (let t = 0; t < tokens.length; t++) {
      const { start, end } = tokens[t];
      const name = text.slice(start, end);
      if (NOT_FUNCTION_NAMES.has(name) || this.nameStarts.has(start) || isNameGenerator(name)) continue;
      const open = skipBlanks(text, end);
      if (text[open] !== '(') continue;
      const before = previousSignificant(text, start);
      if (before < 0 || !(isIdentPart(text.charCodeAt(before)) || text[before] === '*')) continue;
      const close = matchingClose(text, open, '(', ')', MAX_PARAMETER_LIST);
      if (close < 0) continue;
      let cursor = skipBlanks(text, close);
      // Annotations between `)` and `{`: identifiers, optionally with arguments.
      // Bounded: without a `{` soon after the `)` this is not a definition (and rescanning is quadratic).
      const annotationLimit = Math.min(text.length, cursor + MAX_ANNOTATIONS);
      while (cursor < annotationLimit && (isIdentStart(text.charCodeAt(cursor)) || text[cursor] === '#')) {
        if (text[cursor] === '#') {
          cursor = skipBlanks(text, skipDirective(text, cursor));
          continue;
        }
        while (cursor < text.length && isIdentPart(text.charCodeAt(cursor))) cursor++;
        cursor = skipBlanks(text, cursor);
        if (text[cursor] === '(') {
          const after = matchingClose(text, cursor, '(', ')', MAX_PARAMETER_LIST);
          if (after < 0) break;
          cursor = skipBlanks(text, after);
        }
      }
      if (text[cursor] !== '{') continue;
      if (this.failedBodyScans >= MAX_FAILED_BODY_SCANS) return;
      const bodyEnd = matchingClose(text, cursor, '{', '}');
      // Unbalanced braces stay unbalanced for later candidates: a small budget of failed scans per file.
      if (bodyEnd < 0) {
        this.failedBodyScans++;
        break;
      }
      const declStart = lineStartOf(text, start);
      const definition = this.add(name, 'function', start, end, declStart, bodyEnd, {
        signature: this.signature(declStart, close),
      });
      if (!definition) continue;
      if (/(^|\s)static\s/.test(text.slice(declStart, start))) definition.isStatic = true;
      this.functionBodies.push({ start: cursor, end: bodyEnd, name });
      while (t + 1 < tokens.length && tokens[t + 1].start < bodyEnd) t++;
    }
  }

  /** One line of declaration text: comments dropped, whitespace collapsed, bodies elided. */
  signature(start: number, end: number): string {
    let raw = this.text.slice(start, Math.min(end, start + 4 * MAX_SIGNATURE));
    raw = raw
      .replace(/\/\*[\s\S]*?\*\//g, ' ')
      .replace(/\/\/[^\n]*/g, ' ')
      .replace(/\\\r?\n/g, ' ');
    raw = elideBraces(raw);
    let result = raw.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').replace(/\s+,/g, ',').trim();
    if (result.endsWith(';')) result = result.slice(0, -1).trimEnd();
    return result.length > MAX_SIGNATURE ? result.slice(0, MAX_SIGNATURE - 1) + '…' : result;
  }

  /** The `/** ... *\/` comment that ends right before `start` (only blanks between). */
  docCommentBefore(start: number): string | undefined {
    let i = start - 1;
    while (i >= 0 && /\s/.test(this.text[i])) i--;
    if (i < 1 || this.text[i] !== '/' || this.text[i - 1] !== '*') return undefined;
    // All comments are found once per file: searching back per definition is quadratic on hostile text.
    this.comments ??= blockComments(this.text);
    const index = spanEndingAt(this.comments, i + 1);
    if (index < 0) return undefined;
    const open = this.comments[index][0];
    if (this.text[open + 2] !== '*' || open + 3 > i - 1) return undefined;
    return this.text.slice(open, i + 1);
  }
}

function elideBraces(raw: string): string {
  let out = '';
  let depth = 0;
  for (const ch of raw) {
    if (ch === '{') {
      if (depth === 0) out += '{ … }';
      depth++;
      continue;
    }
    if (ch === '}') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth === 0) out += ch;
  }
  return out;
}

export interface ResolvedDeclarator {
  name: Node;
  isFunction: boolean;
}

/**
 * The declared name inside a declarator chain and whether it declares a function: the name's nearest
 * non-parenthesis wrapper is a function_declarator (`*foo(int)` is a function, `(*foo)(int)` a pointer).
 */
function resolveDeclarator(declarator: Node): ResolvedDeclarator | undefined {
  let node: Node | null = declarator;
  let wrapper: string | undefined;
  for (let depth = 0; node && depth < 32; depth++) {
    switch (node.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
      case 'primitive_type':
        if (node.type === 'primitive_type') return undefined;
        return { name: node, isFunction: wrapper === 'function_declarator' };
      case 'parenthesized_declarator': {
        let inner: Node | null = null;
        for (const c of node.namedChildren)
          if (c && c.type !== 'comment') {
            inner = c;
            break;
          }
        node = inner;
        continue;
      }
      case 'init_declarator':
      case 'pointer_declarator':
      case 'function_declarator':
      case 'array_declarator':
      case 'attributed_declarator':
      case 'bitfield_clause':
        if (node.type !== 'init_declarator' && node.type !== 'attributed_declarator') wrapper = node.type;
        node =
          node.childForFieldName('declarator') ??
          firstNamedOfTypes(node, ['identifier', 'field_identifier', 'type_identifier']);
        continue;
      default:
        return undefined;
    }
  }
  return undefined;
}

function firstNamedOfTypes(node: Node, types: string[]): Node | null {
  for (const c of node.children) if (c && types.includes(c.type)) return c;
  return null;
}

function hasStorageClass(node: Node, keyword: string, text: string): boolean {
  for (const c of node.children) {
    if (c?.type === 'storage_class_specifier' && text.slice(c.startIndex, c.endIndex) === keyword) return true;
  }
  return false;
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return text.length;
      i = close + 2;
      continue;
    }
    return i;
  }
  return i;
}

function previousSignificant(text: string, i: number): number {
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j])) j--;
  return j;
}

function lineStartOf(text: string, i: number): number {
  const nl = text.lastIndexOf('\n', i - 1);
  return nl + 1;
}

/** Offset after the bracket matching the one at `open` (strings and comments skipped), or -1. */
export function matchingClose(
  text: string,
  open: number,
  opening: string,
  closing: string,
  maxLength = 400_000,
): number {
  let depth = 0;
  const limit = Math.min(text.length, open + maxLength);
  for (let i = open; i < limit; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipQuoted(text, i, c.charCodeAt(0)) - 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return -1;
      i = close + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const eol = text.indexOf('\n', i);
      if (eol < 0) return -1;
      i = eol;
      continue;
    }
    if (c === opening) depth++;
    else if (c === closing && --depth === 0) return i + 1;
  }
  return -1;
}
