import * as vscode from 'vscode';
import { ClientCommands } from '../../../protocol';
import type { ClientContext } from '../clientContext';

/**
 * What an untrusted workspace does not get; shown to the user, and the reason for `capabilities.untrustedWorkspaces`.
 */
const DISABLED_WHEN_UNTRUSTED = [
  '"Why is this line like this?" (it runs git blame/log in the workspace)',
  'offline thread look-ups that run b4 or lei',
  'mail sources (kernelMmLens.mailSources) and the notes file (kernelMmLens.notesFile) from the workspace settings; the ones in your user settings still apply',
];

const TOLD_KEY = 'kernelMmLens.toldAboutRestrictedMode';

/**
 * Workspace trust: in Restricted Mode the server is told not to run programs (initializationOptions.workspaceTrusted),
 * the user is told once per workspace what is off, and trusting the folder restarts the server with everything on.
 */
export function activate(ctx: ClientContext): void {
  ctx.registerCommand(ClientCommands.showTrustInfo, () => showTrustInfo(true));

  if (!vscode.workspace.isTrusted) {
    ctx.output.appendLine(`[client] Restricted Mode: disabled: ${DISABLED_WHEN_UNTRUSTED.join('; ')}`);
    if (!ctx.extension.workspaceState.get<boolean>(TOLD_KEY)) {
      void ctx.extension.workspaceState.update(TOLD_KEY, true);
      void showTrustInfo(false);
    }
  }
  ctx.subscribe(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      ctx.output.appendLine('[client] workspace trusted: restarting the server with git and mail tools enabled');
      void ctx
        .restartServer()
        .catch((err) => ctx.output.appendLine(`[client] restart after trust failed: ${String(err)}`));
    }),
  );
}

async function showTrustInfo(askedFor: boolean): Promise<void> {
  if (vscode.workspace.isTrusted) {
    if (askedFor)
      void vscode.window.showInformationMessage('Kernel MM Lens: this workspace is trusted; every feature is on.');
    return;
  }
  const choice = await vscode.window.showWarningMessage(
    'Kernel MM Lens runs in Restricted Mode: index, hovers, lint, diagrams and online thread links work; ' +
      `off until you trust this folder: ${DISABLED_WHEN_UNTRUSTED.join('; ')}.`,
    'Manage Workspace Trust',
  );
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
}
