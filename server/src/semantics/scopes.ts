import type { Node, Tree } from 'web-tree-sitter';
import { generatedNames, isNameGenerator } from '../parsing/nameGenerators';
import { splitMacroArguments } from '../parsing/textScan';
import { UNKNOWN, type CType } from './cTypes';
import { applyDeclarator, declaredNames, oneLine, slice, specifierType, type Locator } from './declarators';

/**
 * Block scopes of one C document, from its tree-sitter tree: which declaration a name at a position refers to
 * when it is a local variable, a parameter, a local declared by a macro (`LIST_HEAD(pages);` where
 * data/name-generators.yaml says the macro declares its argument), a `goto` label or a macro parameter; the
 * locals visible at a position (completion); and the uses of one local (references stay in its scope and skip
 * shadowing declarations). File-scope names are not answered here: they are the whole-tree index's.
 *
 * Works on incomplete code: ERROR nodes are looked into, and a declaration counts from its name on, as in C.
 */

export type LocalKind = 'local' | 'parameter' | 'macro-local' | 'label' | 'macro-parameter';

export interface LocalDeclaration {
  name: string;
  kind: LocalKind;
  /** Offsets of the declared name in the document. */
  start: number;
  end: number;
  /** The declaration the name is part of (for hover), as one line: `struct folio *folio`, `LIST_HEAD(pages)`. */
  declarationText: string;
  declarationStart: number;
  /** Type from the declaration; `unknown` for labels, macro parameters and (until resolved) macro-locals. */
  type: CType;
  /** Where uses can be: the block, the function (parameters, labels) or the #define (macro parameters). */
  scopeStart: number;
  scopeEnd: number;
  /** Name of the enclosing function (or macro), when it has one. */
  functionName?: string;
  /** Parameters: position in the parameter list (0-based). */
  parameterIndex?: number;
  /** Macro-locals: the invocation, so the type can be read from the macro's definition. */
  macroCall?: { macro: string; args: string[]; argIndex: number };
}

/** Bounds for hostile input: scopes walked, children looked at per scope, ERROR nesting. */
const MAX_SCOPES = 256;
const MAX_ERROR_DEPTH = 4;
const MAX_REFERENCES = 5000;

/** The identifier-like node exactly covering [start, end), if any. */
export function nodeCovering(tree: Tree, start: number, end: number): Node | undefined {
  const node = tree.rootNode.descendantForIndex(start, Math.max(start, end - 1));
  if (!node) return undefined;
  if (node.startIndex === start && node.endIndex === end) return node;
  // A word inside an opaque token (a #define body) is represented by that token.
  if (node.type === 'preproc_arg' && node.startIndex <= start && end <= node.endIndex) return node;
  return undefined;
}

/**
 * The local declaration the word [start, end) refers to, or undefined when the word is not a local name
 * there (a global, a type, a member, a macro...). `locator` maps offsets for types of in-place structs.
 */
export function resolveLocal(
  tree: Tree,
  text: string,
  start: number,
  end: number,
  locator: Locator,
): LocalDeclaration | undefined {
  const node = nodeCovering(tree, start, end);
  if (!node) return undefined;
  const name = text.slice(start, end);
  switch (node.type) {
    case 'type_identifier':
      // A tag (`struct page`) is never a local; a bare type name can be one misread: `for_each_cpu(cpu)
      // per_cpu_ptr(s->x, cpu)->y = 0;` parses as a declaration whose "types" are the locals `cpu` and `s`.
      if (node.parent && /^(struct|union|enum)_specifier$/.test(node.parent.type)) return undefined;
      return findVisible(node, name, start, text, locator);
    case 'identifier':
      return findVisible(node, name, start, text, locator);
    case 'statement_identifier':
      return findLabel(node, name, text);
    case 'preproc_arg':
      return findMacroParameter(node, name, start, text);
    default:
      return undefined;
  }
}

/** Every local visible at `offset` (innermost first, each name once): completion's first candidates. */
export function localsAt(tree: Tree, text: string, offset: number, locator: Locator): LocalDeclaration[] {
  const anchor = tree.rootNode.descendantForIndex(Math.max(0, offset - 1), Math.max(0, offset - 1));
  if (!anchor) return [];
  const seen = new Set<string>();
  const out: LocalDeclaration[] = [];
  walkVisible(anchor, offset, text, locator, (declaration) => {
    if (!seen.has(declaration.name)) {
      seen.add(declaration.name);
      out.push(declaration);
    }
    return false;
  });
  return out;
}

