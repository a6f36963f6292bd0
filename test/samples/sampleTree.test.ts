/**
 * The sample tree that `npm start` (scripts/start.sh) demonstrates the product on: a real index over it must
 * define every symbol the script and the diagrams it shows rely on, and the lint must find the removed APIs
 * the sample was written to contain. If someone edits the sample or the data, these tests say what broke.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { buildIndexForTests } from '../../server/src/indexing/testing';
import type { TreeIndex } from '../../server/src/indexing/treeIndex';
import { detectKernelVersion, formatKernelVersion, parseKernelVersion } from '../../server/src/base/kernelVersion';
import { loadDiagrams } from '../../server/src/diagrams/loader';
import { selectVariant } from '../../server/src/diagrams/variantSelection';
import { IndexEvidence } from '../../server/src/diagrams/codeEvidence';
import { resolveStepWithIndex } from '../../server/src/diagrams/stepLocations';
import { defaultLintRules } from '../../server/src/lint/rules';
import { lintPaths, type FileFindings } from '../../server/src/lint/lintRunner';
import { applyEdits } from '../../server/src/lint/linter';
import type { Finding } from '../../server/src/lint/ruleTypes';

const repo = path.join(__dirname, '..', '..');
const sample = path.join(repo, 'samples', 'mini-kernel');
const startScript = path.join(repo, 'scripts', 'start.sh');

/** `[file, name, kind]` of the definitions the index finds for `name`, in preference order. */
function definitionsOf(index: TreeIndex, name: string): Array<[string, string, string]> {
  return index.findDefinitions(name).map((d) => [d.file, d.kind, d.arch ?? 'generic']);
}

/** Tree-relative paths of every file under `dir`. */
function walk(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]);
}

/** The "FILE SYMBOL" pairs of the HOVER_CANDIDATES array in scripts/start.sh, in order. */
function hoverCandidates(): Array<{ file: string; symbol: string }> {
  const script = fs.readFileSync(startScript, 'utf8');
  const block = /^HOVER_CANDIDATES=\(\n([\s\S]*?)^\)/m.exec(script);
  assert.ok(block, 'scripts/start.sh defines HOVER_CANDIDATES=( ... )');
  return [...block[1].matchAll(/"(\S+) (\S+)"/g)].map((m) => ({ file: m[1], symbol: m[2] }));
}

/**
 * Runs the definition_site() shell function of scripts/start.sh on a file of the sample: "LINE:COL" (1-based) or "".
 */
