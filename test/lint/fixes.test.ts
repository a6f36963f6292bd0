import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { defaultLintRules } from '../../server/src/lint/rules';
import { applyEdits, fixAllEdits, lintText } from '../../server/src/lint/linter';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';

const dir = path.join(__dirname, '..', 'fixtures', 'lint', 'fixes');
const rules = defaultLintRules();
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const lint = (text: string, name = 'fixture.c') => lintText(text, name, { rules, version: parseKernelVersion('6.17') });

/** Applies the quick fix of the finding on `line` (1-based) for `symbol` and returns the new text. */
function applyOne(text: string, line: number, symbol: string, name = 'fixture.c'): string {
  const finding = lint(text, name).find((f) => f.range.start.line + 1 === line && f.entry.name === symbol);
  assert.ok(finding, `finding for ${symbol} on line ${line}`);
  assert.ok(finding.fix, `fix for ${symbol} on line ${line}: ${finding.noFixReason}`);
  return applyEdits(text, finding.fix.edits);
}

describe('removed-API quick fixes: one at a time, exact text', () => {
  const text = read('drop-disjunct.c');
  const lines = text.split('\n');
  const expectLine = (after: string, lineNumber: number, expected: string) =>
    assert.equal(after.split('\n')[lineNumber - 1], expected);

  it('partner(x) || pmd_devmap(x) -> partner(x)', () => {
    const after = applyOne(text, 3, 'pmd_devmap');
    expectLine(after, 3, '\tif (pmd_trans_huge(*pmd))');
    assert.equal(after.split('\n').length, lines.length);
  });

  it('negated form across a line break with nested parentheses and odd spacing', () => {
    const after = applyOne(text, 6, 'pmd_devmap');
    expectLine(after, 5, '\tif (!pmd_trans_huge(pmdp_get_lockless(pmd)))');
    assert.equal(after.split('\n').length, lines.length - 1);
  });

  it('swapped order with an arbitrary argument expression (pud)', () => {
    expectLine(applyOne(text, 8, 'pud_devmap'), 8, '\tif (pud_trans_huge(pud[(x + 1) * 2]))');
  });

  it('swapped negated order', () => {
    expectLine(applyOne(text, 10, 'pud_devmap'), 10, '\tif (!pud_trans_huge(*pud))');
  });

  it('inside a longer || chain', () => {
    expectLine(applyOne(text, 12, 'pmd_devmap'), 12, '\tif (is_swap_pmd(*pmd) || pmd_trans_huge(*pmd) || x)');
  });

  it('inside a multi-line macro body with continuations', () => {
    const after = applyOne(text, 25, 'pmd_devmap');
    assert.ok(
      after.endsWith(
        '#define pmd_trans_huge_lock_fixture(pmd)\t\t\t\t\\\n\t(is_swap_pmd(*(pmd)) || pmd_trans_huge(*(pmd)))\n',
      ),
    );
  });

  it('no edit where the rewrite would change meaning: precedence, different arguments, a lone test', () => {
    const findings = lint(text);
    for (const line of [14, 16, 18, 20]) {
      const finding = findings.find((f) => f.range.start.line + 1 === line)!;
      assert.equal(finding.fix, undefined, `line ${line}`);
      assert.match(finding.noFixReason!, /No automatic fix: only `pmd_trans_huge\(x\) \|\| pmd_devmap\(x\)`/);
    }
  });

  it('fix all in file gives the expected file', () => {
    assert.equal(applyEdits(text, fixAllEdits(lint(text))), read('drop-disjunct.expected.c'));
  });
});

describe('removed-API quick fixes: renames, deleted lines', () => {
  const text = read('renames.c');

  it('SWP_DEVICE_EXCLUSIVE_WRITE -> SWP_DEVICE_EXCLUSIVE', () => {
    assert.equal(
      applyOne(text, 6, 'SWP_DEVICE_EXCLUSIVE_WRITE').split('\n')[5],
      '\tif (swp_type(old) == SWP_DEVICE_EXCLUSIVE)',
    );
  });

  it('make_writable/readable_device_exclusive_entry(...) -> make_device_exclusive_entry(...)', () => {
    assert.equal(
      applyOne(text, 9, 'make_writable_device_exclusive_entry').split('\n')[8],
      '\t\treturn make_device_exclusive_entry(page_to_pfn(page));',
    );
    assert.equal(
      applyOne(text, 12, 'make_readable_device_exclusive_entry').split('\n')[11],
      '\treturn make_device_exclusive_entry(',
    );
  });

  it('#include <linux/pfn_t.h> is deleted with its line', () => {
    assert.equal(applyOne(text, 2, 'linux/pfn_t.h'), text.replace('#include <linux/pfn_t.h>\n', ''));
  });

  it('is_writable_device_exclusive_entry has no mechanical rewrite and says why', () => {
    const finding = lint(text).find((f) => f.entry.name === 'is_writable_device_exclusive_entry')!;
    assert.equal(finding.fix, undefined);
    assert.match(finding.noFixReason!, /writability is recomputed on restore/);
  });

  it('fix all in file', () => {
    assert.equal(applyEdits(text, fixAllEdits(lint(text))), read('renames.expected.c'));
  });

  it('Kconfig: select lines are deleted (with or without if), depends on is left for a human', () => {
    const kconfig = read('Kconfig');
    assert.equal(
      applyOne(kconfig, 5, 'ARCH_HAS_PTE_DEVMAP', 'Kconfig'),
      kconfig.replace('\tselect ARCH_HAS_PTE_DEVMAP if 64BIT && MMU\n', ''),
    );
    const findings = lint(kconfig, 'Kconfig');
    assert.equal(findings[0].fix!.title, 'Delete `select ARCH_HAS_PTE_DEVMAP`');
    assert.equal(findings.find((f) => f.context === 'kconfig-depends')!.fix, undefined);
    assert.equal(applyEdits(kconfig, fixAllEdits(findings)), read('Kconfig.expected'));
  });

  it('definitions are never rewritten', () => {
    const findings = lint('#define SWP_DEVICE_EXCLUSIVE_WRITE 3\nint x = SWP_DEVICE_EXCLUSIVE_WRITE;\n');
    assert.deepEqual(
      findings.map((f) => [f.code, !!f.fix]),
      [
        ['removed-api-definition', false],
        ['removed-api', true],
      ],
    );
  });

  it('fix edits carry LSP ranges', () => {
    const finding = lint(text).find((f) => f.entry.name === 'linux/pfn_t.h')!;
    assert.deepEqual(finding.fix!.edits[0].range, { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } });
  });
});