/** Offsets [start, end) of every use of `declaration` in the document (the declaration itself included). */
export function localReferences(
  tree: Tree,
  text: string,
  declaration: LocalDeclaration,
  locator: Locator,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const { name, scopeStart, scopeEnd } = declaration;
  const word = new RegExp(`(?<![A-Za-z0-9_$])${escapeRegExp(name)}(?![A-Za-z0-9_$])`, 'g');
  word.lastIndex = scopeStart;
  for (let match = word.exec(text); match && match.index < scopeEnd; match = word.exec(text)) {
    const start = match.index;
    const end = start + name.length;
    if (start === declaration.start) {
      out.push([start, end]);
    } else {
      const found = resolveLocal(tree, text, start, end, locator);
      if (found && found.start === declaration.start) out.push([start, end]);
    }
    if (out.length >= MAX_REFERENCES) break;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- the walk over enclosing scopes -----------------------------------------------------------------

/** Calls `visit` for each declaration visible from `anchor` at `offset`, innermost scope first, until it returns true. */
function walkVisible(
  anchor: Node,
  offset: number,
  text: string,
  locator: Locator,
  visit: (declaration: LocalDeclaration) => boolean,
): LocalDeclaration | undefined {
  let scope: Node | null = anchor;
  for (let depth = 0; scope && depth < MAX_SCOPES; depth++, scope = scope.parent) {
    switch (scope.type) {
      case 'translation_unit':
        return undefined;
      case 'function_definition': {
        // C has no nested functions: one inside a body is half-typed code (`fol` + the next line's `if (x) {`).
        if (insideBody(scope)) continue;
        for (const parameter of parametersOf(scope, text, locator)) if (visit(parameter)) return parameter;
        return undefined; // file scope is the index's
      }
      case 'parameter_list': {
        // A prototype's or a function pointer's own parameter names (not those of a function definition,
        // which the function_definition case above handles).
        if (ownParameterList(scope)) continue;
        for (const parameter of parameterDeclarations(
          scope,
          text,
          locator,
          undefined,
          scope.startIndex,
          scope.endIndex,
        ))
          if (visit(parameter)) return parameter;
        // Not one of them: a misread statement's "parameters" (`per_cpu_ptr(s->x, cpu)`) sit in a real scope.
        continue;
      }
      case 'field_declaration_list':
      case 'preproc_function_def':
      case 'preproc_def':
        return undefined;
    }
    const found = scanBlock(scope, offset, text, locator, visit, 0);
    if (found) return found;
  }
  return undefined;
}

/** The parameter list of a function definition's own declarator (`static struct page *f(int a) {`). */
function ownParameterList(list: Node): boolean {
  let node: Node | null = list.parent;
  while (node && node.type.endsWith('declarator')) node = node.parent;
  if (node?.type !== 'function_definition') return false;
  return functionDeclaratorOf(node.childForFieldName('declarator'))?.id === list.parent?.id;
}

function insideBody(node: Node): boolean {
  for (let parent = node.parent, depth = 0; parent && depth < MAX_SCOPES; parent = parent.parent, depth++)
    if (parent.type === 'compound_statement') return true;
  return false;
}

function findVisible(
  node: Node,
  name: string,
  start: number,
  text: string,
  locator: Locator,
): LocalDeclaration | undefined {
  return walkVisible(node, start, text, locator, (declaration) => declaration.name === name);
}

/** The declarations among a scope's children that start before `offset`, last first. */
function scanBlock(
  scope: Node,
  offset: number,
  text: string,
  locator: Locator,
  visit: (declaration: LocalDeclaration) => boolean,
  errorDepth: number,
): LocalDeclaration | undefined {
  const children = scope.children;
  for (let i = children.length - 1; i >= 0; i--) {
    const child = children[i];
    if (!child || child.startIndex >= offset) continue;
    let found: LocalDeclaration | undefined;
    switch (child.type) {
      case 'declaration':
        found = visitDeclaration(child, scope, offset, text, locator, visit);
        break;
      case 'expression_statement':
      case 'call_expression':
        found = visitMacroDeclaration(child, scope, offset, text, visit);
        break;
      default:
        if (
          (child.type === 'ERROR' && errorDepth < MAX_ERROR_DEPTH) ||
          (child.type.startsWith('preproc_') && child.type !== 'preproc_def' && child.type !== 'preproc_function_def')
        ) {
          // Incomplete code, or declarations under #ifdef in the same block: still this block's.
          if (child.endIndex <= offset || child.type === 'ERROR')
            found = scanBlock(child, offset, text, locator, visit, errorDepth + 1);
        }
    }
    if (found) return found;
  }
  return undefined;
}

function visitDeclaration(
  declaration: Node,
  scope: Node,
  offset: number,
  text: string,
  locator: Locator,
  visit: (declaration: LocalDeclaration) => boolean,
): LocalDeclaration | undefined {
  if (!isLocalDeclaration(declaration, text)) return undefined;
  const names = declaredNames(declaration, text, locator);
  for (let k = names.length - 1; k >= 0; k--) {
    const named = names[k];
    // A function declarator in a body is a misread statement (`list_for_each(p, h) foo(p);`), not a local.
    if (named.type.kind === 'function') continue;
    // In C a name is in scope from the end of its declarator: `int x = x;` already sees itself.
    if (named.node.startIndex > offset) continue;
    const local: LocalDeclaration = {
      name: named.name,
      kind: 'local',
      start: named.node.startIndex,
      end: named.node.endIndex,
      declarationText: declarationTextFor(declaration, named.node, text),
      declarationStart: declaration.startIndex,
      type: named.type,
      ...scopeOf(scope, declaration),
    };
    const fn = enclosingFunctionName(scope, text);
    if (fn) local.functionName = fn;
    if (visit(local)) return local;
  }
  return undefined;
}

/**
 * A declaration tree-sitter made of a statement that starts with a macro (`for_each_online_cpu(cpu) x->y = 0;`
 * reads as a declaration of type `for_each_online_cpu(cpu)`) declares nothing; `typeof(x) y` does.
 */
function isLocalDeclaration(declaration: Node, text: string): boolean {
  const type = declaration.childForFieldName('type');
  if (type?.type !== 'macro_type_specifier') return true;
  const callee = type.namedChild(0);
  return !!callee && /^(typeof|__typeof__|__typeof|typeof_unqual)$/.test(slice(text, callee));
}

/** `LIST_HEAD(pages);` where the name-generator data says LIST_HEAD declares its argument. */
function visitMacroDeclaration(
  statement: Node,
  scope: Node,
  offset: number,
  text: string,
  visit: (declaration: LocalDeclaration) => boolean,
): LocalDeclaration | undefined {
  const call = statement.type === 'call_expression' ? statement : statement.namedChild(0);
  if (!call || call.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  if (!callee || callee.type !== 'identifier') return undefined;
  const macro = slice(text, callee);
  if (!isNameGenerator(macro)) return undefined;
  const argumentList = call.childForFieldName('arguments');
  if (!argumentList) return undefined;
  const parsed = splitMacroArguments(text, argumentList.startIndex);
  if (!parsed) return undefined;
  for (const generated of generatedNames(macro, parsed.args) ?? []) {
    if (generated.kind !== 'variable' || generated.isDeclaration) continue;
    const argStart = parsed.starts[generated.argIndex];
    const argText = parsed.args[generated.argIndex] ?? '';
    const at = argStart + argText.indexOf(generated.name);
    if (argStart === undefined || at < argStart || at > offset) continue;
    const local: LocalDeclaration = {
      name: generated.name,
      kind: 'macro-local',
      start: at,
      end: at + generated.name.length,
      declarationText: oneLine(text.slice(call.startIndex, call.endIndex)),
      declarationStart: call.startIndex,
      type: UNKNOWN,
      ...scopeOf(scope, statement),
      macroCall: { macro, args: parsed.args.map((a) => a.trim()), argIndex: generated.argIndex },
    };
    const fn = enclosingFunctionName(scope, text);
    if (fn) local.functionName = fn;
    if (visit(local)) return local;
  }
  return undefined;
}

/** Where a declaration's name can be used: from the declaration to the end of its block. */
function scopeOf(scope: Node, declaration: Node): { scopeStart: number; scopeEnd: number } {
  // A for-loop's own declaration is visible in the loop only; a declaration under #ifdef or in an ERROR node
  // is visible in the enclosing real block.
  let block: Node | null = scope;
  while (block && (block.type.startsWith('preproc_') || block.type === 'ERROR') && block.parent) block = block.parent;
  return { scopeStart: declaration.startIndex, scopeEnd: (block ?? scope).endIndex };
}

/** `struct folio *folio` out of `struct folio *folio = NULL, *tmp;` (the specifier and this name's declarator). */
function declarationTextFor(declaration: Node, nameNode: Node, text: string): string {
  const type = declaration.childForFieldName('type');
  let declarator: Node | null = nameNode;
  while (declarator?.parent && declarator.parent.id !== declaration.id) declarator = declarator.parent;
  if (!type || !declarator) return oneLine(slice(text, declaration));
  let own: Node = declarator;
  if (own.type === 'init_declarator') own = own.childForFieldName('declarator') ?? own;
  const prefix = text.slice(declaration.startIndex, type.endIndex);
  return oneLine(`${prefix} ${slice(text, own)}`);
}

// ---- parameters, labels, macro parameters -----------------------------------------------------------

/** The parameters of a function definition, with the function's scope. */
export function parametersOf(definition: Node, text: string, locator: Locator): LocalDeclaration[] {
  const declarator = functionDeclaratorOf(definition.childForFieldName('declarator'));
  const list = declarator?.childForFieldName('parameters');
  if (!list) return [];
  const name = functionNameOf(definition, text);
  return parameterDeclarations(list, text, locator, name, definition.startIndex, definition.endIndex);
}

function parameterDeclarations(
  list: Node,
  text: string,
  locator: Locator,
  functionName: string | undefined,
  scopeStart: number,
  scopeEnd: number,
): LocalDeclaration[] {
  const out: LocalDeclaration[] = [];
  let index = 0;
  for (const parameter of list.namedChildren) {
    if (!parameter || parameter.type !== 'parameter_declaration') continue;
    const base = specifierType(parameter.childForFieldName('type'), text, locator);
    const named = applyDeclarator(parameter.childForFieldName('declarator'), base, text, locator);
    if (named) {
      const declaration: LocalDeclaration = {
        name: slice(text, named.node),
        kind: 'parameter',
        start: named.node.startIndex,
        end: named.node.endIndex,
        declarationText: oneLine(slice(text, parameter)),
        declarationStart: parameter.startIndex,
        type: named.type,
        scopeStart,
        scopeEnd,
        parameterIndex: index,
      };
      if (functionName) declaration.functionName = functionName;
      out.push(declaration);
    }
    index++;
  }
  return out;
}

/** The function_declarator that names a function definition (through `*`, parentheses and attributes). */
export function functionDeclaratorOf(declarator: Node | null): Node | undefined {
  let node = declarator;
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'function_declarator') {
      // `int (*f(void))(int)`: the innermost function declarator holds the function's own parameters.
      const inner = node.childForFieldName('declarator');
      const deeper = inner ? functionDeclaratorOf(inner) : undefined;
      return deeper ?? node;
    }
    node =
      node.childForFieldName('declarator') ?? (node.type === 'parenthesized_declarator' ? node.namedChild(0) : null);
  }
  return undefined;
}

export function functionNameOf(definition: Node, text: string): string | undefined {
  const declarator = functionDeclaratorOf(definition.childForFieldName('declarator'));
  let node = declarator?.childForFieldName('declarator') ?? null;
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'identifier') return slice(text, node);
    node = node.childForFieldName('declarator') ?? node.namedChild(0);
  }
  return undefined;
}

