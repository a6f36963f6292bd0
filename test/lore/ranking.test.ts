import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'stream';
import { loadBundledThreads } from '../../server/src/lore/bundledThreads';
import { MailIndex } from '../../server/src/lore/mailIndex';
import { compareEntries, loreUrl, rankThreadsForSymbol } from '../../server/src/lore/ranking';
import { threadsCommand } from '../../server/src/cli/threadsCommand';
import type { ThreadListEntry } from '../../protocol';
import { fixture, loadMail, V1_PATCH, DAVID_READD_REPLY, BROST_PATCH, POPPLE_BROST_REPLY } from './helpers';

const bundled = loadBundledThreads((line) => assert.fail(`bundled index problem: ${line}`));

test('bundled only: make_device_exclusive lists patches (newest version first), then reviews, then mentions', () => {
  const entries = rankThreadsForSymbol('make_device_exclusive()', bundled, MailIndex.empty());
  const relations = entries.map((e) => e.relation);
  assert.deepEqual(
    relations,
    [...relations].sort(
      (a, b) => ['patch', 'review', 'mention'].indexOf(a) - ['patch', 'review', 'mention'].indexOf(b),
    ),
  );
  const patches = entries.filter((e) => e.relation === 'patch');
  assert.ok(patches.length >= 4);
  assert.equal(patches[0].version, 2, 'v2 patches come before the v1 patch');
  assert.equal(patches.at(-1)!.messageId, V1_PATCH);
  assert.ok(entries.some((e) => e.relation === 'review' && e.author === 'Alistair Popple'));
  for (const entry of entries) {
    assert.equal(entry.source, 'bundled');
    assert.equal(entry.local, false);
    assert.equal(entry.url, `https://lore.kernel.org/all/${entry.messageId}/`);
  }
  assert.equal(new Set(entries.map((e) => e.messageId)).size, entries.length, 'deduplicated');
});

test('bundled + local mail: same Message-ID merged once, marked local, mail-only messages added', async () => {
  const { index } = await loadMail(['device-exclusive-v1.mbox', 'do-swap-page.maildir']);
  const entries = rankThreadsForSymbol('MMU_NOTIFY_EXCLUSIVE', bundled, index);
  const readd = entries.filter((e) => e.messageId === DAVID_READD_REPLY);
  assert.equal(readd.length, 1);
  assert.equal(readd[0].local, true);
  assert.equal(readd[0].source, fixture('device-exclusive-v1.mbox'));
  // The local copy carries its own incremental diff, which changes the notifier call: patch wins over review.
  assert.equal(readd[0].relation, 'patch');
  assert.match(readd[0].summary ?? '', /puts the MMU_NOTIFY_EXCLUSIVE range notification/);
  const swap = rankThreadsForSymbol('migrate_vma_collect_pmd', bundled, index);
  assert.deepEqual(
    swap.map((e) => [e.messageId, e.relation, e.local]),
    [
      [BROST_PATCH, 'patch', true],
      [POPPLE_BROST_REPLY, 'review', true],
    ],
  );
});

test('symbols that nothing mentions give an empty list; ids without a public Message-ID get no lore link', async () => {
  const { index } = await loadMail(['no-message-id.eml']);
  assert.deepEqual(rankThreadsForSymbol('no_such_symbol_anywhere', bundled, index), []);
  assert.deepEqual(rankThreadsForSymbol('', bundled, index), []);
  const synthetic = rankThreadsForSymbol('folio_walk_start', bundled, index).find((e) =>
    e.messageId.startsWith('synthetic.'),
  )!;
  assert.equal(synthetic.url, '');
  assert.equal(loreUrl('a/b@c'), 'https://lore.kernel.org/all/a%2Fb@c/');
});

test('ordering: relation, then version, then date', () => {
  const base = { subject: '', author: '', url: '', source: 'bundled', local: false };
  const list: ThreadListEntry[] = [
    { ...base, messageId: 'm1', relation: 'mention', date: '2026-01-01', version: 9 },
    { ...base, messageId: 'r1', relation: 'review', date: '2025-01-01', version: 1 },
    { ...base, messageId: 'p-old', relation: 'patch', date: '2025-06-01', version: 1 },
    { ...base, messageId: 'p-new', relation: 'patch', date: '2024-01-01', version: 3 },
  ];
  assert.deepEqual(
    [...list].sort(compareEntries).map((e) => e.messageId),
    ['p-new', 'p-old', 'r1', 'm1'],
  );
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

test('kernel-mm-lens threads SYMBOL --mail PATH --json prints the ranked array', async () => {
  const { code, out, err } = await runCli([
    'do_swap_page',
    '--mail',
    fixture('do-swap-page.maildir'),
    '--mail',
    fixture('missing.mbox'),
    '--json',
  ]);
  assert.equal(code, 0);
  assert.match(err, /missing\.mbox: not found/);
  const entries = JSON.parse(out) as ThreadListEntry[];
  const brost = entries.find((e) => e.messageId === BROST_PATCH)!;
  assert.deepEqual(
    { subject: brost.subject, author: brost.author, relation: brost.relation, source: brost.source, url: brost.url },
    {
      subject: '[PATCH 1/1] mm/migrate: Trylock device page in do_swap_page',
      author: 'Matthew Brost',
      relation: 'patch',
      source: fixture('do-swap-page.maildir'),
      url: `https://lore.kernel.org/all/${BROST_PATCH}/`,
    },
  );
  assert.ok(
    entries.findIndex((e) => e.messageId === BROST_PATCH) <
      entries.findIndex((e) => e.messageId === POPPLE_BROST_REPLY),
  );
  for (const entry of entries)
    for (const key of ['messageId', 'subject', 'author', 'date', 'url', 'relation', 'source']) assert.ok(key in entry);
});

test('kernel-mm-lens threads: text output strips terminal escapes from mail', async () => {
  const { code, out } = await runCli(['hmm_range_fault', '--mail', fixture('latin1.eml')]);
  assert.equal(code, 0);
  assert.match(out, /Jérôme Glisse/);
  assert.doesNotMatch(out, /\u001b/);
  const none = await runCli(['definitely_not_a_symbol']);
  assert.match(none.out, /No review threads known for definitely_not_a_symbol/);
});
