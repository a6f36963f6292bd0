import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MailIndex } from '../../server/src/lore/mailIndex';

/**
 * Bounded behaviour on a large mbox generated here (about 9 MB: 1000 patches of 6 KB and one of 3 MB; never committed):
 * every message is indexed,
 * message text beyond the memory budget is dropped (and re-read on demand), one oversized message is cut,
 * and the per-source message limit stops reading with a log line.
 */

let dir: string;
let mboxPath: string;
const MESSAGES = 1000;

function patchMessage(i: number): string {
  const hunks = Array.from({ length: 40 }, (_, h) =>
    [
      `@@ -${h * 10 + 1},3 +${h * 10 + 1},3 @@ static int generated_function_${i}_${h}(struct folio *folio)`,
      ' \tint unchanged;',
      `-\told_helper_${h}(folio);`,
      `+\tnew_helper_${h}(folio);`,
      ' \treturn 0;',
    ].join('\n'),
  ).join('\n');
  return [
    'From mboxrd@z Thu Jan  1 00:00:00 1970',
    `From: Generated Author ${i % 17} <author${i % 17}@example.org>`,
    `Subject: [PATCH v${1 + (i % 3)} ${String(i % 9).padStart(2, '0')}/09] mm: generated change ${i}`,
    `Date: Mon, 3 Feb 2025 10:${String(i % 60).padStart(2, '0')}:00 +0000`,
    `Message-ID: <generated-${i}@example.org>`,
    ...(i % 5
      ? [`In-Reply-To: <generated-${i - (i % 5)}@example.org>`, `References: <generated-${i - (i % 5)}@example.org>`]
      : []),
    '',
    `This patch touches unique_symbol_${i} and, as every fifth one, shared_symbol_for_ranking.`,
    '',
    'Signed-off-by: Generated Author <author@example.org>',
    '---',
    `diff --git a/mm/generated_${i % 50}.c b/mm/generated_${i % 50}.c`,
    `--- a/mm/generated_${i % 50}.c`,
    `+++ b/mm/generated_${i % 50}.c`,
    hunks,
    '-- ',
    '2.48.1',
    '',
  ].join('\n');
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-large-'));
  mboxPath = path.join(dir, 'large.mbox');
  const fd = fs.openSync(mboxPath, 'w');
  try {
    for (let i = 0; i < MESSAGES; i++) fs.writeSync(fd, `${patchMessage(i)}\n`);
    // One message of ~3 MB: must be cut to the per-message limit, not parsed whole.
    const huge = [
      'From mboxrd@z Thu Jan  1 00:00:00 1970',
      'From: Huge <huge@example.org>',
      'Subject: [PATCH] huge',
      'Message-ID: <huge@example.org>',
      '',
      'huge_symbol_at_start()',
      'x'.repeat(3 * 1024 * 1024),
      '',
    ].join('\n');
    fs.writeSync(fd, huge);
  } finally {
    fs.closeSync(fd);
  }
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a generated ~9 MB mbox is indexed completely, keeping no message text', async () => {
  const size = fs.statSync(mboxPath).size;
  assert.ok(size > 8 * 1024 * 1024 && size <= 20 * 1024 * 1024, `size ${size}`);
  const logs: string[] = [];
  const index = await MailIndex.load([mboxPath], (l) => logs.push(l), { maxMessageBytes: 256 * 1024 });
  assert.equal(index.messages.size, MESSAGES + 1);
  const retained = [...index.messages.values()].reduce((sum, m) => sum + m.body.length, 0);
  assert.equal(retained, 0);
  assert.equal(index.stats.skipped.cut, 1);
  assert.ok(
    logs.some((l) => l.includes('1 message(s) larger than the per-message limit, cut')),
    logs.join('\n'),
  );
  // Symbols of dropped bodies were still indexed, and a dropped body comes back on demand.
  const hits = index.symbolHits('unique_symbol_900');
  assert.deepEqual(
    hits.map((h) => h.messageId),
    ['generated-900@example.org'],
  );
  assert.equal(index.symbolHits('generated_function_900_7')[0].relation, 'patch');
  const last = index.messages.get('generated-900@example.org')!;
  assert.equal(last.bodyDropped, true);
  assert.match((await index.withBody(last)).body, /unique_symbol_900/);
  assert.ok(index.symbolHits('huge_symbol_at_start').length === 1);
  assert.equal(index.threads.rootOf('generated-903@example.org'), 'generated-900@example.org');
});

test('the per-source message limit stops reading and says so', async () => {
  const logs: string[] = [];
  const index = await MailIndex.load([mboxPath], (l) => logs.push(l), { maxMessagesPerSource: 100 });
  assert.equal(index.messages.size, 100);
  assert.ok(logs.some((l) => l.includes('stopped after 100 messages')));
});

test('parsed in parallel ranges by workers: the same messages, symbols and threads as on one thread; cached likewise', async () => {
  const single = await MailIndex.load([mboxPath], () => undefined, { maxMessageBytes: 256 * 1024, workers: 1 });
  const logs: string[] = [];
  const cacheDir = path.join(dir, 'cache');
  const options = { maxMessageBytes: 256 * 1024, workers: 3, parallelMinBytes: 1024 * 1024, cacheDir };
  const parallel = await MailIndex.load([mboxPath], (l) => logs.push(l), options);
  assert.ok(!logs.some((l) => l.includes('parse workers failed')), logs.join('\n'));
  assert.deepEqual([...parallel.messages.keys()], [...single.messages.keys()]);
  assert.ok((parallel as unknown as { parts: unknown[] }).parts.length >= 2, 'more than one part was parsed');
  for (const symbol of [
    'unique_symbol_900',
    'shared_symbol_for_ranking',
    'generated_function_17_3',
    'huge_symbol_at_start',
  ])
    assert.deepEqual(parallel.symbolHits(symbol), single.symbolHits(symbol), symbol);
  assert.equal(parallel.threads.rootOf('generated-903@example.org'), 'generated-900@example.org');
  const fromCache = await MailIndex.load([mboxPath], () => undefined, options);
  assert.equal(fromCache.stats.fromCache, MESSAGES + 1);
  for (const symbol of ['unique_symbol_900', 'shared_symbol_for_ranking', 'generated_function_999_39'])
    assert.deepEqual(fromCache.symbolHits(symbol), single.symbolHits(symbol), `${symbol} from the cache`);
  const message = fromCache.messages.get('generated-555@example.org')!;
  assert.match((await fromCache.withBody(message)).body, /unique_symbol_555/);
});
