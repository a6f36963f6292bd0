import type { ServerFeature } from '../feature';
import { symbolKindOf, cancelledBy } from '../symbolAt';

/**
 * Workspace symbols: exact name, then prefix, then fuzzy (subsequence) matches over the whole tree. The container is
 * what the symbol belongs to (a struct for a member), or "declaration" for a prototype: never the file, which
 * editors already print next to it (VS Code showed "include/linux/pagewalk.h • include/linux/pagewalk.h").
 */
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
        containerName: d.container ?? (d.isDeclaration ? 'declaration' : undefined),
        location: { uri: ctx.uriOfRelativePath(d.file), range: d.nameRange },
      }));
    });
  },
};
