import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MailIndex } from '../../server/src/lore/mailIndex';
import {
  extractSymbols,
  functionOfHunkContext,
  parsePatchSubject,
  stripSubjectPrefixes,
  unquote,
} from '../../server/src/lore/symbolExtraction';
import {
  loadMail,
  V1_PATCH,
  POPPLE_V1_REPLY,
  DAVID_READD_REPLY,
  BROST_PATCH,
  POPPLE_BROST_REPLY,
  V1_COVER,
} from './helpers';

function relationOf(symbols: { symbol: string; relation: string }[], name: string): string | undefined {
  return symbols.find((s) => s.symbol === name)?.relation;
}

/** Relation of a symbol in one indexed message (the index keeps symbols in its symbol map, not on the message). */
function relationIn(index: MailIndex, messageId: string, name: string): string | undefined {
  return index.symbolHits(name).find((hit) => hit.messageId === messageId)?.relation;
}

test('the v1 04/12 patch: files, hunk functions and changed identifiers are "patch"', async () => {
  const { index } = await loadMail(['device-exclusive-v1.mbox']);
  const patch = index.messages.get(V1_PATCH)!;
  assert.deepEqual(patch.files, ['mm/rmap.c']);
  // The first hunk's header names try_to_migrate(), but the hunk starts after its closing brace: what it changes
  // is page_make_device_exclusive_one(), whose definition the hunk removes.
  assert.deepEqual(patch.hunkFunctions.sort(), [
    'folio_make_device_exclusive',
    'make_device_exclusive',
    'page_make_device_exclusive_one',
  ]);
  assert.notEqual(relationIn(index, patch.messageId, 'try_to_migrate'), 'patch');
  assert.equal(relationIn(index, patch.messageId, 'make_device_exclusive'), 'patch');
  assert.equal(relationIn(index, patch.messageId, 'page_make_device_exclusive_one'), 'patch'); // removed on '-' lines
  assert.equal(relationIn(index, patch.messageId, 'folio_walk_start'), 'patch'); // added on '+' lines
  assert.equal(relationIn(index, patch.messageId, 'mm/rmap.c'), 'patch');
  // Only named inside a changed comment, and in the prose: talked about, not changed.
  assert.equal(relationIn(index, patch.messageId, 'do_swap_page'), 'mention');
  assert.equal(relationIn(index, patch.messageId, 'remove_device_exclusive_entry'), 'mention');
});

test('replies: quoted text and own prose are "review"; a reply with its own diff changes what it touches', async () => {
  const { index } = await loadMail(['device-exclusive-v1.mbox']);
  const popple = index.messages.get(POPPLE_V1_REPLY)!;
  assert.equal(relationIn(index, popple.messageId, 'MMU_NOTIFY_EXCLUSIVE'), 'review');
  assert.equal(relationIn(index, popple.messageId, 'remove_device_exclusive_entry'), 'review');
  assert.deepEqual(popple.files, []);
  const readd = index.messages.get(DAVID_READD_REPLY)!;
  assert.deepEqual(readd.files, ['mm/rmap.c']);
  assert.equal(relationIn(index, readd.messageId, 'mmu_notifier_range_init_owner'), 'patch');
  // The cover letter's prose only mentions.
  assert.equal(relationIn(index, V1_COVER, 'make_device_exclusive_range'), 'mention');
});

test('a quoted diff in a review yields files and functions as "review"', async () => {
  const { index } = await loadMail(['do-swap-page.maildir']);
  const patch = index.messages.get(BROST_PATCH)!;
  assert.deepEqual(patch.hunkFunctions, ['do_swap_page']);
  assert.equal(relationIn(index, patch.messageId, 'trylock_page'), 'patch');
  const review = index.messages.get(POPPLE_BROST_REPLY)!;
  assert.equal(relationIn(index, review.messageId, 'trylock_page'), 'review');
  assert.equal(relationIn(index, review.messageId, 'migrate_vma_collect_pmd'), 'review');
  assert.equal(relationIn(index, review.messageId, 'do_swap_page'), 'review');
});

test('quoted diffs at depth 2 and diff ends at the signature line', () => {
  const body = [
    'On Mon, someone wrote:',
    '> > diff --git a/mm/gup.c b/mm/gup.c',
    '> > @@ -10,0 +10,1 @@ static int gup_fast_devmap_pte_range(pmd_t pmd)',
    '> > +\tfoo_bar_baz();',
    '> I wonder about this.',
    'diff --git a/fs/dax.c b/fs/dax.c',
    '@@ -1,1 +1,1 @@ vm_fault_t dax_fault_iter(struct vm_fault *vmf)',
    '-\told_helper();',
    '+\tnew_helper();',
    '-- ',
    '2.48.1',
    'afterwards_named_helper() in prose',
  ].join('\n');
  const extracted = extractSymbols('Re: [PATCH] x', body, true);
  assert.deepEqual(extracted.files.sort(), ['fs/dax.c', 'mm/gup.c']);
  assert.equal(relationOf(extracted.symbols, 'gup_fast_devmap_pte_range'), 'review');
  assert.equal(relationOf(extracted.symbols, 'foo_bar_baz'), 'review');
  assert.equal(relationOf(extracted.symbols, 'dax_fault_iter'), 'patch');
  assert.equal(relationOf(extracted.symbols, 'new_helper'), 'patch');
  assert.equal(relationOf(extracted.symbols, 'afterwards_named_helper'), 'review');
  assert.match(
    extracted.diff,
    /^diff --git a\/fs\/dax\.c b\/fs\/dax\.c\n@@ .*\n-\told_helper\(\);\n\+\tnew_helper\(\);\n$/,
  );
});

test('subject and quote helpers', () => {
  assert.deepEqual(parsePatchSubject('[PATCH v3 04/12] mm: x'), { isPatch: true, version: 3, number: 4, total: 12 });
  assert.deepEqual(parsePatchSubject('[PATCH RFC v2 00/12] mm: x'), {
    isPatch: true,
    version: 2,
    number: 0,
    total: 12,
  });
  assert.deepEqual(parsePatchSubject('[PATCH] mm: x'), {
    isPatch: true,
    version: 1,
    number: undefined,
    total: undefined,
  });
  assert.deepEqual(parsePatchSubject('mm: fix a livelock'), { isPatch: false });
  assert.equal(stripSubjectPrefixes('Re: RE: [PATCH v2 03/17] mm/rmap: convert it'), 'mm/rmap: convert it');
  assert.deepEqual(unquote('> > > deep'), { depth: 3, text: 'deep' });
  assert.deepEqual(unquote('>>plain'), { depth: 2, text: 'plain' });
  assert.equal(
    functionOfHunkContext(' struct page *make_device_exclusive(struct mm_struct *mm, unsigned long addr,'),
    'make_device_exclusive',
  );
  assert.equal(functionOfHunkContext(' if (x) {'), undefined);
});
