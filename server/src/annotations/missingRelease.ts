import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree, Node } from 'web-tree-sitter';
import { loadCallContext, type CallContextCatalog } from './callContext';
import { findMissingReleases, type MissingRelease } from './releaseAnalysis';

/**
 * Diagnostics of the missing-release rule for one document. The lint publisher merges these into its
 * per-document diagnostics (two publishers for one URI would overwrite each other).
 */
export const MISSING_RELEASE_CODE = 'missing-release';
export const DIAGNOSTIC_SOURCE = 'kernel-mm-lens';

export function missingReleaseDiagnostics(
  document: TextDocument,
  tree: Tree,
  catalog: CallContextCatalog = loadCallContext(),
): Diagnostic[] {
  return findMissingReleases(tree.rootNode, catalog).map((finding) => toDiagnostic(document.uri, finding));
}

export function describeMissingRelease(finding: MissingRelease): string {
  const { obligation, exit, functionName } = finding;
  const acquire = obligation.entry.name;
  const line = obligation.call.startPosition.row + 1;
  const releases = obligation.held.releasedBy.map((name) => `${name}()`).join(' or ');
  const where = exit.type === 'return_statement' ? 'this return' : `the end of ${functionName}()`;
  const failure =
    obligation.entry.failure === 'none'
      ? ''
      : ` A path where ${acquire}() failed needs no release: test its result (${failureTest(obligation.entry.failure, obligation.resultVar ?? `${acquire}(...)`)}) before returning.`;
  return (
    `${acquire}() on line ${line} leaves the ${obligation.held.what} held, but ${where} is reached without ${releases}. ` +
    `Rule: every path that leaves ${functionName}() after a successful ${acquire}() releases it first, or hands it to the caller ` +
    `(returns it or stores it outside the function).${failure}`
  );
}

function failureTest(kind: string, tested: string): string {
  switch (kind) {
    case 'null':
    case 'false':
      return `if (!${tested})`;
    case 'nonzero':
      return `if (${tested})`;
    case 'err-ptr':
      return `if (IS_ERR(${tested}))`;
    default:
      return `if (IS_ERR_OR_NULL(${tested}))`;
  }
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
