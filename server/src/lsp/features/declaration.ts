import type { ServerFeature } from '../feature';
import { identifierAt, locationOf, cancelledBy } from '../symbolAt';

/** Go to declaration: prototypes, extern declarations (falls back to the definitions for macros and types). */
export const declarationFeature: ServerFeature = {
  name: 'declaration',
  generic: true,
  capabilities: () => ({ declarationProvider: true }),
  register(ctx) {
    ctx.connection.onDeclaration(async (params, token) => {
      const document = ctx.documents.get(params.textDocument.uri);
      const word = document && identifierAt(document, params.position);
      if (!word) return null;
      const index = await ctx.waitForIndex(cancelledBy(token));
      if (!index) return null;
      const declarations = index.findDeclarations(word.name);
      return (declarations.length > 0 ? declarations : index.findDefinitions(word.name)).map((d) => locationOf(ctx, d));
    });
  },
};
