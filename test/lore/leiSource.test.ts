import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LEI_MISSING, LeiSource, leiQueryTerms } from '../../server/src/lore/leiSource';
import { MailIndex } from '../../server/src/lore/mailIndex';
import { ThreadService } from '../../server/src/lore/threadService';
import { fixture } from './helpers';

// A small real public-inbox (V2, Xapian) built from hand-written fixture mail, queried with the real lei.
const tools = ['lei', 'public-inbox-init', 'public-inbox-index'];
const missingTool = tools.find((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const skip = missingTool
  ? `${missingTool} not installed (scripts/install-lore-tools.sh installs Debian's public-inbox and lei)`
  : false;
if (missingTool) console.log(`# lei tests skipped: ${skip}`);

let work = '';
let env: NodeJS.ProcessEnv = {};
let inbox = '';

before(() => {
  if (missingTool) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-mm-lens-lei-'));
  // lei keeps its config, store and daemon socket under the XDG folders: all of them inside the test folder.
  env = {
    ...process.env,
    HOME: path.join(work, 'home'),
    XDG_CONFIG_HOME: path.join(work, 'home', '.config'),
    XDG_DATA_HOME: path.join(work, 'home', '.local', 'share'),
    XDG_CACHE_HOME: path.join(work, 'home', '.cache'),
    XDG_RUNTIME_DIR: path.join(work, 'run'),
  };
  fs.mkdirSync(env.HOME!, { recursive: true });
  fs.mkdirSync(env.XDG_RUNTIME_DIR!, { recursive: true, mode: 0o700 });
  const script = path.join(__dirname, '..', '..', 'scripts', 'lore-archive', 'build-inbox.sh');
  const built = spawnSync('bash', [script, fixture('lei-inbox.mbox'), path.join(work, 'list'), 'test-list'], {
    env,
    encoding: 'utf8',
  });
  assert.equal(built.status, 0, built.stderr);
  inbox = path.join(work, 'list', 'inbox');
});

after(() => {
  if (!work) return;
  spawnSync('lei', ['daemon-kill'], { env });
  fs.rmSync(work, { recursive: true, force: true });
});

const COVER = '20250303100000.4242-1-ann@example.org';
const REMOVAL = '20250303100000.4242-2-ann@example.org';
const RENAME = '20250303100000.4242-3-ann@example.org';
const REVIEW = 'Z8bobReview01@bob.example.net';
const QUESTION = '87question.fsf@dan.example.com';
const UNRELATED = '20250305110000.777-1-carol@example.com';

async function idsIn(mbox: string): Promise<string[]> {
  const index = await MailIndex.load([mbox], () => undefined);
  return [...index.messages.keys()].sort();
}

test(
  'lei q finds the patch that removes the symbol, its whole thread and the subject mention; nothing else',
  { skip },
  async () => {
    const logs: string[] = [];
    const source = new LeiSource((line) => logs.push(line), {
      externals: [inbox],
      cacheDir: path.join(work, 'cache'),
      env,
    });
    const first = await source.query('pmd_devmap');
    assert.equal(first.note, undefined, logs.join('\n'));
    assert.equal(first.fromCache, false);
    assert.deepEqual(await idsIn(first.mbox!), [COVER, REMOVAL, RENAME, QUESTION, REVIEW].sort());
    assert.ok(!(await idsIn(first.mbox!)).includes(UNRELATED));
    const again = await source.query('pmd_devmap');
    assert.equal(again.fromCache, true);
    assert.equal(again.mbox, first.mbox);
  },
);

test('the file narrows the diff terms; the subject term still finds the discussion', { skip }, async () => {
  const source = new LeiSource(() => undefined, { externals: [inbox], cacheDir: path.join(work, 'cache'), env });
  const elsewhere = await source.query('walk_one_pmd', { file: 'mm/gup.c' });
  assert.deepEqual(await idsIn(elsewhere.mbox!), [], 'the hunk header matches, but in another file');
  // Subjects that name the symbol still count (patch 1/2's subject names pmd_devmap; --threads adds its thread).
  const bySubject = await source.query('pmd_devmap', { file: 'mm/gup.c' });
  assert.deepEqual(await idsIn(bySubject.mbox!), [COVER, REMOVAL, RENAME, QUESTION, REVIEW].sort());
  const here = await source.query('walk_one_pmd', { file: 'mm/walk.c' });
  assert.deepEqual(
    await idsIn(here.mbox!),
    [COVER, REMOVAL, RENAME, REVIEW].sort(),
    'dfhh: finds the hunk header function',
  );
  const added = await source.query('other_helper');
  assert.deepEqual(await idsIn(added.mbox!), [UNRELATED], 'dfb: finds added lines');
});

test('a missing lei gives one message naming the Debian packages, logged once', async () => {
  const logs: string[] = [];
  const external = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-mm-lens-fake-inbox-'));
  try {
    const source = new LeiSource((line) => logs.push(line), {
      externals: [external],
      cacheDir: path.join(external, 'cache'),
      lei: path.join(external, 'no-such-lei'),
    });
    const first = await source.query('pmd_devmap');
    const second = await source.query('folio_walk_start');
    assert.equal(first.note, LEI_MISSING);
    assert.equal(second.note, LEI_MISSING);
    assert.match(LEI_MISSING, /"lei" and "public-inbox"/);
    assert.equal(logs.filter((l) => l.includes('not installed')).length, 1);
  } finally {
    fs.rmSync(external, { recursive: true, force: true });
  }
});

test('remote externals are asked only on an explicit request; hostile names never reach lei', async () => {
  const source = new LeiSource(() => undefined, {
    externals: ['https://lore.kernel.org/linux-mm/'],
    cacheDir: os.tmpdir(),
    lei: '/nonexistent/lei',
  });
  const background = await source.query('pmd_devmap');
  assert.equal(background.mbox, undefined);
  assert.deepEqual(background.externals, []);
  assert.match(background.note ?? '', /explicit request/);
  for (const hostile of ['a b', 'x OR y', 'dfa:x', '$(rm -rf ~)', '', 'a'.repeat(200), 'pmd_devmap\n']) {
    assert.throws(() => leiQueryTerms(hostile), /not a C identifier/);
  }
  assert.throws(() => leiQueryTerms('pmd_devmap', '../etc/passwd'), /not a relative path/);
  assert.deepEqual(leiQueryTerms('pmd_devmap'), [
    '(',
    'dfhh:pmd_devmap',
    'OR',
    'dfa:pmd_devmap',
    'OR',
    'dfb:pmd_devmap',
    'OR',
    's:pmd_devmap',
    ')',
  ]);
});

test(
  'the thread service: an explicit search adds lei’s answer; a new editor session reuses it without running lei',
  { skip },
  async () => {
    const cacheDir = path.join(work, 'service-cache');
    const logs: string[] = [];
    // The folder around the inbox, as build-inbox.sh names it: the inbox inside is used.
    const service = new ThreadService((line) => logs.push(line), {
      mailSources: () => [],
      externals: () => [path.join(work, 'list')],
      leiCacheDir: cacheDir,
      mailOptions: { cacheDir: path.join(work, 'mail-cache') },
      useCachedLeiAnswers: true,
    });
    const before = await service.threadsForSymbol('pmd_devmap');
    assert.ok(!before.some((e) => e.messageId === REMOVAL), 'no lei run before an explicit request');
    const search = await service.searchExternals('pmd_devmap');
    assert.match(search.message, /lei searched inbox for pmd_devmap/, logs.join('\n'));
    const entries = await service.threadsForSymbol('pmd_devmap');
    const removal = entries.find((e) => e.messageId === REMOVAL)!;
    assert.equal(removal.relation, 'patch');
    assert.ok(removal.versions[0].replies.some((r) => r.messageId === REVIEW));
    // A later session (a restarted server) with lei gone: the cached answer is still part of every answer.
    const later = new ThreadService(() => undefined, {
      mailSources: () => [],
      externals: () => [path.join(work, 'list')],
      leiCacheDir: cacheDir,
      lei: path.join(work, 'no-such-lei'),
      useCachedLeiAnswers: true,
    });
    assert.deepEqual(
      (await later.threadsForSymbol('pmd_devmap')).map((e) => e.messageId),
      entries.map((e) => e.messageId),
    );
  },
);
