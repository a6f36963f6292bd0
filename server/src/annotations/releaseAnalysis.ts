import type { Node } from 'web-tree-sitter';
import type { CallContextCatalog, CallContextEntry } from './callContext';
import {
  type Obligation,
  type State,
  merge,
  sameState,
  copyObligations,
  releaseThroughHelper,
  releaseByCall,
  refineState,
} from './obligations';
import {
  TRANSPARENT_WRAPPERS,
  type HelperReleases,
  helperReleases,
  localNames,
  parameterNames,
  baseName,
  conditionLiteral,
  negateLiteral,
  calleeName,
  normaliseOperand,
  argumentsOf,
  isNullish,
  isStatement,
  resultTarget,
  handsOver,
  functionNameOf,
} from './releaseSyntax';

export { calleeName, normaliseOperand, functionNameOf };
export type { Obligation };

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

export interface MissingRelease {
  obligation: Obligation;
  /** The return statement, or the closing brace of a body that falls off its end. */
  exit: Node;
  functionName: string;
}

const NORETURN = new Set([
  'BUG',
  'panic',
  'do_exit',
  'unreachable',
  '__builtin_unreachable',
  'kthread_exit',
  'make_task_dead',
]);
const MAX_PASSES = 6;
/** Node visits allowed per function: deeply nested loops would otherwise multiply the passes. Over budget = no finding. */
const VISIT_BUDGET = 300_000;
/**
 * Statement/expression nesting followed before giving up on a function (thousands of nested parentheses or
 * braces in generated or hostile code): the interpretation recurses once per level.
 */
const MAX_NESTING = 400;
/** Time one function may take, and one file (each tree-sitter node read crosses into WebAssembly). */
export const FUNCTION_BUDGET_MS = 250;
export const FILE_BUDGET_MS = 1500;

class BudgetExceeded extends Error {}

/** Counters for accuracy runs and logs: functions analysed, and those given up (over a budget) with the reason. */
export interface AnalysisStats {
  functions: number;
  gaveUp: number;
  gaveUpIn: string[];
  /** Why each function in gaveUpIn was given up, same order. */
  reasons?: string[];
}

export interface AnalysisOptions {
  /** Stops between functions when true (the request was cancelled or superseded). */
  isCancelled?: () => boolean;
  /** Milliseconds for the whole file (default FILE_BUDGET_MS); functions past it are not analysed. */
  fileBudgetMs?: number;
  /**
   * Only the functions it accepts are analysed (all of the file's functions still count as release helpers): the
   * review asks about the functions a patch touches, and a whole big file (mm/memory.c) spent most of its time and
   * could run out of the file budget on functions nobody asked about.
   */
  analyse?: (fn: Node) => boolean;
}

export function findMissingReleases(
  root: Node,
  catalog: CallContextCatalog,
  stats?: AnalysisStats,
  options: AnalysisOptions = {},
): MissingRelease[] {
  const findings: MissingRelease[] = [];
  const functions = root.descendantsOfType('function_definition').filter((fn): fn is Node => !!fn);
  let helpers: HelperReleases | undefined;
  let zeroReturning: Set<string> | undefined;
  const fileDeadline = performance.now() + (options.fileBudgetMs ?? FILE_BUDGET_MS);
  for (const fn of functions) {
    if (options.isCancelled?.()) break;
    const body = fn.childForFieldName('body');
    if (options.analyse && !options.analyse(fn)) continue;
    if (!body || !mentionsTrackedAcquire(body, catalog)) continue;
    const giveUp = (reason: string) => {
      if (!stats) return;
      stats.gaveUp++;
      stats.gaveUpIn.push(functionNameOf(fn));
      (stats.reasons ??= []).push(reason);
    };
    if (stats) stats.functions++;
    if (performance.now() > fileDeadline) {
      giveUp(`the file's ${options.fileBudgetMs ?? FILE_BUDGET_MS} ms budget was spent`);
      continue;
    }
    helpers ??= helperReleases(functions, catalog);
    zeroReturning ??= alwaysReturnZero(functions);
    const analysis = new FunctionAnalysis(
      catalog,
      functionNameOf(fn),
      localNames(body),
      helpers,
      parameterNames(fn),
      zeroReturning,
      Math.min(fileDeadline, performance.now() + FUNCTION_BUDGET_MS),
    );
    findings.push(...analysis.run(body));
    if (analysis.gaveUp) giveUp(analysis.gaveUp);
  }
  return findings;
}

