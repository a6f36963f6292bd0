import type { Definition, KernelIndex, QueryOptions, Range } from './types';
import { extractText } from './fileExtraction';
import type { TreeIndex } from './treeIndex';

export { incomingCalls, type IncomingCall } from './incomingCalls';

/**
 * The call hierarchy over the whole tree, as a service for every surface (the LSP's callHierarchy requests, the
 * MCP `call_hierarchy` tool): incoming calls are the call sites of a name grouped by the function whose body holds
 * them (indexing/incomingCalls.ts); outgoing calls are the calls in one function's body, each resolved to a
 * callable definition. Function-like macros count as callees, as they do for a kernel reader (`folio_walk_end()`
 * is a macro).
 */

export interface OutgoingCall {
  callee: Definition;
  /** The calls in the source function. */
  ranges: Range[];
}

export function isCallable(definition: Definition): boolean {
  return (
    definition.kind === 'function' ||
    definition.kind === 'prototype' ||
    definition.kind === 'function-macro' ||
    definition.kind === 'generated'
  );
}

/** The items a hierarchy starts from: the definitions with a body, else any callable definition. */
export function callableDefinitions(index: KernelIndex, name: string): Definition[] {
  const callables = index.findDefinitions(name).filter(isCallable);
  const bodies = callables.filter((d) => d.kind === 'function' || d.kind === 'function-macro');
  return bodies.length > 0 ? bodies : callables;
}

/** The calls in the body of `source` (a function of `file`), grouped by callee, each resolved to a definition. */
export function outgoingCalls(
  index: KernelIndex,
  source: { name: string; file: string },
  options: QueryOptions = {},
): OutgoingCall[] {
  const text = (index as Partial<TreeIndex>).textOf?.(source.file);
  if (text === undefined) return [];
  const references = extractText(source.file, text, 'all').references ?? [];
  const byCallee = new Map<string, Range[]>();
  const lines = text.split('\n');
  for (const reference of references) {
    if (!reference.isCall || reference.isDefinition || reference.enclosingFunction !== source.name) continue;
    const name = lines[reference.range.start.line]?.slice(
      reference.range.start.character,
      reference.range.end.character,
    );
    if (!name) continue;
    // `ops->close(vma)` calls a field, not a function named close (the LSP adds ops-table targets for those).
    if (/(?:->|(?<![.\d])\.)\s*$/.test(lines[reference.range.start.line].slice(0, reference.range.start.character)))
      continue;
    const ranges = byCallee.get(name) ?? [];
    ranges.push(reference.range);
    byCallee.set(name, ranges);
  }
  const calls: OutgoingCall[] = [];
  for (const [name, ranges] of byCallee) {
    if (options.isCancelled?.()) break;
    const callee = index.findDefinitions(name).find(isCallable);
    if (callee) calls.push({ callee, ranges });
  }
  return calls;
}
