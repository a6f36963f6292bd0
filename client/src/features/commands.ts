import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type Diagnostic } from 'vscode-languageclient/node';
import { Requests, ClientCommands, type LintWorkspaceParams } from '../../../protocol';
import type { ClientContext } from '../clientContext';
import { normalizeLintResult, countDiagnostics } from '../lintResults';

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

  ctx.registerCommand(ClientCommands.lintWorkspace, () =>
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Kernel MM Lens: linting the workspace',
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
          workspaceLint.clear();
          const open = new Set(vscode.workspace.textDocuments.map((doc) => doc.uri.toString()));
          for (const file of files) {
            const uri = ctx.client.protocol2CodeConverter.asUri(file.uri);
            if (open.has(uri.toString())) continue;
            workspaceLint.set(
              uri,
              await ctx.client.protocol2CodeConverter.asDiagnostics(
                // Shape checked by normalizeLintResult; the severities are the server's LSP values.
                file.diagnostics as Diagnostic[],
              ),
            );
          }
          const total = countDiagnostics(files);
          const message =
            total === 0
              ? 'Kernel MM Lens: no findings in the workspace.'
              : `Kernel MM Lens: ${total} finding${total === 1 ? '' : 's'} in ${files.filter((f) => f.diagnostics.length).length} file(s), listed in the Problems view.`;
          if (total > 0) void vscode.commands.executeCommand('workbench.actions.view.problems');
          void vscode.window.showInformationMessage(message);
        } catch (err) {
          if (!token.isCancellationRequested) failed(ctx, 'linting the workspace', err);
        } finally {
          progressListener.dispose();
        }
      },
    ),
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

function failed(ctx: ClientContext, what: string, err: unknown): void {
  const text = err instanceof Error ? err.message : String(err);
  ctx.output.appendLine(`[client] ${what} failed: ${text}`);
  void vscode.window.showErrorMessage(`Kernel MM Lens: ${what} failed: ${text}`, 'Show Output').then((choice) => {
    if (choice) ctx.output.show(true);
  });
}