/**
 * Functions of this file whose every `return` is the literal 0: after `ret = f(...)`, `if (ret) return ret;`
 * cannot be taken, so an obligation left open on that branch is no finding (lib/test_hmm.c's fault handler).
 */
function alwaysReturnZero(functions: Node[]): Set<string> {
  const names = new Set<string>();
  for (const fn of functions) {
    const body = fn.childForFieldName('body');
    if (!body) continue;
    const returns = body.descendantsOfType('return_statement').filter((r): r is Node => !!r);
    const allZero =
      returns.length > 0 &&
      returns.every((r) => {
        const value = r.namedChildren.find((c) => c && c.type !== 'comment');
        return value?.type === 'number_literal' && value.text === '0';
      });
    if (allZero) names.add(functionNameOf(fn));
  }
  return names;
}

function mentionsTrackedAcquire(body: Node, catalog: CallContextCatalog): boolean {
  for (const call of body.descendantsOfType('call_expression')) {
    const entry = call && catalog.functions.get(calleeName(call) ?? '');
    if (entry && entry.checkRelease) return true;
  }
  return false;
}

class FunctionAnalysis {
  private labels = new Map<string, State>();
  private breakTargets: State[][] = [];
  private continueTargets: State[][] = [];
  private findings = new Map<string, MissingRelease>();
  private reporting = false;
  private guards: string[] = [];
  private visits = 0;
  private nesting = 0;
  /** Why the analysis of this function was given up (nothing is reported for it), or undefined. */
  gaveUp: string | undefined;
  /** Flags set to true earlier in the enclosing blocks (`notified = true; start(&range);`). */
  private flagsSet: string[][] = [];

  /** Locals that currently hold the result of a call to an always-zero function. */
  private knownZero = new Set<string>();

  constructor(
    private readonly catalog: CallContextCatalog,
    private readonly functionName: string,
    private readonly locals: Set<string>,
    private readonly helpers: HelperReleases,
    private readonly params: string[] = [],
    private readonly zeroReturning: Set<string> = new Set(),
    private readonly deadline = Number.POSITIVE_INFINITY,
  ) {}

  /** Counts a node visit; throws BudgetExceeded past the visit, time or nesting budget. */
  private visit(): void {
    if (++this.visits > VISIT_BUDGET) throw new BudgetExceeded(`more than ${VISIT_BUDGET} steps`);
    if ((this.visits & 1023) === 0 && performance.now() > this.deadline)
      throw new BudgetExceeded(`over its ${FUNCTION_BUDGET_MS} ms time budget`);
  }

  /** Records `local = call(...)`: whether `local` is now known to be 0. */
  private noteAssignment(target: string, value: Node | null): void {
    if (!this.locals.has(target)) return;
    if (value?.type === 'call_expression' && this.zeroReturning.has(calleeName(value) ?? ''))
      this.knownZero.add(target);
    else this.knownZero.delete(target);
  }

  run(body: Node): MissingRelease[] {
    try {
      return this.runPasses(body);
    } catch (err) {
      // Over a budget: say nothing rather than guess.
      if (err instanceof BudgetExceeded) {
        this.gaveUp = err.message;
        return [];
      }
      throw err;
    }
  }

  private runPasses(body: Node): MissingRelease[] {
    // Gotos to labels earlier in the body (retry loops) need another pass with the label's new state.
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const before = new Map(this.labels);
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
    this.visit();
    if (++this.nesting > MAX_NESTING) throw new BudgetExceeded(`nested deeper than ${MAX_NESTING} levels`);
    try {
      return this.execNode(node, state);
    } finally {
      this.nesting--;
    }
  }

