import type { ServerFeature } from '../feature';
import { identifierAt, cancelledBy } from '../symbolAt';
import { semanticLocalReferences } from '../semanticDocuments';

/**
 * At most this many locations in one answer, as clangd (`--limit-references`, 1000 by default) does: `NULL` has
 * about 300k uses in a kernel tree, a 41 MB answer that took 56 s to encode and send and held up every request
 * behind it, for a list no one reads. The file the user is in comes first.
 */
export const MAX_REFERENCES = 10_000;

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
      if (!index || token.isCancellationRequested) return null;
      const references = await index.findReferences(word.name, {
        isCancelled: cancelledBy(token),
        limit: MAX_REFERENCES + 1,
        firstFile: ctx.relativePathOfUri(params.textDocument.uri),
      });
      if (references.length > MAX_REFERENCES) {
        references.length = MAX_REFERENCES;
        ctx.log(
          `references: ${word.name} is used more than ${MAX_REFERENCES} times; the first ${MAX_REFERENCES} are listed (this file's first)`,
        );
      }
      return references
        .filter((reference) => params.context.includeDeclaration || !reference.isDefinition)
        .map((reference) => ({ uri: ctx.uriOfRelativePath(reference.file), range: reference.range }));
    });
  },
};
