import type { ThreadEntry } from '../../server/src/lore/threadEntry';
import { test, after } from 'node:test';
import * as fs from 'fs';
import assert from 'node:assert/strict';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  DEFAULT_SETTINGS,
  Requests,
  type BlameLineResult,
  type SearchLoreExternalsResult,
  type ThreadDocumentResult,
} from '../../protocol';
import { enclosingFunctionName, resolveMailSources, threadsFeature } from '../../server/src/lsp/features/threads';
import { createCParser } from '../../server/src/parsing/treeSitter';
import type { ServerContext } from '../../server/src/lsp/context';
import { FIXTURES, BROST_PATCH, POPPLE_BROST_REPLY } from './helpers';

// The feature caches mail extraction under the server's cache folder: a throwaway folder here.
const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lsp-cache-'));
process.env.XDG_CACHE_HOME = cacheHome;
after(() => fs.rmSync(cacheHome, { recursive: true, force: true }));

/** The LSP feature's request handlers, driven through a minimal connection that records what was registered. */
function startFeature(
  mailSources: string[],
  trusted = true,
  tree?: unknown,
): { call: <T>(type: { method: string }, params: unknown) => Promise<T>; logs: string[] } {
  const handlers = new Map<string, (params: unknown) => unknown>();
  const logs: string[] = [];
  const ctx = {
    connection: {
      onRequest: (type: { method: string }, handler: (params: unknown) => unknown) =>
        handlers.set(type.method, handler),
    },
    onSettingsChanged: () => undefined,
    documents: { tree: () => Promise.resolve(tree) },
    root: FIXTURES,
    cacheDir: path.join(cacheHome, 'kernel-mm-lens'),
    treeChanges: () => undefined, // no tree evidence here: no "in this tree" on entries
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

test('why-this-line without git history: the threads of the function around the line, and why', async () => {
  const parser = await createCParser();
  const source = 'int before;\n\nint migrate_vma_setup(struct migrate_vma *args)\n{\n\treturn 0;\n}\n';
  const tree = parser.parse(source)!;
  try {
    assert.equal(enclosingFunctionName(tree, 4), 'migrate_vma_setup');
    assert.equal(enclosingFunctionName(tree, 0), undefined);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-nogit-lsp-'));
    try {
      const file = path.join(outside, 'migrate_device.c');
      fs.writeFileSync(file, source);
      const { call } = startFeature([], true, tree);
      const result = await call<BlameLineResult>(Requests.blameLine, { uri: pathToFileURL(file).toString(), line: 4 });
      assert.equal(result.via, 'enclosing-function');
      assert.doesNotMatch(result.message, /fatal/);
      assert.match(result.message, /no git history/);
      assert.ok(
        result.threads!.some((t) => t.messageId === BROST_PATCH),
        'the catalog-cited thread',
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  } finally {
    tree.delete();
    parser.delete();
  }
});

test('searchLoreExternals runs no lei in an untrusted workspace and says so', async () => {
  const { call } = startFeature([], false);
  const result = await call<SearchLoreExternalsResult>(Requests.searchLoreExternals, { symbol: 'pmd_devmap' });
  assert.match(result.message, /not trusted: lei is not run/);
  assert.ok(Array.isArray(result.entries));
  const none = await call<SearchLoreExternalsResult>(Requests.searchLoreExternals, { symbol: '' });
  assert.deepEqual(none.entries, []);
});
