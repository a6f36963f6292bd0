import * as fs from 'fs';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import type { KernelIndex } from '../../indexing/types';
import { identifierAt, locationOf, cancelledBy } from '../symbolAt';
import { resolveInclude } from '../includes';
import { semanticDefinition } from '../semanticDocuments';
import { isMemberAccessAt, isTagAt, orderedDefinitions } from '../../indexing/definitionOrder';

const MAX_ANSWERS = 200;
const MAX_RANKED_FILE_BYTES = 4 * 1024 * 1024;

/** An open buffer's text, else the file's on disk (bounded), for the configuration's regions. */
function textOfTreeFile(ctx: ServerContext, index: KernelIndex, file: string): string | undefined {
  const open = ctx.documents.get(ctx.uriOfRelativePath(file));
  if (open) return open.getText();
  try {
    const absolute = index.absolutePath(file);
    if (fs.statSync(absolute).size > MAX_RANKED_FILE_BYTES) return undefined;
    return fs.readFileSync(absolute, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Go to definition: a local or a member from the semantic services (semantics/: the document's scopes, the
 * object's type), else across the whole tree in the order of definitionOrder.ts: the asking file's own
 * definition, reachable ones, the same directory, by kind, by architecture; struct members only for member
 * accesses.
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
      // Cancelled or superseded while waiting: answered already, the ranking below (it reads files) is not needed.
      if (!index || token.isCancellationRequested) return null;
      if (early?.member) {
        const member = await semanticDefinition(ctx, params.textDocument.uri, params.position, index);
        if (member?.locations) return member.locations;
        if (token.isCancellationRequested) return null;
      }
      const include = resolveInclude(document, params.position, index, ctx.relativePathOfUri(params.textDocument.uri));
      if (include)
        return include.map((file) => ({
          uri: ctx.uriOfRelativePath(file),
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        }));
      const word = identifierAt(document, params.position);
      if (!word) return null;
      const text = document.getText();
      const definitions = orderedDefinitions(index, {
        name: word.name,
        sourceText: text,
        file: ctx.relativePathOfUri(params.textDocument.uri),
        isMember: isMemberAccessAt(text, document.offsetAt(word.range.start)),
        isTag: isTagAt(text, document.offsetAt(word.range.start)),
        line: word.range.start.line,
        character: word.range.start.character,
        preferredArch: ctx.settings().preferredArch,
      });
      // A member name used across the tree (`p->flags`: 6,063 fields) would answer thousands of locations nobody
      // reads; the first ones in order are what a reader looks at (issue 18 resolves the member's type).
      // The configuration in use puts the live definition first (the #else stub of a configured-in feature last).
      const ranked = ctx.configuration.rankByLiveness(definitions, (file) => textOfTreeFile(ctx, index, file));
      return ranked.slice(0, MAX_ANSWERS).map((d) => locationOf(ctx, d));
    });
  },
};
