import * as vscode from 'vscode';
import { ClientCommands, Requests, type ReviewFindingWire, type ReviewPatchResult } from '../../../protocol';
import { plainTextLabel } from '../../../protocol/untrustedText';
import type { ClientContext } from '../clientContext';

/**
 * "Review Patch or Series…": picks patch/mbox files or a series folder (what `b4 am -o` or `git format-patch`
 * wrote), or takes the open patch, and asks the server's review engine (`kernelMmLens/reviewPatch`, the engine
 * behind `kernel-mm-lens review`). Findings go to Problems on the patch lines they are about, with the tree
 * position as related information; the text report opens read-only beside; "Draft Reply" (a quick fix on a
 * finding, or the command) opens an untitled reply quoting the lines the finding is about. All text is the
 * server's, already cleaned of control and bidi characters; labels are cut to one plain line here as well.
 */

const REPORT_SCHEME = 'kernel-mm-lens-review';
const PATCH_FILE = /\.(?:patch|diff|mbox|mbx|eml)$/i;
const SOURCE = 'Kernel MM Lens review';

const SEVERITY: Record<ReviewFindingWire['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** A diagnostic that remembers its finding (for the quick fix). */
class FindingDiagnostic extends vscode.Diagnostic {
  constructor(
    range: vscode.Range,
    readonly finding: ReviewFindingWire,
  ) {
    super(range, finding.message, SEVERITY[finding.severity]);
  }
}

export function activate(ctx: ClientContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('kernelMmLens.review');
  ctx.subscribe(diagnostics);
  let reports = 0;
  const reportTexts = new Map<string, string>();
  const reportChanged = new vscode.EventEmitter<vscode.Uri>();
  ctx.subscribe(reportChanged);
  ctx.subscribe(
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
      onDidChange: reportChanged.event,
      provideTextDocumentContent: (uri) => reportTexts.get(uri.toString()) ?? 'This review report is no longer kept.',
    }),
  );
  let lastFindings: ReviewFindingWire[] = [];

  ctx.subscribe(
    vscode.languages.registerCodeActionsProvider(
      { scheme: 'file' },
      {
        provideCodeActions(_document, _range, context) {
          return context.diagnostics
            .filter((d): d is FindingDiagnostic => d instanceof FindingDiagnostic)
            .map((d) => {
              const action = new vscode.CodeAction('Draft a reply about this finding', vscode.CodeActionKind.QuickFix);
              action.diagnostics = [d];
              action.command = {
                command: ClientCommands.draftReviewReply,
                title: 'Draft Reply',
                arguments: [lastFindings.indexOf(d.finding)],
              };
              return action;
            });
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );

  ctx.registerCommand(ClientCommands.reviewPatch, async (...args: unknown[]) => {
    const paths = pathsFromArguments(args) ?? (await pickInput());
    if (!paths?.length) return;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Kernel MM Lens: reviewing…', cancellable: false },
      () => ctx.client.sendRequest(Requests.reviewPatch, { paths }),
    );
    lastFindings = result.findings;
    showDiagnostics(result);
    for (const problem of result.problems) ctx.output.appendLine(`[review] ${plainTextLabel(problem, 500)}`);
    if (result.patches === 0) {
      void vscode.window.showWarningMessage(
        `Kernel MM Lens: nothing to review: ${plainTextLabel(result.problems[0] ?? 'no patch found', 300)}`,
      );
      return;
    }
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/review-${++reports}.txt` });
    reportTexts.set(uri.toString(), result.report);
    reportChanged.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    if (result.findings.length) await vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showInformationMessage(summary(result));
  });

  ctx.registerCommand(ClientCommands.draftReviewReply, async (index?: number) => {
    let finding = typeof index === 'number' ? lastFindings[index] : undefined;
    if (!finding) {
      if (!lastFindings.length) {
        void vscode.window.showInformationMessage('Kernel MM Lens: review a patch first (Review Patch or Series…).');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        lastFindings.map((f) => ({
          label: plainTextLabel(`${f.severity}: ${f.message}`, 120),
          description: plainTextLabel(f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.rule, 80),
          detail: plainTextLabel(f.patchSubject, 200),
          finding: f,
        })),
        { placeHolder: 'Draft a reply about which finding?', matchOnDescription: true, matchOnDetail: true },
      );
      finding = picked?.finding;
    }
    if (!finding) return;
    const document = await vscode.workspace.openTextDocument({ content: finding.draftReply, language: 'plaintext' });
    await vscode.window.showTextDocument(document, { preview: false });
  });

  function showDiagnostics(result: ReviewPatchResult): void {
    diagnostics.clear();
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    const byFile = new Map<string, FindingDiagnostic[]>();
    for (const finding of result.findings) {
      const line = Math.max(0, (finding.patchLine ?? 1) - 1);
      const diagnostic = new FindingDiagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), finding);
      diagnostic.source = SOURCE;
      diagnostic.code = finding.rule;
      if (root && finding.file) {
        const target = vscode.Uri.joinPath(root, finding.file);
        const at = Math.max(0, (finding.line ?? 1) - 1);
        diagnostic.relatedInformation = [
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(target, new vscode.Position(at, 0)),
            `in the tree: ${plainTextLabel(finding.file, 200)}${finding.line ? `:${finding.line}` : ''}`,
          ),
        ];
      }
      const list = byFile.get(finding.patchFile) ?? [];
      list.push(diagnostic);
      byFile.set(finding.patchFile, list);
    }
    for (const [file, list] of byFile) diagnostics.set(vscode.Uri.file(file), list);
  }
}

/** The explorer's context menu passes the clicked file and the selection; the e2e test passes paths. */
function pathsFromArguments(args: unknown[]): string[] | undefined {
  const values = args.flat().filter((a): a is vscode.Uri | string => a instanceof vscode.Uri || typeof a === 'string');
  const paths = values.map((v) => (typeof v === 'string' ? v : v.scheme === 'file' ? v.fsPath : '')).filter(Boolean);
  return paths.length ? [...new Set(paths)] : undefined;
}

async function pickInput(): Promise<string[] | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const openPatch = active?.scheme === 'file' && PATCH_FILE.test(active.fsPath) ? active : undefined;
  const choices: Array<vscode.QuickPickItem & { choice: 'open' | 'files' | 'folder' }> = [
    ...(openPatch
      ? [
          {
            label: 'Review the open patch',
            description: plainTextLabel(openPatch.fsPath, 120),
            choice: 'open' as const,
          },
        ]
      : []),
    { label: 'Patch or mbox files…', description: '.patch, .diff, .mbox, .eml', choice: 'files' },
    { label: 'Series folder…', description: 'what b4 am -o or git format-patch wrote', choice: 'folder' },
  ];
  const picked = await vscode.window.showQuickPick(choices, { placeHolder: 'Review which patch or series?' });
  if (!picked) return undefined;
  if (picked.choice === 'open' && openPatch) return [openPatch.fsPath];
  const folder = picked.choice === 'folder';
  const uris = await vscode.window.showOpenDialog({
    canSelectFiles: !folder,
    canSelectFolders: folder,
    canSelectMany: !folder,
    openLabel: 'Review',
    ...(folder ? {} : { filters: { Patches: ['patch', 'diff', 'mbox', 'mbx', 'eml'], 'All files': ['*'] } }),
  });
  return uris?.filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath);
}

function summary(result: ReviewPatchResult): string {
  const counts = (['error', 'warning', 'information', 'hint'] as const)
    .map((level) => [level, result.findings.filter((f) => f.severity === level).length] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`);
  const patches = `${result.patches} patch${result.patches === 1 ? '' : 'es'}`;
  const release = result.kernelVersion ? ` against ${result.kernelVersion}` : '';
  return `Kernel MM Lens review: ${patches}${release}: ${counts.length ? counts.join(', ') : 'no findings'}.`;
}
