import type { Node } from 'web-tree-sitter';
import type { Definition } from '../indexing/types';
import { UNKNOWN, type CType, type FieldInfo, type RecordInfo } from './cTypes';
import { expressionStartBefore } from './accessExpressions';
import { applyAbstractDeclarator, declaredNames, recordFromBody, slice, specifierType } from './declarators';
import { nodeCovering, type LocalDeclaration } from './scopes';
import type { SemanticDocument, TypeResolver } from './typeResolver';

/**
 * What the name at a position is, when the document itself can say: a local (variable, parameter, macro-declared
 * local, label, macro parameter) or a member (`a->f`, `a.f`, `.f = ` in an initializer, the member argument of
 * container_of-style macros, a field's own declaration). Anything else is left to the whole-tree lookup. This is
 * the one place definition, references, hover, highlights and the CLI ask, so they cannot disagree.
 */

export interface MemberResolution {
  name: string;
  /** Type of the object whose member this is (after `->` dereferenced the pointer). */
  objectType: CType;
  /** The object's struct or union, when its type was found. */
  record?: RecordInfo;
  /** The fields the access means (one, or one per #ifdef alternative); empty when the type was not found. */
  fields: FieldInfo[];
}

export type SemanticSymbol =
  { kind: 'local'; local: LocalDeclaration } | { kind: 'member'; member: MemberResolution } | undefined;

/** Resolves the word [start, end) of a document. */
export function semanticSymbolAt(
  resolver: TypeResolver,
  document: SemanticDocument,
  start: number,
  end: number,
): SemanticSymbol {
  const local = resolver.localAt(document, start, end);
  if (local) return { kind: 'local', local };
  const member = memberAt(resolver, document, start, end);
  return member ? { kind: 'member', member } : undefined;
}

/** The member the word [start, end) names, or undefined when it is not in a member position. */
export function memberAt(
  resolver: TypeResolver,
  document: SemanticDocument,
  start: number,
  end: number,
): MemberResolution | undefined {
  const { text, tree } = document;
  const name = text.slice(start, end);
  const node = nodeCovering(tree, start, end);
  if (node?.type === 'field_identifier') {
    const parent = node.parent;
    if (parent?.type === 'field_expression') {
      const object = parent.childForFieldName('argument');
      const arrow = parent.children.some((child) => child?.type === '->');
      if (object)
        return member(
          resolver,
          document,
          name,
          objectType(resolver, document, object.startIndex, object.endIndex, arrow),
        );
    }
    if (parent?.type === 'field_designator') {
      const pair = parent.parent?.type === 'initializer_pair' ? parent.parent : undefined;
      const list = pair?.parent;
      let type = list ? initializerListType(resolver, document, list, 0) : UNKNOWN;
      // `.memory.regions = ...`: the designators before this one choose the object.
      for (const designator of pair?.childrenForFieldName('designator') ?? []) {
        if (!designator || designator.id === parent.id) break;
        type = applyDesignator(resolver, document, type, designator);
      }
      return member(resolver, document, name, type);
    }
    const declared = fieldDeclarationOf(resolver, document, node);
    if (declared) return declared;
  }
  // Text decides where the tree could not (incomplete code, ERROR nodes): `name` right after `->` or `.`.
  const operator = operatorBefore(text, start);
  if (operator) {
    const objectStart = expressionStartBefore(text, operator.start);
    if (objectStart !== undefined)
      return member(
        resolver,
        document,
        name,
        objectType(resolver, document, objectStart, operator.start, operator.arrow),
      );
    return member(resolver, document, name, UNKNOWN);
  }
  if (node?.type === 'identifier') return macroMemberArgument(resolver, document, node, name);
  return undefined;
}

function objectType(
  resolver: TypeResolver,
  document: SemanticDocument,
  start: number,
  end: number,
  arrow: boolean,
): CType {
  const type = resolver.typeOfExpression(document, start, end);
  return arrow ? resolver.pointee(type, document) : type;
}

function member(resolver: TypeResolver, document: SemanticDocument, name: string, type: CType): MemberResolution {
  const record = type.kind === 'unknown' ? undefined : resolver.recordOf(type, document);
  const result: MemberResolution = {
    name,
    objectType: type,
    fields: record ? record.fields.filter((field) => field.name === name) : [],
  };
  if (record) result.record = record;
  return result;
}

/** `->` or `.` (not `...`, not a number's point) right before `offset`, blanks allowed. */
export function operatorBefore(text: string, offset: number): { start: number; arrow: boolean } | undefined {
  let i = offset;
  while (i > 0 && /[ \t\r\n]/.test(text[i - 1])) i--;
  if (text[i - 1] === '>' && text[i - 2] === '-') return { start: i - 2, arrow: true };
  if (text[i - 1] === '.' && text[i - 2] !== '.' && !/[0-9]/.test(text[i - 2] ?? ''))
    return { start: i - 1, arrow: false };
  return undefined;
}

