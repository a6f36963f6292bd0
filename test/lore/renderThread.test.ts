import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ThreadService } from '../../server/src/lore/threadService';
import { sanitiseMailText } from '../../server/src/lore/renderThread';
import {
  fixture,
  loadMail,
  V1_COVER,
  V1_PATCH,
  POPPLE_V1_REPLY,
  DAVID_READD_REPLY,
  SIMONA_REPLY,
  BROST_PATCH,
  POPPLE_BROST_REPLY,
} from './helpers';

function serviceFor(sources: string[]): { service: ThreadService; logs: string[] } {
  const logs: string[] = [];
  return {
    service: new ThreadService(
      (l) => logs.push(l),
      () => sources.map(fixture),
    ),
    logs,
  };
}

test('a local thread renders headers, quotes, the diff and trailers, with the reply outline', async () => {
  const { service } = serviceFor(['device-exclusive-v1.mbox']);
  const doc = await service.threadDocument(`<${DAVID_READD_REPLY}>`, 'MMU_NOTIFY_EXCLUSIVE');
  assert.equal(doc.found, true);
  const lines = doc.text.split('\n');
  assert.equal(lines[0], 'Thread: [PATCH v1 00/12] mm: fixes for device-exclusive entries (hmm)');
  assert.deepEqual(
    doc.outline.map((o) => [o.messageId, o.parentId, o.depth, o.author]),
    [
      [V1_COVER, undefined, 0, 'David Hildenbrand'],
      [V1_PATCH, V1_COVER, 1, 'David Hildenbrand'],
      [POPPLE_V1_REPLY, V1_PATCH, 2, 'Alistair Popple'],
      ['180e9c2f-51fe-44ba-ac68-5aa7b7918ab0@redhat.com', POPPLE_V1_REPLY, 3, 'David Hildenbrand'],
      [DAVID_READD_REPLY, '180e9c2f-51fe-44ba-ac68-5aa7b7918ab0@redhat.com', 4, 'David Hildenbrand'],
      [SIMONA_REPLY, POPPLE_V1_REPLY, 3, 'Simona Vetter'],
    ],
  );
  for (const entry of doc.outline) {
    assert.match(lines[entry.line], /^======== \[\d+\/6\] /);
    assert.equal(lines[entry.line + 1].startsWith('From: '), true);
    assert.ok(entry.endLine >= entry.line);
  }
  const readd = doc.outline[4];
  const readdLines = lines.slice(readd.line, readd.endLine + 1);
  assert.ok(readdLines.includes(`Message-ID: <${DAVID_READD_REPLY}>`));
  assert.ok(readdLines.includes('In-Reply-To: <180e9c2f-51fe-44ba-ac68-5aa7b7918ab0@redhat.com>'));
  assert.ok(
    readdLines.some((l) => l.startsWith('>> On Wed, Jan 29, 2025 at 12:54:02PM +0100, David Hildenbrand wrote:')),
  );
  assert.ok(readdLines.includes('diff --git a/mm/rmap.c b/mm/rmap.c'));
  assert.ok(lines.includes('Signed-off-by: David Hildenbrand <david@redhat.com>'));
  // Focus: the requested reply's own words about the symbol.
  assert.ok(
    doc.focusLine! > readd.line && doc.focusLine! <= readd.endLine,
    `focus ${doc.focusLine} in ${readd.line}..${readd.endLine}`,
  );
  assert.match(lines[doc.focusLine!], /MMU_NOTIFY_EXCLUSIVE/);
  assert.doesNotMatch(lines[doc.focusLine!], /^>/);
  assert.equal(doc.url, `https://lore.kernel.org/all/${DAVID_READD_REPLY}/`);
});

test('opening the patch for a symbol focuses the first reply that discusses it', async () => {
  const { service } = serviceFor(['do-swap-page.maildir']);
  const doc = await service.threadDocument(BROST_PATCH, 'migrate_vma_collect_pmd');
  const reply = doc.outline.find((o) => o.messageId === POPPLE_BROST_REPLY)!;
  assert.ok(doc.focusLine! > reply.line && doc.focusLine! <= reply.endLine);
  assert.match(doc.text.split('\n')[doc.focusLine!], /migrate_vma_collect_pmd\(\)/);
});