  private execNode(node: Node, state: State): State {
    switch (node.type) {
      case 'compound_statement':
      case 'translation_unit':
        return this.execSequence(node.namedChildren, state);
      case 'if_statement': {
        const condition = node.childForFieldName('condition');
        const [whenTrue, whenFalse] = this.cond(condition, state);
        const guard = conditionLiteral(condition);
        if (guard) this.guards.push(guard);
        const thenState = this.execOptional(node.childForFieldName('consequence'), whenTrue);
        if (guard) this.guards.pop();
        const alternative = node.childForFieldName('alternative');
        if (guard && alternative) this.guards.push(negateLiteral(guard));
        const elseState = alternative ? this.exec(alternative, whenFalse) : whenFalse;
        if (guard && alternative) this.guards.pop();
        return merge(thenState, elseState);
      }
      case 'else_clause':
        return this.execSequence(node.namedChildren, state);
      case 'while_statement':
        return this.loop(state, node.childForFieldName('condition'), node.childForFieldName('body'), null, false);
      case 'do_statement':
        return this.loop(state, node.childForFieldName('condition'), node.childForFieldName('body'), null, true);
      case 'for_statement': {
        const init = node.childForFieldName('initializer');
        const afterInit = init ? this.exec(init, state) : state;
        return this.loop(
          afterInit,
          node.childForFieldName('condition'),
          node.childForFieldName('body'),
          node.childForFieldName('update'),
          false,
        );
      }
      case 'switch_statement':
        return this.switchStatement(node, state);
      case 'break_statement':
        this.breakTargets.at(-1)?.push(state);
        return null;
      case 'continue_statement':
        this.continueTargets.at(-1)?.push(state);
        return null;
      case 'goto_statement': {
        const label = node.childForFieldName('label')?.text ?? '';
        this.labels.set(label, merge(this.labels.get(label) ?? null, state));
        return null;
      }
      case 'labeled_statement': {
        const label = node.childForFieldName('label')?.text ?? '';
        const entry = merge(state, this.labels.get(label) ?? null);
        return this.execSequence(
          node.namedChildren.filter((c) => c?.type !== 'statement_identifier'),
          entry,
        );
      }
      case 'return_statement': {
        const value = node.namedChildren.find((c) => c && c.type !== 'comment') ?? undefined;
        const after = value ? this.expr(value, state) : state;
        this.checkExit(after, node, value ?? undefined);
        return null;
      }
      case 'expression_statement':
      case 'declaration':
        return this.execNodes(
          node.namedChildren.filter((c): c is Node => !!c),
          state,
        );
      case 'init_declarator': {
        const value = node.childForFieldName('value');
        const after = value ? this.expr(value, state) : state;
        let declarator = node.childForFieldName('declarator');
        while (declarator && declarator.type !== 'identifier') declarator = declarator.childForFieldName('declarator');
        if (declarator) this.noteAssignment(declarator.text, value);
        return after && value && declarator
          ? copyObligations(after, normaliseOperand(value.text), declarator.text)
          : after;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef': {
        // Both configurations are possible: analyse each branch from the same state and merge.
        const alternative = node.childForFieldName('alternative');
        const body = node.namedChildren.filter(
          (c) =>
            c &&
            c !== alternative &&
            c.id !== node.childForFieldName('condition')?.id &&
            c.id !== node.childForFieldName('name')?.id,
        );
        const main = this.execSequence(body, state);
        return merge(main, alternative ? this.exec(alternative, state) : state);
      }
      case 'preproc_else':
        return this.execSequence(node.namedChildren, state);
      case 'comment':
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
        return state;
      default:
        return this.expr(node, state);
    }
  }

  private execOptional(node: Node | null, state: State): State {
    return node ? this.exec(node, state) : state;
  }

  private execSequence(children: (Node | null)[], state: State): State {
    this.flagsSet.push([]);
    try {
      return this.execNodes(
        children.filter((c): c is Node => !!c),
        state,
      );
    } finally {
      this.flagsSet.pop();
    }
  }

