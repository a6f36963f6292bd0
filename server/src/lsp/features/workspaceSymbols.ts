import type { ServerFeature } from '../feature';
import { symbolKindOf, cancelledBy } from '../symbolAt';

/** Workspace symbols: exact name, then prefix, then fuzzy (subsequence) matches over the whole tree. */
export const workspaceSymbolsFeature: ServerFeature = {
  name: 'workspaceSymbols',
  generic: true,
  wholeTree: true,
  capabilities: () => ({ workspaceSymbolProvider: true }),
  register(ctx) {
    ctx.connection.onWorkspaceSymbol(async (params, token) => {
      const index = ctx.currentIndex() ?? (await ctx.waitForIndex(cancelledBy(token)));
      if (!index || params.query.trim() === '') return [];
      return index.searchSymbols(params.query, { limit: 200, isCancelled: cancelledBy(token) }).map((d) => ({
        name: d.name,
        kind: symbolKindOf(d.kind),
        containerName: d.container ?? d.file,
        location: { uri: ctx.uriOfRelativePath(d.file), range: d.nameRange },
      }));
    });
  },
};
