import { kernelFileKind, languageOfKind, type KernelFileLanguage } from '../parsing/kernelFiles';
import type { TokenStream } from '../parsing/lexer';
import { computeFix } from './fixes';
import { applyPremise } from './fixPremise';
import { removalLink, type LintRuleSet } from './rules';
import { scanC } from './scanC';
import { scanKconfig, scanMakefile, type LineMatch } from './scanKconfig';
import { judge, rankProviderUses, type SeverityPolicy } from './severity';
import type { Finding, MatchContext, MechanicalFix, OffsetEdit, SymbolEntry } from './ruleTypes';
import { regionAt, type InactiveRegion } from '../parsing/inactiveRegions';

export type LintFileKind = KernelFileLanguage;

/** Kconfig, Makefiles and make fragments by name (parsing/kernelFiles.ts); everything else is read as C. */
function fileKindOf(fileName: string): LintFileKind {
  const kind = kernelFileKind(fileName);
  return kind ? languageOfKind(kind) : 'c';
}

export interface LintOptions extends SeverityPolicy {
  rules: LintRuleSet;
  kind?: LintFileKind;
  /**
   * The regions a kernel configuration leaves out of this file (configuration/): findings there are dropped, since
   * that code is not compiled. Absent: every configuration (all code is linted).
   */
  inactiveRegions?: (fileName: string, text: string) => readonly InactiveRegion[];
  /**
   * The text is a piece of a file (a patch hunk that does not apply), not the file: whether the file defines the
   * API cannot be told from it (a piece that starts inside a comment reads its prose as code), so uses keep the
   * severity of a use instead of ranking with the definitions (rankProviderUses).
   */
  fragment?: boolean;
}

/** Lints one file's text. Findings are in text order; each carries its mechanical fix, when one is safe. */
export function lintText(text: string, fileName: string, options: LintOptions): Finding[] {
  const kind = options.kind ?? fileKindOf(fileName);
  const findings: Finding[] = [];
  if (kind === 'c') {
    const { tokens, matches } = scanC(text, options.rules);
    for (const match of matches) {
      const start = tokens.start[match.token];
      const end = tokens.end[match.token];
      const line = tokens.line[match.token];
      const column = tokens.column(match.token);
      const lineStart = tokens.lineStarts[line];
      const nextLineStart = line + 1 < tokens.lineCount ? tokens.lineStarts[line + 1] : text.length;
      const matched = tokens.tokenText(match.token);
      const display = displayName(match.entry, match.context === 'include' ? match.entry.name : matched);
      const endPosition = tokens.positionAt(end);
      push(findings, options, text, match.entry, match.context, match.isDefinition, display, {
        start,
        end,
        range: { start: { line, character: column }, end: endPosition },
        lineStart,
        nextLineStart,
        token: match.token,
        tokens,
      });
    }
  } else {
    const matches: LineMatch[] =
      kind === 'kconfig' ? scanKconfig(text, options.rules) : scanMakefile(text, options.rules);
    for (const match of matches) {
      const start = match.lineStart + match.column;
      const end = match.lineStart + match.endColumn;
      const matched = text.slice(start, end);
      push(findings, options, text, match.entry, match.context, match.isDefinition, displayName(match.entry, matched), {
        start,
        end,
        range: {
          start: { line: match.line, character: match.column },
          end: { line: match.line, character: match.endColumn },
        },
        lineStart: match.lineStart,
        nextLineStart: match.nextLineStart,
      });
    }
  }
  if (options.inactiveRegions && findings.length > 0 && kind === 'c') {
    const regions = options.inactiveRegions(fileName, text);
    if (regions.length > 0) {
      const live = findings.filter((finding) => !regionAt(regions, finding.range.start.line));
      findings.length = 0;
      findings.push(...live);
    }
  }
  if (!options.fragment) rankProviderUses(findings, options.overrides);
  // Fix edits also get LSP positions, for code actions and SARIF.
  if (findings.some((finding) => finding.fix)) {
    const positionAt = positionFinder(text);
    for (const finding of findings) {
      for (const edit of finding.fix?.edits ?? [])
        edit.range = { start: positionAt(edit.start), end: positionAt(edit.end) };
    }
  }
  return findings;
}