function enclosingFunctionName(scope: Node, text: string): string | undefined {
  for (let node: Node | null = scope, depth = 0; node && depth < MAX_SCOPES; node = node.parent, depth++) {
    if (node.type === 'function_definition' && !insideBody(node)) return functionNameOf(node, text);
  }
  return undefined;
}

/** `goto out;` / `out:`: the label of the enclosing function. */
function findLabel(node: Node, name: string, text: string): LocalDeclaration | undefined {
  let fn: Node | null = node.parent;
  while (fn && (fn.type !== 'function_definition' || insideBody(fn))) fn = fn.parent;
  if (!fn) return undefined;
  for (const labeled of fn.descendantsOfType('labeled_statement')) {
    const label = labeled?.childForFieldName('label');
    if (!labeled || !label || slice(text, label) !== name) continue;
    const declaration: LocalDeclaration = {
      name,
      kind: 'label',
      start: label.startIndex,
      end: label.endIndex,
      declarationText: `${name}:`,
      declarationStart: label.startIndex,
      type: UNKNOWN,
      scopeStart: fn.startIndex,
      scopeEnd: fn.endIndex,
    };
    const fnName = functionNameOf(fn, text);
    if (fnName) declaration.functionName = fnName;
    return declaration;
  }
  return undefined;
}

/** A name inside a function-like #define's body that is one of its parameters. */
function findMacroParameter(node: Node, name: string, start: number, text: string): LocalDeclaration | undefined {
  const define = node.parent;
  if (!define || define.type !== 'preproc_function_def') return undefined;
  const parameters = define.childForFieldName('parameters');
  const macroName = define.childForFieldName('name');
  if (!parameters || start < parameters.endIndex) return undefined;
  for (const parameter of parameters.namedChildren) {
    if (!parameter || parameter.type !== 'identifier' || slice(text, parameter) !== name) continue;
    const declaration: LocalDeclaration = {
      name,
      kind: 'macro-parameter',
      start: parameter.startIndex,
      end: parameter.endIndex,
      declarationText: oneLine(text.slice(define.startIndex, parameters.endIndex)),
      declarationStart: define.startIndex,
      type: UNKNOWN,
      scopeStart: define.startIndex,
      scopeEnd: define.endIndex,
    };
    if (macroName) declaration.functionName = slice(text, macroName);
    return declaration;
  }
  return undefined;
}
