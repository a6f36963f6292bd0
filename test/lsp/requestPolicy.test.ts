import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource, LSPErrorCodes, type CancellationToken } from 'vscode-languageserver/node';
import { guardHandler, withRequestPolicy } from '../../server/src/lsp/requestPolicy';
import { LspDriver } from '../../server/src/cli/bench/lspDriver';

const never = () => new Promise<never>(() => undefined);
const noLog = { log: () => undefined };

async function rejection(promise: Promise<unknown>): Promise<{ code?: number; message?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: number; message?: string };
  }
  assert.fail('expected a rejection');
}

test('a cancelled request is answered RequestCancelled at once, while its handler is still busy', async () => {
  let handlerToken: CancellationToken | undefined;
  const guarded = guardHandler(
    'textDocument/references',
    (_p, token) => ((handlerToken = token), never()),
    noLog,
    new Map(),
  );
  const source = new CancellationTokenSource();
  const answer = guarded({}, source.token);
  await new Promise((resolve) => setImmediate(resolve));
  source.cancel();
  const error = await rejection(Promise.resolve(answer));
  assert.equal(error.code, LSPErrorCodes.RequestCancelled);
  assert.equal(handlerToken?.isCancellationRequested, true, 'the handler is told to stop');
});

test('a newer hover for the same document supersedes the older; other documents are left alone', async () => {
  const inFlight = new Map();
  const hover = guardHandler('textDocument/hover', () => never(), noLog, inFlight);
  const token = new CancellationTokenSource().token;
  const older = Promise.resolve(hover({ textDocument: { uri: 'file:///a.c' } }, token));
  const other = Promise.resolve(hover({ textDocument: { uri: 'file:///b.c' } }, token));
  await new Promise((resolve) => setImmediate(resolve));
  void hover({ textDocument: { uri: 'file:///a.c' } }, token);
  const error = await rejection(older);
  assert.equal(error.code, LSPErrorCodes.RequestCancelled);
  assert.match(error.message ?? '', /superseded/);
  const settled = await Promise.race([
    other.then(
      () => 'settled',
      () => 'settled',
    ),
    new Promise((r) => setTimeout(() => r('pending'), 50)),
  ]);
  assert.equal(settled, 'pending');
});

test('over its time budget a handler is told to finish and its partial answer is logged', async () => {
  const lines: string[] = [];
  const guarded = guardHandler(
    'workspace/symbol',
    async (_p, token) => {
      const found: number[] = [];
      while (!token.isCancellationRequested) {
        found.push(found.length);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return found;
    },
    { log: (line) => lines.push(line), budgetMs: 60 },
    new Map(),
  );
  const result = (await guarded({}, new CancellationTokenSource().token)) as number[];
  assert.ok(result.length > 0);
  assert.match(lines[0] ?? '', /^workspace\/symbol: partial answer after \d+ ms \(time budget 60 ms spent\)$/);
});

test('handlers registered through the connection are guarded (registrars, onRequest, languages.*)', () => {
  const registered: Record<string, unknown> = {};
  const fake = {
    onHover: (handler: unknown) => (registered.hover = handler),
    onRequest: (type: unknown, handler: unknown) => (registered[String(type)] = handler),
    onDidOpenTextDocument: (handler: unknown) => (registered.open = handler),
    languages: { inlayHint: { on: (handler: unknown) => (registered.inlay = handler) } },
  };
  const original = () => null;
  const notified = () => undefined;
  const connection = withRequestPolicy(fake as never, noLog);
  connection.onHover(original);
  connection.onRequest('kernelMmLens/x', original);
  connection.onDidOpenTextDocument(notified);
  connection.languages.inlayHint.on(original);
  assert.notEqual(registered.hover, original);
  assert.notEqual(registered['kernelMmLens/x'], original);
  assert.notEqual(registered.inlay, original);
  assert.equal(registered.open, notified, 'notifications pass through');
});

test(
  'over LSP: cancelled requests and superseded hovers are answered RequestCancelled, the rest answered',
  { timeout: 120_000 },
  async () => {
    const root = path.join(__dirname, '..', '..', 'samples', 'mini-kernel');
    const driver = await LspDriver.start({
      root,
      cacheDir: path.join(os.tmpdir(), `kmml-policy-${process.pid}`),
      timeoutMs: 60_000,
    });
    try {
      await driver.waitForIndex(60_000);
      const uri = driver.open('mm/rmap.c');
      const position = { line: 10, character: 8 };
      const sent = Array.from({ length: 40 }, (_, k) =>
        driver.begin(k % 2 ? 'textDocument/references' : 'textDocument/definition', {
          textDocument: { uri },
          position,
          context: { includeDeclaration: true },
        }),
      );
      for (const request of sent.slice(0, 20)) driver.cancel(request.id);
      const hovers = Array.from({ length: 10 }, () =>
        driver.begin('textDocument/hover', { textDocument: { uri }, position }),
      );
      const answers = await Promise.all(sent.map((request) => request.answer));
      const hoverAnswers = await Promise.all(hovers.map((request) => request.answer));
      for (const answer of answers.slice(0, 20))
        assert.ok(answer.error?.code === LSPErrorCodes.RequestCancelled || answer.error === undefined);
      assert.ok(answers.slice(0, 20).some((answer) => answer.error?.code === LSPErrorCodes.RequestCancelled));
      for (const answer of answers.slice(20)) assert.equal(answer.error, undefined, JSON.stringify(answer.error));
      // Only the last hover can be answered with a result; every earlier one that was still running was superseded.
      assert.equal(hoverAnswers.at(-1)?.error, undefined);
      for (const answer of hoverAnswers)
        assert.ok(!answer.error || answer.error.code === LSPErrorCodes.RequestCancelled);
    } finally {
      await driver.stop();
    }
  },
);
