import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildHoverMarkdown, hoverAt } from '../../server/src/knowledge/hoverContent';
import { getCatalog } from '../../server/src/knowledge/catalog';
import { detectKernelVersion, parseKernelVersion } from '../../server/src/base/kernelVersion';
import { treeChangesFor, type TreeChanges } from '../../server/src/knowledge/changes/treeChanges';
import { parseKernelDoc } from '../../server/src/parsing/kernelDoc';
import { kernelDocToMarkdown } from '../../server/src/knowledge/docRendering';
import type { KernelIndex } from '../../server/src/indexing/types';
import { indexFixture } from './fixtureIndex';

// VS Code renders hovers with markdown-it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(src: string): string };
const render = (markdown: string) => new MarkdownIt({ html: true, linkify: true }).render(markdown);

const fixtures = path.join(__dirname, '..', 'fixtures', 'changes');
const PARTIAL = path.join(fixtures, 'tree-6.12-partial');
const NEW = path.join(fixtures, 'tree-6.19');
const catalog = getCatalog();

interface Tree {
  root: string;
  index: KernelIndex;
  changes: TreeChanges;
}

async function tree(root: string): Promise<Tree> {
  const { index } = await indexFixture(root);
  return { root, index, changes: treeChangesFor(root, { index }) };
}

function hoverIn(t: Tree, name: string) {
  return buildHoverMarkdown({
    name,
    index: t.index,
    version: detectKernelVersion(t.root),
    catalog,
    changes: t.changes,
    commandLinks: true,
  });
}

/** Hover at the first occurrence of `needle` (+offset) in a fixture file. */
function hoverAtText(t: Tree, file: string, needle: string, offset = 0) {
  const text = fs.readFileSync(path.join(t.root, file), 'utf8');
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${needle} in ${file}`);
  return hoverAt({
    text,
    fileName: path.basename(file),
    relativePath: file,
    line,
    character: lines[line].indexOf(needle) + offset,
    index: t.index,
    version: detectKernelVersion(t.root),
    catalog,
    changes: t.changes,
  });
}

describe('hover layout: what only we know comes first', () => {
  let partial: Tree;
  let upstream: Tree;
  before(async () => {
    partial = await tree(PARTIAL);
    upstream = await tree(NEW);
  });

  it('the first 15 lines of every tracked hover carry the status and, for functions, the caller duties', () => {
    for (const t of [partial, upstream]) {
      for (const entry of catalog.entries) {
        const md = buildHoverMarkdown({
          name: entry.name,
          entry,
          index: t.index,
          version: detectKernelVersion(t.root),
          catalog,
          changes: t.changes,
        });
        assert.ok(md, entry.name);
        const head = md.split('\n').slice(0, 15).join('\n');
        assert.match(head, /\*\*Status for this tree \(6\.1[29]\):\*\*/, `${entry.name}: status in\n${head}`);
        if (entry.requires?.length || entry.kind === 'function' || entry.kind === 'function-macro')
          assert.match(head, /\*\*Caller must hold:\*\*/, `${entry.name}: caller duties in\n${head}`);
        if (entry.replacement) assert.match(head, /\*\*Replacement:\*\*/, entry.name);
        if (entry.pitfalls?.length) assert.match(head, /\*\*Pitfall:\*\*/, entry.name);
        // Status lines render `->` and `<...>` as written, never as entities shown literally.
        assert.doesNotMatch(head, /&gt;|&lt;|&amp;/, entry.name);
      }
    }
  });

  it('6.12 with backports: make_device_exclusive_range says the hugetlb rejection is backported', () => {
    const md = hoverIn(partial, 'make_device_exclusive_range')!;
    const lead = md.split('\n\n')[1];
    assert.match(
      lead,
      /\*\*Status for this tree \(6\.12\):\*\* Exists in this tree \(6\.12\); removed upstream in 6\.15/,
    );
    assert.match(
      lead,
      /\*\*Code evidence:\*\* Backported in this tree \(6\.12\): [^\n]*reject hugetlb folios in folio\\_make\\_device\\_exclusive\(\)[^\n]*\(mainline 6\.15\)/,
    );
    assert.match(lead, /not in this tree: v2 03\/17, v2 04\/17, v2 17\/17 \(mainline 6\.15\)/);
    // The evidence list names where the code shows it, and the subjects link to lore.
    assert.match(
      md,
      /- present: \[mm\/rmap: reject hugetlb folios[^\]]*\]\(https:\/\/lore\.kernel\.org\/all\/20250210193801\.781278-3-david@redhat\.com\/\) \(mainline 6\.15\) at `mm\/rmap\.c:\d+`/,
    );
  });

  it('the timeline names each release once and says which later change this tree already has', () => {
    const md = hoverIn(partial, 'make_device_exclusive_range')!;
    const timeline = md.split('\n').find((line) => line.startsWith('**Timeline:**'));
    assert.ok(timeline);
    assert.doesNotMatch(md, /Changes after this tree/);
    for (const release of new Set(timeline.match(/changed \d+\.\d+/g) ?? []))
      assert.equal(timeline.split(release).length - 1, 1, `${release} once in ${timeline}`);
  });

  it('Message-IDs are lore links everywhere, never bare (editors make them mailto:)', () => {
    for (const entry of catalog.entries) {
      const md = buildHoverMarkdown({ name: entry.name, entry, catalog, version: parseKernelVersion('6.12') })!;
      const html = render(md);
      assert.doesNotMatch(html, /mailto:/, entry.name);
    }
  });

  it('a symbol the tree does not define shows the upstream declaration', () => {
    const md = hoverIn(partial, 'zone_device_folio_init')!;
    assert.match(
      md,
      /Not defined in this tree; upstream declaration \(mainline 6\.19\):\n```c\nstatic inline void zone_device_folio_init\(struct folio \*folio, unsigned int order\)\n```/,
    );
  });

  it('on a 6.19-style tree the softleaf, pgtable_level and get_dev_pagemap changes are named with their replacements', () => {
    const exclusive = hoverIn(upstream, 'is_device_exclusive_entry')!;
    assert.match(
      exclusive,
      /\*\*Status for this tree \(6\.19\):\*\* Not in 6\.19: was removed in 6\.19 — use `softleaf_is_device_exclusive`/,
    );
    assert.match(exclusive, /\*\*Replacement:\*\* `softleaf_is_device_exclusive\(\)`/);
    const level = hoverIn(upstream, 'RMAP_LEVEL_PMD')!;
    assert.match(level, /Not in 6\.19: was removed in 6\.18 — use `PGTABLE_LEVEL_PMD`/);
    const pagemap = hoverIn(upstream, 'get_dev_pagemap')!;
    assert.match(pagemap, /changed 6\.18 \(second parameter \(pgmap to reuse\) removed: get\\_dev\\_pagemap\(pfn\)\)/);
    assert.match(pagemap, /```c\nstruct dev_pagemap \*get_dev_pagemap\(unsigned long pfn\)/);
  });

  it("on the definition's own line the kernel-doc (on screen above) is cut to its summary", async () => {
    const root = path.join(__dirname, '..', 'fixtures', 'knowledge', 'tree-6.17');
    const t = await tree(root);
    const onDefinition = hoverAtText(t, 'mm/rmap.c', 'make_device_exclusive(struct', 2);
    assert.ok(onDefinition);
    assert.match(onDefinition.markdown, /\*Full kernel-doc above the definition\.\*/);
    assert.doesNotMatch(onDefinition.markdown, /\*\*Context:\*\* Caller must hold the mmap lock/);
    const elsewhere = hoverAtText(t, 'lib/test_hmm.c', 'make_device_exclusive(mm', 2);
    assert.match(
      elsewhere!.markdown,
      /\*\*Kernel-doc\*\* \(`mm\/rmap\.c:\d+`\)[\s\S]*\*\*Context:\*\* Caller must hold the mmap lock/,
    );
    // The kernel-doc comes after the curated part, not before it.
    assert.ok(elsewhere!.markdown.indexOf('**Kernel-doc**') > elsewhere!.markdown.indexOf('**Status for this tree'));
  });
});

