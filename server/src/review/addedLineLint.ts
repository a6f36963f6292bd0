import { kernelFileKind } from '../parsing/kernelFiles';
import { lintText } from '../lint/linter';
import type { LintRuleSet } from '../lint/rules';
import type { SeverityPolicy } from '../lint/severity';
import type { AppliedFile } from './treeOverlay';
import type { PatchMessage, ReviewFindingJson } from './types';

/**
 * The removed-API lint on the lines a patch adds, and only on those: the lint service reads the whole post-image
 * (so a `+` line is seen in its real context: code, `#if`, macro body, definition) and the findings on context or
 * removed lines are dropped. Severity is the lint's own, for the tree's release (a `pmd_devmap()` added to a 6.18
 * tree is an error; in 6.12 it is forward-porting advice). A hunk that does not apply is linted on its own new
 * side (context and added lines), so its added lines are still checked, with no tree position.
 */

export interface LintPolicy extends SeverityPolicy {
  rules: LintRuleSet;
}

export function lintAddedLines(patch: PatchMessage, files: AppliedFile[], policy: LintPolicy): ReviewFindingJson[] {
  const findings: ReviewFindingJson[] = [];
  for (const applied of files) {
    const name = applied.diff.newPath;
    if (!name || !kernelFileKind(name)) continue;
    // Post-image line -> input line of the `+` line that put it there.
    const added = new Map<number, number | null>();
    for (const hunk of applied.hunks) {
      if (!hunk.applies) continue;
      hunk.hunk.lines.forEach((line, index) => {
        if (line.kind === '+') added.set(hunk.newLineOf.get(index)!, line.inputLine ?? null);
      });
    }
    if (added.size > 0 && applied.after) {
      for (const finding of lintText(applied.after.join('\n'), name, policy)) {
        const line = finding.range.start.line + 1;
        if (!added.has(line)) continue;
        findings.push(toFinding(finding, name, line, patch.inputFile, added.get(line) ?? null));
      }
    }
    for (const hunk of applied.hunks) {
      if (hunk.applies) continue;
      // Lint the hunk's new side as a fragment: context gives the added lines their surroundings.
      const fragment = hunk.hunk.lines.filter((line) => line.kind !== '-');
      const text = fragment.map((line) => line.text).join('\n');
      for (const finding of lintText(text, name, { ...policy, fragment: true })) {
        const line = fragment[finding.range.start.line];
        if (line?.kind !== '+') continue;
        findings.push(toFinding(finding, name, null, patch.inputFile, line.inputLine ?? null));
      }
    }
  }
  return findings;
}

function toFinding(
  finding: ReturnType<typeof lintText>[number],
  file: string,
  line: number | null,
  patchFile: string,
  patchLine: number | null,
): ReviewFindingJson {
  return {
    rule: finding.code,
    severity: finding.severity,
    message: finding.message,
    file,
    line,
    patchFile,
    patchLine,
  };
}
