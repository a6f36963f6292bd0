import * as path from 'path';
import { fileURLToPath } from 'url';
import type { Hover } from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { hoverAt } from '../../knowledge/hoverContent';
import { getCatalog } from '../../knowledge/catalog';

/**
 * Kernel-aware hover (not a generic feature: it stays on for clangd users). On a catalog symbol anywhere -
 * call site, definition, macro body, `#if` condition, Kconfig `select`/`depends on` - it explains the symbol,
 * its status for this tree's kernel version and links its review threads and lifecycle diagram. Other
 * indexed symbols get signature + kernel-doc + location unless generic navigation is switched off.
 */
export const hoverFeature: ServerFeature = {
  name: 'hover',
  capabilities: () => ({ hoverProvider: true }),
  register(ctx: ServerContext) {
    const catalog = getCatalog();
    if (catalog.problems.length)
      ctx.log(
        `catalog: ${catalog.problems.length} problem(s): ${catalog.problems
          .slice(0, 5)
          .map((p) => `${p.file}: ${p.message}`)
          .join(' | ')}`,
      );

    ctx.connection.onHover((params, token): Hover | null => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document || token.isCancellationRequested) return null;
      const settings = ctx.settings();
      const index = ctx.currentIndex();
      try {
        const result = hoverAt({
          text: document.getText(),
          fileName: fileNameOf(params.textDocument.uri),
          line: params.position.line,
          character: params.position.character,
          index,
          indexPending: !index && !!ctx.root,
          version: ctx.kernelVersion(),
          catalog,
          commandLinks: true,
          trackedOnly: !settings.genericNavigation,
        });
        if (!result) return null;
        const { target } = result;
        return {
          contents: { kind: 'markdown', value: result.markdown },
          range: {
            start: { line: target.line, character: target.startCharacter },
            end: { line: target.line, character: target.endCharacter },
          },
        };
      } catch (err) {
        ctx.log(
          `hover failed at ${params.textDocument.uri}:${params.position.line + 1}: ${(err as Error)?.message ?? err}`,
        );
        return null;
      }
    });
  },
};

function fileNameOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? path.basename(fileURLToPath(uri)) : path.posix.basename(uri);
  } catch {
    return uri;
  }
}
