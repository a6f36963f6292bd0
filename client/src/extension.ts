import * as vscode from 'vscode';

export async function activate(_context: vscode.ExtensionContext): Promise<void> {
  // Wired up in client/src/context.ts (language client) and client/src/features/*.
}

export function deactivate(): void {}
