import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLintRules } from '../../server/src/lint/rules';
import { applyEdits, lintText } from '../../server/src/lint/linter';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';

const rules = defaultLintRules();

// A hand-written excerpt in the shape of 6.12's x86 huge-PUD code, where pud_trans_huge() excludes devmap entries:
// dropping `|| pud_devmap(pud)` there would stop taking the PUD lock for a DAX PUD.
const x86Pud = [
  'static inline spinlock_t *pud_trans_huge_lock(pud_t *pud, struct vm_area_struct *vma)',
  '{',
  '\tif (pud_trans_huge(*pud) || pud_devmap(*pud))',
  '\t\treturn __pud_trans_huge_lock(pud, vma);',
  '\treturn NULL;',
  '}',
  '',
  'static int f(swp_entry_t entry)',
  '{',
  '\treturn swp_type(entry) == SWP_DEVICE_EXCLUSIVE_WRITE;',
  '}',
  '',
].join('\n');

function findingsFor(target: string | undefined, tree: string | undefined) {
  return lintText(x86Pud, 'arch/x86/include/asm/pgtable.h', {
    rules,
    version: target ? parseKernelVersion(target) : undefined,
    treeVersion: tree ? parseKernelVersion(tree) : undefined,
  });
}

describe('quick fixes only where their premise holds', () => {
  it('6.12 x86 tree linted for itself: pud_devmap is reported, with no fix and the reason why', () => {
    const findings = findingsFor('6.12', '6.12');
    const pud = findings.find((f) => f.entry.name === 'pud_devmap');
    assert.ok(pud, 'pud_devmap finding');
    assert.equal(pud.fix, undefined);
    assert.match(pud.noFixReason ?? '', /No automatic fix for 6\.12: pud_trans_huge\(\) also covers devmap/);
    assert.match(pud.noFixReason ?? '', /lintTargetVersion/);
  });

  it('6.12 tree: the SWP_DEVICE_EXCLUSIVE_WRITE rename is not offered (the new name does not exist there)', () => {
    const swp = findingsFor('6.12', '6.12').find((f) => f.entry.name === 'SWP_DEVICE_EXCLUSIVE_WRITE');
    assert.ok(swp, 'SWP_DEVICE_EXCLUSIVE_WRITE finding');
    assert.equal(swp.fix, undefined);
    assert.match(swp.noFixReason ?? '', /`SWP_DEVICE_EXCLUSIVE` replaces `SWP_DEVICE_EXCLUSIVE_WRITE` from 6\.15/);
  });

  it('unknown version: no fix, and the reason says how to get one', () => {
    const pud = findingsFor(undefined, undefined).find((f) => f.entry.name === 'pud_devmap');
    assert.equal(pud?.fix, undefined);
    assert.match(pud?.noFixReason ?? '', /kernel version is unknown/);
  });

  it('forward-porting a 6.12 tree to 6.17: the fix is offered and its title names the premise', () => {
    const pud = findingsFor('6.17', '6.12').find((f) => f.entry.name === 'pud_devmap');
    assert.ok(pud?.fix, pud?.noFixReason);
    assert.match(
      pud.fix.title,
      /\(for 6\.17 and later: pud_trans_huge\(\) also covers devmap \(DAX\) PUDs only from 6\.17/,
    );
    assert.equal(applyEdits(x86Pud, pud.fix.edits).split('\n')[2], '\tif (pud_trans_huge(*pud))');
  });

  it('a 6.17 tree: the plain fix, no premise note', () => {
    const pud = findingsFor('6.17', '6.17').find((f) => f.entry.name === 'pud_devmap');
    assert.ok(pud?.fix);
    assert.doesNotMatch(pud.fix.title, /and later/);
  });
});
