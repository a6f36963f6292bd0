import type { Node, Parser, Tree } from 'web-tree-sitter';
import type { Definition, KernelIndex } from '../indexing/types';
import { LineMap } from '../parsing/textScan';
import { pointerTo, UNKNOWN, type CType, type FieldInfo, type RecordInfo, type RecordTag } from './cTypes';
import { parseAccessExpression, type AccessExpression, type ArgumentText } from './accessExpressions';
import { declaredNames, recordFromBody, slice, type Locator } from './declarators';
import {
  DefinitionSource,
  documentTypeNode,
  includedFiles,
  snippetLocator,
  typedefInTree,
  type MacroDefinition,
} from './definitionSource';
import { resolveLocal, type LocalDeclaration } from './scopes';
import { withParsedText } from './snippetParser';
import type { SourceAccess } from './sourceAccess';
import { typeMacros, type TypeMacro } from './typeMacros';

/**
 * The reusable "what type is this expression / what fields does this type have" service. Given a document (its
 * text and tree-sitter tree), it types the expressions member access depends on: locals and parameters from the
 * document's scopes, globals and function results from the tree's own definitions, container_of-style macros
 * from data/type-macros.yaml, other function-like macros from their bodies, casts, `*`, `&`, `[]` and chains
 * `a->b->c`. Types of structs and typedefs come from their definitions in this document or in the tree
 * (definitionSource.ts). Everything is bounded (depth of macro expansion and typedef chains) and synchronous;
 * the caller loads the parser first.
 *
 * Issue 24 resolves calls through function-pointer fields with `typeOfExpression` + `recordOf`.
 */

export interface SemanticDocument {
  /** Tree-relative path, undefined for a document outside the tree. */
  file?: string;
  text: string;
  /** A tree of `text` (parsed with attribute macros masked); valid for the duration of the call. */
  tree: Tree;
}

export interface ResolverOptions {
  index?: KernelIndex;
  sources: SourceAccess;
  parser: Parser;
  preferredArch?: string;
  typeMacros?: Map<string, TypeMacro>;
}

/** What an expression is typed in: the document's scopes, or a macro body with its parameters bound. */
interface Environment {
  document: SemanticDocument;
  /** The text offsets in expressions of this environment refer to. */
  text: string;
  /** Macro bodies: parameter name -> the argument it stands for, typed in the caller's environment. */
  params?: Map<string, { arg: ArgumentText; env: Environment }>;
  depth: number;
}

const MAX_DEPTH = 12;
const MAX_TYPEDEF_CHAIN = 8;
const FILE_DEFINITION_CACHE = 256;

export class TypeResolver {
  readonly definitions: DefinitionSource;
  private readonly macrosTable: Map<string, TypeMacro>;
  private readonly fileDefinitionCache = new Map<
    string,
    { fingerprint: string; entries: Array<{ lowerName: string; definition: Definition }> }
  >();
  private readonly documentInfo = new WeakMap<Tree, { includes: Set<string>; lines?: LineMap }>();

  constructor(private readonly options: ResolverOptions) {
    this.definitions = new DefinitionSource(options.index, options.sources, options.parser, options.preferredArch);
    this.macrosTable = options.typeMacros ?? typeMacros();
  }

  get index(): KernelIndex | undefined {
    return this.options.index;
  }

  /**
   * A file's definitions from the index, kept while the file is unchanged (completion reads those of every
   * included header on each keystroke: 36 headers of mm/ksm.c are 5,000 definitions, ~100 ms to materialise).
   */
  fileDefinitions(file: string): Array<{ lowerName: string; definition: Definition }> {
    const index = this.options.index;
    if (!index) return [];
    const fingerprint = this.options.sources.fingerprint(file);
    const cached = this.fileDefinitionCache.get(file);
    if (cached && fingerprint !== undefined && cached.fingerprint === fingerprint) return cached.entries;
    let definitions: Definition[];
    try {
      definitions = index.definitionsInFile(file);
    } catch {
      definitions = [];
    }
    const entries = definitions.map((definition) => ({ lowerName: definition.name.toLowerCase(), definition }));
    if (fingerprint !== undefined) {
      this.fileDefinitionCache.set(file, { fingerprint, entries });
      if (this.fileDefinitionCache.size > FILE_DEFINITION_CACHE)
        this.fileDefinitionCache.delete(this.fileDefinitionCache.keys().next().value!);
    }
    return entries;
  }

