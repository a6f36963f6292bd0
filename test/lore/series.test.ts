import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchSubject } from '../../server/src/lore/subject';
import { buildSeriesIndex, type SeriesMessage } from '../../server/src/lore/series';
import { rankSeriesForSymbol, type SymbolHitInput } from '../../server/src/lore/seriesRanking';

test('subjects are read the way b4 reads them', () => {
  const cases: Array<[string, Partial<ReturnType<typeof parsePatchSubject>>]> = [
    [
      '[PATCH v3 04/12] mm/rmap: use folio_walk',
      { title: 'mm/rmap: use folio_walk', version: 3, counter: 4, expected: 12, patch: true, reply: false },
    ],
    ['Re: [PATCH v3 04/12] mm/rmap: use folio_walk', { title: 'mm/rmap: use folio_walk', version: 3, reply: true }],
    ['[PATCH 0/5] mm: series', { version: 1, versionGiven: false, counter: 0, expected: 5 }],
    ['[RFC PATCH v2 1/2] x', { rfc: true, version: 2, counter: 1 }],
    ['[PATCH RESEND v2] mm: one', { resend: true, version: 2, counter: undefined, title: 'mm: one' }],
    ['[PATCHv4 2/3] old habit', { patch: true, version: 4, counter: 2 }],
    ['[PATCH 6.12.y] mm: backport', { tags: ['6.12.y'], version: 1 }],
    ['Re: AW: [syzbot] [mm?] WARNING in zap_huge_pmd', { patch: false, reply: true, title: 'WARNING in zap_huge_pmd' }],
    ['[PATCH  v2  1/3]   Mm:   Spaces', { title: 'Mm: Spaces', key: 'mm: spaces', version: 2 }],
  ];
  for (const [subject, expected] of cases) {
    const parsed = parsePatchSubject(subject);
    for (const [key, value] of Object.entries(expected))
      assert.deepEqual(parsed[key as keyof typeof parsed], value, `${subject}: ${key}`);
  }
  // A hostile subject made of brackets is read in bounded time.
  assert.equal(typeof parsePatchSubject('[x]'.repeat(100_000)).title, 'string');
});

const ANN = 'ann@example.org';
const BOB = 'bob@example.org';
function msg(
  messageId: string,
  subject: string,
  date: string,
  references: string[] = [],
  authorEmail = ANN,
  patchId?: string,
): SeriesMessage {
  return { messageId, subject, date, references, authorEmail, patchId };
}

/** Three versions of a two-patch series; v2 rewords patch 1 (same patch-id); v3's patches carry no vN. */
function threeVersions(): SeriesMessage[] {
  return [
    msg('c1@x', '[PATCH 0/2] mm: drop devmap', '2024-10-01T10:00:00Z'),
    msg('p1v1@x', '[PATCH 1/2] mm/gup: drop pmd_devmap checks', '2024-10-01T10:00:01Z', ['c1@x'], ANN, 'id-gup'),
    msg('p2v1@x', '[PATCH 2/2] mm: remove pmd_devmap', '2024-10-01T10:00:02Z', ['c1@x'], ANN, 'id-rm-1'),
    msg('r1@x', 'Re: [PATCH 1/2] mm/gup: drop pmd_devmap checks', '2024-10-02T10:00:00Z', ['c1@x', 'p1v1@x'], BOB),
    msg('a1@x', 'Re: [PATCH 1/2] mm/gup: drop pmd_devmap checks', '2024-10-03T10:00:00Z', ['c1@x', 'p1v1@x', 'r1@x']),
    msg('c2@x', '[PATCH v2 0/2] mm: drop devmap', '2024-11-01T10:00:00Z', ['c1@x']),
    msg(
      'p1v2@x',
      '[PATCH v2 1/2] mm/gup: remove the pmd_devmap() checks',
      '2024-11-01T10:00:01Z',
      ['c2@x'],
      ANN,
      'id-gup',
    ),
    msg('p2v2@x', '[PATCH v2 2/2] mm: remove pmd_devmap', '2024-11-01T10:00:02Z', ['c2@x'], ANN, 'id-rm-2'),
    msg('c3@x', '[PATCH v3 0/2] mm: drop devmap', '2025-01-05T10:00:00Z'),
    msg(
      'p1v3@x',
      '[PATCH 1/2] mm/gup: remove the pmd_devmap() checks',
      '2025-01-05T10:00:01Z',
      ['c3@x'],
      ANN,
      'id-gup',
    ),
    msg('p2v3@x', '[PATCH 2/2] mm: remove pmd_devmap', '2025-01-05T10:00:02Z', ['c3@x'], ANN, 'id-rm-3'),
    msg('r3@x', 'Re: [PATCH 2/2] mm: remove pmd_devmap', '2025-01-06T10:00:00Z', ['c3@x', 'p2v3@x'], BOB),
    // An older, unrelated patch by someone else that also changes the symbol.
    msg('old@x', '[PATCH] mm/huge_memory: handle pmd_devmap in zap', '2022-03-01T10:00:00Z', [], BOB, 'id-old'),
    // A bug report and its reply: no series.
    msg('bug@x', 'WARNING in zap_huge_pmd', '2025-03-01T10:00:00Z', [], BOB),
    msg('bugr@x', 'Re: WARNING in zap_huge_pmd', '2025-03-02T10:00:00Z', ['bug@x']),
  ];
}

