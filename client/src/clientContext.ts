import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

/**
 * What every client feature (client/src/features/<name>.ts, one feature per file) receives.
 * A feature exports `activate(ctx: ClientContext): void` and is listed in client/src/features/index.ts.
 */
export interface ClientContext {
  readonly extension: vscode.ExtensionContext;
  /** The running language client (started before features activate). */
  readonly client: LanguageClient;
  readonly output: vscode.OutputChannel;
  /** Registers a command and disposes it with the extension. */
  registerCommand(id: string, handler: (...args: any[]) => unknown): void;
  /** Disposed with the extension. */
  subscribe(disposable: vscode.Disposable): void;
}
