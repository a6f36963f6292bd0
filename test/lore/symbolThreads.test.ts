import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { loadBundledThreads } from '../../server/src/lore/bundledThreads';
import { MailIndex } from '../../server/src/lore/mailIndex';
import { loreUrl, SymbolThreadIndex } from '../../server/src/lore/symbolThreads';
import { ThreadService } from '../../server/src/lore/threadService';
import { threadsCommand } from '../../server/src/cli/threadsCommand';
import { getCatalog } from '../../server/src/knowledge/catalog';
import type { ThreadEntry } from '../../server/src/lore/threadEntry';
import { fixture, loadMail, V1_PATCH, DAVID_READD_REPLY, BROST_PATCH, POPPLE_BROST_REPLY } from './helpers';

const bundled = loadBundledThreads((line) => assert.fail(`bundled index problem: ${line}`));
const catalog = getCatalog();
const RANK = ['patch', 'review', 'mention'];
const V2_FOLIO_WALK = '20250210193801.781278-5-david@redhat.com';

function threads(mail: MailIndex, symbol: string): ThreadEntry[] {
  return new SymbolThreadIndex(mail, bundled, catalog).threadsFor(symbol);
}

test('bundled only: one entry per patch across versions, latest version first, ranked by relation', () => {
  const entries = threads(MailIndex.empty(), 'make_device_exclusive()');
  const relations = entries.map((e) => e.relation);
  assert.deepEqual(
    relations,
    [...relations].sort((a, b) => RANK.indexOf(a) - RANK.indexOf(b)),
  );
  // v1 04/12 and v2 04/17 are the same patch: one entry, v2 first, v1 folded under it with its replies.
  const folioWalk = entries.filter((e) => e.versions.some((v) => v.messageId === V1_PATCH));
  assert.equal(folioWalk.length, 1);
  assert.deepEqual(
    folioWalk[0].versions.map((v) => [v.version, v.messageId]),
    [
      [2, V2_FOLIO_WALK],
      [1, V1_PATCH],
    ],
  );
  assert.equal(folioWalk[0].messageId, V2_FOLIO_WALK, 'the flat fields describe the latest version');
  assert.equal(folioWalk[0].kind, 'patch');
  assert.ok(folioWalk[0].versions[1].replies.some((r) => r.author === 'Alistair Popple'));
  assert.ok(folioWalk[0].cited, 'the catalog entry of make_device_exclusive cites this thread');
  const ids = entries.flatMap((e) => e.versions.map((v) => v.messageId));
  assert.equal(new Set(ids).size, ids.length, 'no message is listed as the version of two entries');
  for (const entry of entries) assert.equal(entry.url, `https://lore.kernel.org/all/${entry.messageId}/`);
});

test('bundled + local mail: same Message-ID merged once, marked local, its relation from the mail', async () => {
  const { index } = await loadMail(['device-exclusive-v1.mbox', 'do-swap-page.maildir']);
  const entries = threads(index, 'MMU_NOTIFY_EXCLUSIVE');
  const withReadd = entries.filter((e) =>
    e.versions.some((v) => v.replies.some((r) => r.messageId === DAVID_READD_REPLY)),
  );
  assert.equal(withReadd.length, 1);
  const readd = withReadd[0].versions.flatMap((v) => v.replies).find((r) => r.messageId === DAVID_READD_REPLY)!;
  assert.equal(readd.local, true);
  // The reply's own incremental diff changes the notifier call; as a reply it reviews the patch it answers.
  assert.equal(readd.relation, 'review');
  const swap = threads(index, 'migrate_vma_collect_pmd');
  assert.deepEqual(
    swap.map((e) => [e.messageId, e.relation, e.local, e.source]),
    [[BROST_PATCH, 'patch', true, fixture('do-swap-page.maildir')]],
  );
  assert.deepEqual(
    swap[0].versions[0].replies.map((r) => [r.messageId, r.relation]),
    [[POPPLE_BROST_REPLY, 'review']],
  );
});

