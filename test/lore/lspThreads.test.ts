import type { ThreadEntry } from '../../server/src/lore/threadEntry';
import { test, after } from 'node:test';
import * as fs from 'fs';
import assert from 'node:assert/strict';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { DEFAULT_SETTINGS, Requests, type BlameLineResult, type ThreadDocumentResult } from '../../protocol';
import { resolveMailSources, threadsFeature } from '../../server/src/lsp/features/threads';
import type { ServerContext } from '../../server/src/lsp/context';
import { FIXTURES, BROST_PATCH, POPPLE_BROST_REPLY } from './helpers';

// The feature caches mail extraction under defaultCacheDir(): point it at a throwaway folder.
const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lsp-cache-'));
process.env.XDG_CACHE_HOME = cacheHome;
after(() => fs.rmSync(cacheHome, { recursive: true, force: true }));

/** The LSP feature's request handlers, driven through a minimal connection that records what was registered. */
function startFeature(
  mailSources: string[],
  trusted = true,
): { call: <T>(type: { method: string }, params: unknown) => Promise<T>; logs: string[] } {
  const handlers = new Map<string, (params: unknown) => unknown>();
  const logs: string[] = [];
  const ctx = {
    connection: {
      onRequest: (type: { method: string }, handler: (params: unknown) => unknown) =>
        handlers.set(type.method, handler),
    },
    onSettingsChanged: () => undefined,
    root: FIXTURES,
    settings: () => ({ ...DEFAULT_SETTINGS, mailSources }),
    log: (line: string) => logs.push(line),
    workspaceTrusted: () => trusted,
  } as unknown as ServerContext;
  threadsFeature.register(ctx);
  return {
    call: async <T>(type: { method: string }, params: unknown) => {
      const handler = handlers.get(type.method);
      assert.ok(handler, `no handler for ${type.method}`);
      return (await handler(params)) as T;
    },
    logs,
  };
}

test('mailSources: ~ and workspace-relative paths are resolved, blanks dropped', () => {
  assert.deepEqual(resolveMailSources(['~/mail/mm.mbox', 'lore/x.mbox', '/abs/y', '  '], '/tree'), [
    path.join(os.homedir(), 'mail/mm.mbox'),
    '/tree/lore/x.mbox',
    '/abs/y',
  ]);
});

test('threadsForSymbol and threadDocument over LSP use the mailSources setting', async () => {
  const { call, logs } = startFeature(['do-swap-page.maildir', 'missing.mbox']);
  const entries = await call<ThreadEntry[]>(Requests.threadsForSymbol, { symbol: 'trylock_page' });
  // One entry per patch: the review is folded under the version it answers.
  assert.deepEqual(
    entries.slice(0, 1).map((e) => [e.messageId, e.relation, e.local]),
    [[BROST_PATCH, 'patch', true]],
  );
  assert.deepEqual(
    entries[0].versions[0].replies.map((r) => [r.messageId, r.relation, r.local]),
    [[POPPLE_BROST_REPLY, 'review', true]],
  );
  assert.ok(logs.some((l) => l.includes('missing.mbox: not found')));
  const doc = await call<ThreadDocumentResult>(Requests.threadDocument, {
    messageId: BROST_PATCH,
    symbol: 'trylock_page',
  });
  assert.equal(doc.outline.length, 2);
  assert.match(doc.text.split('\n')[doc.focusLine!], /trylock_page/);
  assert.deepEqual(await call(Requests.threadsForSymbol, { symbol: 42 }), []);
  const empty = await call<ThreadDocumentResult>(Requests.threadDocument, {});
  assert.equal(empty.found, false);
  assert.equal(empty.url, '');
});

test('blameLine runs no git in an untrusted workspace', async () => {
  const { call } = startFeature([], false);
  const result = await call<BlameLineResult>(Requests.blameLine, {
    uri: pathToFileURL(path.join(FIXTURES, 'latin1.eml')).toString(),
    line: 0,
  });
  assert.equal(result.commit, undefined);
  assert.match(result.message, /not trusted: git blame is disabled/);
});

test('blameLine rejects what is not a file line, and reports a file outside git plainly', async () => {
  const { call } = startFeature([]);
  const bad = await call<BlameLineResult>(Requests.blameLine, { uri: 'untitled:1', line: 0 });
  assert.match(bad.message, /needs a file on disk/);
  const outside = await call<BlameLineResult>(Requests.blameLine, {
    uri: pathToFileURL(path.join(FIXTURES, 'latin1.eml')).toString(),
    line: 0,
  });
  assert.equal(outside.thread, undefined);
  assert.ok(outside.message.length > 0);
});
