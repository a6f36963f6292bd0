import type {
  CallHierarchyItem,
  CallHierarchyIncomingCall,
  CallHierarchyOutgoingCall,
} from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import type { KernelIndex } from '../../indexing/types';
import { describeInactive } from '../../configuration/configurationService';
import {
  callHierarchyRoots,
  incomingCallEdges,
  outgoingCallEdges,
  viaOf,
  type CallEdge,
  type CallGraphOptions,
} from '../../knowledge/callGraph';
import { identifierAt, symbolKindOf, cancelledBy } from '../symbolAt';
import { opsTablesFor } from '../opsTableAccess';
import { livenessFor } from '../treeText';

interface ItemData {
  name: string;
  file: string;
  line: number;
}

/**
 * Call hierarchy over the whole tree: the LSP adapter of the call-graph service (knowledge/callGraph.ts), which the
 * CLI's `calls` and the MCP `call_hierarchy` tool ask too, so every surface gives the same callers and callees.
 * Calls through function-pointer fields (`vmf->page->pgmap->ops->migrate_to_ram(vmf)`) list every function stored
 * into that field of that struct type, their items' detail saying `via dev_pagemap_ops.migrate_to_ram`; with a
 * configuration in use, functions it does not compile come last, their detail saying why.
 */
export const callHierarchyFeature: ServerFeature = {
  name: 'callHierarchy',
  generic: true,
  wholeTree: true,
  capabilities: () => ({ callHierarchyProvider: true }),
  register(ctx) {
    const optionsFor = async (index: KernelIndex, isCancelled: () => boolean): Promise<CallGraphOptions> => ({
      isCancelled,
      ops: await opsTablesFor(ctx, index),
      liveness: livenessFor(ctx, index),
    });

    ctx.connection.languages.callHierarchy.onPrepare(async (params, token) => {
      const document = ctx.documents.get(params.textDocument.uri);
      const word = document && identifierAt(document, params.position);
      if (!word) return null;
      const index = await ctx.waitForIndex(cancelledBy(token));
      if (!index) return null;
      const liveness = livenessFor(ctx, index);
      return callHierarchyRoots(index, word.name, { liveness }).map((d) => {
        const state = liveness?.(d.file, d.nameRange.start.line);
        const inactive = state?.state === 'inactive' && state.region ? describeInactive(state.region) : undefined;
        return edgeItem(ctx, { function: d, ranges: [], inactive });
      });
    });

    ctx.connection.languages.callHierarchy.onIncomingCalls(async (params, token) => {
      const index = await ctx.waitForIndex(cancelledBy(token));
      const target = params.item.data as ItemData | undefined;
      if (!index || !target) return [];
      const options = await optionsFor(index, cancelledBy(token));
      const partial: string[] = [];
      options.onPartial = (note) => partial.push(note);
      const edges = await incomingCallEdges(index, target.name, options);
      // A cut answer says so in the log, like other partial answers (requestPolicy.ts), and on the first item's detail.
      for (const note of partial) ctx.log(`callHierarchy/incomingCalls ${target.name}: ${note}`);
      if (partial.length && edges.length)
        return edges.map((edge, k): CallHierarchyIncomingCall => {
          const from = edgeItem(ctx, edge);
          if (k === 0) from.detail = `${from.detail} · ${partial.join('; ')}`;
          return { from, fromRanges: edge.ranges };
        });
      return edges.map((edge): CallHierarchyIncomingCall => ({ from: edgeItem(ctx, edge), fromRanges: edge.ranges }));
    });

    ctx.connection.languages.callHierarchy.onOutgoingCalls(async (params, token) => {
      const index = await ctx.waitForIndex(cancelledBy(token));
      const source = params.item.data as ItemData | undefined;
      if (!index || !source) return [];
      const edges = outgoingCallEdges(index, source, await optionsFor(index, cancelledBy(token)));
      return edges.map((edge): CallHierarchyOutgoingCall => ({ to: edgeItem(ctx, edge), fromRanges: edge.ranges }));
    });
  },
};

/**
 * An item of the hierarchy: its detail is the file (and architecture), preceded by the ops-table field the call goes
 * through (`via dev_pagemap_ops.migrate_to_ram · lib/test_hmm.c`) and by why the configuration leaves it out.
 */
function edgeItem(ctx: ServerContext, edge: CallEdge): CallHierarchyItem {
  const definition = edge.function;
  const parts = [definition.arch ? `${definition.file} (${definition.arch})` : definition.file];
  if (edge.via) parts.unshift(viaOf(edge.via));
  if (edge.inactive) parts.unshift(`inactive: ${edge.inactive}`);
  return {
    name: definition.name,
    kind: symbolKindOf(definition.kind),
    detail: parts.join(' · '),
    uri: ctx.uriOfRelativePath(definition.file),
    range: definition.range,
    selectionRange: definition.nameRange,
    data: { name: definition.name, file: definition.file, line: definition.nameRange.start.line } satisfies ItemData,
  };
}
