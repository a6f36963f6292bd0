import type { Node } from 'web-tree-sitter';
import type { CallContextCatalog, CallContextEntry, HeldResource } from './callContext';

/**
 * The missing-release rule's path analysis, on the tree-sitter tree of one C file.
 *
 * Each function body is interpreted statement by statement with a set of open obligations (one per resource a
 * tracked acquire call left held). Branches are analysed separately and merged (union), so an obligation is
 * "maybe open" if any path leaves it open. Tests of the acquire's result (`if (!folio) return`, `IS_ERR(page)`,
 * `if (!folio_trylock(f))`, `if (ret)`) drop the obligation on the failure branch; gotos carry their state to
 * the label (backward gotos are iterated to a fixed point); loops are iterated until the state is stable.
 * A return (or the end of a void body) with an obligation still open, not handed over, is a finding.
 * Releases done inside helper functions are not followed: such acquires are excluded in the data (checkRelease).
 */

export interface Obligation {
  /** One acquire call may create several obligations (lock + reference); they share the acquisition id. */
  acquisition: number;
  entry: CallContextEntry;
  held: HeldResource;
  /** Normalised texts naming the acquired object (result variable, key arguments). */
  keys: string[];
  /** Variable (or field) that received the call's result, for failure checks. */
  resultVar?: string;
  /** Stored somewhere that outlives the function (a struct field, `*out`): the caller owns it, never reported. */
  escaped: boolean;
  call: Node;
}

export interface MissingRelease {
  obligation: Obligation;
  /** The return statement, or the closing brace of a body that falls off its end. */
  exit: Node;
  functionName: string;
}

type State = Map<string, Obligation> | null;

const NORETURN = new Set(['BUG', 'panic', 'do_exit', 'unreachable', '__builtin_unreachable', 'kthread_exit', 'make_task_dead']);
const TRANSPARENT_WRAPPERS = new Set(['likely', 'unlikely', 'WARN_ON', 'WARN_ON_ONCE', 'VM_WARN_ON', 'VM_WARN_ON_ONCE', 'data_race', 'READ_ONCE']);
const MAX_PASSES = 6;

export function findMissingReleases(root: Node, catalog: CallContextCatalog): MissingRelease[] {
  const findings: MissingRelease[] = [];
  for (const fn of root.descendantsOfType('function_definition')) {
    if (!fn) continue;
    const body = fn.childForFieldName('body');
    if (!body || !mentionsTrackedAcquire(body, catalog)) continue;
    findings.push(...new FunctionAnalysis(catalog, functionNameOf(fn)).run(body));
  }
  return findings;
}

export function functionNameOf(fn: Node): string {
  let declarator = fn.childForFieldName('declarator');
  while (declarator && declarator.type !== 'function_declarator') declarator = declarator.childForFieldName('declarator');
  return declarator?.childForFieldName('declarator')?.text ?? '(anonymous)';
}

function mentionsTrackedAcquire(body: Node, catalog: CallContextCatalog): boolean {
  for (const call of body.descendantsOfType('call_expression')) {
    const entry = call && catalog.functions.get(calleeName(call) ?? '');
    if (entry && entry.checkRelease) return true;
  }
  return false;
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

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function merge(...states: State[]): State {
  let result: State = null;
  for (const state of states) {
    if (!state) continue;
    if (!result) result = new Map(state);
    else for (const [id, ob] of state) result.set(id, ob);
  }
  return result;
}

function sameState(a: State, b: State): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const id of a.keys()) if (!b.has(id)) return false;
  return true;
}

function argumentsOf(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((n): n is Node => !!n && n.type !== 'comment');
}

class FunctionAnalysis {
  private labels = new Map<string, State>();
  private breakTargets: State[][] = [];
  private continueTargets: State[][] = [];
  private findings = new Map<string, MissingRelease>();
  private nextAcquisition = 0;
  private reporting = false;

  constructor(private readonly catalog: CallContextCatalog, private readonly functionName: string) {}