test('a thread known only from the bundled index renders the summaries and says how to get the mail', async () => {
  const { service } = serviceFor([]);
  const doc = await service.threadDocument(POPPLE_V1_REPLY, 'MMU_NOTIFY_EXCLUSIVE');
  assert.equal(doc.found, true);
  assert.match(doc.text, /not in your local mail/);
  assert.match(doc.text, /kernelMmLens\.mailSources/);
  assert.match(doc.text, /Summary: Objects to dropping the notifier/);
  assert.ok(doc.outline.length >= 6);
  const popple = doc.outline.find((o) => o.messageId === POPPLE_V1_REPLY)!;
  assert.equal(popple.parentId, V1_PATCH);
  assert.ok(doc.focusLine !== undefined);
  const unknown = await service.threadDocument('nobody@nowhere');
  assert.equal(unknown.found, false);
  assert.match(unknown.text, /https:\/\/lore\.kernel\.org\/all\/nobody@nowhere\//);
});

test('mail text is untrusted: escapes, bidi overrides and other controls never reach the document', async () => {
  assert.equal(sanitiseMailText('a\u001b[31mred\u001b[0m\r\nb\u202eevil\u0007'), 'a[31mred[0m\nbevil');
  // C1 controls (U+009B is a one-character CSI) and every reordering mark, U+061C included.
  assert.equal(sanitiseMailText('x\u009b2Jy\u061cz\u200f\u2067w'), 'x2Jyzw');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-evil-'));
  try {
    const eml = path.join(tmp, 'evil.eml');
    fs.writeFileSync(
      eml,
      'From: Evil \u001b]8;;http://x\u0007 <e@x>\nSubject: Re: folio_walk_start() \u001b[2J\nMessage-ID: <evil@x>\n\nText \u001b[31m with folio_walk_start() \u202e reversed\n',
    );
    const service = new ThreadService(
      () => undefined,
      () => [eml],
    );
    const doc = await service.threadDocument('evil@x', 'folio_walk_start');
    assert.doesNotMatch(doc.text, /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    assert.match(doc.text, /Text \[31m with folio_walk_start\(\)/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the index keeps no message text: a thread view reads each message again at its byte offset', async () => {
  const { index } = await loadMail(['device-exclusive-v1.mbox']);
  const stored = index.messages.get(DAVID_READD_REPLY)!;
  assert.equal(stored.bodyDropped, true);
  assert.equal(stored.body, '');
  assert.ok(stored.offset > 0 && stored.length > 0);
  const full = await index.withBody(stored);
  assert.match(full.body, /Something like that on top:/);
  // Symbols were extracted while the message was parsed.
  assert.ok(index.symbolHits('MMU_NOTIFY_EXCLUSIVE').some((hit) => hit.messageId === DAVID_READD_REPLY));
});

test('a bundled series reads in patch order: the cover, then 01, 02, 03 (same date), replies by date', async () => {
  const { renderBundledThread } = await import('../../server/src/lore/renderThread');
  const message = (id: string, subject: string, inReplyTo?: string, date = '2025-02-10') => ({
    messageId: id,
    subject,
    author: 'A',
    date,
    inReplyTo,
    symbols: [],
    point: 'p',
    sources: ['s'],
  });
  const series = {
    id: 's',
    subject: 'series',
    messages: [
      message('c', '[PATCH v2 00/03] cover'),
      message('p3', '[PATCH v2 03/03] third', 'c'),
      message('p1', '[PATCH v2 01/03] first', 'c'),
      message('r1', 'Re: [PATCH v2 01/03] first', 'p1', '2025-02-12'),
      message('p2', '[PATCH v2 02/03] second', 'c'),
    ],
  };
  const byMessageId = new Map(series.messages.map((m) => [m.messageId, { series, message: m }]));
  const rendered = renderBundledThread('c', undefined, { series: [series], byMessageId } as never);
  const subjects = rendered.outline.map((entry) => entry.subject);
  assert.deepEqual(subjects, [
    '[PATCH v2 00/03] cover',
    '[PATCH v2 01/03] first',
    'Re: [PATCH v2 01/03] first',
    '[PATCH v2 02/03] second',
    '[PATCH v2 03/03] third',
  ]);
});
