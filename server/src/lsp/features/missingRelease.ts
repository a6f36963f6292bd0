import type { Diagnostic } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { missingReleaseDiagnostics } from '../../annotations/missingRelease';

/**
 * The missing-release rule as a diagnostics provider. Not a publisher of its own: the lint feature publishes
 * one merged diagnostics list per document (two publishers for one URI would overwrite each other), so it
 * calls this and appends the result. Honours `kernelMmLens.missingReleaseCheck`.
 */
export async function missingReleaseDiagnosticsFor(ctx: ServerContext, uri: string): Promise<Diagnostic[]> {
  if (!ctx.settings().missingReleaseCheck) return [];
  const document = ctx.documents.get(uri);
  if (!document) return [];
  const tree = await ctx.documents.tree(uri);
  // The store may replace the tree on the next edit: use it synchronously, right now.
  if (!tree || ctx.documents.get(uri)?.version !== document.version) return [];
  try {
    return missingReleaseDiagnostics(document, tree);
  } catch (err) {
    ctx.log(`missing-release: ${uri}: ${(err as Error).message}`);
    return [];
  }
}
