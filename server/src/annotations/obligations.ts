import type { Node } from 'web-tree-sitter';
import type { CallContextEntry, HeldResource } from './callContext';
import { argumentsOf, baseName, heldOnlyIfNonZero, normaliseOperand, STORED } from './releaseSyntax';

/**
 * The missing-release analysis state: open obligations (what tracked acquires left held) and the operations on
 * them that need no control flow — releasing by a call, through a same-file helper, renaming, failure tests.
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
  /** Every variable the result was assigned to (`start_pte = pte = pte_offset_map_lock(...)`). */
  aliases: string[];
  /** Stored somewhere that outlives the function (a struct field, `*out`): the caller owns it, never reported. */
  escaped: boolean;
  /** Expressions whose zero means nothing is held (`args.cpages`, or a local copy of it). */
  emptyTests: string[];
  /** Variables whose truth implies this acquisition happened (`if (cow) start(...)`, `notified = true`). */
  witnesses: string[];
  call: Node;
}

export type State = Map<string, Obligation> | null;

export function merge(...states: State[]): State {
  let result: State = null;
  for (const state of states) {
    if (!state) continue;
    if (!result) result = new Map(state);
    else for (const [id, ob] of state) result.set(id, ob);
  }
  return result;
}

export function sameState(a: State, b: State): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const id of a.keys()) if (!b.has(id)) return false;
  return true;
}

/** `copy = source;`: a new name for an acquired object, or for its "nothing held" field. */
export function copyObligations(state: Map<string, Obligation>, source: string, copy: string): Map<string, Obligation> {
  return new Map(
    [...state].map(([id, ob]) => {
      if (ob.aliases.includes(source)) return [id, { ...ob, aliases: [...ob.aliases, copy], keys: [...ob.keys, copy] }];
      if (ob.emptyTests.includes(source)) return [id, { ...ob, emptyTests: [...ob.emptyTests, copy] }];
      return [id, ob];
    }),
  );
}
export function releaseThroughHelper(
  call: Node,
  helper: Array<{ releaser: string; param: number }>,
  state: Map<string, Obligation>,
): State {
  const args = argumentsOf(call).map((a) => normaliseOperand(a.text));
  const next = new Map(state);
  for (const { releaser, param } of helper) {
    const arg = args[param];
    if (!arg) continue;
    for (const [id, ob] of state) {
      if (!ob.keys.some((k) => k === arg || baseName(k) === arg)) continue;
      if (releaser === STORED) next.set(id, { ...ob, escaped: true });
      else if (ob.held.releasedBy.includes(releaser)) next.delete(id);
    }
  }
  return next;
}
export function releaseByCall(call: Node, name: string, state: Map<string, Obligation>): State {
  const args = argumentsOf(call).map((a) => normaliseOperand(a.text));
  const candidates = [...state].filter(([, ob]) => ob.held.releasedBy.includes(name));
  if (candidates.length === 0) return state;
  // Most specific first: the variable holding the result, then the key argument, then any shared argument
  // (a reused `ptl`: only the latest acquisition), then — no recognisable name — the latest acquisition.
  const byAlias = candidates.filter(([, ob]) => ob.aliases.some((a) => args.includes(a)));
  const byKey = candidates.filter(
    ([, ob]) => ob.entry.keyArgument !== undefined && args.includes(ob.keys[ob.aliases.length]),
  );
  const byAny = candidates.filter(([, ob]) => ob.keys.some((k) => args.includes(k)));
  const latest = (list: typeof candidates) =>
    list.filter(([, ob]) => ob.acquisition === list[list.length - 1][1].acquisition);
  const released =
    byAlias.length > 0 ? byAlias : byKey.length > 0 ? byKey : byAny.length > 0 ? latest(byAny) : latest(candidates);
  const next = new Map(state);
  for (const [id] of released) next.delete(id);
  return next;
}
/** Splits a state on a test of `variable`: obligations bound to it survive only where the acquire succeeded. */
export function refineState(
  variable: string,
  state: State,
  test: 'truthy' | 'is-err' | 'is-err-or-null',
): [State, State] {
  if (!state) return [null, null];
  const whenTrue = new Map(state);
  const whenFalse = new Map(state);
  for (const [id, ob] of state) {
    if (test === 'truthy' && heldOnlyIfNonZero(ob, variable)) {
      whenFalse.delete(id);
      continue;
    }
    if (!ob.aliases.includes(variable)) continue;
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
