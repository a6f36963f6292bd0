import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Requests } from '../../protocol';
import { LspTestClient } from './lspClient';

/** `kernelMmLens/lintWorkspace` over stdio: work-done progress, cancellation and one result per real file. */
const fixtures = path.join(__dirname, '..', 'fixtures', 'lint');
const LINT = Requests.lintWorkspace.method;
const TITLE = 'Kernel MM Lens: linting the workspace';
let base: string;
let tree: string;
let client: LspTestClient;

before(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lint-progress-lsp-'));
  tree = path.join(base, 'tree');
  fs.mkdirSync(path.join(tree, 'mm'), { recursive: true });
  fs.copyFileSync(path.join(fixtures, 'new-tree', 'Makefile'), path.join(tree, 'Makefile'));
  fs.copyFileSync(path.join(fixtures, 'new-tree', 'mm', 'sample.c'), path.join(tree, 'mm', 'sample.c'));
  // The same file again through a symlinked folder that sorts first.
  fs.symlinkSync('mm', path.join(tree, 'alias'));
  client = new LspTestClient(tree);
  await client.initialize({ cacheDir: path.join(base, 'cache') });
});

after(async () => {
  await client.shutdown();
  fs.rmSync(base, { recursive: true, force: true });
});

const progressOn = (token: string | number) =>
  client.notifications.filter((n) => n.method === '$/progress' && n.params.token === token).map((n) => n.params.value);

/** The token of the lint progress the server created (not the indexing one). */
function createdLintToken(): string | number | undefined {
  const created: Array<string | number> = client.serverRequests
    .filter((r) => r.method === 'window/workDoneProgress/create')
    .map((r) => r.params.token);
  return created.reverse().find((token) => progressOn(token)[0]?.title === TITLE);
}

test('without a token the server creates a cancellable work-done progress: begin, percentages, end', async () => {
  const result = await client.request(LINT, {});
  const token = createdLintToken();
  assert.ok(
    token !== undefined,
    `no lint progress created; requests: ${JSON.stringify(client.serverRequests.map((r) => r.method))}`,
  );
  await client.waitForNotification('$/progress', (p) => p.token === token && p.value.kind === 'end');
  const values = progressOn(token);
  assert.deepEqual(values[0], {
    kind: 'begin',
    title: TITLE,
    message: 'finding files',
    cancellable: true,
    percentage: 0,
  });
  assert.deepEqual(values.at(-1), { kind: 'end' });
  assert.deepEqual(values.at(-2), { kind: 'report', percentage: 100, message: '2 of 2 files checked' });
  // The file reachable as alias/sample.c and mm/sample.c is reported once, under its real path.
  assert.deepEqual(
    result.files.map((f: any) => [f.uri, f.diagnostics.length]),
    [[pathToFileURL(path.join(tree, 'mm', 'sample.c')).toString(), 3]],
  );
  assert.equal(result.cancelled, false);
});

test("with the client's workDoneToken the server reports on it and creates nothing", async () => {
  const createdBefore = client.serverRequests.filter((r) => r.method === 'window/workDoneProgress/create').length;
  const result = await client.request(LINT, { workDoneToken: 'client-lint-1' });
  await client.waitForNotification('$/progress', (p) => p.token === 'client-lint-1' && p.value.kind === 'end');
  const values = progressOn('client-lint-1');
  assert.deepEqual(
    values.map((v) => v.kind),
    ['begin', 'report', 'end'],
  );
  assert.equal(values[0].title, TITLE);
  assert.equal(
    client.serverRequests.filter((r) => r.method === 'window/workDoneProgress/create').length,
    createdBefore,
  );
  assert.equal(result.findings, 3);
});

test('a cancelled request is answered RequestCancelled at once, and a progress it began still ends', async () => {
  // $/cancelRequest is answered under the server's request policy (lsp/requestPolicy.ts): cancelled while queued
  // (the usual case here: both messages arrive in one read) it is answered before it starts and begins nothing;
  // cancelled while running, the answer goes out at once and the handler's cancelled token stops it, its
  // progress ended. A partial result (`cancelled: true`) is only for the progress's own cancel button.
  const createdBefore = client.serverRequests.filter((r) => r.method === 'window/workDoneProgress/create').length;
  const id = (client as unknown as { nextId: number }).nextId;
  const pending = client.request(LINT, {});
  client.notify('$/cancelRequest', { id });
  await assert.rejects(pending, (err: Error & { code?: number }) => {
    assert.equal(err.code, -32800, `expected RequestCancelled, got ${err.code}: ${err.message}`);
    return true;
  });
  const created = client.serverRequests
    .filter((r) => r.method === 'window/workDoneProgress/create')
    .slice(createdBefore);
  for (const request of created) {
    const token = request.params.token;
    await client.waitForNotification('$/progress', (p) => p.token === token && p.value.kind === 'end');
    assert.equal(progressOn(token)[0]?.kind, 'begin');
  }
});