/** The type of an initializer list from what it initializes (a declaration, a field, an array element, a compound literal). */
function initializerListType(resolver: TypeResolver, document: SemanticDocument, list: Node, depth: number): CType {
  if (depth > 16) return UNKNOWN;
  const parent = list.parent;
  if (!parent) return UNKNOWN;
  const { text } = document;
  const locator = resolver.locator(document);
  switch (parent.type) {
    case 'init_declarator': {
      const declaration = parent.parent;
      if (!declaration) return UNKNOWN;
      for (const declared of declaredNames(declaration, text, locator))
        if (declared.node.startIndex >= parent.startIndex && declared.node.endIndex <= parent.endIndex)
          return declared.type;
      return UNKNOWN;
    }
    case 'initializer_pair': {
      const outer = parent.parent;
      if (!outer) return UNKNOWN;
      let type = initializerListType(resolver, document, outer, depth + 1);
      for (const designator of parent.childrenForFieldName('designator'))
        if (designator) type = applyDesignator(resolver, document, type, designator);
      return type;
    }
    case 'initializer_list':
      return resolver.pointee(initializerListType(resolver, document, parent, depth + 1), document);
    case 'compound_literal_expression': {
      const descriptor = parent.childForFieldName('type');
      if (!descriptor) return UNKNOWN;
      const base = specifierType(descriptor.childForFieldName('type'), text, locator);
      return applyAbstractDeclarator(descriptor.childForFieldName('declarator'), base, text, locator);
    }
    default:
      return UNKNOWN;
  }
}

/** The type one designator (`.field` or `[index]`) selects in an object of `type`. */
function applyDesignator(resolver: TypeResolver, document: SemanticDocument, type: CType, designator: Node): CType {
  if (designator.type === 'field_designator') {
    const field = designator.namedChild(0);
    const found = field ? resolver.fieldsNamed(type, slice(document.text, field), document)[0] : undefined;
    return found ? resolver.fieldType(found, document) : UNKNOWN;
  }
  if (designator.type === 'subscript_designator') return resolver.pointee(type, document);
  return UNKNOWN;
}

/** The field's own declaration inside a struct or union body of this document. */
function fieldDeclarationOf(
  resolver: TypeResolver,
  document: SemanticDocument,
  node: Node,
): MemberResolution | undefined {
  let declaration: Node | null = node.parent;
  while (declaration && declaration.type !== 'field_declaration' && declaration.type.endsWith('declarator'))
    declaration = declaration.parent;
  if (declaration?.type !== 'field_declaration') return undefined;
  // The outermost named struct/union around it (anonymous members are flattened into it).
  let body: Node | null = declaration.parent;
  let specifier: Node | undefined;
  for (let depth = 0; body && depth < 32; depth++, body = body.parent) {
    if ((body.type === 'struct_specifier' || body.type === 'union_specifier') && body.childForFieldName('body')) {
      specifier = body;
      if (body.childForFieldName('name')) break;
    }
  }
  if (!specifier) return undefined;
  const tag = specifier.type === 'struct_specifier' ? 'struct' : 'union';
  const nameNode = specifier.childForFieldName('name');
  const record = recordFromBody(
    tag,
    nameNode ? slice(document.text, nameNode) : undefined,
    nameNode ?? specifier,
    specifier.childForFieldName('body')!,
    document.text,
    resolver.locator(document),
  );
  const name = slice(document.text, node);
  const start = resolver.locator(document).position(node.startIndex);
  const fields = record.fields.filter(
    (f) => f.name === name && f.line === start.line && f.character === start.character,
  );
  return { name, objectType: { kind: 'record', record }, record, fields };
}

/** `node` in `list_entry(p, struct foo, node)`: data/type-macros.yaml says which argument is a member of what. */
function macroMemberArgument(
  resolver: TypeResolver,
  document: SemanticDocument,
  node: Node,
  name: string,
): MemberResolution | undefined {
  const list = node.parent;
  const call = list?.parent;
  if (list?.type !== 'argument_list' || call?.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (!callee || callee.type !== 'identifier') return undefined;
  const macro = resolver.typeMacro(slice(document.text, callee));
  if (!macro?.member) return undefined;
  const args = argumentSpans(list);
  const index = args.findIndex((span) => span.start <= node.startIndex && node.endIndex <= span.end);
  if (index !== macro.member.arg) return undefined;
  let type: CType = UNKNOWN;
  if ('ofTypeArg' in macro.member) {
    const arg = args[macro.member.ofTypeArg];
    if (arg) type = resolver.typeOfTypeName(document, arg.start, arg.end);
  } else {
    const arg = args[macro.member.ofPointeeOfArg];
    if (arg) type = resolver.pointee(resolver.typeOfExpression(document, arg.start, arg.end), document);
  }
  return member(resolver, document, name, type);
}

/** Argument spans of an argument_list, split at its top-level commas (tree-sitter mis-parses type arguments). */
function argumentSpans(list: Node): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  let start = list.startIndex + 1;
  for (const child of list.children) {
    if (!child) continue;
    if (child.type === ',' || child.type === ')') {
      spans.push({ start, end: child.startIndex });
      start = child.endIndex;
    }
  }
  return spans;
}

/** Whole-tree fallback when the object's type is not found: the struct members of that name, nothing else. */
export function fieldDefinitionsNamed(resolver: TypeResolver, name: string): Definition[] {
  const index = resolver.index;
  if (!index) return [];
  try {
    return index.findDefinitions(name).filter((d) => d.kind === 'field');
  } catch {
    return [];
  }
}
