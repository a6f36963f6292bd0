import type {
  CallHierarchyItem,
  CallHierarchyIncomingCall,
  CallHierarchyOutgoingCall,
} from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import type { Definition } from '../../indexing/types';
import { callableDefinitions, incomingCalls, isCallable, outgoingCalls } from '../../indexing/callHierarchy';
import { identifierAt, symbolKindOf, cancelledBy } from '../symbolAt';
import { LineMap } from '../../parsing/textScan';
import { indirectCallersOf, indirectCallsInFunction, viaText } from '../../knowledge/indirectCalls';
import { opsTablesFor } from '../opsTableAccess';

interface ItemData {
  name: string;
  file: string;
  line: number;
}

/**
 * Call hierarchy over the whole tree: the LSP adapter of the call-hierarchy service (indexing/callHierarchy.ts),
 * which the MCP `call_hierarchy` tool asks too, so both surfaces give the same callers and callees. Calls through
 * function-pointer fields (`vmf->page->pgmap->ops->migrate_to_ram(vmf)`) add every function stored into that field
 * of that struct type (knowledge/indirectCalls.ts), their items' detail saying `via dev_pagemap_ops.migrate_to_ram`;
 * incoming calls of a callback add the calls through the fields it is stored into.
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
      const incoming = calls.map(({ caller, ranges }): CallHierarchyIncomingCall => ({
        from: toItem(ctx, caller),
        fromRanges: ranges,
      }));
      // Through ops tables: the calls through each field the function is stored into.
      const access = await opsTablesFor(ctx, index);
      const indirect = new Map<string, CallHierarchyIncomingCall>();
      const sites = await indirectCallersOf(
        access.ops,
        index,
        access.resolver,
        (file, use) => access.withDocument(file, use),
        target.name,
        cancelledBy(token),
      );
      for (const site of sites) {
        const key = `${site.file}\0${site.caller}\0${site.type ?? ''}.${site.field}`;
        let entry = indirect.get(key);
        if (!entry) {
          const caller = index.functionAt(site.file, site.caller, site.range.start.line);
          if (!caller) continue;
          entry = { from: indirectItem(ctx, caller, viaText(site.type, site.field, site.inferred)), fromRanges: [] };
          indirect.set(key, entry);
        }
        entry.fromRanges.push(site.range);
      }
      return [...incoming, ...indirect.values()];
    });

    ctx.connection.languages.callHierarchy.onOutgoingCalls(async (params, token) => {
      const index = await ctx.waitForIndex(cancelledBy(token));
      const source = params.item.data as ItemData | undefined;
      if (!index || !source) return [];
      const direct = outgoingCalls(index, source, { isCancelled: cancelledBy(token) });
      const calls = direct.map(({ callee, ranges }): CallHierarchyOutgoingCall => ({
        to: toItem(ctx, callee),
        fromRanges: ranges,
      }));
      // Through ops tables: every function stored into the field called, by the type of the call's object.
      const access = await opsTablesFor(ctx, index);
      const indirect = new Map<string, CallHierarchyOutgoingCall>();
      access.withDocument(source.file, (document) => {
        const positions = new LineMap(document.text);
        for (const site of indirectCallsInFunction(access.ops, access.resolver, document, source.line)) {
          const range = { start: positions.position(site.start), end: positions.position(site.end) };
          const via = viaText(site.call.type, site.call.field, site.call.inferred);
          for (const store of site.call.targets) {
            const key = `${store.file}\0${store.function}\0${via}`;
            let entry = indirect.get(key);
            if (!entry) {
              const callee =
                index.definitionsInFile(store.file).find((d) => d.name === store.function && isCallable(d)) ??
                index.findDefinitions(store.function).find(isCallable);
              if (!callee) continue;
              entry = { to: indirectItem(ctx, callee, via), fromRanges: [] };
              indirect.set(key, entry);
            }
            const seen = entry.fromRanges.some(
              (r) => r.start.line === range.start.line && r.start.character === range.start.character,
            );
            if (!seen) entry.fromRanges.push(range);
          }
        }
      });
      calls.push(...indirect.values());
      return calls;
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

/** An item reached through an ops table: its detail says through which struct type and field. */
function indirectItem(ctx: ServerContext, definition: Definition, via: string): CallHierarchyItem {
  const item = toItem(ctx, definition);
  item.detail = `${via} · ${item.detail ?? definition.file}`;
  return item;
}
