import { sanitiseLine } from '../lore/renderThread';
import type { ReviewFindingJson, ReviewResult, ReviewSeverity } from './types';

/**
 * Output of `kernel-mm-lens review`: the JSON result as is, SARIF 2.1.0 (each finding at the `+` line of the
 * patch file, the post-image position in the tree as a related location), and a text report for terminals
 * (gcc-style finding lines on the patch file, which editors' problem matchers read, then symbols, threads and the
 * version comparison). Mail text is untrusted: every line printed goes through sanitiseLine.
 */

const GCC_LEVEL: Record<ReviewSeverity, string> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};
const SARIF_LEVEL: Record<ReviewSeverity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

export function formatReviewJson(result: ReviewResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function findingLine(finding: ReviewFindingJson): string {
  const where = finding.patchLine !== null ? `${finding.patchFile}:${finding.patchLine}:1` : `${finding.patchFile}`;
  const tree = finding.file ? ` (${finding.file}${finding.line !== null ? `:${finding.line}` : ''})` : '';
  return `${sanitiseLine(where)}: ${GCC_LEVEL[finding.severity]}: ${sanitiseLine(finding.message)} [${finding.rule}]${sanitiseLine(tree)}`;
}

export function formatReviewText(result: ReviewResult): string {
  const out: string[] = [];
  result.patches.forEach((patch, i) => {
    const applied = patch.hunks.filter((h) => h.applies).length;
    out.push(
      `[${i + 1}/${result.patches.length}] v${patch.version} ${sanitiseLine(patch.subject || '(diff without a subject)')}`,
      `      ${patch.hunks.length} hunk${patch.hunks.length === 1 ? '' : 's'}, ${applied} appl${applied === 1 ? 'ies' : 'y'} to the tree; patch-id ${patch.patchId ?? '-'}`,
    );
  });
  out.push('', result.findings.length ? 'Findings (on added lines and touched functions):' : 'Findings: none.');
  for (const finding of result.findings) out.push(findingLine(finding));
  out.push('', result.symbols.length ? 'Tracked symbols:' : 'Tracked symbols: none touched.');
  for (const symbol of result.symbols) {
    out.push(`  ${sanitiseLine(symbol.name)} (${symbol.relations.join(', ')}; patch ${symbol.patches.join(', ')})`);
    out.push(`      ${sanitiseLine(symbol.summary)}`);
    out.push(`      ${sanitiseLine(symbol.status)}`);
  }
  if (result.threads.length) {
    out.push('', 'Review threads:');
    for (const thread of result.threads) {
      const about = thread.reason === 'earlier-version' ? 'earlier version' : thread.symbols.join(', ');
      out.push(
        `  ${thread.date.slice(0, 10).padEnd(10)} ${sanitiseLine(thread.subject)}  [${sanitiseLine(about)}]`,
        `      ${thread.url || `<${sanitiseLine(thread.messageId)}>`}`,
      );
    }
  }
  const v = result.versions;
  if (v.previous) {
    out.push('', `Compared with v${v.previous.version} (${sanitiseLine(v.previous.source)}):`);
    for (const p of v.added) out.push(`  added:     ${sanitiseLine(p.subject)}`);
    for (const p of v.dropped) out.push(`  dropped:   ${sanitiseLine(p.subject)}`);
    for (const p of v.changed) out.push(`  changed:   ${sanitiseLine(p.current.subject)}`);
    for (const p of v.unchanged) out.push(`  unchanged: ${sanitiseLine(p.current.subject)}`);
    if (v.possiblyUnaddressed.length) out.push('', 'Possibly unaddressed comments on the earlier version:');
    for (const item of v.possiblyUnaddressed) {
      out.push(`  ${sanitiseLine(item.author)} on ${sanitiseLine(item.patch)}  ${item.url}`);
      for (const quoted of item.quoted) out.push(`      > ${sanitiseLine(quoted)}`);
      out.push(`      ${sanitiseLine(item.comment.split('\n')[0])}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** SARIF 2.1.0: results on the patch file's lines; the post-image position in the tree as a related location. */
export function formatReviewSarif(result: ReviewResult, options: { toolVersion: string; treeUri?: string }): string {
  const ruleIds = [...new Set(result.findings.map((f) => f.rule))].sort();
  const results = result.findings.map((finding) => {
    const location = (uri: string, line: number | null, base?: string) => ({
      physicalLocation: {
        artifactLocation: { uri: encodeURI(uri), ...(base ? { uriBaseId: base } : {}) },
        ...(line !== null ? { region: { startLine: line } } : {}),
      },
    });
    const entry: Record<string, unknown> = {
      ruleId: finding.rule,
      ruleIndex: ruleIds.indexOf(finding.rule),
      level: SARIF_LEVEL[finding.severity],
      message: { text: finding.message.replace(/\s+/g, ' ').trim() },
      locations: [location(finding.patchFile, finding.patchLine)],
    };
    if (finding.file)
      entry.relatedLocations = [
        { id: 1, ...location(finding.file, finding.line, 'SRCROOT'), message: { text: 'post-image in the tree' } },
      ];
    return entry;
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kernel-mm-lens review',
            version: options.toolVersion,
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: RULE_TEXT[id] ?? id } })),
          },
        },
        ...(options.treeUri ? { originalUriBaseIds: { SRCROOT: { uri: options.treeUri } } } : {}),
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

const RULE_TEXT: Record<string, string> = {
  'removed-api': 'An added line uses an API removed upstream',
  'removed-api-definition': 'An added line defines an API removed upstream',
  'missing-release': 'A touched function returns without releasing what a tracked call took',
  'hunk-does-not-apply': 'A hunk whose context is not in the tree',
};