test('the threads a catalog entry cites are part of the answer (migrate_vma_setup -> the do_swap_page trylock patch)', () => {
  const entries = threads(MailIndex.empty(), 'migrate_vma_setup');
  const cited = catalog.lookup('migrate_vma_setup')!.threads!.map((t) => t.messageId);
  assert.ok(cited.includes(BROST_PATCH));
  for (const id of cited)
    assert.ok(
      entries.some((e) => e.cited && [e.messageId, ...e.versions.map((v) => v.messageId)].includes(id)),
      `cited ${id} is listed`,
    );
});

test('symbols nothing mentions give an empty list; mail without a Message-ID gets no lore link', async () => {
  const { index } = await loadMail(['no-message-id.eml']);
  assert.deepEqual(threads(index, 'no_such_symbol_anywhere'), []);
  assert.deepEqual(threads(index, ''), []);
  const synthetic = threads(index, 'folio_walk_start').find((e) => e.messageId.startsWith('synthetic.'))!;
  assert.equal(synthetic.url, '');
  assert.equal(loreUrl('a/b@c'), 'https://lore.kernel.org/all/a%2Fb@c/');
});

async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: string[] = [];
  const errChunks: string[] = [];
  out.on('data', (c) => chunks.push(String(c)));
  err.on('data', (c) => errChunks.push(String(c)));
  const code = await threadsCommand.run(argv, { out, err });
  return { code, out: chunks.join(''), err: errChunks.join('') };
}

