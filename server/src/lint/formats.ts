import type { FileFindings } from './lintRunner';
import type { Finding, LintSeverity } from './ruleTypes';

/**
 * Output formats of `kernel-mm-lens lint`: gcc-style text (editors' problem matchers read it), a JSON array for
 * scripts, and SARIF 2.1.0 for code-scanning services. Lines and columns are 1-based in all three; `endColumn` is
 * the column just past the symbol, as in SARIF.
 */

export type OutputFormat = 'text' | 'json' | 'sarif';

const GCC_LEVEL: Record<LintSeverity, string> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};
const SARIF_LEVEL: Record<LintSeverity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** `file:line:col: error: message [removed-api:devmap-pxx-test]`, one line per finding. */
export function formatText(files: FileFindings[]): string {
  let out = '';
  for (const file of files) {
    for (const finding of file.findings) {
      const { line, character } = finding.range.start;
      out += `${file.relative}:${line + 1}:${character + 1}: ${GCC_LEVEL[finding.severity]}: ${oneLine(finding.message)} [${finding.code}:${finding.entry.rule.id}]\n`;
    }
  }
  return out;
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  symbol: string;
  rule: string;
  ruleId: string;
  severity: LintSeverity;
  message: string;
  replacement: string;
  removedIn: string;
  context: string;
  href?: string;
  fix?: {
    title: string;
    edits: Array<{ line: number; column: number; endLine: number; endColumn: number; newText: string }>;
  };
}

function toJsonFindings(files: FileFindings[]): JsonFinding[] {
  return files.flatMap((file) =>
    file.findings.map((finding): JsonFinding => ({
      file: file.relative,
      line: finding.range.start.line + 1,
      column: finding.range.start.character + 1,
      endLine: finding.range.end.line + 1,
      endColumn: finding.range.end.character + 1,
      symbol: finding.entry.name,
      rule: finding.code,
      ruleId: finding.entry.rule.id,
      severity: finding.severity,
      message: finding.message,
      replacement: finding.entry.rule.replacement,
      removedIn: finding.isDefinition
        ? (finding.entry.rule.definitionRemovedIn ?? finding.entry.rule.removedIn)
        : finding.entry.rule.removedIn,
      context: finding.context,
      href: finding.href,
      fix: finding.fix && {
        title: finding.fix.title,
        edits: finding.fix.edits
          .filter((edit) => edit.range)
          .map((edit) => ({
            line: edit.range!.start.line + 1,
            column: edit.range!.start.character + 1,
            endLine: edit.range!.end.line + 1,
            endColumn: edit.range!.end.character + 1,
            newText: edit.newText,
          })),
      },
    })),
  );
}

export function formatJson(files: FileFindings[]): string {
  return `${JSON.stringify(toJsonFindings(files), null, 2)}\n`;
}

interface SarifRuleDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri?: string;
  help: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: { tags: string[] };
}

/** SARIF 2.1.0 log; artifact URIs are relative to the tree root (`%SRCROOT%`). */
function toSarif(files: FileFindings[], options: { toolVersion: string; rootUri?: string }): object {
  const descriptors: SarifRuleDescriptor[] = [];
  const indexOf = new Map<string, number>();
  const descriptorFor = (finding: Finding): number => {
    const id = `${finding.code}/${finding.entry.rule.id}`;
    let index = indexOf.get(id);
    if (index === undefined) {
      const rule = finding.entry.rule;
      index = descriptors.length;
      indexOf.set(id, index);
      descriptors.push({
        id,
        name: rule.id,
        shortDescription: {
          text: `${rule.title ?? rule.id}: removed in ${rule.removedIn}${finding.isDefinition ? ' (definition)' : ''}`,
        },
        fullDescription: { text: oneLine(rule.explanation) },
        helpUri: finding.href,
        help: { text: `Replacement: ${oneLine(rule.replacement)}` },
        defaultConfiguration: { level: finding.code === 'removed-api' ? 'error' : 'warning' },
        properties: { tags: ['removed-api', `removed-in-${rule.removedIn}`] },
      });
    }
    return index;
  };
  const results = files.flatMap((file) =>
    file.findings.map((finding) => {
      const ruleIndex = descriptorFor(finding);
      const artifactLocation = { uri: encodeURI(file.relative), uriBaseId: 'SRCROOT' };
      const region = (range: Finding['range']) => ({
        startLine: range.start.line + 1,
        startColumn: range.start.character + 1,
        endLine: range.end.line + 1,
        endColumn: range.end.character + 1,
      });
      const result: Record<string, unknown> = {
        ruleId: descriptors[ruleIndex].id,
        ruleIndex,
        level: SARIF_LEVEL[finding.severity],
        message: { text: oneLine(finding.message) },
        locations: [{ physicalLocation: { artifactLocation, region: region(finding.range) } }],
        properties: { symbol: finding.entry.name, context: finding.context, upstreamOnly: finding.upstreamOnly },
      };
      const edits = finding.fix?.edits.filter((edit) => edit.range) ?? [];
      if (finding.fix && edits.length) {
        result.fixes = [
          {
            description: { text: finding.fix.title },
            artifactChanges: [
              {
                artifactLocation,
                replacements: edits.map((edit) => ({
                  deletedRegion: region(edit.range!),
                  insertedContent: { text: edit.newText },
                })),
              },
            ],
          },
        ];
      }
      return result;
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kernel-mm-lens', version: options.toolVersion, rules: descriptors } },
        ...(options.rootUri ? { originalUriBaseIds: { SRCROOT: { uri: options.rootUri } } } : {}),
        results,
      },
    ],
  };
}

export function formatSarif(files: FileFindings[], options: { toolVersion: string; rootUri?: string }): string {
  return `${JSON.stringify(toSarif(files, options), null, 2)}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