  typeMacro(name: string): TypeMacro | undefined {
    return this.macrosTable.get(name);
  }

  // ---- documents ----------------------------------------------------------------------------------

  private info(document: SemanticDocument) {
    let info = this.documentInfo.get(document.tree);
    if (!info) {
      info = {
        includes: includedFiles(document.text, document.file, this.options.preferredArch),
      };
      this.documentInfo.set(document.tree, info);
    }
    return info;
  }

  /** Offsets of the document to positions (UTF-16), with the document's file. */
  locator(document: SemanticDocument): Locator {
    const info = this.info(document);
    const locator: Locator = {
      position: (offset) => (info.lines ??= new LineMap(document.text)).position(offset),
    };
    if (document.file !== undefined) locator.file = document.file;
    return locator;
  }

  includes(document: SemanticDocument): Set<string> {
    return this.info(document).includes;
  }

  /** The local the word [start, end) names, with the type of a macro-declared local filled in. */
  localAt(document: SemanticDocument, start: number, end: number): LocalDeclaration | undefined {
    const local = resolveLocal(document.tree, document.text, start, end, this.locator(document));
    if (local?.kind === 'macro-local') local.type = this.macroLocalType(document, local);
    return local;
  }

  // ---- expressions --------------------------------------------------------------------------------

  /** Type of the expression text [start, end) of the document; `unknown` when it cannot be found. */
  typeOfExpression(document: SemanticDocument, start: number, end: number): CType {
    const env: Environment = { document, text: document.text, depth: 0 };
    return this.typeOf(parseAccessExpression(document.text, start, end), env);
  }

  /** Type written as a type name at [start, end) of the document (`struct foo`, `typeof(*pos)`). */
  typeOfTypeName(document: SemanticDocument, start: number, end: number): CType {
    const env: Environment = { document, text: document.text, depth: 0 };
    return this.typeFromTypeName(document.text.slice(start, end), start, env);
  }

  private typeOf(expression: AccessExpression, env: Environment): CType {
    if (env.depth > MAX_DEPTH) return UNKNOWN;
    switch (expression.kind) {
      case 'name':
        return this.typeOfName(expression.name, expression.offset, env);
      case 'member': {
        let object = this.typeOf(expression.object, env);
        if (expression.arrow) object = this.pointee(object, env.document);
        const field = this.fieldsNamed(object, expression.field, env.document)[0];
        return field ? this.fieldType(field, env.document) : UNKNOWN;
      }
      case 'call':
        return this.typeOfCall(expression.callee, expression.args, env);
      case 'index': {
        const object = this.typeOf(expression.object, env);
        const element = this.pointee(object, env.document);
        if (element.kind !== 'unknown') return element;
        // Subscripting a struct is not C: the index kept `struct hstate hstates[N]` without its `[N]`.
        const resolved = this.resolveNamed(object, env.document);
        return resolved.kind === 'tag' || resolved.kind === 'record' ? object : UNKNOWN;
      }
      case 'deref':
        return this.pointee(this.typeOf(expression.operand, env), env.document);
      case 'address': {
        const operand = this.typeOf(expression.operand, env);
        return operand.kind === 'unknown' ? UNKNOWN : pointerTo(operand);
      }
      case 'cast':
        return this.typeFromTypeName(expression.typeText, expression.typeOffset, env);
      case 'other':
        return UNKNOWN;
    }
  }

  private typeOfName(name: string, offset: number, env: Environment): CType {
    const bound = env.params?.get(name);
    if (bound) return this.typeOfArgument(bound.arg, bound.env);
    if (!env.params) {
      // Offsets are the document's: its scopes say whether the name is local there.
      const local = this.localAt(env.document, offset, offset + name.length);
      if (local) return local.type;
    }
    return this.globalType(name, env.document);
  }