  run(body: Node): MissingRelease[] {
    // Gotos to labels earlier in the body (retry loops) need another pass with the label's new state.
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const before = new Map(this.labels);
      this.nextAcquisition = 0;
      this.findings.clear();
      this.reporting = true;
      const end = this.exec(body, new Map());
      this.checkExit(end, body.lastChild ?? body, undefined);
      const stable = [...this.labels].every(([label, state]) => sameState(state, before.get(label) ?? null));
      if (stable) break;
    }
    return [...this.findings.values()];
  }

  private checkExit(state: State, exit: Node, returned: Node | undefined): void {
    if (!state || !this.reporting) return;
    const returnedText = returned ? returned.text : '';
    for (const ob of state.values()) {
      if (!ob.entry.checkRelease || ob.escaped) continue;
      if (returned && handsOver(ob, returnedText)) continue;
      const key = `${exit.startIndex}:${ob.call.startIndex}:${ob.held.what}`;
      if (!this.findings.has(key)) this.findings.set(key, { obligation: ob, exit, functionName: this.functionName });
    }
  }

  // ---- statements ----

  private exec(node: Node, state: State): State {
    switch (node.type) {
      case 'compound_statement': case 'translation_unit': return this.execSequence(node.namedChildren, state);
      case 'if_statement': {
        const [whenTrue, whenFalse] = this.cond(node.childForFieldName('condition'), state);
        const thenState = this.execOptional(node.childForFieldName('consequence'), whenTrue);
        const alternative = node.childForFieldName('alternative');
        const elseState = alternative ? this.exec(alternative, whenFalse) : whenFalse;
        return merge(thenState, elseState);
      }
      case 'else_clause': return this.execSequence(node.namedChildren, state);
      case 'while_statement': return this.loop(state, node.childForFieldName('condition'), node.childForFieldName('body'), null, false);
      case 'do_statement': return this.loop(state, node.childForFieldName('condition'), node.childForFieldName('body'), null, true);
      case 'for_statement': {
        const init = node.childForFieldName('initializer');
        const afterInit = init ? this.exec(init, state) : state;
        return this.loop(afterInit, node.childForFieldName('condition'), node.childForFieldName('body'), node.childForFieldName('update'), false);
      }
      case 'switch_statement': return this.switchStatement(node, state);
      case 'break_statement': this.breakTargets.at(-1)?.push(state); return null;
      case 'continue_statement': this.continueTargets.at(-1)?.push(state); return null;
      case 'goto_statement': {
        const label = node.childForFieldName('label')?.text ?? '';
        this.labels.set(label, merge(this.labels.get(label) ?? null, state));
        return null;
      }
      case 'labeled_statement': {
        const label = node.childForFieldName('label')?.text ?? '';
        const entry = merge(state, this.labels.get(label) ?? null);
        return this.execSequence(node.namedChildren.filter((c) => c?.type !== 'statement_identifier'), entry);
      }
      case 'return_statement': {
        const value = node.namedChildren.find((c) => c && c.type !== 'comment') ?? undefined;
        const after = value ? this.expr(value, state) : state;
        this.checkExit(after, node, value ?? undefined);
        return null;
      }
      case 'expression_statement': case 'declaration': return this.execSequence(node.namedChildren, state);
      case 'init_declarator': {
        const value = node.childForFieldName('value');
        return value ? this.expr(value, state) : state;
      }
      case 'preproc_if': case 'preproc_ifdef': case 'preproc_elif': case 'preproc_elifdef': {
        // Both configurations are possible: analyse each branch from the same state and merge.
        const alternative = node.childForFieldName('alternative');
        const body = node.namedChildren.filter((c) => c && c !== alternative && c.id !== node.childForFieldName('condition')?.id && c.id !== node.childForFieldName('name')?.id);
        const main = this.execSequence(body, state);
        return merge(main, alternative ? this.exec(alternative, state) : state);
      }
      case 'preproc_else': return this.execSequence(node.namedChildren, state);
      case 'comment': case 'preproc_call': case 'preproc_def': case 'preproc_function_def': case 'preproc_include': return state;
      default: return this.expr(node, state);
    }
  }

  private execOptional(node: Node | null, state: State): State {
    return node ? this.exec(node, state) : state;
  }

  private execSequence(children: (Node | null)[], state: State): State {
    const nodes = children.filter((c): c is Node => !!c);
    for (let i = 0; i < nodes.length; i++) {
      const child = nodes[i];
      // `list_for_each_entry(...) { ... }`: a macro loop parses as a call statement missing its ';' + a block.
      if (child.type === 'expression_statement' && child.lastChild?.isMissing && i + 1 < nodes.length && isStatement(nodes[i + 1])) {
        const head = this.exec(child, state);
        state = this.loop(head, null, nodes[i + 1], null, false, true);
        i++;
        continue;
      }
      if (child.type === 'labeled_statement') state = this.exec(child, state);
      else if (state) state = this.exec(child, state);
    }
    return state;
  }

  private loop(entry: State, condition: Node | null, body: Node | null, update: Node | null, bodyFirst: boolean, mayNotRun = false): State {
    let head = entry;
    let exit: State = null;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      this.breakTargets.push([]);
      this.continueTargets.push([]);
      let whenTrue: State;
      let whenFalse: State;
      if (bodyFirst) { whenTrue = head; whenFalse = null; } else if (condition) [whenTrue, whenFalse] = this.cond(condition, head);
      else { whenTrue = head; whenFalse = mayNotRun ? head : null; }
      let out = body ? this.exec(body, whenTrue) : whenTrue;
      const breaks = this.breakTargets.pop() ?? [];
      out = merge(out, ...(this.continueTargets.pop() ?? []));
      if (update && out) out = this.expr(update, out);
      if (bodyFirst) {
        const [again, done] = condition ? this.cond(condition, out) : [out, null];
        whenFalse = done;
        out = again;
      }
      exit = merge(whenFalse, ...breaks);
      const nextHead = merge(entry, out);
      if (sameState(nextHead, head)) break;
      head = nextHead;
    }
    return exit;
  }

  private switchStatement(node: Node, state: State): State {
    const condition = node.childForFieldName('condition');
    const entry = condition ? this.expr(condition, state) : state;
    const body = node.childForFieldName('body');
    this.breakTargets.push([]);
    let fallthrough: State = null;
    let hasDefault = false;
    for (const child of body?.namedChildren ?? []) {
      if (!child) continue;
      if (child.type === 'case_statement') {
        if (!child.childForFieldName('value')) hasDefault = true;
        const statements = child.namedChildren.filter((c) => c && c.id !== child.childForFieldName('value')?.id);
        fallthrough = this.execSequence(statements, merge(fallthrough, entry));
      } else {
        fallthrough = this.exec(child, fallthrough);
      }
    }
    const breaks = this.breakTargets.pop() ?? [];
    return merge(fallthrough, ...breaks, hasDefault ? null : entry);
  }

  // ---- expressions ----

  private expr(node: Node, state: State): State {
    if (!state) return null;
    switch (node.type) {
      case 'call_expression': return this.call(node, state);
      case 'conditional_expression': {
        const [whenTrue, whenFalse] = this.cond(node.childForFieldName('condition'), state);
        const a = this.execOptional(node.childForFieldName('consequence'), whenTrue);
        const b = this.execOptional(node.childForFieldName('alternative'), whenFalse);
        return merge(a, b);
      }
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.type;
        if (op === '&&' || op === '||') return merge(...this.cond(node, state));
        break;
      }
      case 'sizeof_expression': case 'comment': case 'string_literal': return state;
      case 'compound_statement': return this.exec(node, state);
    }
    for (const child of node.namedChildren) if (child && state) state = isStatement(child) ? this.exec(child, state) : this.expr(child, state);
    return state;
  }

  private call(node: Node, state: State): State {
    for (const child of node.namedChildren) if (child && state) state = this.expr(child, state);
    if (!state) return null;
    const name = calleeName(node);
    if (!name) return state;
    if (NORETURN.has(name)) return null;
    const releases = this.catalog.releasers.get(name);
    if (releases) state = this.release(node, name, state);
    const entry = this.catalog.functions.get(name);
    if (entry && entry.holds.length > 0) state = this.acquire(node, entry, state);
    return state;
  }

  private acquire(call: Node, entry: CallContextEntry, state: Map<string, Obligation>): State {
    const target = resultTarget(call);
    if (target.kind === 'returned') return state; // handed to the caller at once
    const args = argumentsOf(call).map((a) => normaliseOperand(a.text));
    const keys = entry.keyArgument !== undefined && args[entry.keyArgument] ? [args[entry.keyArgument]] : [...args];
    if (target.text) keys.unshift(target.text);
    const escaped = target.kind === 'stored' || target.kind === 'passed';
    const acquisition = this.nextAcquisition++;
    const next = new Map(state);
    entry.holds.forEach((held, i) => {
      next.set(`${acquisition}.${i}`, { acquisition, entry, held, keys, resultVar: target.text, escaped, call });
    });
    return next;
  }

  private release(call: Node, name: string, state: Map<string, Obligation>): State {
    const args = argumentsOf(call).map((a) => normaliseOperand(a.text));
    const candidates = [...state].filter(([, ob]) => ob.held.releasedBy.includes(name));
    if (candidates.length === 0) return state;
    const matching = candidates.filter(([, ob]) => ob.keys.some((k) => args.includes(k)));
    // Without a recognisable key (a different alias), the most recent open acquisition is the one released.
    const released = matching.length > 0 ? matching : [candidates[candidates.length - 1]];
    const next = new Map(state);
    for (const [id] of released) next.delete(id);
    return next;
  }

  /** Evaluates a condition: the states when it is true and when it is false. */
  private cond(node: Node | null, state: State): [State, State] {
    if (!node || !state) return [state, state];
    switch (node.type) {
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c && c.type !== 'comment');
        return inner ? this.cond(inner, state) : [state, state];
      }
      case 'unary_expression': {
        if (node.childForFieldName('operator')?.type === '!') {
          const [t, f] = this.cond(node.childForFieldName('argument'), state);
          return [f, t];
        }
        break;
      }
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.type;
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (op === '&&') {
          const [lt, lf] = this.cond(left, state);
          const [rt, rf] = this.cond(right, lt);
          return [rt, merge(lf, rf)];
        }
        if (op === '||') {
          const [lt, lf] = this.cond(left, state);
          const [rt, rf] = this.cond(right, lf);
          return [merge(lt, rt), rf];
        }
        if ((op === '==' || op === '!=') && right && left && isNullish(right)) {
          const [t, f] = this.cond(left, state);
          return op === '==' ? [f, t] : [t, f];
        }
        if (op === '<' && right && left && right.text === '0') return this.cond(left, state);
        break;
      }
      case 'call_expression': {
        const name = calleeName(node) ?? '';
        const args = argumentsOf(node);
        if (TRANSPARENT_WRAPPERS.has(name) && args.length === 1) return this.cond(args[0], state);
        if ((name === 'IS_ERR' || name === 'IS_ERR_OR_NULL') && args.length === 1) {
          const after = this.expr(args[0], state);
          return this.refine(normaliseOperand(args[0].text), after, name === 'IS_ERR' ? 'is-err' : 'is-err-or-null');
        }
        const entry = this.catalog.functions.get(name);
        if (entry && entry.holds.length > 0 && entry.failure !== 'none' && entry.failure !== 'err-ptr') {
          // `if (!folio_trylock(folio))`: the new obligations exist only on the branch where the call succeeded.
          const before = state;
          const withAcquire = this.call(node, state);
          const withoutAcquire = withAcquire ? new Map([...withAcquire].filter(([id]) => before.has(id))) : null;
          return entry.failure === 'nonzero' ? [withoutAcquire, withAcquire] : [withAcquire, withoutAcquire];
        }
        break;
      }
      case 'assignment_expression': {
        const after = this.expr(node, state);
        const left = node.childForFieldName('left');
        return left ? this.refine(normaliseOperand(left.text), after, 'truthy') : [after, after];
      }
      case 'identifier': case 'field_expression':
        return this.refine(normaliseOperand(node.text), state, 'truthy');
    }
    const after = this.expr(node, state);
    return [after, after];
  }

  /** Splits a state on a test of `variable`: obligations bound to it survive only where the acquire succeeded. */
  private refine(variable: string, state: State, test: 'truthy' | 'is-err' | 'is-err-or-null'): [State, State] {
    if (!state) return [null, null];
    const whenTrue = new Map(state);
    const whenFalse = new Map(state);
    for (const [id, ob] of state) {
      if (ob.resultVar !== variable) continue;
      const failure = ob.entry.failure;
      if (test === 'truthy') {
        if (failure === 'nonzero') whenTrue.delete(id);
        else if (failure !== 'none') whenFalse.delete(id);
      } else if (failure === 'err-ptr' || failure === 'err-or-null' || test === 'is-err-or-null') {
        whenTrue.delete(id);
      }
    }
    return [whenTrue, whenFalse];
  }
}