function parents(messages: SeriesMessage[]): (id: string) => string | undefined {
  const map = new Map(messages.map((m) => [m.messageId, m.references.at(-1)]));
  return (id) => map.get(id);
}

test('versions of one patch form one group, latest first; reworded titles join through the patch-id', () => {
  const messages = threeVersions();
  const index = buildSeriesIndex(messages, parents(messages));
  const gup = index.posting('p1v1@x')!.group;
  assert.deepEqual(
    gup.versions.map((v) => [v.version, v.messageId]),
    [
      [3, 'p1v3@x'],
      [2, 'p1v2@x'],
      [1, 'p1v1@x'],
    ],
  );
  assert.equal(index.posting('p1v3@x')!.group, gup, 'v3 takes its revision from the cover letter');
  const removal = index.posting('p2v1@x')!.group;
  assert.deepEqual(
    removal.versions.map((v) => v.version),
    [3, 2, 1],
  );
  assert.equal(index.posting('p2v3@x')!.version.coverMessageId, 'c3@x');
  const covers = index.allGroups().filter((g) => g.cover);
  assert.equal(covers.length, 1);
  assert.deepEqual(
    covers[0].versions.map((v) => v.version),
    [3, 2, 1],
  );
  // Replies belong to the version they answer, also an answer to a review.
  assert.equal(index.answered('r1@x')!.version.messageId, 'p1v1@x');
  assert.equal(index.answered('a1@x')!.version.messageId, 'p1v1@x');
  assert.equal(index.answered('r3@x')!.version.messageId, 'p2v3@x');
  assert.equal(index.answered('bugr@x'), undefined);
});

test('a symbol lists one entry per patch, ranked by relation then by the date of the latest version', () => {
  const messages = threeVersions();
  const index = buildSeriesIndex(messages, parents(messages));
  const byId = new Map(
    messages.map((m) => [
      m.messageId,
      { messageId: m.messageId, subject: m.subject, author: m.authorEmail, date: m.date },
    ]),
  );
  const hits: SymbolHitInput[] = [
    { messageId: 'p1v1@x', relation: 'patch' },
    { messageId: 'p1v2@x', relation: 'patch' },
    { messageId: 'p1v3@x', relation: 'patch' },
    { messageId: 'p2v1@x', relation: 'patch' },
    { messageId: 'p2v2@x', relation: 'patch' },
    { messageId: 'p2v3@x', relation: 'patch' },
    { messageId: 'r1@x', relation: 'patch' },
    { messageId: 'r3@x', relation: 'review' },
    { messageId: 'c2@x', relation: 'mention' },
    { messageId: 'old@x', relation: 'patch' },
    { messageId: 'bug@x', relation: 'mention' },
    { messageId: 'bugr@x', relation: 'review' },
  ];
  const entries = rankSeriesForSymbol({
    hits,
    series: index,
    info: (id) => byId.get(id),
    rootOf: (id) => (id === 'bugr@x' ? 'bug@x' : id),
  });
  assert.deepEqual(
    entries.map((e) => [e.kind, e.relation, e.messageId]),
    [
      ['patch', 'patch', 'p2v3@x'], // 2025-01-05, v3 of "mm: remove pmd_devmap"
      ['patch', 'patch', 'p1v3@x'], // same date, one second earlier
      ['patch', 'patch', 'old@x'], // 2022: after the newer series
      ['thread', 'review', 'bugr@x'],
      ['series', 'mention', 'c3@x'],
    ],
  );
  const gup = entries[1];
  assert.deepEqual(
    gup.versions.map((v) => v.version),
    [3, 2, 1],
  );
  const v1 = gup.versions[2];
  assert.deepEqual(
    v1.replies.map((r) => [r.messageId, r.relation]),
    [
      ['r1@x', 'review'],
      ['a1@x', undefined],
    ],
    'a reply quoting the diff is a review, never the patch',
  );
  assert.equal(entries[3].messages!.length, 2);
});

test('deep and looping parent chains end', () => {
  const messages: SeriesMessage[] = [msg('p@x', '[PATCH] mm: x', '2025-01-01T00:00:00Z')];
  for (let i = 0; i < 20_000; i++)
    messages.push(msg(`r${i}@x`, 'Re: [PATCH] mm: x', '2025-01-02T00:00:00Z', [i === 0 ? 'p@x' : `r${i - 1}@x`]));
  const index = buildSeriesIndex(messages, parents(messages));
  assert.equal(index.answered('r10@x')!.version.messageId, 'p@x');
  assert.equal(index.answered('r19999@x'), undefined, 'beyond the walk limit a reply stays unattached');
  const loop = buildSeriesIndex([msg('a@x', 'Re: x', '2025', ['b@x']), msg('b@x', 'Re: x', '2025', ['a@x'])], (id) =>
    id === 'a@x' ? 'b@x' : 'a@x',
  );
  assert.equal(loop.answered('a@x'), undefined);
  assert.equal(loop.answered('b@x'), undefined);
});
