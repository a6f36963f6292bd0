import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  escapeMarkdown,
  link,
  loreUrl,
  renderLimitedMarkdown,
  sanitizeMarkdown,
} from '../../server/src/knowledge/markdownText';
import { noteBodyMarkdown } from '../../server/src/notes/render';
import { markdownProblem, oldPreview, renderedText } from '../fuzz/outputSafety';
import { exportMarkdown } from '../../server/src/notes/render';
import { linkMessageIds, sourcesLine } from '../../server/src/knowledge/hoverSections';

/**
 * Issue 22: bare URLs, domains and addresses in escaped untrusted text (mail, comments, kernel-doc, notes) must not
 * become links when VS Code's Markdown linkifies them. The judge (test/fuzz/outputSafety.ts) renders with
 * markdown-it, raw HTML and linkify on (fuzzy domains and e-mail addresses included); the text must read as written.
 */
const BARE_LINKS = [
  'https://evil.example/x?y=1',
  'see http://localhost:8080/a then',
  'HTTPS://EVIL.EXAMPLE',
  'ftp://files.example.org/pub',
  'mailto:someone@example.org',
  'mailto:root@localhost',
  'javascript:alert(document.cookie)',
  'www.evil.com',
  'http+.xn--p1ai and a+.com',
  'go to www.example.com/path.',
  'evil.com',
  'folio.mm and page.io',
  '//evil.example/protocol-relative',
  'a //localhost/x',
  'akpm@linux-foundation.org wrote',
  'http://1.2.3.4/',
  'пример.рф',
  'xn--80ak6aa92e.com',
  '(https://evil.example)',
  '<https://evil.example>',
  'x:https://evil.example',
  'file:///etc/passwd',
  'command:workbench.action.terminal.new',
  'vscode://vscode.git/clone?url=x',
];

test('bare URLs, www. names, domains and e-mail addresses in escaped text render as text, not links', () => {
  for (const text of BARE_LINKS) {
    const escaped = escapeMarkdown(text);
    assert.equal(markdownProblem(escaped), undefined, `${JSON.stringify(text)} -> ${escaped}`);
    assert.equal(renderedText(escaped).trim(), text, `${JSON.stringify(text)} reads as written`);
  }
});

test('the judge sees these as links without the escape (the test can fail)', () => {
  const live = BARE_LINKS.filter((text) => markdownProblem(text) !== undefined);
  for (const text of ['https://evil.example/x?y=1', 'www.evil.com', 'evil.com', 'mailto:someone@example.org'])
    assert.ok(live.includes(text), `${text} is a link when not escaped`);
  assert.ok(live.length >= 15, `${live.length} of ${BARE_LINKS.length} are live links raw`);
});

test('ordinary kernel text keeps its colons, times, versions and scopes unescaped', () => {
  assert.equal(escapeMarkdown('Fixes: 1234 ("mm: foo")'), 'Fixes: 1234 ("mm: foo")');
  assert.equal(escapeMarkdown('Date: Mon, 7 Dec 2026 21:30:00'), 'Date: Mon, 7 Dec 2026 21:30:00');
  assert.equal(escapeMarkdown('since v6.12 and 1.2.3.4'), 'since v6.12 and 1.2.3.4');
  assert.equal(escapeMarkdown('folio_walk::page'), 'folio\\_walk::page');
  // Only backslashes before the characters a linkifier keys on are added; URLs become code spans (lore: links).
  assert.equal(escapeMarkdown('see evil.com, a@b.org x//h'), 'see evil\\.com, `a@b.org` x\\//h');
  // an address is a code span; kernel-doc `@param` and a lone `@` stay text
  assert.equal(escapeMarkdown('Jane <jane@example.org>'), 'Jane \\<`jane@example.org`>');
  assert.equal(escapeMarkdown('@folio: the folio (@nr) a @ b'), '@folio: the folio (@nr) a @ b');
  assert.equal(escapeMarkdown('see //evil.example/x'), 'see `//evil.example/x`');
  assert.equal(escapeMarkdown('see https://evil.example/x.'), 'see `https://evil.example/x`.');
  assert.equal(escapeMarkdown('www.evil.com/a_b'), '`www.evil.com/a_b`');
  assert.equal(
    escapeMarkdown('https://lore.kernel.org/all/a@b/'),
    '[https://lore.kernel.org/all/a@b/](https://lore.kernel.org/all/a@b/)',
  );
  // a lore URL with characters a link target could be broken out with stays code
  assert.equal(escapeMarkdown('https://lore.kernel.org/x](command:y)'), '`https://lore.kernel.org/x](command:y`)');
});

