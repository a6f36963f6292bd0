import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { patchInputFromFiles } from '../../server/src/review/patchInput';
import { draftReply, messageOfFinding } from '../../server/src/review/replyDraft';
import type { ReviewFindingJson } from '../../server/src/review/types';

// A draft reply answers the patch the finding is in, even when the series is one mbox of several patches, and
// quotes the hunk up to the finding's line.
const mbox = path.join(__dirname, '..', 'fixtures', 'review', 'series', 'v2.mbox');
const lines = fs.readFileSync(mbox, 'utf8').split('\n');
const input = patchInputFromFiles([mbox]);
const lineOf = (re: RegExp) => lines.findIndex((l) => re.test(l)) + 1;

function finding(patchLine: number | null): ReviewFindingJson {
  return {
    rule: 'missing-release',
    severity: 'warning',
    message: 'A finding message that is long enough to be wrapped at seventy-two columns by the draft, twice over.',
    file: 'mm/walk_user.c',
    line: 30,
    patchFile: mbox,
    patchLine,
  };
}

void test('a finding in patch 3 of a one-file series answers patch 3 and quotes its hunk up to the line', () => {
  const hunkHeader = lineOf(/^@@ -28,6 \+28,7 @@/);
  const added = lines.findIndex((l, i) => i >= hunkHeader && l.startsWith('+')) + 1;
  assert.ok(hunkHeader > 0 && added > hunkHeader);
  const f = finding(added);
  assert.equal(
    messageOfFinding(input, f)?.subject,
    '[PATCH v2 3/4] mm/walk_user: say where the page-table lock is held',
  );
  const draft = draftReply(input, f).split('\n');
  assert.equal(draft[0], 'Subject: Re: [PATCH v2 3/4] mm/walk_user: say where the page-table lock is held');
  assert.equal(draft[1], 'In-Reply-To: <20250310090000.2000-3-sam@example.com>');
  assert.match(
    draft[2],
    /^References: .*<20250310090000\.2000-0-sam@example\.com> <20250310090000\.2000-3-sam@example\.com>$/,
  );
  const quoted = draft.filter((l) => l.startsWith('> '));
  assert.equal(quoted[1], '> @@ -28,6 +28,7 @@ int demo_folio_count(struct vm_area_struct *vma, unsigned long addr)');
  assert.equal(quoted.at(-1), `> ${lines[added - 1]}`);
  const comment = draft.slice(draft.lastIndexOf(quoted.at(-1)!) + 1).filter(Boolean);
  assert.ok(comment.length >= 2 && comment.every((l) => l.length <= 72), JSON.stringify(comment));
});

void test('a finding on a hunk header quotes the start of the hunk; one without a line quotes nothing', () => {
  const header = lineOf(/^@@ -18,7 \+18,7 @@/);
  const draft = draftReply(input, finding(header));
  assert.match(draft, /^Subject: Re: \[PATCH v2 2\/4\]/);
  assert.match(draft, /\n> @@ -18,7 \+18,7 @@ static bool demo_pud_is_huge\(pud_t \*pud\)\n> /);
  // Without a line the patch is unknown among four: no headers, no quote, only the comment.
  const bare = draftReply(input, finding(null));
  assert.doesNotMatch(bare, /Subject:|^> /m);
  assert.match(bare, /A finding message/);
});
