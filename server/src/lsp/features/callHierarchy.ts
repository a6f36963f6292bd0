import type {
  CallHierarchyItem,
  CallHierarchyIncomingCall,
  CallHierarchyOutgoingCall,
  Range,
} from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import type { Definition } from '../../indexing/types';
import { identifierAt, symbolKindOf, cancelledBy } from '../symbolAt';
import { extractText } from '../../indexing/fileExtraction';
import type { TreeIndex } from '../../indexing/treeIndex';
import { incomingCalls } from '../../indexing/incomingCalls';

interface ItemData {
  name: string;
  file: string;
  line: number;
}

/**
 * Call hierarchy over the whole tree. Incoming: every call site of the function, grouped by the function
 * that contains it. Outgoing: the calls in the function's body. Function-like macros count as callees,
 * as they do for a kernel reader (`folio_walk_end()` is a macro).
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
      const callables = index.findDefinitions(word.name).filter(isCallable);
      const bodies = callables.filter((d) => d.kind === 'function' || d.kind === 'function-macro');
      return (bodies.length > 0 ? bodies : callables).map((d) => toItem(ctx, d));
    });

    ctx.connection.languages.callHierarchy.onIncomingCalls(async (params, token) => {
      const index = await ctx.waitForIndex(cancelledBy(token));
      const target = params.item.data as ItemData | undefined;
      if (!index || !target) return [];
      const callers = await incomingCalls(index, target.name, { isCancelled: cancelledBy(token) });
      return callers.map(({ caller, ranges }): CallHierarchyIncomingCall => ({
        from: toItem(ctx, caller),
        fromRanges: ranges,
      }));
    });

    ctx.connection.languages.callHierarchy.onOutgoingCalls(async (params, token) => {
      const index = await ctx.waitForIndex(cancelledBy(token));
      const source = params.item.data as ItemData | undefined;
      if (!index || !source) return [];
      const text = (index as TreeIndex).textOf?.(source.file);
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
        const ranges = byCallee.get(name) ?? [];
        ranges.push(reference.range);
        byCallee.set(name, ranges);
      }
      const calls: CallHierarchyOutgoingCall[] = [];
      for (const [name, ranges] of byCallee) {
        if (token.isCancellationRequested) break;
        const callee = index.findDefinitions(name).find(isCallable);
        if (callee) calls.push({ to: toItem(ctx, callee), fromRanges: ranges });
      }
      return calls;
    });
  },
};

function isCallable(definition: Definition): boolean {
  return (
    definition.kind === 'function' ||
    definition.kind === 'prototype' ||
    definition.kind === 'function-macro' ||
    definition.kind === 'generated'
  );
}

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
