import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { hoverAt, buildHoverMarkdown } from '../../server/src/knowledge/hoverContent';
import { detectKernelVersion } from '../../server/src/base/kernelVersion';
import {
  escapeMarkdown,
  renderLimitedMarkdown,
  sanitizeMarkdown,
  commandUri,
  loreUrl,
} from '../../server/src/knowledge/markdownText';
import { indexFixture } from './fixtureIndex';
import type { KernelIndex } from '../../server/src/indexing/types';

// VS Code renders hovers with markdown-it; render with raw HTML allowed, the most permissive setting.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(src: string): string };
const render = (markdown: string) => new MarkdownIt({ html: true, linkify: true }).render(markdown);

const fixtures = path.join(__dirname, '..', 'fixtures', 'knowledge');
const NEW = path.join(fixtures, 'tree-6.17');
const OLD = path.join(fixtures, 'tree-6.1');
const indexes = new Map<string, KernelIndex>();

async function hover(root: string, file: string, needle: string, occurrence = 0, offset = 0) {
  if (!indexes.has(root)) indexes.set(root, (await indexFixture(root)).index);
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const lines = text.split('\n');
  let seen = 0;
  for (let line = 0; line < lines.length; line++) {
    let from = 0;
    for (;;) {
      const col = lines[line].indexOf(needle, from);
      if (col < 0) break;
      if (seen++ === occurrence) {
        return hoverAt({
          text,
          fileName: path.basename(file),
          line,
          character: col + offset,
          index: indexes.get(root),
          version: detectKernelVersion(root),
        });
      }
      from = col + 1;
    }
  }
  throw new Error(`${needle} not found in ${file}`);
}

test('6.17-style tree: a call site of make_device_exclusive gets signature, kernel-doc, status and links', async () => {
  const result = await hover(NEW, 'lib/test_hmm.c', 'make_device_exclusive(mm', 0, 3);
  assert.ok(result);
  const md = result.markdown;
  assert.equal(result.target.name, 'make_device_exclusive');
  assert.match(
    md,
    /```c\nstruct page \*make_device_exclusive\(struct mm_struct \*mm, unsigned long addr, void \*owner, struct folio \*\*foliop\)\n```/,
  );
  assert.match(md, /Defined in `mm\/rmap\.c:21`; declared in `include\/linux\/rmap\.h:5`/);
  assert.match(md, /\*\*Context:\*\* Caller must hold the mmap lock in read mode\./);
  assert.match(md, /- `foliop` — folio pointer will be stored here on success\./);
  assert.match(md, /\*\*Status for this tree \(6\.17\):\*\* Introduced in 6\\?\.15; exists in this tree \(6\\?\.17\)/);
  assert.match(md, /\(https:\/\/lore\.kernel\.org\/all\/20250210193801\.781278-4-david@redhat\.com\/\)/);
  assert.match(
    md,
    /\(command:kernelMmLens\.openThread\?%5B%2220250210193801\.781278-4-david%40redhat\.com%22%2C%22make_device_exclusive%22%5D\)/,
  );
  assert.match(md, /command:kernelMmLens\.openDiagram\?[^)]*device-exclusive[^)]*folio-walk-6\.15/);
  // Only the extension's own commands appear as command links.
  for (const match of md.matchAll(/command:([A-Za-z0-9_.]+)/g)) assert.match(match[1], /^kernelMmLens\./);
});

