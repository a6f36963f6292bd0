import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThreadUriParts, threadDocumentTitle, threadUriParts } from '../../client/src/threadDocumentUri';

const SAFE_TITLE = /^[A-Za-z0-9 ._,:()[\]@+=\u2026-]+$/;

/** What the tab shows: the last segment of the (decoded) path. */
const tabTitle = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Through text and back, as an editor stores a URI (path segments and query percent-encoded, like vscode.Uri). */
function roundTrip(parts: { path: string; query: string }): { path: string; query: string } {
  const text = `kernel-mm-lens-thread:${parts.path.split('/').map(encodeURIComponent).join('/')}?${encodeURIComponent(parts.query)}`;
  const url = new URL(text);
  return { path: decodeURIComponent(url.pathname), query: decodeURIComponent(url.search.slice(1)) };
}

test('the tab title is the subject in safe characters, with "Re:" dropped and "/" kept readable', () => {
  const parts = threadUriParts(
    { messageId: '547f6335-ceb4-4160-ba72-5214bf5c82f3@redhat.com' },
    'Re: [PATCH v1 04/12] mm/rmap: implement make_device_exclusive() using folio_walk instead of rmap walk',
  );
  assert.equal(tabTitle(parts.path), '[PATCH v1 04-12] mm-rmap: implement make_device_exclusive()\u2026');
  assert.doesNotMatch(parts.path, /kernel-thread/, 'no extension in the tab title');
  assert.doesNotMatch(parts.path, /%|<|>/);
});

test('without a subject the title is the Message-ID, angle brackets dropped and long ones shortened', () => {
  assert.equal(threadDocumentTitle('<87mskehjtc.fsf@nvdebian.thelocal>'), '87mskehjtc.fsf@nvdebian.thelocal');
  assert.equal(
    threadDocumentTitle('cover.e1ebdd6cab9bde0d232c1810deacf0bae25e6707.1732239628.git-series.apopple@nvidia.com'),
    'cover.e1ebdd6cab9bde0d23\u2026s.apopple@nvidia.com',
  );
  assert.equal(threadDocumentTitle('a@b', '   '), 'a@b');
});

test('hostile subjects and Message-IDs give safe titles that cannot split or hide the path', () => {
  for (const [id, subject] of [
    ['x/../../y?z#w%41@evil', undefined],
    ['<a@b>', 'Re: Re: fwd: $(alert) ../../etc/passwd\u202e\n\t%3C?#'],
    ['....@....', '...'],
    ['<>', undefined],
  ] as Array<[string, string | undefined]>) {
    const title = threadDocumentTitle(id, subject);
    assert.match(title, SAFE_TITLE, `${JSON.stringify(title)} from ${JSON.stringify([id, subject])}`);
    assert.ok(!title.startsWith('.') && !title.endsWith('.'), title);
    assert.ok(title.length <= 60, title);
  }
  assert.equal(threadDocumentTitle('<>'), 'thread');
});

test('the URI keeps the exact Message-ID and symbol and parses back after a trip through text', () => {
  const ids = [
    '20250129115411.2077152-5-david@redhat.com',
    '<odd id/with?query#frag%25+plus&amp=1@x>',
    'Z5tI-cOSyzdLjoe_@phenom.ffwll.local',
  ];
  for (const messageId of ids) {
    for (const symbol of [undefined, 'make_device_exclusive']) {
      const parts = threadUriParts({ messageId, symbol }, 'Same subject for every message');
      assert.deepEqual(parseThreadUriParts(parts.path, parts.query), { messageId, symbol });
      const back = roundTrip(parts);
      assert.deepEqual(parseThreadUriParts(back.path, back.query), { messageId, symbol });
    }
  }
  // Same subject, different messages: different URIs (one tab each).
  const a = threadUriParts({ messageId: ids[0] }, 'Same subject');
  const b = threadUriParts({ messageId: ids[2] }, 'Same subject');
  assert.equal(a.path, b.path);
  assert.notEqual(a.query, b.query);
});

test('a URI from before the change (encoded Message-ID as the path) still opens', () => {
  assert.deepEqual(
    parseThreadUriParts('/20250129115411.2077152-5-david%40redhat.com.kernel-thread', 'symbol=folio_walk_start'),
    { messageId: '20250129115411.2077152-5-david@redhat.com', symbol: 'folio_walk_start' },
  );
  assert.equal(parseThreadUriParts('/.kernel-thread', ''), undefined);
  assert.equal(parseThreadUriParts('/%E0%A4%A.kernel-thread', ''), undefined);
});
