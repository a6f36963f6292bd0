import type { MissingRelease } from './releaseAnalysis';

/**
 * The missing-release rule's wording: what a finding of releaseAnalysis.ts says to the developer (the LSP
 * diagnostics are made in lsp/features/missingRelease.ts, the accuracy check reads the same text).
 */
export const MISSING_RELEASE_CODE = 'missing-release';

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
