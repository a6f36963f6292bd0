import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { lintDocument, matchesDiagnostic, toDiagnostic } from '../lintDiagnostics';
import { fixAllEdits } from '../../lint/linter';
import type { Finding, OffsetEdit } from '../../lint/ruleTypes';
import { describeError } from '../../base/errors';

/** Kind of the "fix every removed-API use in this file" action (editor.codeActionsOnSave can name it). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.kernelMmLens`;

/**
 * Quick fixes for the removed-API lint: the mechanical rewrites named in the rule data, one per finding, plus
 * "fix all in file". Where no rewrite is safe, a disabled action carries the reason, so the user sees why instead of
 * getting a wrong edit. Findings are recomputed from the current text, never trusted from the client.
 */
export const codeActionsFeature: ServerFeature = {
  name: 'lint-code-actions',
  capabilities: () => ({ codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] } }),
  register(ctx: ServerContext) {
    ctx.connection.onCodeAction((params, token) => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document || token.isCancellationRequested) return [];
      try {
        return lintCodeActions(ctx, document, params);
      } catch (err) {
        ctx.log(`lint code actions: ${describeError(err, true)}`);
        return [];
      }
    });
  },
};

function lintCodeActions(ctx: ServerContext, document: TextDocument, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) =>
    !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
  const findings = lintDocument(ctx, document);
  if (findings.length === 0) return [];
  const actions: CodeAction[] = [];
  const allEdits = fixAllEdits(findings);

  if (wants(CodeActionKind.QuickFix)) {
    const here = findings.filter((finding) => overlaps(finding, params.range));
    for (const finding of here) {
      const diagnostics = params.context.diagnostics.filter((diagnostic) => matchesDiagnostic(finding, diagnostic));
      const diagnostic = diagnostics.length ? diagnostics : [toDiagnostic(ctx, finding)];
      if (finding.fix) {
        actions.push({
          title: finding.fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: diagnostic,
          isPreferred: true,
          edit: { changes: { [document.uri]: finding.fix.edits.map((edit) => toTextEdit(document, edit)) } },
        });
      } else if (finding.noFixReason) {
        actions.push({
          title: `No automatic fix for \`${finding.display}\`${finding.href ? ' (see the removal thread linked from the problem)' : ''}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: diagnostic,
          disabled: { reason: truncate(finding.noFixReason, 600) },
        });
      }
    }
    if (here.some((finding) => finding.fix) && allEdits.length > 1) {
      actions.push(fixAll(document, allEdits, CodeActionKind.QuickFix));
    }
  }
  if (wants(FIX_ALL_KIND) && allEdits.length > 0 && (only?.length ?? 0) > 0) {
    actions.push(fixAll(document, allEdits, FIX_ALL_KIND));
  }
  return actions;
}

function fixAll(document: TextDocument, edits: OffsetEdit[], kind: string): CodeAction {
  return {
    title: `Fix all removed-API uses in this file (${edits.length} mechanical edit${edits.length === 1 ? '' : 's'})`,
    kind,
    edit: { changes: { [document.uri]: edits.map((edit) => toTextEdit(document, edit)) } },
  };
}

function toTextEdit(document: TextDocument, edit: OffsetEdit): TextEdit {
  return {
    range: { start: document.positionAt(edit.start), end: document.positionAt(edit.end) },
    newText: edit.newText,
  };
}

function overlaps(finding: Finding, range: CodeActionParams['range']): boolean {
  const { start, end } = finding.range;
  const before = (a: { line: number; character: number }, b: { line: number; character: number }) =>
    a.line < b.line || (a.line === b.line && a.character < b.character);
  return !before(end, range.start) && !before(range.end, start);
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
