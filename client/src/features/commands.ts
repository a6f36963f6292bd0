import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type Diagnostic } from 'vscode-languageclient/node';
import { Requests, ClientCommands, SETTINGS_SECTION, type LintWorkspaceParams } from '../../../protocol';
import type { ClientContext } from '../clientContext';
import { normalizeLintResult, describeLintOutcome } from '../lintResults';

/** Rebuild index, lint the whole workspace into the Problems view, restart the server, show its output. */
export function activate(ctx: ClientContext): void {
  // Results for files that are not open; an open file gets live diagnostics from the server instead.
  const workspaceLint = vscode.languages.createDiagnosticCollection('kernel-mm-lens-workspace');
  ctx.subscribe(workspaceLint);
  ctx.subscribe(vscode.workspace.onDidOpenTextDocument((doc) => workspaceLint.delete(doc.uri)));

  ctx.registerCommand(ClientCommands.rebuildIndex, () =>
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Kernel MM Lens: rebuilding the index',
        cancellable: false,
      },
      async () => {
        try {
          const result = await ctx.client.sendRequest(Requests.rebuildIndex);
          void vscode.window.showInformationMessage(
            `Kernel MM Lens: index rebuilt, ${result.files.toLocaleString('en-US')} files and ${result.symbols.toLocaleString('en-US')} symbols.`,
          );
        } catch (err) {
          failed(ctx, 'rebuilding the index', err);
        }
      },
    ),
  );

  // Results of the last workspace lint: replaced by each run, and re-computed when what they depend on changes (a
  // target that changes or is cleared must not leave the errors of the old target behind for closed files).
  let linted = false;
  let running: Promise<void> | undefined;
  const runWorkspaceLint = (why?: string): Promise<void> =>
    (running ??= Promise.resolve(lintWorkspace(ctx, workspaceLint, why)).finally(() => {
      running = undefined;
      linted = true;
    }));
  ctx.registerCommand(ClientCommands.lintWorkspace, () => runWorkspaceLint());
  ctx.subscribe(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!linted) return;
      if (!LINT_INPUTS.some((key) => event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`))) return;
      workspaceLint.clear();
      // the server reads the new settings first (workspace/didChangeConfiguration), then lints again
      setTimeout(() => void runWorkspaceLint('the lint settings changed'), 500);
    }),
  );

  ctx.registerCommand(ClientCommands.restartServer, async () => {
    try {
      await ctx.restartServer();
    } catch (err) {
      failed(ctx, 'restarting the server', err);
    }
  });
  ctx.registerCommand(ClientCommands.showOutput, () => ctx.output.show(true));
}

/** Settings the findings depend on. */
const LINT_INPUTS = ['lintTargetVersion', 'kernelVersion', 'lintSeverity'];

function lintWorkspace(ctx: ClientContext, workspaceLint: vscode.DiagnosticCollection, why?: string): Thenable<void> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Kernel MM Lens: ${why ? `${why}: ` : ''}linting the workspace`,
      cancellable: true,
    },
    async (progress, token) => {
      // The server reports its progress on our token, so it shows in this notification (no second progress UI);
      // cancelling the notification cancels the request, which the server checks between files.
      const workDoneToken = `kernelMmLens.lintWorkspace.${randomUUID()}`;
      let shownPercent = 0;
      const progressListener = ctx.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === 'end') return;
        const percent = value.percentage ?? shownPercent;
        progress.report({ message: value.message, increment: Math.max(0, percent - shownPercent) });
        shownPercent = Math.max(shownPercent, percent);
      });
      try {
        const params: LintWorkspaceParams = { workDoneToken };
        const files = normalizeLintResult(await ctx.client.sendRequest(Requests.lintWorkspace, params, token));
        if (token.isCancellationRequested) return;
        // Replaced, never added to: findings of an earlier run (another target) must not stay.
        workspaceLint.clear();
        const open = new Set(vscode.workspace.textDocuments.map((doc) => doc.uri.toString()));
        for (const file of files) {
          const uri = ctx.client.protocol2CodeConverter.asUri(file.uri);
          if (open.has(uri.toString())) continue;
          workspaceLint.set(
            uri,
            await ctx.client.protocol2CodeConverter.asDiagnostics(file.diagnostics as Diagnostic[]),
          );
        }
        const target = ctx.settings().lintTargetVersion;
        const tree = ctx.indexStatus()?.kernelVersion;
        const outcome = describeLintOutcome(
          files,
          target ? `${target} (the lint target)` : tree ? `${tree} (the tree)` : undefined,
        );
        if (outcome.inProblemsView > 0) void vscode.commands.executeCommand('workbench.actions.view.problems');
        void vscode.window.showInformationMessage(outcome.message);
      } catch (err) {
        if (!token.isCancellationRequested) failed(ctx, 'linting the workspace', err);
      } finally {
        progressListener.dispose();
      }
    },
  );
}

function failed(ctx: ClientContext, what: string, err: unknown): void {
  const text = err instanceof Error ? err.message : String(err);
  ctx.output.appendLine(`[client] ${what} failed: ${text}`);
  void vscode.window.showErrorMessage(`Kernel MM Lens: ${what} failed: ${text}`, 'Show Output').then((choice) => {
    if (choice) ctx.output.show(true);
  });
}