describe('kernel-doc rendering defects', () => {
  it('errno definition lists keep one item per value, continuation lines included', () => {
    const doc = parseKernelDoc(`/**
 * demo_range_fault - fault a demo range
 * @range:	argument structure
 *
 * Returns 0 on success or one of the following error codes:
 *
 * -EINVAL:	Invalid arguments or mm or virtual address is in an invalid vma
 *		(e.g., device file vma).
 * -ENOMEM:	Out of memory.
 * -EBUSY:	The range has been invalidated and the caller needs to wait for
 *		the invalidation to finish.
 *
 * -- If nr is 0, returns 0.
 * -- If nr is >0, and some pages were pinned, returns the number of
 *    pages pinned.
 */`);
    const md = kernelDocToMarkdown(doc);
    assert.match(
      md,
      /^- \\-EINVAL: Invalid arguments or mm or virtual address is in an invalid vma \(e\\\.g\., device file vma\)\.$/m,
    );
    assert.match(md, /^- \\-ENOMEM: Out of memory\.$/m);
    assert.match(
      md,
      /^- \\-EBUSY: The range has been invalidated and the caller needs to wait for the invalidation to finish\.$/m,
    );
    assert.match(md, /^- If nr is >0, and some pages were pinned, returns the number of pages pinned\.$/m);
    const html = render(md);
    assert.equal((html.match(/<li>/g) ?? []).length, 6, html); // the parameter and five items
    assert.doesNotMatch(html, /<ul>\s*<li>\s*<ul>/, 'an item starting with - is no nested list');
  });
});
