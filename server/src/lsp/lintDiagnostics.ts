import * as path from 'path';
import { fileURLToPath } from 'url';
import { kernelFileKind, languageOfKind } from '../parsing/kernelFiles';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from './context';
import { defaultLintRules, type LintRuleSet } from '../lint/rules';
import { lintText, type LintFileKind, type LintOptions } from '../lint/linter';
import type { SeverityPolicy } from '../lint/severity';
import type { Finding, LintSeverity } from '../lint/ruleTypes';

/**
 * Glue between the lint engine and the language server: which open documents are linted, the severity policy
 * from the settings, and LSP diagnostics (rule code, lore link, Deprecated tag, replacement definitions).
 * Shared by the diagnostics and code-action features and the workspace-lint request.
 */

const LINT_SOURCE = 'kernel-mm-lens';

const LSP_SEVERITY: Record<LintSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

let rulesLogged = false;

/** The shipped rules; problems in the data are logged once (the valid rules still run). */
export function lspRules(ctx: ServerContext): LintRuleSet {
  const rules = defaultLintRules();
  if (!rulesLogged && rules.problems.length) {
    rulesLogged = true;
    for (const problem of rules.problems) ctx.log(`lint rule data: ${problem}`);
  }
  return rules;
}

/**
 * `lintTargetVersion` wins over `kernelVersion`, which wins over the tree's Makefile; the tree's own version
 * (without the lint target) decides whether a quick fix is a forward-port that must name its premise.
 */
export function lintPolicy(ctx: ServerContext): SeverityPolicy {
  const settings = ctx.settings();
  return {
    version: ctx.kernelVersion(settings.lintTargetVersion),
    treeVersion: ctx.kernelVersion(),
    overrides: settings.lintSeverity,
  };
}

/** By file name (parsing/kernelFiles.ts), else by language id: C for c/cpp, Makefile for makefile, nothing else. */
export function lintKindOfDocument(document: TextDocument): LintFileKind | undefined {
  const name = document.uri.startsWith('file:')
    ? path.basename(fileURLToPath(document.uri))
    : decodeURIComponent(document.uri.split('/').pop() ?? '');
  const kind = kernelFileKind(name);
  if (kind) return languageOfKind(kind);
  if (document.languageId === 'makefile') return 'makefile';
  if (document.languageId === 'c' || document.languageId === 'cpp') return 'c';
  return undefined;
}

export function lintDocument(ctx: ServerContext, document: TextDocument): Finding[] {
  const kind = lintKindOfDocument(document);
  if (!kind) return [];
  const file = ctx.relativePathOfUri(document.uri) ?? document.uri.slice(document.uri.lastIndexOf('/') + 1);
  return lintText(document.getText(), document.uri, {
    rules: lspRules(ctx),
    kind,
    ...lintPolicy(ctx),
    inactiveRegions: lintInactiveRegions(ctx, () => file),
  });
}

/**
 * The code the kernel configuration leaves out is not linted, unless `lintAllConfigurations` asks for every
 * configuration (a removed API in a `#else` stub of a configured-in feature is no use being told about).
 */
export function lintInactiveRegions(
  ctx: ServerContext,
  relativeOf: (fileName: string) => string | undefined,
  remember = true,
): LintOptions['inactiveRegions'] {
  if (ctx.settings().lintAllConfigurations || !ctx.configuration.view()) return undefined;
  return (fileName, text) => {
    const file = relativeOf(fileName);
    return file === undefined ? [] : ctx.configuration.regions(file, text, remember);
  };
}

/**
 * `related`: add where the replacement is defined (one row under the finding in the Problems view; open documents
 * only: the workspace lint lists hundreds of findings, and a row under each doubled the list).
 * No Deprecated tag: in the tree's own version the symbol is current code, and strikethrough says otherwise.
 */
export function toDiagnostic(ctx: ServerContext, finding: Finding, options: { related?: boolean } = {}): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: LSP_SEVERITY[finding.severity],
    code: finding.code,
    source: LINT_SOURCE,
    message: finding.message,
    data: { ruleId: finding.entry.rule.id, symbol: finding.entry.name },
  };
  if (finding.href) diagnostic.codeDescription = { href: finding.href };
  if (options.related !== false) {
    const related = replacementLocation(ctx, finding);
    if (related) diagnostic.relatedInformation = [related];
  }
  return diagnostic;
}

/** Where the first replacement the tree has is defined, when the index is ready. */
function replacementLocation(ctx: ServerContext, finding: Finding): DiagnosticRelatedInformation | undefined {
  const index = ctx.currentIndex();
  if (!index) return undefined;
  for (const name of finding.entry.rule.replacementSymbols ?? []) {
    let definition;
    try {
      definition = index.findDefinitions(name)[0];
    } catch {
      definition = undefined;
    }
    if (!definition) continue;
    return {
      location: { uri: ctx.uriOfRelativePath(definition.file), range: definition.nameRange },
      message: `replacement ${name} is defined here`,
    };
  }
  return undefined;
}

/** Same finding as a diagnostic the client sent back (range and code), for code actions. */
export function matchesDiagnostic(finding: Finding, diagnostic: Diagnostic): boolean {
  return (
    diagnostic.code === finding.code &&
    diagnostic.range.start.line === finding.range.start.line &&
    diagnostic.range.start.character === finding.range.start.character &&
    diagnostic.range.end.line === finding.range.end.line &&
    diagnostic.range.end.character === finding.range.end.character
  );
}
