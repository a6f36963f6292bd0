/**
 * A minimal LSP client for protocol tests: starts the bundled server (`dist/server.js lsp --stdio`) as
 * a separate process and speaks JSON-RPC over its stdio, as an editor does.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';

export class LspTestClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  readonly notifications: Array<{ method: string; params: any }> = [];
  readonly serverRequests: Array<{ method: string; params: any }> = [];
  readonly stderr: string[] = [];

  constructor(
    readonly root: string,
    env: NodeJS.ProcessEnv = {},
    bundle = path.join(__dirname, '..', '..', 'dist', 'server.js'),
  ) {
    this.child = spawn(process.execPath, [bundle, 'lsp', '--stdio'], {
      env: { ...process.env, ...env },
      stdio: 'pipe',
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
  }

  uri(file: string): string {
    return pathToFileURL(path.join(this.root, file)).toString();
  }

  request<T = any>(method: string, params: unknown, timeoutMs = 60000): Promise<T> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out; stderr: ${this.stderr.join('')}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  async initialize(initializationOptions: unknown = {}): Promise<any> {
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(this.root).toString(),
      workspaceFolders: [{ uri: pathToFileURL(this.root).toString(), name: 'tree' }],
      capabilities: { window: { workDoneProgress: true }, textDocument: { hover: { contentFormat: ['markdown'] } } },
      initializationOptions,
    });
    this.notify('initialized', {});
    return result;
  }

  /** Waits until a notification matching `predicate` has arrived. */
  async waitForNotification(
    method: string,
    predicate: (params: any) => boolean = () => true,
    timeoutMs = 60000,
  ): Promise<any> {
    const started = Date.now();
    for (;;) {
      const found = this.notifications.find((n) => n.method === method && predicate(n.params));
      if (found) return found.params;
      if (Date.now() - started > timeoutMs)
        throw new Error(`no ${method} notification; stderr: ${this.stderr.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  open(file: string, text: string, languageId = 'c'): void {
    this.notify('textDocument/didOpen', { textDocument: { uri: this.uri(file), languageId, version: 1, text } });
  }

  async shutdown(): Promise<void> {
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
    } catch {
      /* already gone */
    }
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve(undefined);
      }, 3000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }

  private send(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1] ?? 0);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.id !== undefined && message.method) {
        // A request from the server (workDoneProgress/create, workspace/configuration, ...): answer it.
        this.serverRequests.push({ method: message.method, params: message.params });
        const result =
          message.method === 'workspace/configuration' ? (message.params?.items ?? []).map(() => null) : null;
        this.send({ jsonrpc: '2.0', id: message.id, result });
      } else if (message.id !== undefined) {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error)
          waiter?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
        else waiter?.resolve(message.result);
      } else {
        this.notifications.push({ method: message.method, params: message.params });
      }
    }
  }
}
