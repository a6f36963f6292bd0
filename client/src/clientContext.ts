import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { IndexStatus, KernelMmLensSettings } from '../../protocol';

/**
 * What every client feature (client/src/features/<name>.ts, one feature per file) receives.
 * A feature exports `activate(ctx: ClientContext): void` and is listed in client/src/features/index.ts.
 */
export interface ClientContext {
  readonly extension: vscode.ExtensionContext;
  /** The language client. Created before features activate and started right after them, so handlers a feature
   *  registers (onNotification, onRequest) are in place from the first message and survive restarts. */
  readonly client: LanguageClient;
  readonly output: vscode.OutputChannel;
  /** Registers a command and disposes it with the extension. */
  registerCommand(id: string, handler: (...args: never[]) => unknown): void;
  /** Disposed with the extension. */
  subscribe(disposable: vscode.Disposable): void;
  /**
   * Current `kernelMmLens.*` settings (defaults filled in; in an untrusted workspace restricted ones come from user
   * settings only).
   */
  settings(): KernelMmLensSettings;
  /** Stops and starts the language server (for example after workspace trust was granted). */
  restartServer(): Promise<void>;
  /**
   * Why the server is being restarted, while it is (a "Restart Server", a settings or trust change, a crash the
   * client recovers from); undefined otherwise. A stop without a reason is an error worth showing.
   */
  restarting(): string | undefined;
  /** The last index status the server sent (the status bar feature receives it and passes it on). */
  indexStatus(): IndexStatus | undefined;
  onIndexStatus(listener: (status: IndexStatus | undefined) => void): vscode.Disposable;
  /** Passes a status on to `onIndexStatus` listeners (called by the status bar feature only). */
  publishIndexStatus(status: IndexStatus | undefined): void;
  /** Small shared UI facts between features (the status menu asks whether a diagram is open). */
  readonly ui: { diagramOpen: boolean };
}