  private execNodes(nodes: Node[], state: State): State {
    for (let i = 0; i < nodes.length; i++) {
      const child = nodes[i];
      // `list_for_each_entry(...) { ... }`: a macro loop parses as a call statement missing its ';' + a block.
      if (
        child.type === 'expression_statement' &&
        child.lastChild?.isMissing &&
        i + 1 < nodes.length &&
        isStatement(nodes[i + 1])
      ) {
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

  private loop(
    entry: State,
    condition: Node | null,
    body: Node | null,
    update: Node | null,
    bodyFirst: boolean,
    mayNotRun = false,
  ): State {
    let head = entry;
    let exit: State = null;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      this.breakTargets.push([]);
      this.continueTargets.push([]);
      let whenTrue: State;
      let whenFalse: State;
      if (bodyFirst) {
        whenTrue = head;
        whenFalse = null;
      } else if (condition) [whenTrue, whenFalse] = this.cond(condition, head);
      else {
        whenTrue = head;
        whenFalse = mayNotRun ? head : null;
      }
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
    this.visit();
    if (!state) return null;
    if (++this.nesting > MAX_NESTING) throw new BudgetExceeded(`nested deeper than ${MAX_NESTING} levels`);
    try {
      return this.exprNode(node, state);
    } finally {
      this.nesting--;
    }
  }

  private exprNode(node: Node, state: State): State {
    if (!state) return null;
    switch (node.type) {
      case 'call_expression':
        return this.call(node, state);
      case 'conditional_expression': {
        const condition = node.childForFieldName('condition');
        const [whenTrue, whenFalse] = this.cond(condition, state);
        const guard = conditionLiteral(condition);
        this.guards.push(guard ?? '');
        const a = this.execOptional(node.childForFieldName('consequence'), whenTrue);
        this.guards.pop();
        this.guards.push(guard ? negateLiteral(guard) : '');
        const b = this.execOptional(node.childForFieldName('alternative'), whenFalse);
        this.guards.pop();
        return merge(a, b);
      }
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.type;
        if (op === '&&' || op === '||') return merge(...this.cond(node, state));
        break;
      }
      case 'sizeof_expression':
      case 'comment':
      case 'string_literal':
        return state;
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (!left || !right) break;
        const leftText = normaliseOperand(left.text);
        this.noteAssignment(leftText, right);
        if (right.text === 'true') {
          // `notified = true;` next to an acquire: a later `if (notified)` tells whether it happened.
          this.flagsSet.at(-1)?.push(leftText);
          return new Map([...state].map(([id, ob]) => [id, { ...ob, witnesses: [...ob.witnesses, leftText] }]));
        }
        const after = this.expr(right, state);
        const rightAlias = normaliseOperand(right.text);
        if (after && this.locals.has(leftText) && isNullish(right)) {
          // `start_pte = NULL;`: the name no longer designates the acquired object, so later tests of it say nothing.
          return new Map(
            [...after].map(([id, ob]) => [
              id,
              ob.aliases.includes(leftText)
                ? {
                    ...ob,
                    aliases: ob.aliases.filter((a) => a !== leftText),
                    keys: ob.keys.filter((k) => k !== leftText),
                  }
                : ob,
            ]),
          );
        }
        if (after && this.locals.has(leftText)) return copyObligations(after, rightAlias, leftText);
        // `fw->ptl = ptl;`, `*ptlp = ptl;`: the acquired object now lives outside this function.
        const rightText = normaliseOperand(right.text);
        if (
          (after && !this.locals.has(baseName(leftText))) ||
          (after && (left.type === 'pointer_expression' || leftText.includes('->')))
        ) {
          return new Map(
            [...after].map(([id, ob]) => [
              id,
              ob.keys.includes(rightText) || ob.aliases.includes(rightText) ? { ...ob, escaped: true } : ob,
            ]),
          );
        }
        return after;
      }
      case 'compound_statement':
        return this.exec(node, state);
    }
    for (const child of node.namedChildren)
      if (child && state) state = isStatement(child) ? this.exec(child, state) : this.expr(child, state);
    return state;
  }

  private call(node: Node, state: State): State {
    for (const child of node.namedChildren) if (child && state) state = this.expr(child, state);
    if (!state) return null;
    const name = calleeName(node);
    if (!name) return state;
    if (NORETURN.has(name)) return null;
    const releases = this.catalog.releasers.get(name);
    if (releases) state = releaseByCall(node, name, state);
    const helper = this.helpers.get(name);
    if (helper && state) state = releaseThroughHelper(node, helper, state);
    const entry = this.catalog.functions.get(name);
    if (entry && entry.holds.length > 0 && state) state = this.acquire(node, entry, state);
    return state;
  }

  private acquire(call: Node, entry: CallContextEntry, state: Map<string, Obligation>): State {
    const target = resultTarget(call);
    if (target.kind === 'returned') return state; // handed to the caller at once
    const args = argumentsOf(call).map((a) => normaliseOperand(a.text));
    const keys = entry.keyArgument !== undefined && args[entry.keyArgument] ? [args[entry.keyArgument]] : [...args];
    keys.unshift(...target.aliases);
    // The object acquired (the key argument, else the result) must belong to this function to be its job to release.
    const object = entry.keyArgument !== undefined ? args[entry.keyArgument] : target.text;
    const escaped =
      target.kind === 'stored' ||
      target.kind === 'passed' ||
      (!!object &&
        (!this.locals.has(baseName(object)) || (entry.keyArgument !== undefined && object.includes('->'))) &&
        // `vmf->pte = pte_offset_map_lock(...)`: data says whether a parameter's field still belongs to this function.
        !(entry.parameterFieldIsHandOver === false && object.includes('->') && this.params.includes(baseName(object))));
    // The call's place in the file, not a counter: a loop body is interpreted again on every pass, and a
    // counter gave the same acquire a new id each time, so the loop's state never settled and every loop ran
    // all MAX_PASSES passes, multiplied by each enclosing loop (six nested loops: minutes, blocking the server).
    const acquisition = call.startIndex;
    const next = new Map(state);
    const flags = this.flagsSet.flat();
    // A guard on a flag that was just set (`if (!notified) { notified = true; start(); }`) no longer describes it.
    const emptyTests =
      object && entry.keyArgument !== undefined
        ? (entry.nothingHeldWhenZero ?? []).flatMap((field) => [`${object}.${field}`, `${object}->${field}`])
        : [];
    const witnesses = [...this.guards.filter((g) => !flags.includes(g.replace(/^!/, ''))), ...flags].filter(
      (w) => w !== '',
    );
    entry.holds.forEach((held, i) => {
      next.set(`${acquisition}.${i}`, {
        acquisition,
        entry,
        held,
        keys,
        resultVar: target.text,
        aliases: target.aliases,
        escaped,
        witnesses,
        emptyTests,
        call,
      });
    });
    return next;
  }

  /** Evaluates a condition: the states when it is true and when it is false. */
  private cond(node: Node | null, state: State): [State, State] {
    const [whenTrue, whenFalse] = this.condInner(node, state);
    const literal = conditionLiteral(node);
    if (!literal) return [whenTrue, whenFalse];
    // `if (ret)` where ret came from an always-zero call: only the false branch exists.
    if (this.knownZero.has(literal)) return [null, whenFalse];
    if (literal.startsWith('!') && this.knownZero.has(literal.slice(1))) return [whenTrue, null];
    const opposite = negateLiteral(literal);
    const drop = (s: State, witness: string): State =>
      s ? new Map([...s].filter(([, ob]) => !ob.witnesses.includes(witness))) : s;
    return [drop(whenTrue, opposite), drop(whenFalse, literal)];
  }

  private condInner(node: Node | null, state: State): [State, State] {
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
          return refineState(normaliseOperand(args[0].text), after, name === 'IS_ERR' ? 'is-err' : 'is-err-or-null');
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
        return left ? refineState(normaliseOperand(left.text), after, 'truthy') : [after, after];
      }
      case 'identifier':
      case 'field_expression':
        return refineState(normaliseOperand(node.text), state, 'truthy');
    }
    const after = this.expr(node, state);
    return [after, after];
  }
}
