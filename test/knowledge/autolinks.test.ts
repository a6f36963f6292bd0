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
import { markdownProblem, renderedText } from '../fuzz/outputSafety';

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
  assert.equal(escapeMarkdown('see evil.com, a@b.org x//h'), 'see evil\\.com, a@b\\.org x\\//h');
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

/**
 * VS Code 1.100's Markdown preview runs markdown-it 12, where a backslash escape is merged into the text before
 * linkify looks at it (markdown-it 13 made escapes their own tokens), with fuzzy domain links off. Emulated here:
 * markdown-it 14 with its text_join rule (merging escapes into text) moved before linkify.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => {
  core: {
    ruler: {
      __rules__: Array<{ name: string; fn: unknown }>;
      before(a: string, b: string, fn: unknown): void;
      disable(n: string): void;
    };
  };
  linkify: { set(options: object): void };
  renderInline(src: string): string;
};
const preview12 = new MarkdownIt({ html: true, linkify: true });
preview12.linkify.set({ fuzzyLink: false, fuzzyEmail: false });
const textJoin = preview12.core.ruler.__rules__.find((rule) => rule.name === 'text_join')!.fn;
preview12.core.ruler.disable('text_join');
preview12.core.ruler.before('linkify', 'text_join_first', textJoin);

test('in a preview that merges escapes before linkify (VS Code 1.100), URLs with a scheme or www. stay code', () => {
  assert.match(preview12.renderInline('https\\://evil.example/x'), /<a href/, 'the emulation links through escapes');
  for (const text of BARE_LINKS) {
    const html = preview12.renderInline(escapeMarkdown(text));
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
