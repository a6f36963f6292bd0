import type { ServerFeature } from '../feature';
import { identifierAt, locationOf, cancelledBy } from '../symbolAt';
import { resolveInclude } from '../includes';

/** Go to definition, across the whole tree: real definitions first (generic, then the preferred arch). */
export const definitionFeature: ServerFeature = {
  name: 'definition',
  generic: true,
  capabilities: () => ({ definitionProvider: true }),
  register(ctx) {
    ctx.connection.onDefinition(async (params, token) => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return null;
      const index = await ctx.waitForIndex(cancelledBy(token));
      if (!index) return null;
      const include = resolveInclude(document, params.position, index, ctx.relativePathOfUri(params.textDocument.uri));
      if (include)
        return include.map((file) => ({
          uri: ctx.uriOfRelativePath(file),
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        }));
      const word = identifierAt(document, params.position);
      if (!word) return null;
      const definitions = index.findDefinitions(word.name);
      const real = definitions.filter((d) => !d.isDeclaration);
      return (real.length > 0 ? real : definitions).map((d) => locationOf(ctx, d));
    });
  },
};
