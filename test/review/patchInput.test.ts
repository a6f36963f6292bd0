import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { patchInputFromFiles, patchInputFromText } from '../../server/src/review/patchInput';
import { parseUnifiedDiffs } from '../../server/src/review/unifiedDiff';
import { findPreImage, isInsideTree } from '../../server/src/review/treeOverlay';
import { replyComments } from '../../server/src/review/replyComments';

const lines = (text: string) => text.split('\n').map((t, i) => ({ text: t, inputLine: i + 1 }));

test('hunk lengths come from the header: a removed line starting with "--" and the signature are told apart', () => {
  const files = parseUnifiedDiffs(
    lines(
      [
        'diff --git a/mm/x.c b/mm/x.c',
        '--- a/mm/x.c',
        '+++ b/mm/x.c',
        '@@ -1,3 +1,2 @@ int f(void)',
        ' a',
        '-- removed line that starts with a dash',
        '', // a context line whose single space a mailer stripped
        '-- ',
        '2.39.5',
      ].join('\n'),
    ),
  );
  assert.equal(files.length, 1);
  assert.deepEqual(
    files[0].hunks[0].lines.map((l) => [l.kind, l.text, l.inputLine]),
    [
      [' ', 'a', 5],
      ['-', '- removed line that starts with a dash', 6],
      [' ', '', 7],
    ],
  );
});

test('new, deleted and renamed files, and binary changes', () => {
  const files = parseUnifiedDiffs(
    lines(
      [
        'diff --git a/mm/new.c b/mm/new.c',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/mm/new.c',
        '@@ -0,0 +1 @@',
        '+int x;',
        'diff --git a/mm/old.c b/mm/old.c',
        'deleted file mode 100644',
        '--- a/mm/old.c',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-int y;',
        'diff --git a/mm/a.c b/mm/b.c',
        'similarity index 100%',
        'rename from mm/a.c',
        'rename to mm/b.c',
        'diff --git a/fw.bin b/fw.bin',
        'Binary files a/fw.bin and b/fw.bin differ',
      ].join('\n'),
    ),
  );
  assert.deepEqual(
    files.map((f) => [f.oldPath, f.newPath, f.hunks.length, f.binary]),
    [
      [undefined, 'mm/new.c', 1, false],
      ['mm/old.c', undefined, 1, false],
      ['mm/a.c', 'mm/b.c', 0, false],
      ['fw.bin', 'fw.bin', 0, true],
    ],
  );
});

test('a base64-encoded patch mail is read, without input lines (they do not exist in the encoded text)', () => {
  const diff = ['diff --git a/mm/x.c b/mm/x.c', '--- a/mm/x.c', '+++ b/mm/x.c', '@@ -1 +1 @@', '-a', '+b', ''].join(
    '\n',
  );
  const mail = [
    'From: Someone <someone@example.org>',
    'Subject: [PATCH v3 2/2] mm/x: b instead of a',
    'Message-ID: <b64@example.org>',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(`Changelog.\n---\n${diff}`).toString('base64'),
    '',
  ].join('\n');
  const input = patchInputFromText('mail.eml', mail);
  assert.equal(input.patches.length, 1);
  const patch = input.patches[0];
  assert.deepEqual([patch.version, patch.counter, patch.lineMapped, patch.messageId], [3, 2, false, 'b64@example.org']);
  assert.deepEqual(
    patch.files[0].hunks[0].lines.map((l) => [l.kind, l.text, l.inputLine]),
    [
      ['-', 'a', undefined],
      ['+', 'b', undefined],
    ],
  );
});

test('hostile input: garbage, an empty file, a FIFO and a folder without patches give problems, not crashes', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-input-'));
  try {
    fs.writeFileSync(path.join(dir, 'garbage.patch'), Buffer.from([0, 255, 254, 1, 2, 10, 64, 64, 32, 45]));
    fs.writeFileSync(path.join(dir, 'empty.diff'), '');
    const hostile = patchInputFromFiles([path.join(dir, 'garbage.patch'), path.join(dir, 'empty.diff')]);
    assert.equal(hostile.patches.length, 0);
    assert.ok(hostile.problems.some((p) => /no patch found/.test(p)));
    const empty = fs.mkdtempSync(path.join(dir, 'none-'));
    assert.ok(patchInputFromFiles([empty]).problems.some((p) => /no \.patch/.test(p)));
    // Header counts far beyond the text: the hunk ends with the text, bounded.
    const huge = patchInputFromText('-', 'diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,999999999 +1,999999999 @@\n+x\n');
    assert.equal(huge.patches[0].files[0].hunks[0].lines.length, 1);
    if (spawnSync('mkfifo', [path.join(dir, 'fifo.patch')]).status !== 0) {
      t.diagnostic('mkfifo unavailable: FIFO case skipped');
      return;
    }
    const fifo = patchInputFromFiles([path.join(dir, 'fifo.patch')]);
    assert.ok(fifo.problems.some((p) => /not a regular file/.test(p)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pre-image search: exact, nearest to the expected line, anchored at the start, paths inside the tree', () => {
  const file = ['a', 'b', 'c', 'a', 'b', 'c'];
  assert.equal(findPreImage(file, ['a', 'b'], 3, false), 3);
  assert.equal(findPreImage(file, ['a', 'b'], 1, false), 0);
  assert.equal(findPreImage(file, ['b', 'x'], 1, false), undefined);
  assert.equal(findPreImage(file, ['b'], 0, true), undefined);
  assert.deepEqual(['mm/rmap.c', '../etc/passwd', 'mm/../../x', '/etc/passwd', 'a\0b'].map(isInsideTree), [
    true,
    false,
    false,
    false,
    false,
  ]);
});

test('reply comments: the quoted lines right above each comment; trailers and attributions are no comments', () => {
  const comments = replyComments(
    [
      'On Mon, Mar 03, 2025 at 10:00:00AM +0100, Someone wrote:',
      '> diff --git a/mm/x.c b/mm/x.c',
      '> @@ -1,4 +1,4 @@',
      '>  context',
      '> -old',
      '> +new',
      '',
      'Why new?',
      '',
      '> > deeper quote from an earlier round',
      'Reviewed-by: A Reviewer <a@example.org>',
      '-- ',
      'signature',
    ].join('\n'),
  );
  assert.deepEqual(comments, [
    {
      file: 'mm/x.c',
      quoted: [
        { kind: '-', text: 'old' },
        { kind: '+', text: 'new' },
      ],
      text: 'Why new?',
    },
  ]);
});

test('a reply that quotes only the lines it answers (no diff or @@ header) still ties its comment to them', () => {
  const comments = replyComments(
    [
      'On Mon, Sam Author wrote:',
      '> +\t\tif (folio_test_ksm(folio))',
      '> +\t\t\treturn NULL;',
      '',
      'This returns with the page-table lock still held.',
      '',
      '> - a quoted list item of prose',
      '> +1 from me as well',
      '',
      'Prose quotes are no diff lines.',
    ].join('\n'),
  );
  assert.deepEqual(comments, [
    {
      file: undefined,
      quoted: [
        { kind: '+', text: '\t\tif (folio_test_ksm(folio))' },
        { kind: '+', text: '\t\t\treturn NULL;' },
      ],
      text: 'This returns with the page-table lock still held.',
    },
  ]);
});
