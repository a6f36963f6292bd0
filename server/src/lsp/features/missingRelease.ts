import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { missingReleaseDiagnostics, MISSING_RELEASE_CODE } from '../../annotations/missingRelease';

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * The missing-release rule as a diagnostics provider. Not a publisher of its own: the lint feature publishes
 * one merged diagnostics list per document (two publishers for one URI would overwrite each other), so it
 * calls this and appends the result. Honours `kernelMmLens.missingReleaseCheck` and a
 * `kernelMmLens.lintSeverity` override for `missing-release` ("off" turns it off too).
 */
export async function missingReleaseDiagnosticsFor(ctx: ServerContext, uri: string): Promise<Diagnostic[]> {
  const settings = ctx.settings();
  const override = settings.lintSeverity?.[MISSING_RELEASE_CODE];
  if (!settings.missingReleaseCheck || override === 'off') return [];
  const document = ctx.documents.get(uri);
  if (!document) return [];
  const tree = await ctx.documents.tree(uri);
  // The store may replace the tree on the next edit: use it synchronously, right now.
  if (!tree || ctx.documents.get(uri)?.version !== document.version) return [];
  try {
    const diagnostics = missingReleaseDiagnostics(document, tree);
    const severity = override ? SEVERITY[override] : undefined;
    return severity ? diagnostics.map((d) => ({ ...d, severity })) : diagnostics;
  } catch (err) {
    ctx.log(`missing-release: ${uri}: ${(err as Error).message}`);
    return [];
  }
}
