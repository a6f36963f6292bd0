import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { IndexStatusNotification, Requests, ClientCommands, type IndexStatus } from '../../../protocol';
import type { ClientContext } from '../clientContext';
import { presentIndexStatus } from '../statusText';

/**
 * Status bar item with the index state (pushed by the server as `kernelMmLens/indexStatus`);
 * a click opens a menu of every Kernel MM Lens command that is registered.
 */
export function activate(ctx: ClientContext): void {
  const item = vscode.window.createStatusBarItem('kernelMmLens.indexStatus', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Kernel MM Lens';
  item.command = ClientCommands.showStatusMenu;
  ctx.subscribe(item);

  const show = (status: IndexStatus | undefined) => {
    const view = presentIndexStatus(status);
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
  show(undefined);

  ctx.subscribe(ctx.client.onNotification(IndexStatusNotification, (status: IndexStatus) => show(status)));
  // After a (re)start, ask once: a notification sent before we listened would otherwise be lost.
  ctx.subscribe(
    ctx.client.onDidChangeState((event) => {
      if (event.newState === State.Running) {
        void ctx.client.sendRequest(Requests.indexStatus).then(show, () => undefined);
      } else if (event.newState === State.Stopped) {
        show({ state: 'error', message: 'the language server is not running' });
      }
    }),
  );

  ctx.registerCommand(ClientCommands.showStatusMenu, () => showCommandMenu(ctx));
}

interface CommandPick extends vscode.QuickPickItem {
  command: string;
}

/** Every command the manifest contributes and the running extension registered, minus the menu itself. */
async function showCommandMenu(ctx: ClientContext): Promise<void> {
  type Contributed = { command: string; title: string; category?: string; icon?: unknown };
  const manifest = ctx.extension.extension.packageJSON as { contributes?: { commands?: Contributed[] } } | undefined;
  const contributed: Contributed[] = manifest?.contributes?.commands ?? [];
  const registered = new Set(await vscode.commands.getCommands(true));
  const picks: CommandPick[] = contributed
    .filter((c) => c.command !== ClientCommands.showStatusMenu && registered.has(c.command))
    .map((c) => ({ label: c.title, description: c.command, command: c.command }));
  const choice = await vscode.window.showQuickPick(picks, {
    title: 'Kernel MM Lens',
    placeHolder: 'Run a Kernel MM Lens command',
  });
  if (choice) await vscode.commands.executeCommand(choice.command);
}
