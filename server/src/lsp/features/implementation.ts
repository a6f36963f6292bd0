import type { Location } from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import { cancelledBy, locationOf } from '../symbolAt';
import { semanticDocuments, wordAt } from '../semanticDocuments';
import { opsTablesFor } from '../opsTableAccess';
import { definitionOfStore } from '../../knowledge/storeDefinition';
import type { Definition } from '../../indexing/types';

/**
 * Go to Implementation on a function-pointer field - at its declaration in the struct, at a call through it
 * (`vmf->page->pgmap->ops->migrate_to_ram(vmf)`) or at a designator `.migrate_to_ram =` - opens every function
 * stored into that field of that struct type (knowledge/opsTables.ts). When the object's type is not found, the
 * functions stored into a field of that name of any struct that has one. Tables built by a table macro of
 * data/ops-macros.yaml count; a `#define` of the tree that builds tables and is not in the data is listed at its
 * own line (and logged), so the answer shows that some tables were not expanded.
 */
export const implementationFeature: ServerFeature = {
  name: 'implementation',
  capabilities: () => ({ implementationProvider: true }),
  register(ctx) {
    ctx.connection.onImplementation(async (params, token) => {
      const index = await ctx.waitForIndex(cancelledBy(token));
      if (!index) return null;
      const access = await opsTablesFor(ctx, index);
      const semantics = semanticDocuments(ctx);
      const call = await semantics.withDocument(params.textDocument.uri, access.resolver, (document, text) => {
        const word = wordAt(text, params.position);
        return word && access.ops.callThrough(access.resolver, document, word.start, word.end);
      });
      if (!call) return null;
      const locations: Location[] = [];
      const seen = new Set<string>();
      for (const store of call.targets) {
        const definition: Definition | undefined = definitionOfStore(index, store, (d) => d.kind === 'function');
        const location: Location = definition
          ? locationOf(ctx, definition)
          : {
              uri: ctx.uriOfRelativePath(store.file),
              range: {
                start: { line: store.line, character: store.character },
                end: { line: store.line, character: store.character + store.function.length },
              },
            };
        const key = `${location.uri}:${location.range.start.line}`;
        if (!seen.has(key)) locations.push(location);
        seen.add(key);
      }
      // Tables a macro of the tree builds and the ops tables do not expand: their #define, so the list says so.
      for (const macro of access.ops.unexpandedMacros(call.field)) {
        const line = { line: macro.line, character: 0 };
        locations.push({ uri: ctx.uriOfRelativePath(macro.file), range: { start: line, end: line } });
        ctx.log(
          `implementation: ${call.field} is also stored by tables that ${macro.macro}() builds (${macro.file}:${macro.line + 1}), a macro not expanded`,
        );
      }
      return locations;
    });
  },
};
