import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  CloseAction,
  ErrorAction,
  State,
  type LanguageClientOptions,
  type ServerOptions,
  type ErrorHandler,
  type Message,
} from 'vscode-languageclient/node';
import {
  DEFAULT_SETTINGS,
  SETTINGS_SECTION,
  ClientCommands,
  type IndexStatus,
  type InitializationOptions,
  type KernelMmLensSettings,
} from '../../protocol';
import type { ClientContext } from './clientContext';
import { clangdStatus } from './features/clangdCoexistence';

const OUTPUT_CHANNEL_NAME = 'Kernel MM Lens';

/** More crashes than this within CRASH_WINDOW_MS and we stop restarting: something is broken for good. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 3 * 60_000;

/** Reads every `kernelMmLens.*` setting the server knows, with the shipped defaults for missing ones. */
function readSettings(): KernelMmLensSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof KernelMmLensSettings>) {
    settings[key] = config.get(key, DEFAULT_SETTINGS[key]);
  }
  return settings as unknown as KernelMmLensSettings;
}

/**
 * Restarts the server after a crash by itself and tells the user once per session;
 * gives up (and says how to restart by hand) when it keeps crashing.
 */
class RestartingErrorHandler implements ErrorHandler {
  private crashes: number[] = [];
  private told = false;
  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly willRestart: (reason: string) => void,
  ) {}

  error(_error: Error, _message: Message | undefined, count: number | undefined) {
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
  }

  closed() {
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < CRASH_WINDOW_MS);
    this.crashes.push(now);
    if (this.crashes.length > MAX_CRASHES) {
      return {
        action: CloseAction.DoNotRestart,
        message:
          `The Kernel MM Lens server stopped ${this.crashes.length} times in a few minutes and will not be restarted automatically. ` +
          `See the "${OUTPUT_CHANNEL_NAME}" output, then run "Kernel MM Lens: Restart Server".`,
      };
    }
    this.output.appendLine(
      `[client] the language server stopped unexpectedly; restarting it (${this.crashes.length} in the last 3 minutes)`,
    );
    this.willRestart('after it stopped unexpectedly');
    if (!this.told) {
      this.told = true;
      void vscode.window
        .showWarningMessage(
          `The Kernel MM Lens server stopped unexpectedly and was restarted. Its log is in the "${OUTPUT_CHANNEL_NAME}" output.`,
          'Show Output',
        )
        .then((choice) => {
          if (choice) this.output.show(true);
        });
    }
    return { action: CloseAction.Restart, handled: true };
  }
}

function serverOptions(extension: vscode.ExtensionContext): ServerOptions {
  const module = extension.asAbsolutePath('dist/server.js');
  // An executable rather than a forked module: the fork path appends `--clientProcessId=N`, and we want the exact
  // command line every other editor uses, `node dist/server.js lsp --stdio` (TransportKind.stdio appends `--stdio`).
  // The extension host's own runtime is used; under Electron it must be told to behave as plain Node.
  const options = { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } };
  return {
    run: { command: process.execPath, args: [module, 'lsp'], transport: TransportKind.stdio, options },
    debug: {
      command: process.execPath,
      args: ['--nolazy', '--inspect=6029', module, 'lsp'],
      transport: TransportKind.stdio,
      options,
    },
  };
}

function clientOptions(
  extension: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  willRestart: (reason: string) => void,
): LanguageClientOptions {
  const cacheDir = (extension.storageUri ?? extension.globalStorageUri).fsPath;
  // The index cache is kept per tree (by its real path) in the global storage: the workspace storage changes with
  // the editor's idea of the workspace (a code-server port, a .code-workspace file), and a new one meant a cold
  // index of the whole tree.
  const indexCacheDir = vscode.Uri.joinPath(extension.globalStorageUri, 'index').fsPath;
  return {
    documentSelector: [
      { scheme: 'file', language: 'c' },
      // headers are often opened as C++ (files.associations, or a clangd set-up that maps *.h to cpp)
      { scheme: 'file', language: 'cpp' },
      { scheme: 'file', pattern: '**/Kconfig*' },
      { scheme: 'file', pattern: '**/{Makefile,Kbuild}' },
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
    // a function, so that a restart after a settings or trust change sends the current values
    initializationOptions: (): InitializationOptions => ({
      cacheDir,
      indexCacheDir,
      settings: readSettings(),
      workspaceTrusted: vscode.workspace.isTrusted,
      clangd: clangdStatus(),
      // our status item shows the index progress: the server sends no second progress for it
      showsIndexStatus: true,
    }),
    outputChannel: output,
    errorHandler: new RestartingErrorHandler(output, willRestart),
    // a failed initialize (grammar does not load, bad cache folder) will fail again: report it, do not loop
    initializationFailedHandler: (error) => {
      output.appendLine(
        `[client] the server failed to initialize: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    },
    // hovers and code lenses may only run our own client commands
    markdown: { isTrusted: { enabledCommands: Object.values(ClientCommands) }, supportHtml: false },
    diagnosticCollectionName: 'kernel-mm-lens',
  };
}

/**
 * Creates the output channel and the language client, and the context every feature receives. Does not start the
 * client.
 */
export function createClientContext(extension: vscode.ExtensionContext): ClientContext {
  const output = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  extension.subscriptions.push(output);
  let restartReason: string | undefined;
  let lastStatus: IndexStatus | undefined;
  const statusEvents = new vscode.EventEmitter<IndexStatus | undefined>();
  extension.subscriptions.push(statusEvents);
  const client = new LanguageClient(
    'kernelMmLens',
    OUTPUT_CHANNEL_NAME,
    serverOptions(extension),
    clientOptions(extension, output, (reason) => (restartReason = reason)),
  );
  extension.subscriptions.push(
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) restartReason = undefined;
    }),
  );
  extension.subscriptions.push({ dispose: () => void client.stop().catch(() => undefined) });
  const ctx: ClientContext = {
    extension,
    client,
    output,
    registerCommand: (id, handler) => extension.subscriptions.push(vscode.commands.registerCommand(id, handler)),
    subscribe: (disposable) => extension.subscriptions.push(disposable),
    settings: readSettings,
    restartServer: async () => {
      output.appendLine('[client] restarting the language server');
      restartReason = 'as asked';
      try {
        if (client.isRunning()) await client.restart();
        else await client.start();
      } catch (err) {
        restartReason = undefined;
        throw err;
      }
    },
    restarting: () => restartReason,
    indexStatus: () => lastStatus,
    onIndexStatus: (listener) => statusEvents.event(listener),
    publishIndexStatus: (status) => {
      lastStatus = status;
      statusEvents.fire(status);
    },
    ui: { diagramOpen: false },
  };
  return ctx;
}