test('6.1-style tree: the old range API says it exists here but is gone upstream, and names the replacement', async () => {
  const result = await hover(OLD, 'mm/rmap.c', 'make_device_exclusive_range(struct', 0, 2);
  assert.ok(result);
  assert.match(
    result.markdown,
    /\*\*Status for this tree \(6\.1\):\*\* Exists in this tree \(6\\?\.1\); removed upstream in 6\\?\.15 — use `make_device_exclusive`/,
  );
  assert.match(result.markdown, /\*\*Replacement:\*\* `make_device_exclusive\(mm, addr, owner, &folio\)` per page/);
  assert.match(result.markdown, /\*\*Return:\*\* number of pages found in the range by GUP/);
  // The same symbol hovered in the new tree (no definition there) still explains it, with "was removed".
  const text = 'int x = make_device_exclusive_range(mm, a, b, p, o);\n';
  const inNew = hoverAt({
    text,
    fileName: 'x.c',
    line: 0,
    character: 12,
    index: indexes.get(NEW),
    version: detectKernelVersion(NEW),
  });
  assert.ok(inNew);
  assert.match(inNew.markdown, /Not in 6\\?\.17: was removed in 6\\?\.15 — use `make_device_exclusive`/);
  assert.doesNotMatch(inNew.markdown, /```c/);
});

test('a devmap helper lists every arch variant of the tree and its removal', async () => {
  const result = await hover(OLD, 'include/linux/pgtable.h', 'pmd_devmap(pmd);', 0, 1);
  assert.ok(result);
  assert.match(result.markdown, /\/\* generic, x86 \*\/\nstatic inline int pmd_devmap\(pmd_t pmd\)/);
  assert.match(result.markdown, /\/\* arm64 \*\/\n#define pmd_devmap\(pmd\)/);
  assert.match(result.markdown, /arch variants: x86 \(`arch\/x86\/include\/asm\/pgtable\.h:\d+`\), arm64/);
  assert.match(result.markdown, /removed upstream in 6\\?\.17 — use `pmd_trans_huge`/);
});

test('#if conditions and Kconfig select lines resolve the Kconfig entry (CONFIG_ prefix handled)', async () => {
  const inIf = await hover(OLD, 'include/linux/pgtable.h', 'CONFIG_ARCH_HAS_PTE_DEVMAP', 0, 8);
  assert.ok(inIf);
  assert.equal(inIf.target.name, 'CONFIG_ARCH_HAS_PTE_DEVMAP');
  assert.equal(inIf.entry?.name, 'ARCH_HAS_PTE_DEVMAP');
  const select = await hover(OLD, 'arch/x86/Kconfig', 'ARCH_HAS_PTE_DEVMAP', 0, 4);
  assert.ok(select);
  assert.equal(select.target.kconfig, true);
  assert.match(select.markdown, /```kconfig\nconfig ARCH_HAS_PTE_DEVMAP\n```/);
  assert.match(select.markdown, /Defined in `mm\/Kconfig:1`; used in `arch\/x86\/Kconfig`/);
  assert.match(select.markdown, /removed upstream in 6\\?\.17 — delete the `select` line/);
});

test('struct members: fw.page is folio_walk::page, dmirror->page is not tracked', async () => {
  const member = await hover(NEW, 'mm/rmap.c', 'fw.page', 0, 3);
  assert.ok(member);
  assert.equal(member.entry?.field?.container, 'folio_walk');
  assert.match(member.markdown, /^\*\*struct folio\\_walk::page\*\*/);
  const other = await hover(NEW, 'lib/test_hmm.c', 'dmirror->page', 0, 9);
  assert.equal(other, undefined);
  const level = await hover(NEW, 'mm/rmap.c', 'fw.level', 0, 3);
  assert.equal(level?.entry?.name, 'level');
});

test('untracked symbols get signature, rendered kernel-doc and location, with hostile comments escaped', async () => {
  const result = await hover(OLD, 'mm/hostile.c', 'hostile_helper(1)', 0, 2);
  assert.ok(result);
  const md = result.markdown;
  assert.equal(result.entry, undefined);
  assert.match(md, /```c\nint hostile_helper\(int arg\)\n```/);
  assert.match(md, /Defined in `mm\/hostile\.c:\d+`/);
  assert.doesNotMatch(render(md), /<img|<script|<b>/i);
  assert.doesNotMatch(md, /\]\(command:/);
  assert.doesNotMatch(md, /\]\(javascript:/);
  assert.doesNotMatch(md, /!\[tracker\]\(/);
  assert.doesNotMatch(md, /^# Heading/m);
  assert.match(md, /\*\*Context:\*\*/);
  // With generic navigation off (clangd users) untracked symbols get no hover at all.
  const text = fs.readFileSync(path.join(OLD, 'mm/hostile.c'), 'utf8');
  const line = text.split('\n').findIndex((l) => l.includes('hostile_helper(1)'));
  assert.equal(buildHoverMarkdown({ name: 'hostile_helper', index: indexes.get(OLD), trackedOnly: true }), undefined);
  assert.ok(hoverAt({ text, fileName: 'hostile.c', line, character: 10, index: indexes.get(OLD) }));
});

test('Markdown helpers neutralise links, HTML, emphasis and foreign command URIs', () => {
  const hostile =
    '<img src=x> [a](command:workbench.action.terminal.new) **b** `c` ![i](https://x/y.png)\n# h\n- item\n1. one';
  const escaped = escapeMarkdown(hostile);
  assert.doesNotMatch(render(escaped), /<img/);
  assert.doesNotMatch(escaped, /\[a\]\(/);
  assert.match(escaped, /\\\*\\\*b\\\*\\\*/);
  assert.match(escaped, /\n\\# h\n\\- item\n1\\\. one$/);
  const limited = renderLimitedMarkdown('Use `folio_walk_end()` <b>now</b> [x](http://e)\n- bullet `a|b`');
  assert.equal(limited, 'Use `folio_walk_end()` \\<b>now\\</b> \\[x\\](`http://e`)\n- bullet `a|b`');
  assert.doesNotMatch(render(limited), /<b>/);
  // The bare URL left in the text is code, no autolink (render() has linkify on).
  assert.doesNotMatch(render(limited), /<a /);
  assert.match(render(limited), /\(<code>http:\/\/e<\/code>\)/);
  // `->` stays as written (no `&gt;` in views that show Markdown as text); a line-start `>` is no quote.
  assert.equal(renderLimitedMarkdown('folio->mapping & co'), 'folio->mapping \\& co');
  assert.doesNotMatch(render(renderLimitedMarkdown('> not a quote')), /<blockquote/);
  const sanitized = sanitizeMarkdown(
    '[ok](https://lore.kernel.org/all/x@y/) [bad](command:workbench.action.x) [own](command:kernelMmLens.openThread?%5B%5D) <script>',
  );
  assert.match(sanitized, /\[ok\]\(https:\/\/lore/);
  assert.match(sanitized, /\[own\]\(command:kernelMmLens\.openThread/);
  assert.doesNotMatch(sanitized, /\]\(command:workbench/);
  assert.doesNotMatch(render(sanitized), /<script/);
  // Already escaped stays escaped (no `\\\\<` that would re-open a tag); an escaped backslash before `<` is handled.
  assert.doesNotMatch(render(sanitizeMarkdown('a \\<img src=x> b \\\\<img src=y>')), /<img/);
  assert.throws(() => commandUri('workbench.action.terminal.new', []));
  assert.equal(loreUrl('<a(b)c@d.e>'), 'https://lore.kernel.org/all/a%28b%29c@d.e/');
});

test('a bare identifier never lists struct members of the same name', async () => {
  const text = 'int f(struct page *level) { return level != 0; }\n';
  if (!indexes.has(NEW)) indexes.set(NEW, (await indexFixture(NEW)).index);
  // `level` is also a member of struct folio_walk in the fixture tree.
  assert.equal(hoverAt({ text, fileName: 'f.c', line: 0, character: 37, index: indexes.get(NEW) }), undefined);
});
