/**
 * The call hierarchy every surface answers with (LSP call hierarchy, `kernel-mm-lens calls`, the MCP
 * `call_hierarchy` tool): the direct calls of the whole-tree index (indexing/callHierarchy.ts) and the calls through
 * ops tables (indirectCalls.ts) in one answer, so that an editor, a script and an agent see the same callers and
 * callees. With a configuration in use, edges whose function is compiled come first and the others are marked
 * (`#else` stub, other architecture, file not built); nothing is dropped.
 */
import type { Definition, KernelIndex, QueryOptions, Range } from '../indexing/types';
import { callableDefinitions, incomingCalls, isCallable, outgoingCalls } from '../indexing/callHierarchy';
import { LineMap } from '../parsing/textScan';
import { describeInactive, type Liveness } from '../configuration/configurationService';
import { indirectCallersOf, indirectCallsInFunction, partialText, viaText } from './indirectCalls';
import type { OpsTableAccess } from './opsTableAccess';
import { definitionOfStore } from './storeDefinition';

/** A call through a function-pointer field of a struct. */
export interface CallVia {
  /** Struct tag (`dev_pagemap_ops`); undefined when not found. */
  type?: string;
  field: string;
  /** The object's type was not found: the field's name decided. */
  inferred: boolean;
}

export interface CallEdge {
  /** The caller (incoming) or the callee (outgoing). */
  function: Definition;
  /** The call sites, in the caller's file. */
  ranges: Range[];
  /** Set for a call through an ops table. */
  via?: CallVia;
  /** Set when the configuration in use does not compile `function`: why (`config off: #ifdef CONFIG_X`). */
  inactive?: string;
}

export interface CallGraphOptions extends QueryOptions {
  /** Ops tables to follow calls through function pointers; without them, only direct calls. */
  ops?: OpsTableAccess;
  /** Whether a tree line is compiled in the configuration in use (ConfigurationService.liveness). */
  liveness?: (file: string, line: number) => Liveness;
  /**
   * Told when the answer is partial, with why (a field called in more files than are looked at: indirectCalls.ts
   * MAX_CALLER_FILES); each surface shows it the way it marks partial answers.
   */
  onPartial?: (note: string) => void;
}

/** How an edge's reader sees its indirection: `via dev_pagemap_ops.migrate_to_ram`. */
export function viaOf(via: CallVia): string {
  return viaText(via.type, via.field, via.inferred);
}

/** The definitions a hierarchy starts from, the ones compiled in the configuration first. */
export function callHierarchyRoots(index: KernelIndex, name: string, options: CallGraphOptions = {}): Definition[] {
  return orderByLiveness(
    callableDefinitions(index, name).map((definition) => ({ function: definition, ranges: [] })),
    options.liveness,
  ).map((edge) => edge.function);
}

/** Every function that calls `name`, directly or through a field `name` is stored into. */
export async function incomingCallEdges(
  index: KernelIndex,
  name: string,
  options: CallGraphOptions = {},
): Promise<CallEdge[]> {
  const isCancelled = options.isCancelled ?? (() => false);
  const edges: CallEdge[] = (await incomingCalls(index, name, { isCancelled })).map(({ caller, ranges }) => ({
    function: caller,
    ranges,
  }));
  if (options.ops && !isCancelled()) {
    const { ops, resolver } = options.ops;
    const sites = await indirectCallersOf(
      ops,
      index,
      resolver,
      (file, use, text) => options.ops!.withDocument(file, use, text),
      name,
      isCancelled,
      (partial) => options.onPartial?.(partialText(partial)),
    );
    const indirect = new Map<string, CallEdge>();
    for (const site of sites) {
      const key = `${site.file}\0${site.caller}\0${site.type ?? ''}.${site.field}`;
      let edge = indirect.get(key);
      if (!edge) {
        const caller = index.functionAt(site.file, site.caller, site.range.start.line);
        if (!caller) continue;
        const via: CallVia = { field: site.field, inferred: site.inferred };
        if (site.type) via.type = site.type;
        edge = { function: caller, ranges: [], via };
        indirect.set(key, edge);
      }
      edge.ranges.push(site.range);
    }
    edges.push(...indirect.values());
  }
  return orderByLiveness(edges, options.liveness);
}

/** Every function the body of `source` calls, directly or (each possible target) through an ops table. */
export function outgoingCallEdges(
  index: KernelIndex,
  source: { name: string; file: string; line: number },
  options: CallGraphOptions = {},
): CallEdge[] {
  const edges: CallEdge[] = outgoingCalls(index, source, { isCancelled: options.isCancelled }).map(
    ({ callee, ranges }) => ({ function: callee, ranges }),
  );
  const access = options.ops;
  if (access && !options.isCancelled?.()) {
    const indirect = new Map<string, CallEdge>();
    access.withDocument(source.file, (document) => {
      const positions = new LineMap(document.text);
      for (const site of indirectCallsInFunction(access.ops, access.resolver, document, source.line)) {
        const range = { start: positions.position(site.start), end: positions.position(site.end) };
        const via: CallVia = { field: site.call.field, inferred: site.call.inferred };
        if (site.call.type) via.type = site.call.type;
        for (const store of site.call.targets) {
          const key = `${store.file}\0${store.function}\0${viaOf(via)}`;
          let edge = indirect.get(key);
          if (!edge) {
            const callee = definitionOfStore(index, store, isCallable);
            if (!callee) continue;
            edge = { function: callee, ranges: [], via };
            indirect.set(key, edge);
          }
          const seen = edge.ranges.some(
            (r) => r.start.line === range.start.line && r.start.character === range.start.character,
          );
          if (!seen) edge.ranges.push(range);
        }
      }
    });
    edges.push(...indirect.values());
  }
  return orderByLiveness(edges, options.liveness);
}

/** Compiled first, then undecided, then inactive (marked why): a stable reorder. */
function orderByLiveness(edges: CallEdge[], liveness: CallGraphOptions['liveness']): CallEdge[] {
  if (!liveness) return edges;
  const order = { live: 0, unknown: 1, inactive: 2 } as const;
  return edges
    .map((edge, position) => {
      const state = liveness(edge.function.file, edge.function.nameRange.start.line);
      if (state.state === 'inactive' && state.region) edge.inactive = describeInactive(state.region);
      return { edge, position, rank: order[state.state] };
    })
    .sort((a, b) => a.rank - b.rank || a.position - b.position)
    .map((entry) => entry.edge);
}
