import * as vscode from 'vscode';
import { ClientCommands, Requests, type ChangesReport } from '../../../protocol';
import type { ClientContext } from '../clientContext';
import { changesModel, type ChangeNode, type ChangeNodeIcon } from '../changesTree';

/**
 * "Upstream Changes in This Tree" (Explorer view): every tracked upstream change with its status for the workspace
 * tree (present, partial, absent), grouped by topic, each with the line that shows it; a click opens that line.
 * The backporter's checklist. Data: the server's `kernelMmLens/treeChanges` (the same evidence as the hover and
 * `kernel-mm-lens changes`). Refreshed on demand, when the view is shown, and once the index replaces the
 * file-based first answer.
 */

const VIEW_ID = 'kernelMmLens.changes';
/** While the answer is file-based (index not ready), ask again this often as long as the view is visible. */
const INDEX_RETRY_MS = 15_000;

const ICONS: Record<ChangeNodeIcon, vscode.ThemeIcon> = {
  present: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  partial: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  absent: new vscode.ThemeIcon('circle-large-outline'),
  unknown: new vscode.ThemeIcon('question'),
  topic: new vscode.ThemeIcon('symbol-namespace'),
  holds: new vscode.ThemeIcon('check'),
  fails: new vscode.ThemeIcon('close'),
};

class ChangesProvider implements vscode.TreeDataProvider<ChangeNode> {
  private readonly changed = new vscode.EventEmitter<ChangeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ChangeNode[] = [];
  report: ChangesReport | null = null;

  set(report: ChangesReport | null): string {
    this.report = report;
    const model = changesModel(report);
    this.roots = model.roots;
    this.changed.fire(undefined);
    return model.message;
  }

  getChildren(node?: ChangeNode): ChangeNode[] {
    return node ? (node.children ?? []) : this.roots;
  }

  getTreeItem(node: ChangeNode): vscode.TreeItem {
    const collapsible = node.children?.length
      ? node.icon === 'topic'
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = ICONS[node.icon];
    item.contextValue = node.messageId ? 'kernelMmLensChange' : undefined;
    if (node.evidence)
      item.command = {
        command: ClientCommands.openChangeEvidence,
        title: 'Open the evidence',
        arguments: [node.evidence.file, node.evidence.line],
      };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function activate(ctx: ClientContext): void {
  const provider = new ChangesProvider();
  ctx.subscribe(provider);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  ctx.subscribe(view);
  let retry: NodeJS.Timeout | undefined;
  let loading: Promise<void> | undefined;

  const load = (refresh: boolean): Promise<void> => {
    if (loading && !refresh) return loading;
    if (retry) clearTimeout(retry);
    view.message = 'Reading the tree…';
    loading = (async () => {
      try {
        const report = await ctx.client.sendRequest(Requests.treeChanges, { refresh });
        view.message = provider.set(report);
        if (report?.basis === 'files' && view.visible) retry = setTimeout(() => void load(false), INDEX_RETRY_MS);
      } catch (err) {
        view.message = `Could not read the tracked changes: ${String(err)}`;
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  };

  ctx.subscribe(
    view.onDidChangeVisibility((event) => {
      if (event.visible && (!provider.report || provider.report.basis === 'files')) void load(false);
    }),
  );
  ctx.subscribe({ dispose: () => retry && clearTimeout(retry) });
  if (view.visible) void load(false);

  // Only tracked kernel trees show the view (the manifest's `when`).
  void vscode.commands.executeCommand('setContext', 'kernelMmLens.active', true);

  ctx.registerCommand(ClientCommands.refreshChanges, () => load(true));
  ctx.registerCommand(ClientCommands.openChangeOnLore, (node: unknown) => {
    const messageId = (node as ChangeNode | undefined)?.messageId;
    if (typeof messageId === 'string' && messageId)
      void vscode.commands.executeCommand(ClientCommands.openThreadOnLore, messageId);
  });
  ctx.registerCommand(ClientCommands.openChangeEvidence, (file: unknown, line: unknown) => openEvidence(file, line));
}

async function openEvidence(file: unknown, line: unknown): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || typeof file !== 'string' || !file || file.split('/').includes('..')) return;
  const uri = vscode.Uri.joinPath(folder.uri, ...file.split('/'));
  const at = typeof line === 'number' && line > 0 ? line - 1 : 0;
  const position = new vscode.Position(at, 0);
  try {
    await vscode.window.showTextDocument(uri, { preview: true, selection: new vscode.Range(position, position) });
  } catch (err) {
    void vscode.window.showErrorMessage(`Kernel MM Lens: cannot open ${file}: ${String(err)}`);
  }
}