  /**
   * Type of a global: from its declaration text, or, for one a macro defines (`LIST_HEAD(gray_list)`,
   * `DEFINE_PER_CPU(struct memcg_stock_pcp, memcg_stock)`), from the macro's definition; else a function's type.
   */
  private globalType(name: string, document: SemanticDocument): CType {
    const { file } = document;
    const includes = this.includes(document);
    const declared = this.definitions.variableType(name, file, includes);
    if (declared) return declared;
    const generated = this.definitions.generatedVariable(name, file, includes);
    if (generated) {
      const call = /^([A-Za-z_]\w*)\s*\(([\s\S]*)\)\s*$/.exec(generated);
      if (call) {
        const type = this.macroDeclaredType(call[1], splitTopLevel(call[2]), name, document);
        if (type.kind !== 'unknown') return type;
      }
    }
    const fn = this.definitions.functionType(name, file, includes);
    if (fn) return fn;
    // `#define node_possible_map node_states[N_POSSIBLE]`: the macro's value, typed where it is defined.
    const value = this.definitions.objectMacro(name, file, includes);
    if (value)
      return this.typeOf(parseAccessExpression(value, 0, value.length), {
        document,
        text: value,
        params: new Map(),
        depth: 1,
      });
    return UNKNOWN;
  }

  private typeOfArgument(arg: ArgumentText, env: Environment): CType {
    const deeper = { ...env, depth: env.depth + 1 };
    return this.typeOf(parseAccessExpression(env.text, arg.offset, arg.offset + arg.text.length), deeper);
  }

  private typeOfCall(callee: AccessExpression, args: ArgumentText[], env: Environment): CType {
    if (callee.kind === 'name' && !env.params?.has(callee.name)) {
      const local = env.params
        ? undefined
        : this.localAt(env.document, callee.offset, callee.offset + callee.name.length);
      if (!local) {
        const special = this.macrosTable.get(callee.name);
        if (special?.result) return this.typeOfTypeMacro(special, args, env);
        const { file } = env.document;
        const includes = this.includes(env.document);
        const fn = this.definitions.functionType(callee.name, file, includes);
        if (fn) return fn.returns;
        const macro = this.definitions.macro(callee.name, file, includes);
        if (macro) return this.typeOfMacroBody(macro, args, env);
        return UNKNOWN;
      }
    }
    return this.called(this.typeOf(callee, env), env.document);
  }

  /** The result of calling a value of this type (a function, or a pointer to one). */
  private called(type: CType, document: SemanticDocument): CType {
    const resolved = this.resolveNamed(type, document);
    if (resolved.kind === 'function') return resolved.returns;
    if (resolved.kind === 'pointer') {
      const target = this.resolveNamed(resolved.to, document);
      if (target.kind === 'function') return target.returns;
    }
    return UNKNOWN;
  }

  private typeOfTypeMacro(macro: TypeMacro, args: ArgumentText[], env: Environment): CType {
    const result = macro.result!;
    if ('pointerToTypeArg' in result) {
      const arg = args[result.pointerToTypeArg];
      if (!arg) return UNKNOWN;
      const type = this.typeFromTypeName(arg.text, arg.offset, env);
      return type.kind === 'unknown' ? UNKNOWN : pointerTo(type);
    }
    if ('typeOfArg' in result) {
      const arg = args[result.typeOfArg];
      return arg ? this.typeOfArgument(arg, env) : UNKNOWN;
    }
    const arg = args[result.pointeeOfArg];
    return arg ? this.pointee(this.typeOfArgument(arg, env), env.document) : UNKNOWN;
  }

  /** `page_folio(p)`: the macro's body typed with its parameters bound to the call's arguments. */
  private typeOfMacroBody(macro: MacroDefinition, args: ArgumentText[], env: Environment): CType {
    if (!macro.body || env.depth >= MAX_DEPTH) return UNKNOWN;
    const params = new Map<string, { arg: ArgumentText; env: Environment }>();
    macro.params.forEach((param, i) => {
      if (args[i]) params.set(param, { arg: args[i], env });
    });
    const bodyEnv: Environment = { document: env.document, text: macro.body, params, depth: env.depth + 1 };
    return this.typeOf(parseAccessExpression(macro.body, 0, macro.body.length), bodyEnv);
  }