test('links we make keep readable labels; catalog prose and notes defuse bare URLs outside code spans', () => {
  assert.equal(
    link('<abc@example.org>', loreUrl('abc@example.org')),
    '[\\<abc@example.org>](https://lore.kernel.org/all/abc@example.org/)',
  );
  const prose = renderLimitedMarkdown('See https://evil.example and `https://code.example` here');
  assert.equal(markdownProblem(prose), undefined, prose);
  assert.match(prose, /`https:\/\/code\.example`/);
  const note = noteBodyMarkdown('Per <a.b@example.org>: see www.evil.example and mailto:x@example.org');
  assert.equal(markdownProblem(note), undefined, note);
  assert.match(note, /\]\(https:\/\/lore\.kernel\.org\/all\/a\.b@example\.org\/\)/);
});

test('in a preview that merges escapes before linkify (VS Code 1.100), URLs, www. names and addresses stay code', () => {
  assert.match(oldPreview.renderInline('https\\://evil.example/x'), /<a href/, 'the emulation links through escapes');
  assert.match(oldPreview.renderInline('a@b\\.org'), /<a href="mailto:a@b\.org"/, 'and addresses through escapes');
  for (const text of BARE_LINKS) {
    const html = oldPreview.renderInline(escapeMarkdown(text));
    const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(
      links.filter((href) => !href.startsWith('https://lore.kernel.org/')),
      [],
      `${text} -> ${html}`,
    );
  }
});

/** Strings made of the pieces linkifiers look for, in any order. */
const urlish = fc
  .array(
    fc.constantFrom(
      'http',
      'https',
      'ftp',
      'mailto',
      'javascript',
      'www',
      'localhost',
      'com',
      'org',
      'mm',
      'рф',
      'xn--p1ai',
      'a',
      'Z9',
      '1',
      ':',
      '//',
      '/',
      '.',
      '@',
      '-',
      '_',
      ' ',
      '?',
      '#',
      '(',
      ')',
      '<',
      '>',
      '[',
      ']',
      '\\',
      '*',
      '`',
      '%',
      '=',
      '&',
      '+',
    ),
    { maxLength: 24 },
  )
  .map((pieces) => pieces.join(''));

test('property: any URL-like string escaped renders no link and reads as written', () => {
  fc.assert(
    fc.property(urlish, (text) => {
      const escaped = escapeMarkdown(text);
      assert.equal(markdownProblem(escaped), undefined, `${JSON.stringify(text)} -> ${escaped}`);
      assert.equal(renderedText(escaped).trim(), text.trim());
    }),
    { seed: 2222, numRuns: 3000 },
  );
});

test('the last-line sanitiser leaves escaped text as it is (kernel-doc quoting a Markdown link read "[run\\](command\\:…")', () => {
  for (const text of ['[run](command:workbench.action.terminal.new)', 'see [x](javascript:alert(1)) \\', 'a\\](b)']) {
    const escaped = escapeMarkdown(text);
    assert.equal(sanitizeMarkdown(escaped), escaped);
    assert.equal(renderedText(sanitizeMarkdown(escaped)).trim(), text);
  }
  // a real link to a foreign target is still taken apart
  assert.equal(markdownProblem(sanitizeMarkdown('[x](command:workbench.action.terminal.new)')), undefined);
  assert.equal(markdownProblem(sanitizeMarkdown('\\\\[x](command:workbench.action.terminal.new)')), undefined);
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(src: string): string };
const currentMarkdown = new MarkdownIt({ html: true, linkify: true });

/** Every href in `md` as VS Code's preview (emulated markdown-it 12) and current markdown-it with linkify render it. */
function hrefs(md: string): string[] {
  return [oldPreview.render(md), currentMarkdown.render(md)].flatMap((html) =>
    [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]),
  );
}

