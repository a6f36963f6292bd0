import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import {
  ClientCommands,
  ConfigurationStatusNotification,
  Requests,
  SETTINGS_SECTION,
  type ConfigurationStatus,
} from '../../../protocol';
import type { ClientContext } from '../clientContext';

/** Status-bar text of a configuration: its file name and architecture, or "all configurations". */
export function configurationLabel(status: ConfigurationStatus | undefined): { text: string; tooltip: string } {
  if (!status) return { text: '$(settings) …', tooltip: 'Kernel configuration: starting' };
  const arch = status.arch ? ` · ${status.arch}` : '';
  if (status.mode === 'all') {
    const problem = status.problem ? `\n\n${status.problem}` : '';
    return {
      text: `$(settings) all configs${arch}`,
      tooltip: `Kernel configuration: all configurations (every #if branch live${status.arch ? `; arch/${status.arch} only` : ''}).${problem}\nClick to pick a configuration or an architecture.`,
    };
  }
  const name = status.file ? status.file.slice(status.file.lastIndexOf('/') + 1) : 'config';
  return {
    text: `$(settings) ${name}${arch}`,
    tooltip: `Kernel configuration: ${status.file ?? name} (${status.symbols ?? 0} symbols set), architecture ${status.arch ?? '?'}${status.archFrom === 'setting' ? ' (setting)' : ''}.\nCode it leaves out is dimmed. Click to switch configuration, architecture, or all configurations.`,
  };
}

interface ConfigPick extends vscode.QuickPickItem {
  apply?: () => Thenable<void>;
}

/**
 * The kernel configuration in the status bar (file name and architecture) with a picker to switch configuration,
 * architecture, or all configurations. A choice is written to the workspace settings (`kernelMmLens.kernelConfig`,
 * `kernelMmLens.arch`); the server re-evaluates open files without re-indexing.
 */
export function activate(ctx: ClientContext): void {
  const item = vscode.window.createStatusBarItem('kernelMmLens.configuration', vscode.StatusBarAlignment.Left, 9);
  item.name = 'Kernel MM Lens: kernel configuration';
  item.command = ClientCommands.pickConfiguration;
  ctx.subscribe(item);
  const show = (status: ConfigurationStatus | undefined) => {
    const label = configurationLabel(status);
    item.text = label.text;
    item.tooltip = label.tooltip;
    item.accessibilityInformation = { label: label.tooltip.split('\n')[0], role: 'button' };
    item.backgroundColor = status?.problem ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  ctx.subscribe(ctx.client.onNotification(ConfigurationStatusNotification, show));
  ctx.subscribe(
    ctx.client.onDidChangeState((event) => {
      if (event.newState === State.Running)
        void ctx.client.sendRequest(Requests.configurationStatus).then(show, () => undefined);
    }),
  );
  ctx.registerCommand(ClientCommands.pickConfiguration, () => pickConfiguration(ctx));
}

async function pickConfiguration(ctx: ClientContext): Promise<void> {
  const [status, choices] = await Promise.all([
    ctx.client.sendRequest(Requests.configurationStatus),
    ctx.client.sendRequest(Requests.configurationChoices),
  ]);
  const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  const set = (key: string, value: string) => settings.update(key, value, target);
  const picks: ConfigPick[] = [
    { label: 'Configuration', kind: vscode.QuickPickItemKind.Separator },
    {
      label: `${status.mode === 'all' ? '$(check) ' : ''}All configurations`,
      description: 'every #if branch live (no configuration)',
      apply: () => set('kernelConfig', 'all'),
    },
    ...choices.configs.map((config): ConfigPick => ({
      label: `${status.file === config.file ? '$(check) ' : ''}${config.label}`,
      description: config.description,
      detail: config.file,
      apply: () => set('kernelConfig', config.file),
    })),
    {
      label: '$(folder-opened) Other configuration file…',
      apply: async () => {
        const picked = await vscode.window.showOpenDialog({
          title: 'Kernel configuration (.config, .gz, .xz)',
          canSelectMany: false,
          openLabel: 'Use this configuration',
        });
        if (picked?.[0]) await set('kernelConfig', picked[0].fsPath);
      },
    },
    { label: 'Architecture', kind: vscode.QuickPickItemKind.Separator },
    {
      label: `${status.archFrom !== 'setting' ? '$(check) ' : ''}The configuration's architecture`,
      description: status.archFrom === 'config' ? status.arch : undefined,
      apply: () => set('arch', ''),
    },
    ...choices.arches.map((arch): ConfigPick => ({
      label: `${status.archFrom === 'setting' && status.arch === arch ? '$(check) ' : ''}${arch}`,
      description: `arch/${arch} live, other architectures inactive`,
      apply: () => set('arch', arch),
    })),
  ];
  const choice = await vscode.window.showQuickPick(picks, {
    title: 'Kernel MM Lens: kernel configuration',
    placeHolder: 'Which configuration and architecture the editor shows as compiled',
    matchOnDetail: true,
  });
  await choice?.apply?.();
}
