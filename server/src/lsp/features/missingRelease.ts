import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Node, Tree } from 'web-tree-sitter';
import type { ServerContext } from '../context';
import { describeMissingRelease, MISSING_RELEASE_CODE } from '../../annotations/missingRelease';
import { loadCallContext, type CallContextCatalog } from '../../annotations/callContext';
import {
  findMissingReleases,
  type AnalysisOptions,
  type AnalysisStats,
  type MissingRelease,
} from '../../annotations/releaseAnalysis';

const DIAGNOSTIC_SOURCE = 'kernel-mm-lens';

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
    const stats: AnalysisStats = { functions: 0, gaveUp: 0, gaveUpIn: [], reasons: [] };
    // A newer version of the document makes this answer stale: stop between functions.
    const isCancelled = () => ctx.documents.get(uri)?.version !== document.version;
    const diagnostics = missingReleaseDiagnostics(document, tree, loadCallContext(), { stats, isCancelled });
    // A partial answer says so: the functions left out get no warning, and the log names them and why.
    stats.gaveUpIn.forEach((name, k) =>
      ctx.log(
        `missing-release: ${uri}: ${name}() not analysed (${stats.reasons?.[k] ?? 'over budget'}): no warning for it`,
      ),
    );
    const severity = override ? SEVERITY[override] : undefined;
    return severity ? diagnostics.map((d) => ({ ...d, severity })) : diagnostics;
  } catch (err) {
    ctx.log(`missing-release: ${uri}: ${(err as Error).message}`);
    return [];
  }
}

/** Diagnostics of the missing-release rule for one document. */
export function missingReleaseDiagnostics(
  document: TextDocument,
  tree: Tree,
  catalog: CallContextCatalog = loadCallContext(),
  options: AnalysisOptions & { stats?: AnalysisStats } = {},
): Diagnostic[] {
  return findMissingReleases(tree.rootNode, catalog, options.stats, options).map((finding) =>
    toDiagnostic(document.uri, finding),
  );
}

function toDiagnostic(uri: string, finding: MissingRelease): Diagnostic {
  const start = rangeStart(finding.exit);
  return {
    range: {
      start,
      end: { line: start.line, character: start.character + (finding.exit.type === 'return_statement' ? 6 : 1) },
    },
    severity: DiagnosticSeverity.Warning,
    code: MISSING_RELEASE_CODE,
    source: DIAGNOSTIC_SOURCE,
    message: describeMissingRelease(finding),
    relatedInformation: [
      {
        location: { uri, range: nodeRange(finding.obligation.call) },
        message: `${finding.obligation.entry.name}() takes the ${finding.obligation.held.what} here`,
      },
    ],
  };
}

function rangeStart(node: Node) {
  return { line: node.startPosition.row, character: node.startPosition.column };
}

function nodeRange(node: Node) {
  return { start: rangeStart(node), end: { line: node.endPosition.row, character: node.endPosition.column } };
}
