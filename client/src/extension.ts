import * as vscode from 'vscode';
import type { ClientContext } from './clientContext';
import { createClientContext } from './context';
import { features } from './features';

let current: ClientContext | undefined;

/** Thin: create the client, let every feature register itself, start the server; say so when it fails. */
export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  try {
    const ctx = createClientContext(extension);
    current = ctx;
    for (const [name, feature] of Object.entries(features)) {
      try {
        await feature.activate(ctx);
      } catch (err) {
        ctx.output.appendLine(`[client] feature ${name} failed to activate: ${describe(err)}`);
      }
    }
    await ctx.client.start();
  } catch (err) {
    current?.output.appendLine(`[client] activation failed: ${describe(err)}`);
    // not awaited: activation must not wait for the user to dismiss the message
    void vscode.window
      .showErrorMessage(
        `Kernel MM Lens could not start: ${err instanceof Error ? err.message : String(err)}`,
        ...(current ? ['Show Output'] : []),
      )
      .then((choice) => {
        if (choice) current?.output.show(true);
      });
  }
}

export async function deactivate(): Promise<void> {
  const ctx = current;
  current = undefined;
  if (ctx?.client.isRunning()) await ctx.client.stop(5000).catch(() => undefined);
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
