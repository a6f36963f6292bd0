import type { Node } from 'web-tree-sitter';
import type { Position } from '../parsing/types';
import { generatedNames, isNameGenerator } from '../parsing/nameGenerators';
import { splitMacroArguments } from '../parsing/textScan';
import {
  pointerTo,
  UNKNOWN,
  type CType,
  type FieldInfo,
  type FunctionType,
  type ParameterInfo,
  type RecordInfo,
  type RecordTag,
} from './cTypes';

/**
 * Reading types out of tree-sitter declarations: the specifier (`struct folio`, `pte_t`, an in-place
 * `struct { ... }`) and the declarator chain around each name (`*`, `[]`, `(*)(...)`), with C's inside-out rule:
 * the outermost declarator is applied first, so `struct page *pages[4]` is an array of pointers and
 * `int (*f)(int)` a pointer to a function. Struct and union bodies become `RecordInfo`s with their fields
 * flattened through anonymous members, each field with its comment.
 *
 * Trees come from masked text (kernelSource.ts): every name and declaration text is read from the real text.
 */

/** Maps offsets of the parsed text to positions in the file it came from (a snippet may start at line N). */
export interface Locator {
  file?: string;
  position(offset: number): Position;
}

export interface DeclaredName {
  name: string;
  /** The identifier node of the name (identifier or field_identifier). */
  node: Node;
  type: CType;
}

/** Nesting bound for hostile input (declarators and record bodies nest without limit in the grammar). */
const MAX_DEPTH = 48;
const MAX_COMMENT = 600;

export function slice(text: string, node: Node): string {
  return text.slice(node.startIndex, node.endIndex);
}

/** One line of declaration text: comments dropped, whitespace collapsed, bodies elided, no trailing `;`. */
export function oneLine(raw: string, max = 300): string {
  let result = raw
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .replace(/\s+,/g, ',')
    .trim();
  result = elideBodies(result);
  if (result.endsWith(';')) result = result.slice(0, -1).trimEnd();
  return result.length > max ? `${result.slice(0, max - 1)}…` : result;
}

