import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import type { CatalogEntry } from '../../server/src/knowledge/catalog';
import {
  completeSignature,
  leadLines,
  linkMessageIds,
  sourcesLine,
  timelineLine,
} from '../../server/src/knowledge/hoverSections';
import { escapeMarkdown } from '../../server/src/knowledge/markdownText';

const entry = (fields: Partial<CatalogEntry>): CatalogEntry => ({
  name: 'x',
  kind: 'function',
  topics: ['rmap'],
  summary: 'A summary long enough.',
  explanation: 'An explanation long enough for the schema.',
  status: {},
  sources: ['s'],
  ...fields,
});

void test('Message-IDs become lore links, also after escaping (a code span of just the ID), not inside links', () => {
  assert.equal(
    linkMessageIds('see 20250210193801.781278-3-david@redhat.com.'),
    'see [20250210193801.781278-3-david@redhat.com](https://lore.kernel.org/all/20250210193801.781278-3-david@redhat.com/).',
  );
  const escaped = escapeMarkdown('Z5tI-cOSyzdLjoe_@phenom.ffwll.local');
  assert.equal(
    linkMessageIds(escaped),
    '[Z5tI-cOSyzdLjoe\\_@phenom.ffwll.local](https://lore.kernel.org/all/Z5tI-cOSyzdLjoe_@phenom.ffwll.local/)',
  );
  // escapeMarkdown makes every address a code span (VS Code's preview links addresses through escapes): a span
  // that is exactly one Message-ID becomes its lore link; other code spans and existing links stay.
  assert.equal(
    linkMessageIds('`a@b.c` and [x@y.z](https://lore.kernel.org/all/x@y.z/) and `f(a@b.c)`'),
    '[a@b.c](https://lore.kernel.org/all/a@b.c/) and [x@y.z](https://lore.kernel.org/all/x@y.z/) and `f(a@b.c)`',
  );
  assert.doesNotMatch(
    sourcesLine(['tree 6.12: mm/rmap.c', '20250226132257.2826043-1-david@redhat.com']),
    /mailto|\]\(mailto/,
  );
  assert.match(
    sourcesLine(['20250226132257.2826043-1-david@redhat.com']),
    /\(https:\/\/lore\.kernel\.org\/all\/20250226132257\.2826043-1-david@redhat\.com\/\)/,
  );
});

void test('the timeline names every event once and marks what comes after this tree', () => {
  const e = entry({
    status: {
      introduced: { release: '6.15', source: 's' },
      changed: [
        { release: '6.15', what: 'folio_walk', source: 's' },
        { release: '6.15', what: 'no -EBUSY', source: 's' },
        { release: '6.19', what: 'softleaf', source: 's' },
      ],
    },
  });
  const line = timelineLine(e, parseKernelVersion('6.12'))!;
  assert.equal(
    line,
    '**Timeline:** introduced 6.15 — after this tree; changed 6.15 (folio\\_walk; no -EBUSY) — after this tree; changed 6.19 (softleaf) — after this tree',
  );
  assert.equal(line.match(/6\.15/g)?.length, 2);
  assert.equal(timelineLine(entry({})), undefined);
});

void test('the lead block carries status, evidence, replacement, duties, the top pitfall and the thread count, with hard breaks', () => {
  const [lead] = leadLines({
    entry: entry({
      requires: ['mmap lock held.', 'notifier section'],
      pitfalls: ['first pitfall here', 'second one'],
      replacement: { text: 'use `y()`' },
    }),
    version: parseKernelVersion('6.12'),
    statusText: 'Exists in this tree (6.12); removed upstream in 6.15 — use `y`.',
    changesText: 'Backported in this tree (6.12): "v2 02/17 ..." (mainline 6.15).',
    threadCount: 3,
  });
  assert.deepEqual(lead.split('  \n'), [
    '**Status for this tree (6.12):** Exists in this tree (6.12); removed upstream in 6.15 — use `y`.',
    '**Code evidence:** Backported in this tree (6.12): "v2 02/17 ..." (mainline 6.15).',
    '**Replacement:** use `y()`',
    '**Caller must hold:** mmap lock held. (+1 more below)',
    '**Pitfall:** first pitfall here (+1 more below)',
    '**Review threads:** 3 (below)',
  ]);
  assert.doesNotMatch(lead, /&gt;|&lt;/);
});

void test('a function-pointer member cut by the index gets its whole declaration back', () => {
  const lines = [
    'struct dev_pagemap_ops {',
    '\tvm_fault_t (*migrate_to_ram)(struct vm_fault *vmf);',
    '\tint (*memory_failure)(struct dev_pagemap *pgmap, unsigned long pfn,',
    '\t\t\t      unsigned long nr_pages, int mf_flags);',
    '};',
  ];
  assert.equal(
    completeSignature('vm_fault_t (*migrate_to_ram', lines, 1),
    'vm_fault_t (*migrate_to_ram)(struct vm_fault *vmf);',
  );
  assert.equal(
    completeSignature('int (*memory_failure', lines, 2),
    'int (*memory_failure)(struct dev_pagemap *pgmap, unsigned long pfn, unsigned long nr_pages, int mf_flags);',
  );
  // Already complete, or nothing to read: unchanged.
  assert.equal(completeSignature('int f(void)', lines, 0), 'int f(void)');
  assert.equal(completeSignature('void (*x', undefined, 0), 'void (*x');
});