const ADDRESSES = [
  'Jane Doe <jane@example.org>',
  '"Doe, Jane" <jane.doe+mm@mail.example.co.uk>',
  'jane@example.org (Jane Doe)',
  'akpm@linux-foundation.org',
  "o'brien@example.ie, x_y@sub.example.org; root@localhost",
];

test('e-mail addresses in author lines, subject lines and note bodies are no mailto: link in either renderer', () => {
  // Raw, each of them is a mailto: link in both renderers (the test can fail).
  for (const text of ADDRESSES)
    assert.ok(
      hrefs(text).some((href) => href.startsWith('mailto:')),
      text,
    );
  for (const text of ADDRESSES) {
    const author = escapeMarkdown(text);
    const subject = escapeMarkdown(`Re: [PATCH v2 3/5] mm: reported by ${text}, thanks`);
    const body = noteBodyMarkdown(`Jane said (${text}) off-list:\nask ${text} first`);
    for (const md of [author, subject, `**${author}** (2026-01-01)`, body]) {
      assert.deepEqual(
        hrefs(md).filter((href) => !href.startsWith('https://lore.kernel.org/')),
        [],
        `${text} -> ${md}`,
      );
      assert.equal(markdownProblem(md), undefined, md);
    }
    assert.equal(renderedText(author).trim(), text, 'reads as written');
  }
  const exported = exportMarkdown(
    [
      {
        id: 'n1',
        author: ADDRESSES[0],
        created: '2026-01-01',
        updated: '2026-01-01',
        status: 'open',
        body: `cc ${ADDRESSES[1]}, see <20250210193801.781278-3-david@redhat.com>`,
        anchor: { file: 'mm/rmap.c', line: 0, symbol: 'f', signature: 'f', text: 'x', before: [], after: [] },
        replies: [{ id: 'r1', author: ADDRESSES[2], created: '2026-01-02', body: `by ${ADDRESSES[3]}` }],
        location: { state: 'anchored', file: 'mm/rmap.c', line: 0, moved: false },
      },
    ],
    () => ['x'],
  );
  assert.equal(markdownProblem(exported), undefined, exported);
  assert.ok(!hrefs(exported).some((href) => href.startsWith('mailto:')), exported);
  assert.ok(hrefs(exported).includes('https://lore.kernel.org/all/20250210193801.781278-3-david@redhat.com/'));
});

test('Message-IDs still link to lore in hover sources, timelines and notes, in both renderers', () => {
  const id = '20250210193801.781278-3-david@redhat.com';
  const lore = `https://lore.kernel.org/all/${id}/`;
  for (const md of [
    sourcesLine([id, 'Z5tI-cOSyzdLjoe_@phenom.ffwll.local']),
    linkMessageIds(renderLimitedMarkdown(`6.14: posted as ${id}; then merged`)),
    linkMessageIds(escapeMarkdown(`see <${id}>`)),
    noteBodyMarkdown(`see <${id}> and Message-ID: ${id}`),
  ]) {
    const found = hrefs(md);
    assert.equal(found.filter((href) => href === lore).length, 2 * (md.split(lore).length - 1), md);
    assert.ok(found.includes(lore), md);
    assert.deepEqual(
      found.filter((href) => !href.startsWith('https://lore.kernel.org/')),
      [],
      md,
    );
  }
  assert.ok(
    hrefs(sourcesLine(['Z5tI-cOSyzdLjoe_@phenom.ffwll.local'])).includes(
      'https://lore.kernel.org/all/Z5tI-cOSyzdLjoe_@phenom.ffwll.local/',
    ),
  );
});
