import * as vscode from 'vscode';
import { randomBytes } from 'crypto';
import { ClientCommands, Requests } from '../../../protocol';
import type { DiagramParams, DiagramResult, DiagramStepInfo } from '../../../protocol';
import type { ClientContext } from '../clientContext';
import { buildDiagramHtml } from '../diagramHtml';

/**
 * Lifecycle diagram panel: `kernelMmLens.openDiagram` ({id?, symbol?, variant?}) asks the server for the
 * diagram, shows it in one reusable webview, and turns the webview's messages into editor actions
 * (open the step's code, offer its review thread, switch variant, export SVG).
 */
const VIEW_TYPE = 'kernelMmLens.diagram';

interface PanelState {
  panel: vscode.WebviewPanel;
  params: DiagramParams;
  result?: DiagramResult;
}

let current: PanelState | undefined;

function mediaRoot(ctx: ClientContext): vscode.Uri {
  return vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'media');
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/;

/** The identifier under the cursor of the active C editor, if any. */
function symbolUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !/^(c|cpp)$/.test(editor.document.languageId)) return undefined;
  const range = editor.document.getWordRangeAtPosition(editor.selection.active, IDENTIFIER);
  return range ? editor.document.getText(range) : undefined;
}

/**
 * What "Open Lifecycle Diagram" opens: the diagram(s) with a step for the symbol under the cursor (the one the tree
 * has first; a choice when several diagrams show it), else a choice of every diagram.
 */
async function pickDiagram(ctx: ClientContext): Promise<DiagramParams | undefined> {
  const symbol = symbolUnderCursor();
  const list = await ctx.client.sendRequest(Requests.listDiagrams);
  let note: string | undefined;
  if (symbol) {
    const found = await ctx.client.sendRequest(Requests.diagram, { symbol }).catch(() => undefined);
    // One diagram shows it in this tree's variant: open it; several: choose among those (then the others).
    const inTree = found?.alternativesInTree ?? found?.alternatives ?? [];
    if (found && inTree.length === 0) return { id: found.id, symbol };
    if (found) {
      const ids = [found.id, ...inTree];
      const picked = await vscode.window.showQuickPick(
        ids.map((id) => {
          const item = list.find((d) => d.id === id);
          return {
            label: item?.title ?? id,
            description: id === found.id ? `${found.variantLabel} (this tree)` : id,
            detail: item?.summary,
            id,
          };
        }),
        { title: `Kernel MM Lens: lifecycle diagrams with ${symbol}`, matchOnDetail: true },
      );
      return picked ? { id: picked.id, symbol } : undefined;
    }
    note = `No diagram has a step for ${symbol}; every diagram:`;
  }
  const picked = await vscode.window.showQuickPick(
    list.map((item) => ({ label: item.title, description: item.id, detail: item.summary, id: item.id })),
    { title: 'Kernel MM Lens: open a lifecycle diagram', placeHolder: note, matchOnDetail: true },
  );
  return picked ? { id: picked.id } : undefined;
}

function render(ctx: ClientContext, state: PanelState): void {
  if (!state.result) return;
  const webview = state.panel.webview;
  state.panel.title = `Diagram: ${state.result.title}`;
  webview.html = buildDiagramHtml({
    result: state.result,
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot(ctx), 'diagramView.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot(ctx), 'diagramView.css')).toString(),
  });
}

