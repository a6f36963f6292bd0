import { InlayHintKind, type InlayHint } from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import { loadCallContext } from '../../annotations/callContext';
import { callContextHints } from '../../annotations/callHints';
import { getCatalog } from '../../knowledge/catalog';
import type { FallbackHint } from '../../annotations/callHints';

/** The symbol catalog's `callContext.after`, for calls the call-context data does not cover (no catalog: none). */
function catalogFallback(log: (message: string) => void): FallbackHint {
  try {
    const catalog = getCatalog();
    return (name) => {
      const entry = catalog.lookup(name);
      const context = entry?.callContext;
      return context?.after
        ? { hint: context.after, release: context.release ?? [], sources: entry!.sources }
        : undefined;
    };
  } catch (err) {
    log(`inlay hints: catalog unavailable (${String(err)})`);
    return () => undefined;
  }
}

/**
 * `textDocument/inlayHint`: lock/reference context after tracked calls (data: server/data/call-context/).
 * Computed from the document's current tree for the requested (visible) range only; no index needed.
 */
export const inlayHintsFeature: ServerFeature = {
  name: 'inlayHints',
  capabilities: () => ({ inlayHintProvider: { resolveProvider: false } }),
  register(ctx) {
    let fallback: FallbackHint | undefined;
    ctx.connection.languages.inlayHint.on(async (params, token): Promise<InlayHint[]> => {
      if (!ctx.settings().inlayHints) return [];
      if (token.isCancellationRequested) return [];
      const tree = await ctx.documents.tree(params.textDocument.uri);
      // Once the tree is there the hints of the range are quick: they are computed even when the request's time
      // budget ran out while the parse (shared by every request on this version) went on; answering nothing then
      // threw that wait away (on a loaded machine the first request after opening a file could, issue 17).
      if (!tree) return [];
      const catalog = loadCallContext();
      const version = ctx.kernelVersion();
      fallback ??= catalogFallback((message) => ctx.log(message));
      return callContextHints(tree, params.range, catalog, version, fallback).map((hint) => ({
        position: { line: hint.line, character: hint.character },
        label: hint.label,
        kind: InlayHintKind.Parameter,
        // The full sentence: the label is cut to what fits in VS Code's default maximum length.
        tooltip: hint.tooltip,
        paddingLeft: true,
      }));
    });
    ctx.onSettingsChanged(() => void ctx.connection.languages.inlayHint.refresh().catch(() => undefined));
  },
};