  /**
   * A type written as text (`struct foo`, `const struct page *`, `pte_t`, `typeof(*pos)`, a macro parameter);
   * `offset` is where the text stands in the environment's text (for the expression inside `typeof`).
   */
  private typeFromTypeName(raw: string, offset: number, env: Environment): CType {
    const text = raw.trim();
    const start = offset + raw.indexOf(text);
    const bound = env.params?.get(text);
    if (bound)
      return this.typeFromTypeName(bound.arg.text, bound.arg.offset, { ...bound.env, depth: bound.env.depth + 1 });
    if (env.depth > MAX_DEPTH) return UNKNOWN;
    const typeofMatch = /^(?:typeof|__typeof__|__typeof)\s*\(/.exec(text);
    if (typeofMatch) {
      const open = typeofMatch[0].length - 1;
      const close = matchingParen(text, open);
      if (close < 0) return UNKNOWN;
      const type = this.typeOf(parseAccessExpression(env.text, start + open + 1, start + close), {
        ...env,
        depth: env.depth + 1,
      });
      return wrapPointers(type, text.slice(close + 1));
    }
    const words = text.replace(/\*/g, ' * ').split(/\s+/).filter(Boolean);
    let base: CType | undefined;
    let stars = 0;
    for (let i = 0; i < words.length; i++) {
      const word = words[i];
      if (word === '*') stars++;
      else if ((word === 'struct' || word === 'union' || word === 'enum') && words[i + 1]) {
        base = { kind: 'tag', tag: word, name: words[++i] };
      } else if (!QUALIFIERS.has(word) && /^[A-Za-z_]\w*$/.test(word) && !base) {
        base = { kind: 'named', name: word };
      }
    }
    if (!base) return UNKNOWN;
    let type: CType = base;
    for (let i = 0; i < stars; i++) type = pointerTo(type);
    return type;
  }

  // ---- types --------------------------------------------------------------------------------------

  /** Follows typedef names (bounded) to what they stand for; other types are returned as they are. */
  resolveNamed(type: CType, document?: SemanticDocument): CType {
    let current = type;
    for (let i = 0; i < MAX_TYPEDEF_CHAIN && current.kind === 'named'; i++) {
      const next = this.typedef(current.name, document);
      if (!next) return current;
      current = next;
    }
    return current;
  }

  /** What a pointer (or array) type points to; `unknown` for anything else. */
  pointee(type: CType, document?: SemanticDocument): CType {
    const resolved = this.resolveNamed(type, document);
    return resolved.kind === 'pointer' ? resolved.to : UNKNOWN;
  }

  /** The struct or union a type is (through typedefs; not through pointers). */
  recordOf(type: CType, document?: SemanticDocument): RecordInfo | undefined {
    const resolved = this.resolveNamed(type, document);
    if (resolved.kind === 'record') return resolved.record;
    if (resolved.kind === 'tag' && resolved.tag !== 'enum') return this.record(resolved.tag, resolved.name, document);
    return undefined;
  }

  /** Fields named `name` of a type (several only when #ifdef alternatives declare it twice). */
  fieldsNamed(type: CType, name: string, document?: SemanticDocument): FieldInfo[] {
    return this.recordOf(type, document)?.fields.filter((field) => field.name === name) ?? [];
  }

  /** A field's type; for a macro-declared field (`DECLARE_BITMAP(map, 64)`), read from the macro's definition. */
  fieldType(field: FieldInfo, document?: SemanticDocument): CType {
    if (field.type.kind !== 'unknown' || !field.macroCall) return field.type;
    return this.macroDeclaredType(field.macroCall.macro, field.macroCall.args, field.name, document);
  }

  /** `struct tag name` with its fields: this document's own definition first, then the tree's. */
  record(tag: RecordTag, name: string, document?: SemanticDocument): RecordInfo | undefined {
    if (document) {
      const node = documentTypeNode(document.tree, document.text, tag, name);
      const body = node?.childForFieldName('body');
      const nameNode = node?.childForFieldName('name');
      if (node && body && nameNode)
        return recordFromBody(tag, name, nameNode, body, document.text, this.locator(document));
    }
    return this.definitions.record(tag, name, document?.file, document ? this.includes(document) : undefined);
  }

  typedef(name: string, document?: SemanticDocument): CType | undefined {
    if (BUILTIN_NAMES.has(name)) return undefined;
    if (document) {
      const node = documentTypeNode(document.tree, document.text, 'typedef', name);
      if (node) {
        const locator = this.locator(document);
        const text = document.text;
        for (const declared of declaredNames(node, text, locator)) {
          if (declared.name !== name) continue;
          if (declared.type.kind === 'record' && !declared.type.record.name)
            return { kind: 'record', record: { ...declared.type.record, name } };
          return declared.type;
        }
      }
    }
    return this.definitions.typedef(name, document?.file, document ? this.includes(document) : undefined);
  }

  // ---- macro-declared locals -----------------------------------------------------------------------

  /**
   * `LIST_HEAD(pages)`: the type `pages` gets from LIST_HEAD's definition in the tree (`struct list_head name =
   * ...` with the argument put in for the parameter), through macros that expand to other macros.
   */
  private macroLocalType(document: SemanticDocument, local: LocalDeclaration): CType {
    const call = local.macroCall;
    return call ? this.macroDeclaredType(call.macro, call.args, local.name, document) : UNKNOWN;
  }

  /**
   * The type `name` gets from `macro(args)` (`LIST_HEAD(pages)`, `DECLARE_BITMAP(map, 64)`): the macro's body in
   * the tree with the arguments put in for the parameters, parsed as a declaration, through macros that expand to
   * other macros (`DEFINE_WAIT` is `DEFINE_WAIT_FUNC`).
   */
  macroDeclaredType(macroName: string, macroArgs: string[], name: string, document?: SemanticDocument): CType {
    let macro = macroName;
    let args = macroArgs;
    const includes = document ? this.includes(document) : undefined;
    for (let depth = 0; depth < 4; depth++) {
      const definition = this.definitions.macro(macro, document?.file, includes);
      if (!definition) return UNKNOWN;
      const body = substituteParams(definition, args);
      // A body that is one other macro's invocation (`DEFINE_PER_CPU_SECTION(type, name, "")`): follow it.
      const invocation = /^([A-Za-z_]\w*)\s*\(([\s\S]*)\)\s*;?\s*$/.exec(body);
      if (invocation && this.definitions.macro(invocation[1], document?.file, includes)) {
        macro = invocation[1];
        args = splitTopLevel(invocation[2]);
        continue;
      }
      const text = `struct __kmml_probe { ${body}; };\nvoid __kmml_probe(void) { ${body}; }\n`;
      const next = withParsedText(
        this.options.parser,
        text,
        (tree): CType | { macro: string; args: string[] } | undefined => {
          const locator = snippetLocator(text, undefined, 0);
          for (const node of tree.rootNode.descendantsOfType(['declaration', 'field_declaration'])) {
            if (!node) continue;
            for (const declared of declaredNames(node, text, locator)) if (declared.name === name) return declared.type;
          }
          // `DEFINE_WAIT(name)` is `DEFINE_WAIT_FUNC(name, ...)`: follow the inner macro.
          const inner = tree.rootNode.descendantsOfType('call_expression')[0];
          const callee = inner?.childForFieldName('function');
          const argumentList = inner?.childForFieldName('arguments');
          if (!inner || !callee || callee.type !== 'identifier' || !argumentList) return undefined;
          const innerArgs = argumentList.namedChildren.filter((n): n is Node => !!n).map((n) => slice(text, n));
          return { macro: slice(text, callee), args: innerArgs };
        },
      );
      if (!next) return UNKNOWN;
      if ('kind' in next) return next;
      macro = next.macro;
      args = next.args;
    }
    return UNKNOWN;
  }
}

const QUALIFIERS = new Set([
  'const',
  'volatile',
  'restrict',
  '__restrict',
  '__force',
  '__rcu',
  '__iomem',
  '__user',
  '__percpu',
  '__kernel',
  'register',
  'static',
]);
const BUILTIN_NAMES = new Set([
  'void',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'signed',
  'unsigned',
  '_Bool',
  'unsigned long',
  'unsigned int',
  'long long',
  'unsigned long long',
  'unsigned char',
  'unsigned short',
  'signed char',
]);

function wrapPointers(type: CType, rest: string): CType {
  let result = type;
  for (const c of rest) if (c === '*') result = pointerTo(result);
  return result;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Arguments of a macro invocation's text, split at top-level commas. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** The macro body with each parameter replaced by its argument text (whole words), `a##b` pasted. */
function substituteParams(macro: MacroDefinition, args: string[]): string {
  if (macro.params.length === 0) return macro.body;
  const index = new Map(macro.params.map((p, i) => [p, i]));
  return macro.body
    .replace(/[A-Za-z_]\w*/g, (word) => {
      const i = index.get(word);
      return i === undefined ? word : (args[i] ?? word);
    })
    .replace(/\s*##\s*/g, ''); // token pasting: `__pcpu_scope_##name` is one identifier
}

export { typedefInTree };
export type { LocalDeclaration };
