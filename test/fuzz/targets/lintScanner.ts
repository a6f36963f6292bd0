/**
 * Fuzz target: the removed-API lint on arbitrary text, read as C, Kconfig and Makefile. It must not throw or
 * hang; every finding's offsets must cover exactly the text it names, its range must lie inside the document,
 * and its fix edits must apply.
 */
import { parseKernelVersion } from '../../../server/src/base/kernelVersion';
import { applyEdits, fixAllEdits, lintText, type LintFileKind } from '../../../server/src/lint/linter';
import { defaultLintRules } from '../../../server/src/lint/rules';
import { checkPosition, lineLengths } from '../positions';

const rules = defaultLintRules();
const version = parseKernelVersion('6.17');
const KINDS: LintFileKind[] = ['c', 'kconfig', 'makefile'];

export function fuzz(data: Buffer): void {
  // The first byte picks the reader, so one corpus serves all three.
  const kind = KINDS[(data[0] ?? 0) % KINDS.length];
  const text = data.subarray(1).toString('utf8');
  const lines = lineLengths(text);
  const findings = lintText(text, 'fuzz', { rules, kind, version });
  for (const finding of findings) {
    if (finding.start < 0 || finding.end > text.length || finding.start > finding.end)
      throw new Error(`finding ${finding.display}: offsets [${finding.start}, ${finding.end}) outside the text`);
    checkPosition(lines, finding.range.start, `finding ${finding.display} start`);
    checkPosition(lines, finding.range.end, `finding ${finding.display} end`);
  }
  const edits = fixAllEdits(findings);
  for (const edit of edits)
    if (edit.start < 0 || edit.end > text.length || edit.start > edit.end) throw new Error('fix edit outside the text');
  applyEdits(text, edits);
}
