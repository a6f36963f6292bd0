import type { ServerFeature } from '../feature';
import { symbolKindOf, cancelledBy } from '../symbolAt';
import { treeText } from '../treeText';
import { describeInactive } from '../../configuration/configurationService';

/**
 * Workspace symbols: exact name, then prefix, then fuzzy (subsequence) matches over the whole tree. The container is
 * what the symbol belongs to (a struct for a member), or "declaration" for a prototype: never the file, which
 * editors already print next to it (VS Code showed "include/linux/pagewalk.h • include/linux/pagewalk.h"). With a
 * kernel configuration, a name's definitions compiled in it come first and the others say why they are not.
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
      const found = index.searchSymbols(params.query, { limit: 200, isCancelled: cancelledBy(token) });
      // With a configuration: a name's compiled definition before its #else stub, the inactive ones marked why.
      const ranked = ctx.configuration.rankWithinNames(found, (file) => treeText(ctx, index, file));
      return ranked.map(({ item: d, liveness }) => {
        const container = d.container ?? (d.isDeclaration ? 'declaration' : undefined);
        const inactive = liveness.region && `inactive: ${describeInactive(liveness.region)}`;
        return {
          name: d.name,
          kind: symbolKindOf(d.kind),
          containerName: inactive ? (container ? `${container} · ${inactive}` : inactive) : container,
          location: { uri: ctx.uriOfRelativePath(d.file), range: d.nameRange },
        };
      });
    });
  },
};