test('threads --external without lei: one line naming the Debian packages, the other sources still listed', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-threads-nolei-'));
  const savedPath = process.env.PATH;
  process.env.PATH = path.join(tmp, 'no-bin'); // lei cannot be found
  try {
    const inbox = path.join(tmp, 'inbox');
    fs.mkdirSync(inbox);
    const { code, out, err } = await runCli(['migrate_vma_setup', '--external', inbox, '--cache-dir', tmp, '--json']);
    assert.equal(code, 0);
    const lines = err.split('\n').filter((l) => l.includes('not installed'));
    assert.equal(lines.length, 1, err);
    assert.match(lines[0], /"lei" and "public-inbox"/);
    assert.ok(
      (JSON.parse(out) as ThreadEntry[]).some((e) => e.cited),
      'the catalog-cited thread is still listed',
    );
  } finally {
    process.env.PATH = savedPath;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('kernel-mm-lens threads SYMBOL --mail PATH --json: entries with folded versions, cached by default', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-threads-cli-'));
  try {
    const argv = [
      'do_swap_page',
      '--mail',
      fixture('do-swap-page.maildir'),
      '--mail',
      fixture('missing.mbox'),
      '--json',
      '--cache-dir',
      tmp,
    ];
    const { code, out, err } = await runCli(argv);
    assert.equal(code, 0);
    assert.match(err, /missing\.mbox: not found/);
    const entries = JSON.parse(out) as ThreadEntry[];
    const brost = entries.find((e) => e.messageId === BROST_PATCH)!;
    assert.deepEqual(
      { subject: brost.subject, author: brost.author, relation: brost.relation, kind: brost.kind },
      {
        subject: '[PATCH 1/1] mm/migrate: Trylock device page in do_swap_page',
        author: 'Matthew Brost',
        relation: 'patch',
        kind: 'patch',
      },
    );
    assert.equal(brost.source, fixture('do-swap-page.maildir'));
    assert.deepEqual(
      brost.versions[0].replies.map((r) => r.messageId),
      [POPPLE_BROST_REPLY],
    );
    assert.ok(!entries.some((e) => e.messageId === POPPLE_BROST_REPLY), 'the review is folded under its patch');
    assert.ok(
      fs.readdirSync(path.join(tmp, 'mail')).some((name) => name.endsWith('.mailidx')),
      'cache written',
    );
    const again = await runCli(argv);
    assert.equal(again.out, out, 'the cached answer is the same');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('kernel-mm-lens threads: text output strips terminal escapes from mail', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-threads-cli-'));
  try {
    const { code, out } = await runCli(['hmm_range_fault', '--mail', fixture('latin1.eml'), '--cache-dir', tmp]);
    assert.equal(code, 0);
    assert.match(out, /Jérôme Glisse/);
    assert.doesNotMatch(out, /\u001b/);
    const none = await runCli(['definitely_not_a_symbol', '--cache-dir', tmp]);
    assert.match(none.out, /No review threads known for definitely_not_a_symbol/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the thread view of a patch lists its versions and folds the other versions after the opened thread', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-threads-view-'));
  try {
    // Two versions of one patch, each with a review, in one mbox.
    const mbox = path.join(tmp, 'versions.mbox');
    const message = (id: string, subject: string, date: string, extra: string[], body: string): string =>
      [
        'From mboxrd@z Thu Jan  1 00:00:00 1970',
        'From: Ann Author <ann@example.org>',
        `Subject: ${subject}`,
        `Date: ${date}`,
        `Message-ID: <${id}>`,
        ...extra,
        '',
        body,
        '',
      ].join('\n');
    fs.writeFileSync(
      mbox,
      [
        message(
          'v1@x',
          '[PATCH] mm: drop frob_devmap()',
          'Mon, 3 Feb 2025 10:00:00 +0000',
          [],
          'First try at frob_devmap().',
        ),
        message(
          'r1@x',
          'Re: [PATCH] mm: drop frob_devmap()',
          'Tue, 4 Feb 2025 10:00:00 +0000',
          ['In-Reply-To: <v1@x>'],
          'Please keep frob_devmap() for now.',
        ),
        message(
          'v2@x',
          '[PATCH v2] mm: drop frob_devmap()',
          'Mon, 3 Mar 2025 10:00:00 +0000',
          [],
          'Second try at frob_devmap().',
        ),
        message(
          'r2@x',
          'Re: [PATCH v2] mm: drop frob_devmap()',
          'Tue, 4 Mar 2025 10:00:00 +0000',
          ['In-Reply-To: <v2@x>'],
          'Reviewed-by: Bob <bob@example.org>',
        ),
      ].join(''),
    );
    const service = new ThreadService(() => undefined, { mailSources: () => [mbox] });
    const entries = await service.threadsForSymbol('frob_devmap');
    assert.equal(entries.length, 1);
    assert.deepEqual(
      entries[0].versions.map((v) => [v.version, v.messageId, v.replies.map((r) => r.messageId)]),
      [
        [2, 'v2@x', ['r2@x']],
        [1, 'v1@x', ['r1@x']],
      ],
    );
    const doc = (await service.threadDocument('v2@x', 'frob_devmap')) as Awaited<
      ReturnType<ThreadService['threadDocument']>
    > & { folds: Array<{ startLine: number; endLine: number }> };
    assert.match(doc.text, /Versions of this patch: 2, latest first/);
    assert.match(
      doc.text,
      /v2 {2}2025-03-03 {2}\[PATCH v2\] mm: drop frob_devmap\(\) {2}\[1 reply\] {2}<- this thread/,
    );
    assert.match(doc.text, /######## Version v1 \(2025-02-03\): \[PATCH\] mm: drop frob_devmap\(\)/);
    assert.equal(doc.folds.length, 1);
    const lines = doc.text.split('\n');
    assert.match(lines[doc.folds[0].startLine], /^######## Version v1/);
    assert.ok(
      lines.slice(doc.folds[0].startLine, doc.folds[0].endLine + 1).includes('Please keep frob_devmap() for now.'),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the demo fixture (three versions of one patch, a review each) is one entry, v3 first, reviews per version', async () => {
  const { index } = await loadMail(['demo-devmap-versions.mbox']);
  const entries = threads(index, 'demo_svm_pmd_is_device');
  assert.equal(entries.length, 1);
  assert.deepEqual(
    entries[0].versions.map((v) => [v.version, v.replies.map((r) => r.author)]),
    [
      [3, ['Bob Reviewer']],
      [2, ['Bob Reviewer']],
      [1, ['Bob Reviewer']],
    ],
  );
  assert.equal(entries[0].relation, 'patch');
  const devmap = threads(index, 'pmd_devmap');
  assert.equal(devmap[0].messageId, '20250203090000.3003-1-ann@example.org', 'the newest patch that changes it first');
});
