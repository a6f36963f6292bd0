import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelDoc } from '../../server/src/parsing/kernelDoc';
import { kernelDocToMarkdown } from '../../server/src/knowledge/docRendering';
import { escapeMarkdown } from '../../server/src/knowledge/markdownText';

// VS Code renders hovers with markdown-it; render with raw HTML allowed, the most permissive setting.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(src: string): string };
const render = (markdown: string) => new MarkdownIt({ html: true, linkify: true }).render(markdown);

const FOLIO_DOC = `/**
 * folio_walk_start - walk the page tables to a folio
 * @fw: filled with details about the mapping.
 * @vma: the virtual memory area to walk.
 * @addr: the virtual address to look up; continues
 *        on a second line.
 * @flags: flags modifying the lookup.
 *
 * Walks the page tables of @vma to @addr and returns the folio mapped there.
 *
 * A second paragraph.
 *
 * Context: The mmap lock or the VMA lock must be held; the page table lock
 * is held on success until folio_walk_end().
 * Return: the folio, or NULL if nothing is mapped.
 */`;

test('parses summary, parameters (with continuation lines), body, Context and Return', () => {
  const doc = parseKernelDoc(FOLIO_DOC);
  assert.equal(doc.name, 'folio_walk_start');
  assert.equal(doc.summary, 'walk the page tables to a folio');
  assert.deepEqual(
    doc.params.map((p) => p.name),
    ['fw', 'vma', 'addr', 'flags'],
  );
  assert.equal(doc.params[2].description, 'the virtual address to look up; continues on a second line.');
  assert.equal(
    doc.body,
    'Walks the page tables of @vma to @addr and returns the folio mapped there.\n\nA second paragraph.',
  );
  assert.equal(
    doc.context,
    'The mmap lock or the VMA lock must be held; the page table lock is held on success until folio_walk_end().',
  );
  assert.equal(doc.returns, 'the folio, or NULL if nothing is mapped.');
});

test('variants: "name() -", "Returns:", struct docs with members, one-line comments', () => {
  const fn = parseKernelDoc('/**\n * demo() - Do it.\n * Returns: zero.\n */');
  assert.equal(fn.name, 'demo()');
  assert.equal(fn.returns, 'zero.');
  const struct = parseKernelDoc(
    '/**\n * struct folio_walk - folio_walk_start() result\n * @page: exact folio page\n * @level: page table level\n */',
  );
  assert.equal(struct.name, 'struct folio_walk');
  assert.deepEqual(struct.params, [
    { name: 'page', description: 'exact folio page' },
    { name: 'level', description: 'page table level' },
  ]);
  assert.equal(parseKernelDoc('/** demo - short */').summary, 'short');
});

test('renders Markdown with a parameter list and Context/Return sections', () => {
  const markdown = kernelDocToMarkdown(parseKernelDoc(FOLIO_DOC));
  assert.match(
    markdown,
    /^walk the page tables to a folio\n\n\*\*Parameters\*\*\n\n- `fw` — filled with details about the mapping\.\n- `vma` —/,
  );
  assert.match(markdown, /\*\*Context:\*\* The mmap lock/);
  assert.match(markdown, /\*\*Return:\*\* the folio, or NULL if nothing is mapped\.$/);
  const html = render(markdown);
  assert.match(html, /<li><code>addr<\/code> — the virtual address/);
  assert.match(html, /<strong>Return:<\/strong>/);
  assert.match(html, /folio_walk_end\(\)/);
});

test('hostile comment text cannot inject markup, HTML, links or code', () => {
  const hostile = `/**
 * evil - <script>alert(1)</script> [click](javascript:alert(1)) ![x](http://e/x.png)
 * @\`p\`: *bold* _em_ \`code\` <img src=x onerror=alert(1)> &lt;b&gt;
 *
 * # Heading
 * - list item
 * 1. ordered
 * > quote
 * | a | b |
 * |---|---|
 *     indented code
 * ~~strike~~ <https://example.org> \\*still text\\*
 * Return: <a href="javascript:alert(1)">x</a>
 */`;
  const markdown = kernelDocToMarkdown(parseKernelDoc(hostile));
  const html = render(markdown);
  for (const forbidden of [
    '<script',
    '<img',
    '<em>',
    '<h1',
    '<blockquote',
    '<table',
    '<pre',
    '<del',
    '<s>',
    '<ol',
    'javascript:alert(1)"',
    '<a href="javascript',
  ]) {
    assert.equal(html.includes(forbidden), false, `${forbidden} must not appear in:\n${html}`);
  }
  // Our own structure survives; the hostile text is shown literally.
  assert.match(html, /<strong>Parameters<\/strong>/);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('*bold*') && html.includes('`code`'));
  assert.ok(html.includes('&amp;lt;b&amp;gt;'), 'entities in the comment stay text');
  assert.ok(html.includes('[click](javascript:alert(1))'), 'a Markdown link stays literal text');
  // Bare URLs are shown as code, exactly as written, never as links (render() has linkify on).
  assert.doesNotMatch(html, /<a /);
  const codeSpans = [...html.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => m[1]);
  assert.deepEqual(codeSpans, ['http://e/x.png', 'https://example.org'], 'only URLs are code spans, no parameter name');
});

test('escapeMarkdown leaves plain prose readable; comment text is always escaped', () => {
  assert.equal(escapeMarkdown('returns 0 on success, -EBUSY otherwise.'), 'returns 0 on success, -EBUSY otherwise.');
  assert.equal(escapeMarkdown('a_b *c*'), 'a\\_b \\*c\\*');
  const doc = parseKernelDoc('/**\n * demo - uses *emphasis*\n */');
  assert.equal(kernelDocToMarkdown(doc), 'uses \\*emphasis\\*');
});

test('control characters and bidi marks of a comment never reach the hover', () => {
  const doc = parseKernelDoc('/**\n * demo - \u001b]0;title\u0007 red \u001b[31mx\u009b2J \u202eevil\u2066\n */');
  assert.equal(kernelDocToMarkdown(doc), '\\]0;title red \\[31mx2J evil');
});

test('list items in a section stay a list, with escaped text', () => {
  const doc = parseKernelDoc(`/**
 * demo_map - map a demo range
 *
 * Return:
 * * 0 - success, the range is
 *   mapped.
 * * -EINVAL - [bad](javascript:alert(1)) range
 */`);
  assert.equal(doc.returns, '* 0 - success, the range is mapped.\n* -EINVAL - [bad](javascript:alert(1)) range');
  const html = render(kernelDocToMarkdown(doc));
  assert.match(
    html,
    /<li>0 - success, the range is mapped\.<\/li>\n<li>-EINVAL - \[bad\]\(javascript:alert\(1\)\) range<\/li>/,
  );
  assert.equal(html.includes('<a '), false);
});
