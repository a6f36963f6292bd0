import type {
  CallHierarchyItem,
  CallHierarchyIncomingCall,
  CallHierarchyOutgoingCall,
} from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import type { Definition } from '../../indexing/types';
import { callableDefinitions, incomingCalls, outgoingCalls } from '../../indexing/callHierarchy';
import { identifierAt, symbolKindOf, cancelledBy } from '../symbolAt';

interface ItemData {
  name: string;
  file: string;
  line: number;
}

/**
 * Call hierarchy over the whole tree: the LSP adapter of the call-hierarchy service (indexing/callHierarchy.ts),
 * which the MCP `call_hierarchy` tool asks too, so both surfaces give the same callers and callees.
 */
export const callHierarchyFeature: ServerFeature = {
  name: 'callHierarchy',
  generic: true,
  wholeTree: true,
  capabilities: () => ({ callHierarchyProvider: true }),
  register(ctx) {
    ctx.connection.languages.callHierarchy.onPrepare(async (params, token) => {
      const document = ctx.documents.get(params.textDocument.uri);
      const word = document && identifierAt(document, params.position);
      if (!word) return null;
      const index = await ctx.waitForIndex(cancelledBy(token));
      if (!index) return null;
      return callableDefinitions(index, word.name).map((d) => toItem(ctx, d));
    });

    ctx.connection.languages.callHierarchy.onIncomingCalls(async (params, token) => {
      const index = await ctx.waitForIndex(cancelledBy(token));
      const target = params.item.data as ItemData | undefined;
      if (!index || !target) return [];
      const calls = await incomingCalls(index, target.name, { isCancelled: cancelledBy(token) });
      return calls.map(({ caller, ranges }): CallHierarchyIncomingCall => ({
        from: toItem(ctx, caller),
        fromRanges: ranges,
      }));
    });

    ctx.connection.languages.callHierarchy.onOutgoingCalls(async (params, token) => {
      const index = await ctx.waitForIndex(cancelledBy(token));
      const source = params.item.data as ItemData | undefined;
      if (!index || !source) return [];
      const calls = outgoingCalls(index, source, { isCancelled: cancelledBy(token) });
      return calls.map(({ callee, ranges }): CallHierarchyOutgoingCall => ({
        to: toItem(ctx, callee),
        fromRanges: ranges,
      }));
    });
  },
};

function toItem(ctx: ServerContext, definition: Definition): CallHierarchyItem {
  return {
    name: definition.name,
    kind: symbolKindOf(definition.kind),
    detail: definition.arch ? `${definition.file} (${definition.arch})` : definition.file,
    uri: ctx.uriOfRelativePath(definition.file),
    range: definition.range,
    selectionRange: definition.nameRange,
    data: { name: definition.name, file: definition.file, line: definition.nameRange.start.line } satisfies ItemData,
  };
}
