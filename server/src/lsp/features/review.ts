import * as path from 'path';
import { Requests, type ReviewFindingWire, type ReviewPatchParams, type ReviewPatchResult } from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { threadServiceFor } from '../threadServiceHost';
import { formatKernelVersion } from '../../base/kernelVersion';
import { describeError } from '../../base/errors';
import { sanitiseLine } from '../../lore/renderThread';
import { patchInputFromFiles } from '../../review/patchInput';
import { reviewPatches } from '../../review/reviewEngine';
import { formatReviewText } from '../../review/reviewFormats';
import { draftReply, messageOfFinding } from '../../review/replyDraft';

/**
 * `kernelMmLens/reviewPatch {paths, previous?, threads?}`: the editor's "Review Patch or Series…" asks the same
 * review engine as `kernel-mm-lens review` and the MCP `review_patch` tool, against the workspace tree, with the
 * server's one thread service (the configured mail and lei answers), the tree's release and the lint severity
 * settings. The answer carries the CLI's text report, the findings located on the patch files (the client shows
 * them in Problems) and, per finding, a draft reply quoting the lines it is about.
 */

/** Findings returned (a huge series is reported by count in the report; Problems stays usable). */
const MAX_FINDINGS = 1000;

async function review(ctx: ServerContext, params: ReviewPatchParams): Promise<ReviewPatchResult> {
  const paths = absolutePaths(params?.paths);
  const version = ctx.kernelVersion();
  const kernelVersion = version ? formatKernelVersion(version) : null;
  if (paths.length === 0)
    return { report: '', findings: [], patches: 0, kernelVersion, problems: ['No patch file or folder given.'] };
  const input = patchInputFromFiles(paths);
  if (input.patches.length === 0)
    return {
      report: '',
      findings: [],
      patches: 0,
      kernelVersion,
      problems: input.problems.length ? input.problems.map(sanitiseLine) : ['No patch found in the input.'],
    };
  const previousPaths = absolutePaths(params.previous);
  const previous = previousPaths.length
    ? { input: patchInputFromFiles(previousPaths), source: previousPaths.join(', ') }
    : undefined;
  const started = Date.now();
  const { result, problems } = await reviewPatches(input, {
    root: ctx.root,
    version,
    overrides: ctx.settings().lintSeverity,
    threads: params.threads === false ? undefined : threadServiceFor(ctx),
    previous,
    log: (message) => ctx.log(`review: ${message}`),
  });
  ctx.log(
    `review: ${input.patches.length} patch(es), ${result.findings.length} finding(s) in ${Date.now() - started} ms`,
  );
  const findings: ReviewFindingWire[] = result.findings.slice(0, MAX_FINDINGS).map((finding) => ({
    rule: finding.rule,
    severity: finding.severity,
    message: sanitiseLine(finding.message),
    file: finding.file,
    line: finding.line,
    patchFile: finding.patchFile,
    patchLine: finding.patchLine,
    patchSubject: sanitiseLine(messageOfFinding(input, finding)?.subject ?? ''),
    draftReply: draftReply(input, finding),
  }));
  return {
    report: formatReviewText(result),
    findings,
    patches: result.patches.length,
    kernelVersion,
    problems: [...(previous?.input.problems ?? []), ...problems].map(sanitiseLine),
  };
}

function absolutePaths(paths: unknown): string[] {
  if (!Array.isArray(paths)) return [];
  return paths.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p)).slice(0, 500);
}

export const reviewFeature: ServerFeature = {
  name: 'review',
  capabilities: () => ({}),
  register(ctx: ServerContext) {
    ctx.connection.onRequest(Requests.reviewPatch, async (params): Promise<ReviewPatchResult> => {
      try {
        return await review(ctx, params);
      } catch (error) {
        ctx.log(`review failed: ${describeError(error)}`);
        return {
          report: '',
          findings: [],
          patches: 0,
          kernelVersion: null,
          problems: [`The review failed: ${sanitiseLine((error as Error)?.message ?? String(error))}`],
        };
      }
    });
  },
};
