import type { Node } from 'web-tree-sitter';
import type { CallContextCatalog } from './callContext';
import type { Obligation } from './obligations';

/** Syntax helpers of the missing-release analysis: names, operands, conditions, where a call's result goes. */
export const TRANSPARENT_WRAPPERS = new Set([
  'likely',
  'unlikely',
  'WARN_ON',
  'WARN_ON_ONCE',
  'VM_WARN_ON',
  'VM_WARN_ON_ONCE',
  'data_race',
  'READ_ONCE',
]);
export const STORED = '<stored>';

/**
 * Same-file helper → releases it performs on its parameters (followed transitively), e.g. do_wp_page(vmf) unlocks
 * vmf->ptl.
 */
export type HelperReleases = Map<string, Array<{ releaser: string; param: number }>>;

const STATEMENT_TYPES = new Set([
  'compound_statement',
  'if_statement',
  'while_statement',
  'do_statement',
  'for_statement',
  'switch_statement',
  'return_statement',
  'break_statement',
  'continue_statement',
  'goto_statement',
  'labeled_statement',
  'expression_statement',
  'declaration',
  'preproc_if',
  'preproc_ifdef',
]);

export function helperReleases(functions: Node[], catalog: CallContextCatalog): HelperReleases {
  const summaries: HelperReleases = new Map();
  const infos = functions.map((fn) => ({
    name: functionNameOf(fn),
    params: parameterNames(fn),
    body: fn.childForFieldName('body'),
  }));
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const info of infos) {
      if (!info.body || info.params.length === 0) continue;
      const list = summaries.get(info.name) ?? [];
      for (const call of info.body.descendantsOfType('call_expression')) {
        const callee = call ? calleeName(call) : undefined;
        if (!call || !callee || callee === info.name) continue;
        const direct = catalog.releasers.has(callee)
          ? argumentsOf(call).map((arg, i) => ({ releaser: callee, argIndex: i, arg }))
          : [];
        const viaHelper = (summaries.get(callee) ?? []).map((r) => ({
          releaser: r.releaser,
          argIndex: r.param,
          arg: argumentsOf(call)[r.param],
        }));
        for (const { releaser, arg } of [...direct, ...viaHelper]) {
          if (!arg) continue;
          const param = info.params.indexOf(baseName(normaliseOperand(arg.text)));
          if (param < 0 || list.some((r) => r.releaser === releaser && r.param === param)) continue;
          list.push({ releaser, param });
          changed = true;
        }
      }
      // `args->ptep = ptep;` in a helper: the caller's object is stored for someone else (recorded as releaser
      // '<stored>').
      for (const assignment of info.body.descendantsOfType('assignment_expression')) {
        const left = assignment?.childForFieldName('left');
        const right = assignment?.childForFieldName('right');
        if (!left || !right || !(left.text.includes('->') || left.type === 'pointer_expression')) continue;
        const param = info.params.indexOf(normaliseOperand(right.text));
        if (param < 0 || list.some((r) => r.releaser === STORED && r.param === param)) continue;
        list.push({ releaser: STORED, param });
        changed = true;
      }
      if (list.length) summaries.set(info.name, list);
    }
    if (!changed) break;
  }
  return summaries;
}

export function parameterNames(fn: Node): string[] {
  let declarator = fn.childForFieldName('declarator');
  while (declarator && declarator.type !== 'function_declarator')
    declarator = declarator.childForFieldName('declarator');
  const params = declarator?.childForFieldName('parameters')?.namedChildren ?? [];
  return params.map((p) => {
    let d = p?.childForFieldName('declarator') ?? null;
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
    return d?.text ?? '';
  });
}

/** Names declared inside a function body (its locals). */
export function localNames(body: Node): Set<string> {
  const names = new Set<string>();
  for (const declaration of body.descendantsOfType('declaration')) {
    for (const child of declaration?.namedChildren ?? []) {
      let d: Node | null = child;
      while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
      if (d && child !== declaration?.childForFieldName('type')) names.add(d.text);
    }
  }
  return names;
}

/** `vmf->pte` → `vmf`, `range.start` → `range`. */
export function baseName(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*/.exec(text)?.[0] ?? text;
}

/**
 * A side-effect-free condition as a literal: `cow` → "cow", `!cow` → "!cow", `mm != &init_mm` → "!mm==&init_mm".
 * Acquires made where a literal held carry it as a witness; a later test of the opposite literal drops them.
 */
export function conditionLiteral(node: Node | null): string | undefined {
  while (node && node.type === 'parenthesized_expression')
    node = node.namedChildren.find((c) => c && c.type !== 'comment') ?? null;
  if (
    !node ||
    node.descendantsOfType('call_expression').some((c) => c && !TRANSPARENT_WRAPPERS.has(calleeName(c) ?? ''))
  ) {
    return undefined;
  }
  if (node.type === 'call_expression' && TRANSPARENT_WRAPPERS.has(calleeName(node) ?? ''))
    return conditionLiteral(argumentsOf(node)[0] ?? null);
  if (node.type === 'identifier' || node.type === 'field_expression') return normaliseOperand(node.text);
  if (node.type === 'unary_expression' && node.childForFieldName('operator')?.type === '!') {
    const inner = conditionLiteral(node.childForFieldName('argument'));
    return inner ? negateLiteral(inner) : undefined;
  }
  if (node.type === 'binary_expression') {
    const op = node.childForFieldName('operator')?.type;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if ((op === '==' || op === '!=') && left && right) {
      const text = `${normaliseOperand(left.text)}==${normaliseOperand(right.text)}`;
      return op === '==' ? text : negateLiteral(text);
    }
  }
  return undefined;
}

