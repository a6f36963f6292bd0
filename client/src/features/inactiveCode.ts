import * as vscode from 'vscode';
import type { ClientCapabilities } from 'vscode-languageclient/node';
import { InactiveRegionsNotification, SETTINGS_SECTION, type InactiveRegionsParams } from '../../../protocol';
import type { ClientContext } from '../clientContext';

/** VS Code's C/C++ extension and clangd's both dim inactive code to this opacity by default. */
const INACTIVE_OPACITY = '0.55';

/**
 * Dims the code the kernel configuration leaves out. The client announces clangd's extension
 * (`textDocument.inactiveRegionsCapabilities.inactiveRegions`), the server pushes `textDocument/inactiveRegions`,
 * and the regions are painted as whole lines, like VS Code's own inactive code. `kernelMmLens.dimInactiveCode`
 * turns the painting off (the regions are still received, so turning it on again needs no round trip).
 */
export function activate(ctx: ClientContext): void {
  ctx.client.registerFeature({
    fillClientCapabilities(capabilities: ClientCapabilities) {
      const textDocument = (capabilities.textDocument ??= {}) as Record<string, unknown>;
      textDocument.inactiveRegionsCapabilities = { inactiveRegions: true };
    },
    initialize() {},
    getState: () => ({ kind: 'static' }),
    clear() {},
  });

  const decoration = vscode.window.createTextEditorDecorationType({
    opacity: INACTIVE_OPACITY,
    isWholeLine: true,
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  ctx.subscribe(decoration);
  const regionsByUri = new Map<string, vscode.Range[]>();
  const enabled = () => vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>('dimInactiveCode', true);

  const paint = (editor: vscode.TextEditor) => {
    const ranges = enabled() ? (regionsByUri.get(editor.document.uri.toString()) ?? []) : [];
    editor.setDecorations(decoration, ranges);
  };
  const paintAll = () => vscode.window.visibleTextEditors.forEach(paint);

  ctx.subscribe(
    ctx.client.onNotification(InactiveRegionsNotification, (params: InactiveRegionsParams) => {
      const uri = ctx.client.protocol2CodeConverter.asUri(params.textDocument.uri).toString();
      regionsByUri.set(
        uri,
        params.regions.map((r) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character)),
      );
      for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri) paint(editor);
    }),
  );
  ctx.subscribe(vscode.window.onDidChangeVisibleTextEditors(paintAll));
  ctx.subscribe(vscode.workspace.onDidCloseTextDocument((document) => regionsByUri.delete(document.uri.toString())));
  ctx.subscribe(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SETTINGS_SECTION}.dimInactiveCode`)) paintAll();
    }),
  );
}
