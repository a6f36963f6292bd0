import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { localHoverMarkdown, memberHoverMarkdown } from '../../server/src/knowledge/semanticHover';
import { semanticSymbolAt } from '../../server/src/semantics/symbolResolution';
import { offsetOf, withDocument } from '../semantics/helpers';
import { loadFixtureTree, type FixtureTree } from '../semantics/fixtureTree';

// VS Code renders hovers with markdown-it (HTML allowed): what it produces is what must stay harmless.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(src: string): string };
const render = (markdown: string) => new MarkdownIt({ html: true, linkify: true }).render(markdown);

let tree: FixtureTree;
before(async () => {
  tree = await loadFixtureTree();
});

function hoverOf(
  file: string,
  lineContains: string,
  word: string,
  nth = 0,
  text = tree.read(file),
): string | undefined {
  return withDocument(tree.parser, text, file, (document) => {
    const start = offsetOf(text, lineContains, word, nth);
    const symbol = semanticSymbolAt(tree.resolver, document, start, start + word.length);
    if (symbol?.kind === 'local') return localHoverMarkdown(tree.resolver, document, symbol.local);
    if (symbol?.kind === 'member') return memberHoverMarkdown(symbol.member);
    return undefined;
  });
}

void test('a local: its own declaration and type with where the type is defined, nothing tree-wide', () => {
  const markdown = hoverOf('mm/ksm.c', 'folio = folio_walk_start(&fw', 'folio')!;
  assert.match(markdown, /\*\*folio\*\* — local variable in `get_mergeable_page\(\)`/);
  assert.match(markdown, /```c\nstruct folio \*folio\n```/);
  assert.match(markdown, /Type: `struct folio \*` \(`include\/linux\/mm_types\.h:\d+`\)/);
});

void test('a parameter shows its kernel-doc line', () => {
  const markdown = hoverOf('mm/pagewalk.c', 'fw->vma = vma;', 'vma', 1)!;
  assert.match(markdown, /parameter 2 in `folio_walk_start\(\)`/);
  assert.match(markdown, /`@vma`: the VMA to walk/);
});

void test('a member: the field with its struct, comment and place', () => {
  const markdown = hoverOf('mm/ksm.c', 'page = fw.page', 'page', 1)!;
  assert.match(markdown, /\*\*page\*\* — field of `struct folio_walk`/);
  assert.match(markdown, /struct page \*page/);
  assert.match(markdown, /the exact folio page that was found/);
  assert.match(markdown, /Defined in `include\/linux\/pagewalk\.h:\d+`/);
});

void test('comments are untrusted: a hostile field comment cannot inject a link or HTML', () => {
  const original = tree.read('mm/ksm.c');
  const text = original
    .replace(
      'struct list_head link;',
      'struct list_head link; /* [click](command:evil) <img src=x onerror=alert(1)> */',
    )
    .replace('return container_of(head->next', 'return container_of(head->next');
  const markdown = withDocument(tree.parser, text, 'mm/ksm.c', (document) => {
    const start = offsetOf(text, 'container_of(head->next, struct ksm_rmap_item, link)', 'link');
    const symbol = semanticSymbolAt(tree.resolver, document, start, start + 4);
    return symbol?.kind === 'member' ? memberHoverMarkdown(symbol.member) : undefined;
  })!;
  assert.ok(markdown.includes('\\[click\\]'), markdown);
  // `<` is escaped with a backslash (not an entity, which plain-text views print literally): no tag can form.
  assert.doesNotMatch(markdown, /(^|[^\\])<img/, markdown);
  const html = render(markdown);
  assert.ok(!html.includes('<img'), html);
  assert.ok(!html.includes('href="command:evil"'), html);
});