/** 0-based line and UTF-16 column of an offset, by binary search over line starts. */
function positionFinder(text: string): (offset: number) => { line: number; character: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset: number) => {
    let lo = 0,
      hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo] };
  };
}

interface Site {
  start: number;
  end: number;
  range: Finding['range'];
  lineStart: number;
  nextLineStart: number;
  token?: number;
  tokens?: TokenStream;
}

function push(
  findings: Finding[],
  options: LintOptions,
  text: string,
  entry: SymbolEntry,
  context: MatchContext,
  isDefinition: boolean,
  display: string,
  site: Site,
): void {
  const verdict = judge(entry.rule, display, isDefinition, options);
  if (!verdict) return;
  let fix: MechanicalFix | undefined;
  let premiseReason: string | undefined;
  // A definition is never rewritten mechanically: renaming or deleting it would break the tree that still uses it.
  if (entry.fix && !isDefinition) {
    const candidate = computeFix(entry.fix, { name: entry.name, context, text, ...site });
    if (candidate) {
      const verdict = applyPremise(candidate, entry.fix, entry.name, entry.rule, {
        target: options.version,
        tree: options.treeVersion,
      });
      if (verdict.allowed) fix = verdict.fix;
      else premiseReason = verdict.reason;
    }
  }
  findings.push({
    entry,
    context,
    isDefinition,
    start: site.start,
    end: site.end,
    range: site.range,
    fix,
    noFixReason: fix ? undefined : (premiseReason ?? noFixReason(entry, isDefinition)),
    code: verdict.code,
    severity: verdict.severity,
    upstreamOnly: verdict.upstreamOnly,
    message: verdict.message,
    display,
    href: removalLink(entry.rule),
  });
}

function noFixReason(entry: SymbolEntry, isDefinition: boolean): string {
  if (isDefinition) return 'No automatic fix for a definition: remove it together with its last users.';
  if (entry.fix?.type === 'drop-disjunct') {
    return (
      `No automatic fix: only \`${entry.fix.partner}(x) || ${entry.name}(x)\` (or its negation) can be rewritten mechanically; ` +
      `what a lone \`${entry.name}()\` test should become depends on what the code wants to know. ${entry.rule.explanation}`
    );
  }
  if (entry.fix?.type === 'delete-line')
    return `No automatic fix here: only ${entry.fix.onlyIn?.join(', ') ?? 'whole'} lines are deleted mechanically.`;
  return `No automatic fix: ${entry.rule.explanation}`;
}

function displayName(entry: SymbolEntry, matched: string): string {
  if (entry.display) return entry.display;
  if (entry.match === 'include') return `<${entry.name}>`;
  return entry.rule.kind === 'function' ? `${matched}()` : matched;
}

/** Applies edits (offsets into `text`), skipping any that overlap an earlier one. */
export function applyEdits(text: string, edits: OffsetEdit[]): string {
  const sorted = nonOverlapping(edits);
  let result = '';
  let cursor = 0;
  for (const edit of sorted) {
    result += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

/** The edits of every fix in the file, in order, without overlaps (for "fix all"). */
export function fixAllEdits(findings: Finding[]): OffsetEdit[] {
  return nonOverlapping(findings.flatMap((finding) => finding.fix?.edits ?? []));
}

function nonOverlapping(edits: OffsetEdit[]): OffsetEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: OffsetEdit[] = [];
  let lastEnd = -1;
  for (const edit of sorted) {
    if (edit.start < lastEnd) continue;
    if (kept.length && edit.start === lastEnd && edit.start === edit.end && kept[kept.length - 1].start === edit.start)
      continue;
    kept.push(edit);
    lastEnd = edit.end;
  }
  return kept;
}