async function load(ctx: ClientContext, state: PanelState, params: DiagramParams): Promise<void> {
  try {
    state.result = await ctx.client.sendRequest(Requests.diagram, params);
    state.params = params;
    render(ctx, state);
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Kernel MM Lens: cannot show the diagram: ${(error as Error).message ?? error}`,
    );
  }
}

async function openStep(step: DiagramStepInfo, result: DiagramResult): Promise<void> {
  if (step.location) {
    const range = step.location.range;
    await vscode.window.showTextDocument(vscode.Uri.parse(step.location.uri), {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character),
    });
    return;
  }
  if (!step.function) {
    if (step.source.url) await offerThread(step, `"${step.label}" is a state, not code.`);
    return;
  }
  const why = result.unresolved
    ? `the index is not ready yet, so ${step.function}() cannot be located.`
    : `${step.function}() is not in this tree.`;
  await offerThread(step, why);
}

/** Shows why a step cannot be opened; the lore thread is opened only if the user clicks the button. */
async function offerThread(step: DiagramStepInfo, why: string): Promise<void> {
  const url = step.source.url;
  if (!url) {
    void vscode.window.showInformationMessage(`Kernel MM Lens: ${why}`);
    return;
  }
  const action = 'Open review thread';
  const choice = await vscode.window.showInformationMessage(
    `Kernel MM Lens: ${why} Its review thread: ${step.source.subject ?? step.source.thread}`,
    action,
  );
  if (choice === action) await vscode.env.openExternal(vscode.Uri.parse(url));
}

async function exportSvg(): Promise<void> {
  const result = current?.result;
  if (!result) {
    void vscode.window.showInformationMessage('Kernel MM Lens: open a diagram first.');
    return;
  }
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${result.id}-${result.variant}.svg`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
    filters: { 'SVG image': ['svg'] },
    title: 'Export diagram as SVG',
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(result.standaloneSvg, 'utf8'));
  void vscode.window.showInformationMessage(`Kernel MM Lens: diagram saved to ${target.fsPath}`);
}

/** Messages come from the webview: trust nothing about their shape. */
async function onMessage(ctx: ClientContext, state: PanelState, message: unknown): Promise<void> {
  if (!message || typeof message !== 'object') return;
  const { type, step, variant } = message as { type?: unknown; step?: unknown; variant?: unknown };
  const result = state.result;
  if (!result) return;
  const info = typeof step === 'string' ? result.steps.find((candidate) => candidate.id === step) : undefined;
  if (type === 'open' && info) await openStep(info, result);
  else if (type === 'openThread' && info?.source.url) await offerThread(info, `"${info.label}".`);
  else if (type === 'variant' && typeof variant === 'string' && result.variants.some((v) => v.id === variant)) {
    await load(ctx, state, { ...state.params, id: result.id, variant, step: undefined });
  } else if (type === 'export') await exportSvg();
}

async function openDiagram(ctx: ClientContext, args?: DiagramParams): Promise<void> {
  const params =
    args && (typeof args.id === 'string' || typeof args.symbol === 'string')
      ? {
          id: args.id,
          symbol: args.symbol,
          variant: typeof args.variant === 'string' ? args.variant : undefined,
          step: typeof args.step === 'string' ? args.step : undefined,
        }
      : await pickDiagram(ctx);
  if (!params) return;
  if (!current) {
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Diagram', vscode.ViewColumn.Beside, {
      enableScripts: true,
      // The page is cheap to rebuild; its selection survives through the webview's setState/getState.
      retainContextWhenHidden: false,
      localResourceRoots: [mediaRoot(ctx)],
    });
    const state: PanelState = { panel, params };
    current = state;
    ctx.ui.diagramOpen = true;
    panel.onDidDispose(
      () => {
        if (current === state) {
          current = undefined;
          ctx.ui.diagramOpen = false;
        }
      },
      undefined,
      ctx.extension.subscriptions,
    );
    panel.webview.onDidReceiveMessage(
      (message) => onMessage(ctx, state, message),
      undefined,
      ctx.extension.subscriptions,
    );
  } else {
    current.panel.reveal(undefined, true);
  }
  await load(ctx, current, params);
}

export function activate(ctx: ClientContext): void {
  ctx.registerCommand(ClientCommands.openDiagram, (args?: DiagramParams) => openDiagram(ctx, args));
  ctx.registerCommand(ClientCommands.exportDiagramSvg, () => exportSvg());
}