function elideBodies(text: string): string {
  if (!text.includes('{')) return text;
  let out = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === '{') {
      if (depth === 0) out += '{ … }';
      depth++;
    } else if (ch === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

/** The type a specifier node names (`type` field of a declaration, field, parameter or type descriptor). */
export function specifierType(specifier: Node | null, text: string, locator: Locator, depth = 0): CType {
  if (!specifier || depth > MAX_DEPTH) return UNKNOWN;
  switch (specifier.type) {
    case 'primitive_type':
    case 'sized_type_specifier':
      return { kind: 'named', name: oneLine(slice(text, specifier)) };
    case 'type_identifier':
      return { kind: 'named', name: slice(text, specifier) };
    case 'struct_specifier':
    case 'union_specifier': {
      const tag: RecordTag = specifier.type === 'struct_specifier' ? 'struct' : 'union';
      const nameNode = specifier.childForFieldName('name');
      const body = specifier.childForFieldName('body');
      const name = nameNode ? slice(text, nameNode) : undefined;
      if (body)
        return { kind: 'record', record: recordFromBody(tag, name, nameNode ?? body, body, text, locator, depth) };
      return name ? { kind: 'tag', tag, name } : UNKNOWN;
    }
    case 'macro_type_specifier': {
      // `__typeof__(struct foo) name` (what DEFINE_PER_CPU expands to): the type written inside.
      const callee = specifier.namedChild(0);
      const descriptor = specifier.namedChildren.find((child) => child?.type === 'type_descriptor');
      if (!callee || !descriptor || !/^(typeof|__typeof__|__typeof|typeof_unqual)$/.test(slice(text, callee)))
        return UNKNOWN;
      const inner = specifierType(descriptor.childForFieldName('type'), text, locator, depth + 1);
      return applyAbstractDeclarator(descriptor.childForFieldName('declarator'), inner, text, locator);
    }
    case 'enum_specifier': {
      const nameNode = specifier.childForFieldName('name');
      return nameNode ? { kind: 'tag', tag: 'enum', name: slice(text, nameNode) } : { kind: 'named', name: 'int' };
    }
    default:
      return UNKNOWN;
  }
}

/**
 * Applies a declarator chain to the specifier's type and returns the declared name with its type; undefined
 * for abstract declarators (no name) and anything unexpected.
 */
export function applyDeclarator(
  declarator: Node | null,
  base: CType,
  text: string,
  locator: Locator,
): { node: Node; type: CType } | undefined {
  let node = declarator;
  let type = base;
  for (let depth = 0; node && depth < MAX_DEPTH; depth++) {
    switch (node.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { node, type };
      case 'init_declarator':
      case 'attributed_declarator':
        node = node.childForFieldName('declarator') ?? node.namedChild(0);
        continue;
      case 'parenthesized_declarator':
        node = firstNamed(node);
        continue;
      case 'pointer_declarator':
        type = pointerTo(type);
        node = node.childForFieldName('declarator');
        continue;
      case 'array_declarator':
        type = pointerTo(type, true);
        node = node.childForFieldName('declarator');
        continue;
      case 'function_declarator':
        type = functionType(type, node.childForFieldName('parameters'), text, locator);
        node = node.childForFieldName('declarator');
        continue;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The type an abstract declarator (a cast's or a parameter's, no name) gives the specifier's type. */
export function applyAbstractDeclarator(declarator: Node | null, base: CType, text: string, locator: Locator): CType {
  let node = declarator;
  let type = base;
  for (let depth = 0; node && depth < MAX_DEPTH; depth++) {
    switch (node.type) {
      case 'abstract_pointer_declarator':
      case 'pointer_declarator':
        type = pointerTo(type);
        node = node.childForFieldName('declarator');
        continue;
      case 'abstract_array_declarator':
      case 'array_declarator':
        type = pointerTo(type, true);
        node = node.childForFieldName('declarator');
        continue;
      case 'abstract_function_declarator':
      case 'function_declarator':
        type = functionType(type, node.childForFieldName('parameters'), text, locator);
        node = node.childForFieldName('declarator');
        continue;
      case 'abstract_parenthesized_declarator':
      case 'parenthesized_declarator':
        node = firstNamed(node);
        continue;
      default:
        return type;
    }
  }
  return type;
}

function firstNamed(node: Node): Node | null {
  for (const child of node.namedChildren) if (child && child.type !== 'comment') return child;
  return null;
}

export function functionType(returns: CType, parameters: Node | null, text: string, locator: Locator): FunctionType {
  const result: FunctionType = { kind: 'function', returns, parameters: [], variadic: false };
  if (!parameters) return result;
  for (const child of parameters.namedChildren) {
    if (!child) continue;
    if (child.type === 'variadic_parameter') {
      result.variadic = true;
      continue;
    }
    if (child.type !== 'parameter_declaration') continue;
    const base = specifierType(child.childForFieldName('type'), text, locator);
    const declarator = child.childForFieldName('declarator');
    const named = declarator ? applyDeclarator(declarator, base, text, locator) : undefined;
    const type = named?.type ?? applyAbstractDeclarator(declarator, base, text, locator);
    const parameterText = oneLine(slice(text, child));
    // `(void)` declares no parameters.
    if (!declarator && parameterText === 'void') continue;
    const parameter: ParameterInfo = { type, text: parameterText };
    if (named) parameter.name = slice(text, named.node);
    result.parameters.push(parameter);
  }
  return result;
}

/** Every name a declaration-like node declares (declaration, field_declaration, parameter_declaration, type_definition). */
export function declaredNames(declaration: Node, text: string, locator: Locator): DeclaredName[] {
  const base = specifierType(declaration.childForFieldName('type'), text, locator);
  const out: DeclaredName[] = [];
  for (const declarator of declaration.childrenForFieldName('declarator')) {
    const named = applyDeclarator(declarator, base, text, locator);
    if (named) out.push({ name: slice(text, named.node), node: named.node, type: named.type });
  }
  return out;
}

/** A struct/union body as a record: fields in order, anonymous members flattened, comments attached. */
export function recordFromBody(
  tag: RecordTag,
  name: string | undefined,
  anchor: Node,
  body: Node,
  text: string,
  locator: Locator,
  depth = 0,
): RecordInfo {
  const position = locator.position(anchor.startIndex);
  const record: RecordInfo = { tag, line: position.line, character: position.character, fields: [] };
  if (name) record.name = name;
  if (locator.file !== undefined) record.file = locator.file;
  collectFields(body, record, `${tag} ${name ?? '{ … }'}`, [], text, locator, depth + 1);
  return record;
}

function collectFields(
  list: Node,
  record: RecordInfo,
  container: string,
  via: string[],
  text: string,
  locator: Locator,
  depth: number,
): void {
  if (depth > MAX_DEPTH) return;
  const children = list.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (!child) continue;
    if (child.type === 'field_declaration') {
      const typeNode = child.childForFieldName('type');
      const base = specifierType(typeNode, text, locator, depth);
      const declarators = child.childrenForFieldName('declarator');
      if (declarators.length === 0) {
        // An anonymous struct/union member: its fields are the record's own (C11).
        if (base.kind === 'record' && !base.record.name) {
          for (const field of base.record.fields)
            record.fields.push({ ...field, container, via: [base.record.tag, ...(field.via ?? [])] });
        } else if (typeNode?.type === 'macro_type_specifier') {
          macroDeclaredFields(child, typeNode, record, container, via, text, locator, commentNear(children, i, text));
        }
        continue;
      }
      const declaration = oneLine(slice(text, child));
      const comment = commentNear(children, i, text);
      for (const declarator of declarators) {
        const named = applyDeclarator(declarator, base, text, locator);
        if (!named) continue;
        const start = locator.position(named.node.startIndex);
        const field: FieldInfo = {
          name: slice(text, named.node),
          type: named.type,
          declaration,
          container,
          line: start.line,
          character: start.character,
          endCharacter: start.character + (named.node.endIndex - named.node.startIndex),
        };
        if (via.length) field.via = via;
        if (locator.file !== undefined) field.file = locator.file;
        if (comment) field.comment = comment;
        record.fields.push(field);
      }
    } else if (child.type.startsWith('preproc_') || child.type === 'ERROR') {
      // Fields under #ifdef CONFIG_... are fields (every configuration is shown); ERROR keeps what parsed.
      collectFields(child, record, container, via, text, locator, depth + 1);
    }
  }
}

/**
 * `DECLARE_BITMAP(map, 64);`, `DECLARE_FLEX_ARRAY(struct range, ranges);` in a struct body: fields declared by a
 * macro the name-generator data says declares its argument. The type is read later from the macro's definition
 * (`macroCall`), by the type resolver, when a member of the field is asked for.
 */
function macroDeclaredFields(
  declaration: Node,
  specifier: Node,
  record: RecordInfo,
  container: string,
  via: string[],
  text: string,
  locator: Locator,
  comment: string | undefined,
): void {
  const callee = specifier.namedChild(0);
  if (!callee || callee.type !== 'identifier') return;
  const macro = slice(text, callee);
  if (!isNameGenerator(macro)) return;
  const parsed = splitMacroArguments(text, callee.endIndex);
  if (!parsed) return;
  for (const generated of generatedNames(macro, parsed.args) ?? []) {
    if (generated.kind !== 'variable') continue;
    const argStart = parsed.starts[generated.argIndex];
    const at = argStart === undefined ? -1 : text.indexOf(generated.name, argStart);
    if (at < 0 || at >= parsed.end) continue;
    const start = locator.position(at);
    const field: FieldInfo = {
      name: generated.name,
      type: UNKNOWN,
      declaration: oneLine(slice(text, declaration)),
      container,
      line: start.line,
      character: start.character,
      endCharacter: start.character + generated.name.length,
      macroCall: { macro, args: parsed.args.map((a) => a.trim()) },
    };
    if (via.length) field.via = via;
    if (locator.file !== undefined) field.file = locator.file;
    if (comment) field.comment = comment;
    record.fields.push(field);
  }
}

/** The comment on the field's own line (after it), else the comment block right above it. */
function commentNear(siblings: Array<Node | null>, index: number, text: string): string | undefined {
  const field = siblings[index]!;
  const next = siblings[index + 1];
  if (next?.type === 'comment' && sameLine(text, field.endIndex, next.startIndex))
    return cleanComment(slice(text, next));
  const previous = siblings[index - 1];
  if (previous?.type === 'comment' && adjacentLines(text, previous.endIndex, field.startIndex)) {
    const before = siblings[index - 2];
    // A trailing comment of the previous field is that field's, not ours.
    if (before && before.type !== 'comment' && sameLine(text, before.endIndex, previous.startIndex)) return undefined;
    return cleanComment(slice(text, previous));
  }
  return undefined;
}

function sameLine(text: string, from: number, to: number): boolean {
  return !text.slice(from, to).includes('\n');
}

function adjacentLines(text: string, from: number, to: number): boolean {
  const between = text.slice(from, to);
  return (between.match(/\n/g)?.length ?? 0) <= 1 && between.trim() === '';
}

/** Comment text without its markers and decoration; bounded (comments are untrusted text). */
export function cleanComment(raw: string): string | undefined {
  let body = raw.startsWith('//') ? raw.slice(2) : raw.replace(/^\/\*+/, '').replace(/\*+\/$/, '');
  body = body
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*\*(?!\/)\s?/, '').trim())
    .filter((line) => line.length > 0)
    .join(' ');
  // `/** @pgmap: Points to the hosting device page map. */`: the member's name is not part of its description.
  body = body.replace(/^@[A-Za-z_][\w.]*\s*:\s*/, '');
  if (!body) return undefined;
  return body.length > MAX_COMMENT ? `${body.slice(0, MAX_COMMENT - 1)}…` : body;
}
