import type { ServerFeature } from '../feature';
import { identifierAt, locationOf, cancelledBy } from '../symbolAt';
import { resolveInclude } from '../includes';
import { semanticDefinition } from '../semanticDocuments';

/**
 * Go to definition: a local or a member from the semantic services (semantics/: the document's scopes, the
 * object's type), else across the whole tree: real definitions first (generic, then the preferred arch).
 */
export const definitionFeature: ServerFeature = {
  name: 'definition',
  generic: true,
  capabilities: () => ({ definitionProvider: true }),
  register(ctx) {
    ctx.connection.onDefinition(async (params, token) => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return null;
      // A local needs no index: answered at once, even while the tree is being indexed.
      const early = await semanticDefinition(ctx, params.textDocument.uri, params.position, ctx.currentIndex());
      if (early?.locations) return early.locations;
      const index = await ctx.waitForIndex(cancelledBy(token));
      if (!index) return null;
      if (early?.member) {
        const member = await semanticDefinition(ctx, params.textDocument.uri, params.position, index);
        if (member?.locations) return member.locations;
      }
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
