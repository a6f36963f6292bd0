import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { defaultLintRules } from '../../server/src/lint/rules';
import { applyEdits, lintText } from '../../server/src/lint/linter';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import { runLintCli } from './runLintCli';

const rules = defaultLintRules();
const text = [
  'static void f(unsigned long pfn, struct dev_pagemap *old, struct range *range)',
  '{',
  '\tstruct dev_pagemap *a = get_dev_pagemap(pfn, NULL);',
  '\tstruct dev_pagemap *b = get_dev_pagemap(pfn, old);',
  '\tstruct dev_pagemap *c = get_dev_pagemap(pfn);',
  '\tstruct dev_pagemap *d = get_dev_pagemap(PHYS_PFN(range->start), NULL);',
  '\tstruct dev_pagemap *e = get_dev_pagemap(pfn,',
  '#ifdef CONFIG_X',
  '\t\t\t\t\t\tNULL);',
  '#else',
  '\t\t\t\t\t\told);',
  '#endif',
  '}',
  '',
].join('\n');

describe('a removed parameter: get_dev_pagemap(pfn, pgmap) -> get_dev_pagemap(pfn) in 6.18', () => {
  const findings = lintText(text, 'mm/x.c', { rules, version: parseKernelVersion('6.18') });
  const lines = findings.filter((f) => f.entry.name === 'get_dev_pagemap').map((f) => f.range.start.line + 1);

  it('only two-argument calls are findings; the one-argument form is the current API', () => {
    assert.deepEqual(lines, [3, 4, 6, 7]);
    assert.match(findings[0].message, /^`get_dev_pagemap\(pfn, pgmap\)` was removed in 6\.18: get_dev_pagemap\(pfn\)/);
  });

  it('NULL is dropped mechanically; a live pgmap (reuse and reference drop) is left to the author', () => {
    const at = (line: number) => findings.find((f) => f.range.start.line + 1 === line)!;
    assert.equal(applyEdits(text, at(3).fix!.edits).split('\n')[2], '\tstruct dev_pagemap *a = get_dev_pagemap(pfn);');
    assert.equal(
      applyEdits(text, at(6).fix!.edits).split('\n')[5],
      '\tstruct dev_pagemap *d = get_dev_pagemap(PHYS_PFN(range->start));',
    );
    assert.equal(at(4).fix, undefined);
    assert.match(at(4).noFixReason ?? '', /relied on that reuse/);
  });

  it('a 6.12 tree gets information (forward-porting advice) and no fix (the one-argument call does not build there)', () => {
    const old = lintText(text, 'mm/x.c', {
      rules,
      version: parseKernelVersion('6.12'),
      treeVersion: parseKernelVersion('6.12'),
    });
    const a = old.find((f) => f.entry.name === 'get_dev_pagemap' && f.range.start.line === 2)!;
    assert.equal(a.severity, 'information');
    assert.equal(a.fix, undefined);
    assert.match(a.noFixReason ?? '', /takes only the pfn from 6\.18/);
  });
});

describe('acceptance: lint --kernel-version 6.19 on a 6.19-style tree', () => {
  it('reports the softleaf, pgtable_level and get_dev_pagemap changes with their replacements', async () => {
    const tree = path.join(__dirname, '..', 'fixtures', 'changes', 'tree-6.19');
    const { code, out } = await runLintCli('--kernel-version', '6.19', tree);
    assert.equal(code, 1);
    const file = 'drivers/gpu/drm/oldgpu/oldgpu_svm.c';
    assert.match(
      out,
      new RegExp(
        `${file}:\\d+:\\d+: error: \`is_device_exclusive_entry\\(\\)\` was removed in 6\\.19: .*softleaf_is_device_exclusive\\(\\)`,
      ),
    );
    assert.match(
      out,
      new RegExp(
        `${file}:\\d+:\\d+: error: \`is_device_private_entry\\(\\)\` was removed in 6\\.19: .*softleaf_is_device_private\\(\\)`,
      ),
    );
    assert.match(
      out,
      new RegExp(
        `${file}:\\d+:\\d+: error: \`pfn_swap_entry_to_page\\(\\)\` was removed in 6\\.19: softleaf_to_page\\(\\)`,
      ),
    );
    assert.match(
      out,
      new RegExp(
        `${file}:\\d+:\\d+: error: \`get_dev_pagemap\\(pfn, pgmap\\)\` was removed in 6\\.18: get_dev_pagemap\\(pfn\\)`,
      ),
    );
    assert.match(
      out,
      new RegExp(
        `${file}:\\d+:\\d+: error: \`RMAP_LEVEL_PMD\` was removed in 6\\.18: enum pgtable_level and PGTABLE_LEVEL_PTE`,
      ),
    );
    // The tree's own current APIs are not findings.
    assert.doesNotMatch(out, /include\/linux\/memremap\.h/);
  });
});