export function negateLiteral(literal: string): string {
  return literal.startsWith('!') ? literal.slice(1) : `!${literal}`;
}

export function calleeName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  return fn && fn.type === 'identifier' ? fn.text : undefined;
}

/** `&fw` → `fw`, `(vmf->pte)` → `vmf->pte`, whitespace removed. */
export function normaliseOperand(text: string): string {
  let t = text.replace(/\s+/g, '');
  for (;;) {
    if (t.startsWith('&')) t = t.slice(1);
    else if (t.startsWith('(') && t.endsWith(')') && balanced(t.slice(1, -1))) t = t.slice(1, -1);
    else return t;
  }
}

export function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

export function argumentsOf(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (n): n is Node => !!n && n.type !== 'comment',
  );
}

/**
 * `if (!args.cpages)` after migrate_vma_setup(&args): nothing was collected, nothing is held (data:
 * nothingHeldWhenZero).
 */
export function heldOnlyIfNonZero(ob: Obligation, variable: string): boolean {
  return ob.emptyTests.includes(variable);
}

export function isNullish(node: Node): boolean {
  return node.type === 'null' || node.text === 'NULL' || node.text === '0';
}

export function isStatement(node: Node): boolean {
  return STATEMENT_TYPES.has(node.type);
}

/** Where the result of an acquire call goes. */
export function resultTarget(call: Node): {
  kind: 'local' | 'stored' | 'returned' | 'passed' | 'discarded';
  text?: string;
  aliases: string[];
} {
  const target = innerResultTarget(call);
  const aliases = target.text ? [target.text] : [];
  // Chained assignments: `start_pte = pte = call(...)`.
  for (
    let node = call.parent;
    node &&
    (node.type === 'assignment_expression' ||
      node.type === 'parenthesized_expression' ||
      node.type === 'conditional_expression');
    node = node.parent
  ) {
    const left = node.type === 'assignment_expression' ? node.childForFieldName('left') : null;
    if (left) aliases.push(normaliseOperand(left.text));
    if (node.parent?.type === 'init_declarator') {
      let d = node.parent.childForFieldName('declarator');
      while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
      if (d) aliases.push(d.text);
    }
  }
  return { ...target, aliases: [...new Set(aliases)] };
}

function innerResultTarget(call: Node): {
  kind: 'local' | 'stored' | 'returned' | 'passed' | 'discarded';
  text?: string;
} {
  let node = call;
  let parent = node.parent;
  while (
    parent &&
    (parent.type === 'parenthesized_expression' ||
      parent.type === 'cast_expression' ||
      (parent.type === 'conditional_expression' && parent.childForFieldName('condition')?.id !== node.id))
  ) {
    node = parent;
    parent = node.parent;
  }
  if (!parent) return { kind: 'discarded' };
  if (parent.type === 'return_statement') return { kind: 'returned' };
  if (parent.type === 'assignment_expression' && parent.childForFieldName('right')?.id === node.id) {
    const left = parent.childForFieldName('left');
    const text = left ? normaliseOperand(left.text) : undefined;
    // A field of a local struct (vmf->pte) is still checked in place; `*out = ...` hands it to the caller.
    const stored = !!left && (left.type === 'pointer_expression' || left.type === 'subscript_expression');
    return { kind: stored ? 'stored' : 'local', text };
  }
  if (parent.type === 'init_declarator' && parent.childForFieldName('value')?.id === node.id) {
    let declarator = parent.childForFieldName('declarator');
    while (declarator && declarator.type !== 'identifier') declarator = declarator.childForFieldName('declarator');
    return { kind: 'local', text: declarator?.text };
  }
  if (parent.type === 'argument_list') return { kind: 'passed' };
  return { kind: 'discarded' };
}

/** `return folio;`, `return pte;`: the caller now owns what was acquired. */
export function handsOver(ob: Obligation, returnedText: string): boolean {
  const names = new Set<string>();
  for (const alias of ob.aliases) names.add(alias);
  if (ob.entry.keyArgument !== undefined) for (const key of ob.keys) names.add(key);
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|[^A-Za-z0-9_>.])${escaped}($|[^A-Za-z0-9_])`).test(returnedText)) return true;
  }
  return false;
}

export function functionNameOf(fn: Node): string {
  let declarator = fn.childForFieldName('declarator');
  while (declarator && declarator.type !== 'function_declarator')
    declarator = declarator.childForFieldName('declarator');
  return declarator?.childForFieldName('declarator')?.text ?? '(anonymous)';
}
