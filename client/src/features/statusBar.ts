import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { IndexStatusNotification, Requests, ClientCommands, type IndexStatus } from '../../../protocol';
import type { ClientContext } from '../clientContext';
import { presentIndexStatus, presentRestarting, type StatusPresentation } from '../statusText';
import { statusMenuItems, type ManifestCommand } from '../statusMenu';

/**
 * Status bar item with the index state (pushed by the server as `kernelMmLens/indexStatus`, passed on to other
 * features through the client context); a click opens a menu of the commands that make sense from there
 * (client/src/statusMenu.ts). While the server restarts it says so, not "index error".
 */
export function activate(ctx: ClientContext): void {
  const item = vscode.window.createStatusBarItem('kernelMmLens.indexStatus', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Kernel MM Lens';
  item.command = ClientCommands.showStatusMenu;
  ctx.subscribe(item);

  const present = (view: StatusPresentation) => {
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.accessibilityInformation = { label: view.tooltip.split('\n').slice(0, 3).join('. '), role: 'button' };
    item.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    item.show();
  };
  const show = (status: IndexStatus | undefined) => {
    ctx.publishIndexStatus(status);
    present(presentIndexStatus(status));
  };
  show(undefined);

  ctx.subscribe(ctx.client.onNotification(IndexStatusNotification, (status: IndexStatus) => show(status)));
  // After a (re)start, ask once: a notification sent before we listened would otherwise be lost.
  ctx.subscribe(
    ctx.client.onDidChangeState((event) => {
      if (event.newState === State.Running) {
        void ctx.client.sendRequest(Requests.indexStatus).then(show, () => undefined);
        return;
      }
      const reason = ctx.restarting();
      if (reason !== undefined) present(presentRestarting(reason));
      else if (event.newState === State.Stopped)
        show({ state: 'error', message: 'the language server is not running' });
    }),
  );

  ctx.registerCommand(ClientCommands.showStatusMenu, () => showCommandMenu(ctx));
  ctx.registerCommand(ClientCommands.cancelIndexing, async () => {
    const cancelled = await ctx.client.sendRequest(Requests.cancelIndexing).catch(() => false);
    if (!cancelled) void vscode.window.showInformationMessage('Kernel MM Lens: no indexing is in progress.');
  });
  // Filtered to this extension's settings. (In search results VS Code spells each setting's section from its key,
  // "Kernel Mm Lens: Kernel Version"; browsing the settings, the group has the title "Kernel MM Lens".)
  ctx.registerCommand(ClientCommands.openSettings, () =>
    vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${ctx.extension.extension.id}`),
  );
}

interface CommandPick extends vscode.QuickPickItem {
  command?: string;
}

/** The commands that make sense from the status bar now, grouped, under their titles. */
async function showCommandMenu(ctx: ClientContext): Promise<void> {
  const packageJson = ctx.extension.extension.packageJSON as { contributes?: { commands?: ManifestCommand[] } };
  const editor = vscode.window.activeTextEditor;
  const items = statusMenuItems(
    packageJson.contributes?.commands ?? [],
    new Set(await vscode.commands.getCommands(true)),
    {
      cEditor: !!editor && /^(c|cpp)$/.test(editor.document.languageId),
      trusted: vscode.workspace.isTrusted,
      diagramOpen: ctx.ui.diagramOpen,
      indexing: ctx.indexStatus()?.state === 'indexing',
    },
  );
  const picks: CommandPick[] = [];
  let group: string | undefined;
  for (const entry of items) {
    if (entry.group !== group) {
      group = entry.group;
      picks.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
    }
    picks.push({ label: entry.label, detail: entry.detail, command: entry.command });
  }
  const choice = await vscode.window.showQuickPick(picks, {
    title: 'Kernel MM Lens',
    placeHolder: 'Run a Kernel MM Lens command',
    matchOnDetail: true,
  });
  if (choice?.command) await vscode.commands.executeCommand(choice.command);
}
