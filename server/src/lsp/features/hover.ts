import * as path from 'path';
import { fileURLToPath } from 'url';
import type { Hover } from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { hoverAt } from '../../knowledge/hoverContent';
import { getCatalog, type Catalog } from '../../knowledge/catalog';
import { semanticDocuments } from '../semanticDocuments';
import { threadServiceFor } from '../threadServiceHost';
import { opsTablesFor } from '../opsTableAccess';
import { HOVER_INSTALL_FILES } from '../../knowledge/opsTables';

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
    const threads = threadServiceFor(ctx);
    // Loaded on the first hover or once the full index is there, not during `initialize`: parsing and checking the
    // catalog takes a few hundred milliseconds, which a warm start spends answering from the cache instead.
    let loaded: Catalog | undefined;
    const catalogOf = (): Catalog => {
      if (loaded) return loaded;
      loaded = getCatalog();
      if (loaded.problems.length)
        ctx.log(
          `catalog: ${loaded.problems.length} problem(s): ${loaded.problems
            .slice(0, 5)
            .map((p) => `${p.file}: ${p.message}`)
            .join(' | ')}`,
        );
      return loaded;
    };
    ctx.onIndexReady(() => setImmediate(catalogOf));

    const semantics = semanticDocuments(ctx);
    ctx.connection.onHover(async (params, token): Promise<Hover | null> => {
      const uri = params.textDocument.uri;
      if (!ctx.documents.get(uri) || token.isCancellationRequested) return null;
      const settings = ctx.settings();
      const index = ctx.currentIndex();
      // Next to clangd (complement mode), locals, members and untracked symbols of files it builds are its job.
      const trackedOnly = !settings.genericNavigation || !ctx.answersGenericFor(uri);
      const resolver = await semantics.resolver(index);
      const ops = index ? (await opsTablesFor(ctx, index)).ops : undefined;
      const tree = await ctx.documents.tree(uri);
      // No await from here on: the tree is valid until the next edit. A hover cancelled or superseded while it
      // waited is answered already: computing it would only delay the requests behind it.
      const document = ctx.documents.get(uri);
      if (!document || token.isCancellationRequested) return null;
      const file = ctx.relativePathOfUri(uri);
      const text = document.getText();
      try {
        const result = hoverAt({
          semantics: tree
            ? { resolver, document: file === undefined ? { text, tree } : { file, text, tree } }
            : undefined,
          text,
          fileName: fileNameOf(params.textDocument.uri),
          line: params.position.line,
          character: params.position.character,
          index,
          indexPending: !index && !!ctx.root,
          version: ctx.kernelVersion(),
          changes: treeChangesOrNothing(ctx),
          relativePath: ctx.relativePathOfUri(params.textDocument.uri),
          catalog: catalogOf(),
          commandLinks: true,
          trackedOnly,
          // The same list as the code lens and the thread list (mail still being read: what is in so far).
          threads: (name) => threads.peekThreads(name),
          // A callback says where it is installed (`installed in: dev_pagemap_ops.migrate_to_ram (file:line)`).
          installedIn: ops && ((name) => ops.installationsOf(name, HOVER_INSTALL_FILES)),
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

/** The evidence service, or nothing when it fails: the hover still has its curated text. */
function treeChangesOrNothing(ctx: ServerContext) {
  try {
    return ctx.treeChanges();
  } catch (err) {
    ctx.log(`tree changes unavailable: ${(err as Error)?.message ?? err}`);
    return undefined;
  }
}

function fileNameOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? path.basename(fileURLToPath(uri)) : path.posix.basename(uri);
  } catch {
    return uri;
  }
}