function isNullish(node: Node): boolean {
  return node.type === 'null' || node.text === 'NULL' || node.text === '0';
}

const STATEMENT_TYPES = new Set(['compound_statement', 'if_statement', 'while_statement', 'do_statement', 'for_statement',
  'switch_statement', 'return_statement', 'break_statement', 'continue_statement', 'goto_statement', 'labeled_statement',
  'expression_statement', 'declaration', 'preproc_if', 'preproc_ifdef']);

function isStatement(node: Node): boolean {
  return STATEMENT_TYPES.has(node.type);
}

/** Where the result of an acquire call goes. */
function resultTarget(call: Node): { kind: 'local' | 'stored' | 'returned' | 'passed' | 'discarded'; text?: string } {
  let node = call;
  let parent = node.parent;
  while (parent && (parent.type === 'parenthesized_expression' || parent.type === 'cast_expression')) { node = parent; parent = node.parent; }
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
function handsOver(ob: Obligation, returnedText: string): boolean {
  const names = new Set<string>();
  if (ob.resultVar) names.add(ob.resultVar);
  if (ob.entry.keyArgument !== undefined) for (const key of ob.keys) names.add(key);
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|[^A-Za-z0-9_>.])${escaped}($|[^A-Za-z0-9_])`).test(returnedText)) return true;
  }
  return false;
}