function scriptDefinitionSite(file: string, symbol: string): string {
  const script = fs.readFileSync(startScript, 'utf8');
  const fn = /^definition_site\(\) \{\n[\s\S]*?^\}\n/m.exec(script);
  assert.ok(fn, 'scripts/start.sh defines definition_site()');
  const result = spawnSync('bash', ['-c', `${fn[0]}\ndefinition_site "$1" "$2"`, 'bash', path.join(sample, file), symbol], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

describe('samples/mini-kernel: the tree the main-job command demonstrates', () => {
  let index: TreeIndex;
  before(async () => { index = await buildIndexForTests(sample); });

  it('is a 6.12 tree by its top-level Makefile, and every file is short and GPL-2.0 (SPDX)', () => {
    const version = detectKernelVersion(sample);
    assert.ok(version);
    assert.equal(formatKernelVersion(version), '6.12');
    const files = walk(sample).filter((file) => /\.(c|h)$|Kconfig|Makefile/.test(file));
    assert.ok(files.length >= 25, `${files.length} files`);
    assert.equal(index.stats().files, files.length, 'every source file is indexed');
    for (const file of files) {
      const text = fs.readFileSync(path.join(sample, file), 'utf8');
      assert.ok(text.split('\n').length <= 120, `${file} stays short`);
      if (file !== 'Makefile') assert.match(text.split('\n')[0], /SPDX-License-Identifier: GPL-2\.0/, file);
    }
  });

  it('defines the device-exclusive API of 6.12: range function with kernel-doc, rmap helpers, swap entries, fault path', () => {
    assert.deepEqual(definitionsOf(index, 'make_device_exclusive_range'), [
      ['mm/rmap.c', 'function', 'generic'],
      ['include/linux/rmap.h', 'prototype', 'generic'],
    ]);
    const [definition] = index.findDefinitions('make_device_exclusive_range');
    assert.equal(definition.signature, 'int make_device_exclusive_range(struct mm_struct *mm, unsigned long start, unsigned long end, struct page **pages, void *owner)');
    assert.match(definition.doc ?? '', /^\s*\* make_device_exclusive_range\(\) - Mark a range for exclusive use by a device$/m);
    assert.match(definition.doc ?? '', /^\s*\* Context: mmap_lock held for read/m);
    assert.match(definition.doc ?? '', /^\s*\* Return: /m);
    const expected: Record<string, [string, string]> = {
      folio_make_device_exclusive: ['mm/rmap.c', 'function'],
      page_make_device_exclusive_one: ['mm/rmap.c', 'function'],
      make_exclusive_args: ['mm/rmap.c', 'struct'],
      SWP_DEVICE_EXCLUSIVE_WRITE: ['include/linux/swap.h', 'macro'],
      SWP_DEVICE_EXCLUSIVE_READ: ['include/linux/swap.h', 'macro'],
      make_writable_device_exclusive_entry: ['include/linux/swapops.h', 'function'],
      make_readable_device_exclusive_entry: ['include/linux/swapops.h', 'function'],
      MMU_NOTIFY_EXCLUSIVE: ['include/linux/mmu_notifier.h', 'enumerator'],
      do_swap_page: ['mm/memory.c', 'function'],
      remove_device_exclusive_entry: ['mm/memory.c', 'function'],
      restore_exclusive_pte: ['mm/memory.c', 'function'],
      dmirror_exclusive: ['lib/test_hmm.c', 'function'],
      nouveau_atomic_range_fault: ['drivers/gpu/drm/nouveau/nouveau_svm.c', 'function'],
    };
    for (const [name, [file, kind]] of Object.entries(expected)) {
      assert.deepEqual(index.findDefinitions(name).map((d) => [d.file, d.kind]).slice(0, 1), [[file, kind]], name);
    }
    // Both device-exclusive tests exist twice: CONFIG_DEVICE_PRIVATE and the stub.
    assert.deepEqual(definitionsOf(index, 'is_device_exclusive_entry').map(([file]) => file), ['include/linux/swapops.h', 'include/linux/swapops.h']);
    assert.deepEqual(definitionsOf(index, 'is_writable_device_exclusive_entry').map(([file]) => file), ['include/linux/swapops.h', 'include/linux/swapops.h']);
  });

  it('makes the calls the demo and the diagrams point at', async () => {
    const callersOf = async (name: string) =>
      [...new Set((await index.findReferences(name)).filter((r) => r.isCall && !r.isDefinition).map((r) => r.enclosingFunction))].sort();
    assert.deepEqual(await callersOf('make_device_exclusive_range'), ['dmirror_exclusive', 'nouveau_atomic_range_fault']);
    assert.deepEqual(await callersOf('remove_device_exclusive_entry'), ['do_swap_page']);
    assert.deepEqual(await callersOf('folio_walk_start'), ['addr_maps_ksm_page', 'get_mergeable_page']);
    assert.deepEqual(await callersOf('folio_walk_end'), ['addr_maps_ksm_page', 'get_mergeable_page']);
    assert.ok((await callersOf('migrate_vma_setup')).includes('dmirror_devmem_fault'));
    assert.ok((await callersOf('dax_layout_busy_page')).includes('ext4_break_layouts'));
  });

  it('defines folio_walk: kernel-doc with Context and Return, the end macro, the flags and levels', () => {
    const [start] = index.findDefinitions('folio_walk_start');
    assert.equal(start.file, 'mm/pagewalk.c');
    assert.equal(start.kind, 'function');
    assert.match(start.doc ?? '', /^\s*\* Context: mmap_lock held for read/m);
    assert.match(start.doc ?? '', /^\s*\* Return: the folio on success/m);
    assert.deepEqual(definitionsOf(index, 'folio_walk_end'), [['include/linux/pagewalk.h', 'function-macro', 'generic']]);
    assert.deepEqual(definitionsOf(index, 'folio_walk'), [['include/linux/pagewalk.h', 'struct', 'generic']]);
    assert.deepEqual(definitionsOf(index, 'FW_MIGRATION'), [['include/linux/pagewalk.h', 'macro', 'generic']]);
    assert.deepEqual(definitionsOf(index, 'FW_LEVEL_PTE'), [['include/linux/pagewalk.h', 'enumerator', 'generic']]);
  });

  it('defines the devmap and pfn_t machinery per architecture, x86 first', () => {
    assert.deepEqual(definitionsOf(index, 'pmd_devmap'), [
      ['arch/x86/include/asm/pgtable.h', 'function', 'x86'],
      ['arch/arm64/include/asm/pgtable.h', 'function-macro', 'arm64'],
    ]);
    assert.deepEqual(definitionsOf(index, 'pte_devmap').map(([, , arch]) => arch), ['x86', 'arm64']);
    assert.deepEqual(definitionsOf(index, 'pmd_mkdevmap').map(([, , arch]) => arch), ['x86', 'arm64']);
    assert.deepEqual(definitionsOf(index, '_PAGE_BIT_DEVMAP'), [['arch/x86/include/asm/pgtable_types.h', 'macro', 'x86']]);
    assert.deepEqual(definitionsOf(index, 'PTE_DEVMAP'), [['arch/arm64/include/asm/pgtable-prot.h', 'macro', 'arm64']]);
    assert.deepEqual(definitionsOf(index, 'ARCH_HAS_PTE_DEVMAP'), [['mm/Kconfig', 'kconfig', 'generic']]);
    assert.deepEqual(definitionsOf(index, 'pfn_t'), [['include/linux/pfn.h', 'typedef', 'generic']]);
    assert.deepEqual(definitionsOf(index, 'PFN_DEV'), [['include/linux/pfn_t.h', 'macro', 'generic']]);
    assert.deepEqual(definitionsOf(index, 'PFN_MAP'), [['include/linux/pfn_t.h', 'macro', 'generic']]);
    assert.deepEqual(definitionsOf(index, 'pfn_t_devmap').map(([file, kind]) => [file, kind]), [
      ['include/linux/pfn_t.h', 'function'], ['include/linux/pfn_t.h', 'function'],
    ]);
    assert.deepEqual(definitionsOf(index, 'vmf_insert_pfn_pmd'), [['mm/huge_memory.c', 'function', 'generic']]);
    const ops = index.findDefinitions('migrate_to_ram');
    assert.deepEqual(ops.map((d) => [d.file, d.kind, d.container]), [['include/linux/memremap.h', 'field', 'dev_pagemap_ops']]);
  });

  it('holds the symbol scripts/start.sh hovers, at the position its definition_site() computes', () => {
    const candidates = hoverCandidates();
    assert.ok(candidates.length >= 3);
    const shown = candidates.find((c) => fs.existsSync(path.join(sample, c.file)) && scriptDefinitionSite(c.file, c.symbol) !== '');
    assert.deepEqual(shown, { file: 'mm/rmap.c', symbol: 'make_device_exclusive_range' });
    const definition = index.findDefinitions(shown.symbol).find((d) => d.file === shown.file && !d.isDeclaration)!;
    assert.equal(scriptDefinitionSite(shown.file, shown.symbol), `${definition.nameRange.start.line + 1}:${definition.nameRange.start.character + 1}`);
    // The fallbacks for other trees find their definitions too (where the sample has the file), not a call or
    // prototype.
    assert.equal(scriptDefinitionSite('mm/pagewalk.c', 'folio_walk_start'), `${index.findDefinitions('folio_walk_start')[0].nameRange.start.line + 1}:15`);
    assert.equal(scriptDefinitionSite('mm/memory.c', 'do_swap_page'), `${index.findDefinitions('do_swap_page')[0].nameRange.start.line + 1}:12`);
    assert.equal(scriptDefinitionSite('include/linux/rmap.h', 'make_device_exclusive_range'), '', 'a prototype ending in ";" is not a definition site');
  });

  it('has the code behind every step of the device-exclusive diagram the demo prints, and of the other 6.12 variants', () => {
    const { diagrams, problems } = loadDiagrams();
    assert.deepEqual(problems, []);
    const script = fs.readFileSync(startScript, 'utf8');
    assert.match(script, /diagram device-exclusive --format mermaid --tree "\$TREE"/);
    const version = detectKernelVersion(sample);
    const missing: string[] = [];
    for (const diagram of diagrams) {
      const choice = selectVariant(diagram, { kernelVersion: version, evidence: new IndexEvidence(index) });
      if (diagram.id === 'device-exclusive') assert.equal(choice.variant.id, 'rmap-walk-legacy', choice.reason);
      for (const step of choice.variant.steps) {
        if (step.function && resolveStepWithIndex(index, step, (file) => file).missing) missing.push(`${diagram.id}/${choice.variant.id}: ${step.function}`);
      }
    }
    // make_device_exclusive() is the 6.15 example caller the folio_walk diagram names: it cannot exist in a 6.12 tree.
    assert.deepEqual(missing, []);
  });
});

describe('samples/mini-kernel: the removed-API lint', () => {
  const rules = defaultLintRules();
  const lintSample = async (version: string) => {
    // The sample is a 6.12 tree; `version` is the lint target (the tree's own version when equal).
    const result = await lintPaths([sample], { root: sample, rules, maxFileSize: 1 << 20, workers: 0, version: parseKernelVersion(version), treeVersion: parseKernelVersion('6.12') });
    return result;
  };
  const findingsIn = (files: FileFindings[], relative: string): Finding[] => files.find((f) => f.relative === relative)?.findings ?? [];
  const line = (finding: Finding) => finding.range.start.line + 1;

  it('finds the devmap, pfn_t, Kconfig and device-exclusive uses, as information in the 6.12 tree and errors for 6.17', async () => {
    const old = await lintSample('6.12');
    const uses = (relative: string) => findingsIn(old.files, relative).filter((f) => !f.isDefinition).map((f) => `${line(f)}:${f.display}:${f.entry.rule.id}`);
    assert.deepEqual(uses('mm/huge_memory.c').filter((u) => /pmd_devmap|pfn_t\b|pfn_t\.h/.test(u)), [
      '9:<linux/pfn_t.h>:pfn-t-header', '13:pfn_t:pfn-t-type', '42:pfn_t:pfn-t-type', '66:pmd_devmap():devmap-pxx-test', '80:pmd_devmap():devmap-pxx-test',
    ]);
    assert.deepEqual(uses('arch/x86/Kconfig'), ['16:ARCH_HAS_PTE_DEVMAP:devmap-kconfig']);
    assert.deepEqual(uses('mm/Kconfig'), ['15:ARCH_HAS_PTE_DEVMAP:devmap-kconfig']);
    assert.ok(uses('fs/dax.c').some((u) => /^\d+:<linux\/pfn_t\.h>:pfn-t-header$/.test(u)));
    assert.ok(uses('fs/dax.c').some((u) => /^\d+:pfn_t:pfn-t-type$/.test(u)));
    assert.ok(uses('fs/dax.c').some((u) => u.endsWith(':PAGE_MAPPING_DAX_SHARED:page-mapping-dax-shared')));
    assert.deepEqual(uses('lib/test_hmm.c'), ['46:make_device_exclusive_range():make-device-exclusive-range']);
    assert.deepEqual(uses('mm/rmap.c'), [
      '41:make_writable_device_exclusive_entry():device-exclusive-entry-builders',
      '43:make_readable_device_exclusive_entry():device-exclusive-entry-builders',
    ]);
    const all = old.files.flatMap((f) => f.findings);
    assert.ok(all.length > 50);
    // uses are information (listed in the Problems view), the tree's own definitions only hints
    const severities = (findings: Finding[]) => [...new Set(findings.map((f) => `${f.isDefinition ? 'definition' : 'use'}:${f.severity}`))].sort();
    // (a use in a file that defines the API is its implementation and ranks like the definition)
    assert.deepEqual(severities(all), ['definition:hint', 'use:hint', 'use:information']);
    // follow_page() is the one removed API the 6.12 sample must not contain: it was gone by 6.12.
    assert.ok(!all.some((f) => f.entry.rule.id === 'follow-page'));

    const forwardPort = await lintSample('6.17');
    const removedBy = (release: string) => (f: Finding) => Number(f.entry.rule.removedIn.split('.')[1]) <= Number(release.split('.')[1]);
    const ported = forwardPort.files.flatMap((f) => f.findings);
    assert.equal(ported.length, all.length);
    // past the removal: uses are errors; definitions rank below them (the Problems view opens on the call sites)
    // (uses inside the arch headers that define the API rank with the definitions: information)
    assert.deepEqual(severities(ported.filter(removedBy('6.17'))), ['definition:information', 'use:error', 'use:information']);
    // Removed after 6.17 (the 6.18 and 6.19 renames): still only forward-porting advice for a 6.17 target, errors for 6.19.
    const later = ported.filter((f) => !removedBy('6.17')(f));
    assert.ok(later.some((f) => f.entry.rule.id === 'softleaf-entry-predicates'), 'the sample uses is_device_exclusive_entry()');
    assert.deepEqual(severities(later), ['definition:hint', 'use:hint', 'use:information']);
    const to619 = (await lintSample('6.19')).files.flatMap((f) => f.findings);
    assert.deepEqual(severities(to619), ['definition:information', 'use:error', 'use:information']);
  });

  it('offers no pmd_devmap() or Kconfig fix for the 6.12 sample itself: the rewrite needs 6.17 semantics', async () => {
    const { files } = await lintSample('6.12');
    const split = findingsIn(files, 'mm/huge_memory.c').find((f) => f.display === 'pmd_devmap()' && line(f) === 80)!;
    assert.equal(split.fix, undefined);
    assert.match(split.noFixReason!, /^No automatic fix for 6\.12: pmd_trans_huge\(\) also covers devmap \(DAX\) PMDs only from 6\.17/);
    assert.equal(findingsIn(files, 'arch/x86/Kconfig')[0].fix, undefined);
    assert.ok(files.flatMap((f) => f.findings).every((f) => !f.fix), 'no finding of a 6.12 tree has a fix for its own version');
  });

  it('offers the mechanical fixes when forward-porting to 6.17: drop "|| pmd_devmap()" and the Kconfig select, labelled with their premise', async () => {
    const { files } = await lintSample('6.17');
    const hugeMemory = fs.readFileSync(path.join(sample, 'mm/huge_memory.c'), 'utf8');
    const split = findingsIn(files, 'mm/huge_memory.c').find((f) => f.display === 'pmd_devmap()' && line(f) === 80)!;
    assert.ok(split.fix, split.noFixReason);
    assert.match(split.fix.title, /\(for 6\.17 and later: pmd_trans_huge\(\) also covers devmap \(DAX\) PMDs only from 6\.17; before that x86 excludes them\)$/);
    assert.match(applyEdits(hugeMemory, split.fix.edits), /\n\tif \(pmd_trans_huge\(\*pmd\) \|\| pmd_migration\) \{\n/);
    const kconfig = fs.readFileSync(path.join(sample, 'arch/x86/Kconfig'), 'utf8');
    const select = findingsIn(files, 'arch/x86/Kconfig')[0];
    assert.ok(select.fix, select.noFixReason);
    const fixed = applyEdits(kconfig, select.fix.edits);
    assert.ok(!fixed.includes('ARCH_HAS_PTE_DEVMAP'));
    assert.equal(fixed.split('\n').length, kconfig.split('\n').length - 1);
  });
});

describe('scripts/start.sh: arguments are checked before anything is installed or built', () => {
  const start = (...args: string[]) => spawnSync('bash', [startScript, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

  it('--help prints the usage and exits 0', () => {
    const result = start('--help');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^start\.sh \[--no-open\] \[KERNEL_TREE\]/);
    assert.match(result.stdout, /samples\/mini-kernel/);
  });

  it('a tree that is not a directory, an unknown option or two trees: exit 2 with a clear message, no build', () => {
    const missing = start(path.join(sample, 'no-such-tree'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /start\.sh: error: .*no-such-tree is not a directory \(expected the top of a kernel source tree\)/);
    assert.doesNotMatch(missing.stdout, /Building|npm ci/);
    const option = start('--frobnicate');
    assert.equal(option.status, 2);
    assert.match(option.stderr, /unknown option --frobnicate/);
    const two = start(sample, sample);
    assert.equal(two.status, 2);
    assert.match(two.stderr, /only one KERNEL_TREE may be given/);
  });
});
