import * as vscode from 'vscode';
import { ClientCommands, SETTINGS_SECTION } from '../../../protocol';
import type { ClientContext } from '../clientContext';
import { presentLintTarget } from '../statusText';

/** Releases offered first; any X.Y[.Z][-rcN] can be typed. */
const SUGGESTED_TARGETS = ['6.15', '6.16', '6.17', '6.18', '6.19'];
const VERSION = /^[0-9]+\.[0-9]+(\.[0-9]+)?(-rc[0-9]+)?$/;

/**
 * The lint target in the status bar: while `kernelMmLens.lintTargetVersion` is set, an item next to ours says which
 * version the removed-API lint checks against ("lint 6.17"); a click, or "Set Lint Target Version…" in the menu,
 * sets or clears it (in the workspace settings when a folder is open).
 */
export function activate(ctx: ClientContext): void {
  const item = vscode.window.createStatusBarItem('kernelMmLens.lintTarget', vscode.StatusBarAlignment.Left, 9);
  item.name = 'Kernel MM Lens lint target';
  item.command = ClientCommands.setLintTarget;
  ctx.subscribe(item);

  const refresh = () => {
    const view = presentLintTarget(ctx.settings().lintTargetVersion, ctx.indexStatus()?.kernelVersion);
    if (!view) {
      item.hide();
      return;
    }
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.accessibilityInformation = { label: view.tooltip, role: 'button' };
    item.show();
  };
  refresh();
  ctx.subscribe(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SETTINGS_SECTION}.lintTargetVersion`)) refresh();
    }),
  );
  ctx.subscribe(ctx.onIndexStatus(refresh));

  ctx.registerCommand(ClientCommands.setLintTarget, async () => {
    const current = ctx.settings().lintTargetVersion;
    const treeVersion = ctx.indexStatus()?.kernelVersion;
    type Pick = vscode.QuickPickItem & { value?: string; other?: boolean };
    const picks: Pick[] = [
      {
        label: "The tree's own version",
        description: treeVersion ? `Linux ${treeVersion}` : undefined,
        detail: 'Clear the target: APIs removed upstream are information for forward-porting, never errors',
        value: '',
      },
      ...SUGGESTED_TARGETS.map((version) => ({
        label: `Linux ${version}`,
        description: version === current ? 'current target' : undefined,
        detail: `Uses of APIs gone by ${version} are errors`,
        value: version,
      })),
      { label: 'Other version…', other: true },
    ];
    const choice = await vscode.window.showQuickPick(picks, {
      title: 'Kernel MM Lens: lint target version',
      placeHolder: current ? `The lint checks against ${current}` : "The lint checks against the tree's own version",
    });
    if (!choice) return;
    let value = choice.value;
    if (choice.other) {
      value = await vscode.window.showInputBox({
        title: 'Kernel MM Lens: lint target version',
        prompt: 'Kernel version the code is meant for, such as 6.17 or 6.19-rc2',
        value: current,
        validateInput: (text) => (VERSION.test(text.trim()) ? undefined : 'A version such as 6.17 or 6.19-rc2'),
      });
      if (value === undefined) return;
      value = value.trim();
    }
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    if (value === '') {
      // Cleared wherever it is set, so that the tree's version really applies.
      const inspected = config.inspect<string>('lintTargetVersion');
      if (inspected?.workspaceValue !== undefined)
        await config.update('lintTargetVersion', undefined, vscode.ConfigurationTarget.Workspace);
      if (inspected?.globalValue !== undefined)
        await config.update('lintTargetVersion', undefined, vscode.ConfigurationTarget.Global);
      return;
    }
    const target = vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await config.update('lintTargetVersion', value, target);
  });
}
