// Issue 20: among patches, one whose diff adds or removes a name ranks before one that only edits lines using it,
// whatever their dates (the generated list archive listed 2026 patches that kept calling pmd_devmap() above the
// 2025 series that removed it). Input: test/fixtures/lore/devmap-removal-ranking.mbox, written for this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { extractSymbols } from '../../server/src/lore/symbolExtraction';
import { MailIndex } from '../../server/src/lore/mailIndex';
import { SymbolThreadIndex } from '../../server/src/lore/symbolThreads';
import { loadBundledThreads, type BundledThreadIndex } from '../../server/src/lore/bundledThreads';

const MBOX = path.join(__dirname, '..', 'fixtures', 'lore', 'devmap-removal-ranking.mbox');
const noBundled: BundledThreadIndex = { series: [], byMessageId: new Map() };

test('extraction: a name on removed lines only is added or removed; on both sides its uses changed', () => {
  const body = [
    'diff --git a/mm/x.c b/mm/x.c',
    '--- a/mm/x.c',
    '+++ b/mm/x.c',
    '@@ -1,4 +1,4 @@ static int walk(void)',
    '-\tif (old_check(p) || kept_call(p))',
    '+\tif (kept_call(p) || new_check(p))',
    '-\t/* comment_only_name() */',
    ' \treturn 0;',
  ].join('\n');
  const symbols = new Map(extractSymbols('[PATCH] x', body, false).symbols.map((s) => [s.symbol, s]));
  assert.deepEqual(symbols.get('old_check'), { symbol: 'old_check', relation: 'patch', addsOrRemoves: true });
  assert.deepEqual(symbols.get('new_check'), { symbol: 'new_check', relation: 'patch', addsOrRemoves: true });
  assert.deepEqual(symbols.get('kept_call'), { symbol: 'kept_call', relation: 'patch' });
  // the function the hunk changes, and a name in a changed comment (talked about, not changed)
  assert.deepEqual(symbols.get('walk'), { symbol: 'walk', relation: 'patch' });
  assert.deepEqual(symbols.get('comment_only_name'), { symbol: 'comment_only_name', relation: 'mention' });
  // a quoted diff in a reply stays a review, whichever side
  const reply = extractSymbols('Re: [PATCH] x', body.replace(/^/gm, '> '), true).symbols;
  assert.equal(reply.find((s) => s.symbol === 'old_check')?.relation, 'review');
});

test('the removing patch of 2025 ranks before the 2026 patch that keeps calling it, then the review', async () => {
  const mail = await MailIndex.load([MBOX], (line) => assert.fail(line), { workers: 1 });
  const entries = new SymbolThreadIndex(mail, noBundled).threadsFor('demo_devmap');
  assert.deepEqual(
    entries.map((e) => [e.messageId, e.relation, e.addsOrRemoves ?? false]),
    [
      ['removal-2025@example.org', 'patch', true],
      ['braces-2026@example.org', 'patch', false],
    ],
  );
  // The review is folded under the version it answers; it does not make the entry a removal.
  assert.deepEqual(
    entries[1].versions[0].replies.map((r) => [r.messageId, r.relation]),
    [['braces-review@example.net', 'review']],
  );
  // A curated bundled `symbols` entry with relation patch counts as what the patch is about.
  const bundled = loadBundledThreads((line) => assert.fail(line));
  const curated = [...bundled.byMessageId.values()].find(({ message }) =>
    message.symbols.some((s) => s.relation === 'patch'),
  );
  assert.ok(curated, 'the bundled index has a curated patch symbol');
  const symbol = curated.message.symbols.find((s) => s.relation === 'patch')!.symbol;
  const withBundled = new SymbolThreadIndex(MailIndex.empty(), bundled).threadsFor(symbol);
  assert.equal(
    withBundled.find((e) => e.versions.some((v) => v.messageId === curated.message.messageId))?.addsOrRemoves,
    true,
  );
});
