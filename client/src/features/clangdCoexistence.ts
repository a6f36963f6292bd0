import * as vscode from 'vscode';
import { SETTINGS_SECTION, type ClangdStatus } from '../../../protocol';
import type { ClientContext } from '../clientContext';

/**
 * Next to the clangd extension, generic navigation defaults to what clangd cannot do. The server is told clangd is
 * there (initializationOptions.clangd); with `kernelMmLens.clangdCoexistence` at "auto" it then answers definition,
 * references, highlights, document symbols, completion and signature help only in files clangd has no build for,
 * and keeps whole-tree symbol search and call hierarchy (all architectures) everywhere: VS Code merges the answers
 * of both servers, so answering twice would list clangd's definition next to ours. Said once, with one click to
 * answer everywhere instead.
 */

export const CLANGD_EXTENSION_ID = 'llvm-vs-code-extensions.vscode-clangd';
const TOLD_KEY = 'kernelMmLens.toldAboutClangd';
const EVERYWHERE = 'Answer Everywhere';

/** Whether clangd's extension is installed and enabled, and where it reads its compile database. */
export function clangdStatus(): ClangdStatus {
  const extension = vscode.extensions.getExtension(CLANGD_EXTENSION_ID);
  if (!extension) return { active: false };
  const status: ClangdStatus = { active: true };
  const args = vscode.workspace.getConfiguration('clangd').get<unknown>('arguments');
  if (Array.isArray(args)) {
    for (const arg of args) {
      const match = typeof arg === 'string' ? /^--compile-commands-dir=(.+)$/.exec(arg) : null;
      if (match) status.compileCommandsDir = match[1];
    }
  }
  return status;
}

export function activate(ctx: ClientContext): void {
  if (!clangdStatus().active) return;
  const mode = ctx.settings().clangdCoexistence;
  ctx.output.appendLine(`[client] clangd extension found; clangdCoexistence: ${mode}`);
  if (mode !== 'auto' || ctx.extension.globalState.get<boolean>(TOLD_KEY)) return;
  void ctx.extension.globalState.update(TOLD_KEY, true);
  void vscode.window
    .showInformationMessage(
      'Kernel MM Lens: clangd is active, so in the files clangd builds, Go to Definition, references, completion and ' +
        'signature help are left to it. Kernel MM Lens answers in the rest of the tree and keeps whole-tree symbol ' +
        'search, call hierarchy across architectures, kernel hovers and lint.',
      EVERYWHERE,
      'OK',
    )
    .then(async (choice) => {
      if (choice !== EVERYWHERE) return;
      // The server reads the setting on each request: no restart.
      await vscode.workspace
        .getConfiguration(SETTINGS_SECTION)
        .update('clangdCoexistence', 'both', vscode.ConfigurationTarget.Global);
    });
}
