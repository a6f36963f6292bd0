import { PassThrough } from 'stream';
import { pathToFileURL } from 'url';
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import { startLanguageServer } from '../../server/src/lsp/server';

export interface InProcessServerOptions {
  /** The tree the editor opened, or null for a window without a folder. */
  root: string | null;
  cacheDir: string;
  /** Client capabilities sent with `initialize` (default: none). */
  capabilities?: object;
  /** Default: `{ cacheDir }`, as the VS Code client sends it. */
  initializationOptions?: Record<string, unknown>;
  /** Handlers for particular methods (`workspace/configuration`, `textDocument/publishDiagnostics`, ...). */
  register?: (client: MessageConnection) => void;
  /** Sees every notification no particular handler took. */
  onAnyNotification?: (method: string, params: unknown) => void;
}

export interface InProcessServer {
  client: MessageConnection;
  /** The server's answer to `initialize`. */
  capabilities: Record<string, unknown>;
  /**
   * Shut down first, so the server stops its background work (data preload, cache write) before the pipes close
   * (else a late notification rejects with 'Connection is disposed' after the test has ended), then close both ends.
   */
  dispose: () => Promise<void>;
}

/**
 * The real server wiring over in-memory streams, initialised as an editor does it: the way the LSP tests drive the
 * server without spawning a process. Requests other than the registered ones are answered with null.
 */
export async function startInProcessServer(options: InProcessServerOptions): Promise<InProcessServer> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(toServer),
    new StreamMessageWriter(toClient),
  );
  startLanguageServer({ connection: serverConnection, cacheDir: options.cacheDir });
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  options.register?.(client);
  client.onNotification((method: string, params: unknown) => options.onAnyNotification?.(method, params));
  client.onRequest(() => null);
  client.listen();
  const dispose = async (): Promise<void> => {
    await client.sendRequest('shutdown').catch(() => undefined);
    client.dispose();
    serverConnection.dispose();
  };
  try {
    const init = await client.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: null,
      rootUri: options.root === null ? null : pathToFileURL(options.root).href,
      capabilities: options.capabilities ?? {},
      initializationOptions: options.initializationOptions ?? { cacheDir: options.cacheDir },
    });
    await client.sendNotification('initialized', {});
    return { client, capabilities: init.capabilities, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
