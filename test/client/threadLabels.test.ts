import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ThreadListEntry, ThreadOutlineEntry } from '../../protocol';
import { notificationText, outlineText, threadPickText } from '../../client/src/threadLabels';
import { plainTextLabel } from '../../protocol/untrustedText';
import { plainTextProblem } from '../fuzz/outputSafety';

/** Issue 22: mail fields reach the VS Code quick pick, outline and notifications with no control or bidi character. */
const HOSTILE = '\u001b]0;pwned\u0007\u001b[31mRe: [PATCH]\u001b[0m \u202eevil\u2066 $(alert) \u009b2J\nsecond line';

function entry(text: string): ThreadListEntry {
  return {
    messageId: `${text}@x`,
    subject: text,
    author: text,
    date: `2026-01-02${text}`,
    url: '',
    relation: 'review',
    source: text,
    summary: text,
    local: false,
  };
}

test('a hostile subject, author and summary give plain one-line pick text, our icon only', () => {
  const pick = threadPickText(entry(HOSTILE), ' · v2');
  for (const text of [pick.label, pick.description, pick.detail ?? ''])
    assert.equal(plainTextProblem(text), undefined, JSON.stringify(text));
  assert.ok(pick.label.startsWith('$(comment-discussion) '), pick.label);
  assert.doesNotMatch(pick.label.slice(2), /\$\(/, 'mail text cannot render an icon');
  assert.doesNotMatch(pick.description, /\n/);
  assert.match(pick.label, /Re: \[PATCH\].*evil/);
  assert.match(pick.description, /^review · .* · v2$/);
});

test('outline names and notifications are cleaned the same way', () => {
  const outline: ThreadOutlineEntry = {
    messageId: 'a@b',
    author: HOSTILE,
    subject: HOSTILE,
    date: '2026-01-02',
    line: 0,
    endLine: 1,
    depth: 0,
  };
  const text = outlineText(outline);
  assert.equal(plainTextProblem(text.name + text.detail), undefined);
  assert.equal(outlineText({ ...outline, author: '\u202e' }).name, '(unknown)');
  assert.equal(plainTextProblem(notificationText(`commit ${HOSTILE}`)), undefined);
});

test('property: any mail text gives pick text with no control or bidi character', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const pick = threadPickText(entry(text));
      assert.equal(plainTextProblem(`${pick.label}${pick.description}${pick.detail}`), undefined);
      assert.doesNotMatch(`${pick.label.slice(2)}${pick.description}${pick.detail}`, /\$\(/);
    }),
    { seed: 22, numRuns: 500 },
  );
});

/**
 * How VS Code finds links in a notification message (`parseLinkedText`, src/vs/base/common/linkedText.ts in
 * microsoft/vscode): `[label](target "title")` with an http(s), command or file target.
 */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

test('a notification quoting mail or a commit shows Markdown-style links as text, not as links', () => {
  const subject =
    '[run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D) [x](https://evil.example/ "t") [f](file:///etc/passwd)';
  assert.equal([...subject.matchAll(NOTIFICATION_LINK)].length, 3, 'the pattern finds the links of the raw text');
  const shown = notificationText(`Commit 0123456789ab ("${subject}", Eve)`);
  assert.deepEqual([...shown.matchAll(NOTIFICATION_LINK)], []);
  assert.equal(shown.replace(/\u200b/g, ''), `Commit 0123456789ab ("${subject}", Eve)`);
});

test('property: no text gives a plain-text label a notification would turn into a link', () => {
  const pieces = fc.constantFrom('[', ']', '(', ')', 'a', ' ', 'command:', 'https://', 'file:', 'x.y', '"', "'", '\n');
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
      const label = plainTextLabel(parts.join(''), 500);
      assert.deepEqual([...label.matchAll(NOTIFICATION_LINK)], [], JSON.stringify(label));
    }),
    { seed: 22, numRuns: 1000 },
  );
});
