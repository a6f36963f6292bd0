import type { ServerFeature } from '../feature';
import { identifierAt, cancelledBy } from '../symbolAt';
import { semanticLocalReferences } from '../semanticDocuments';

/**
 * Find all references in code across the tree (comments and strings never count); a local's references are its
 * uses in its own scope (semantics/scopes.ts), never the tree's same-named names.
 */
export const referencesFeature: ServerFeature = {
  name: 'references',
  generic: true,
  capabilities: () => ({ referencesProvider: { workDoneProgress: true } }),
  register(ctx) {
    ctx.connection.onReferences(async (params, token) => {
      const document = ctx.documents.get(params.textDocument.uri);
      const word = document && identifierAt(document, params.position);
      if (!word) return null;
      const uri = params.textDocument.uri;
      const local = await semanticLocalReferences(ctx, uri, params.position, params.context.includeDeclaration);
      if (local) return local.map((reference) => ({ uri, range: reference.range }));
      const index = await ctx.waitForIndex(cancelledBy(token));
      if (!index) return null;
      const references = await index.findReferences(word.name, { isCancelled: cancelledBy(token) });
      return references
        .filter((reference) => params.context.includeDeclaration || !reference.isDefinition)
        .map((reference) => ({ uri: ctx.uriOfRelativePath(reference.file), range: reference.range }));
    });
  },
};
