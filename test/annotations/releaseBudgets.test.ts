/**
 * The missing-release analysis on pathological nesting (minimised from fuzzed and mutated files): it ends,
 * says what it found when it could, and says it gave up (with the reason) when it could not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { loadCallContext } from '../../server/src/annotations/callContext';
import { findMissingReleases, type AnalysisStats } from '../../server/src/annotations/releaseAnalysis';

/** A page-table lock taken in the innermost of `depth` loops and skipped by `continue`: leaked at `return 0`. */
function nestedLoops(depth: number): string {
  return [
    'int f(struct mm_struct *mm, pmd_t *pmd, unsigned long addr)',
    '{',
    '\tspinlock_t *ptl;',
    '\tpte_t *pte;',
    ...Array.from({ length: depth }, () => '\twhile (addr--) {'),
    '\t\tpte = pte_offset_map_lock(mm, pmd, addr, &ptl);',
    '\t\tif (!pte)',
    '\t\t\treturn -EAGAIN;',
    '\t\tif (addr & 1)',
    '\t\t\tcontinue;',
    '\t\tpte_unmap_unlock(pte, ptl);',
    ...Array.from({ length: depth }, () => '\t}'),
    '\treturn 0;',
    '}',
    '',
  ].join('\n');
}

async function analyse(text: string): Promise<{ lines: number[]; stats: AnalysisStats }> {
  const parser = await createCParser();
  const tree = parser.parse(text);
  assert.ok(tree);
  try {
    const stats: AnalysisStats = { functions: 0, gaveUp: 0, gaveUpIn: [], reasons: [] };
    const findings = findMissingReleases(tree.rootNode, loadCallContext(), stats);
    return { lines: [...new Set(findings.map((f) => f.exit.startPosition.row))], stats };
  } finally {
    tree.delete();
    parser.delete();
  }
}

test(
  'six nested loops around an acquire: the leak at the return is found (was 6^depth passes: minutes)',
  { timeout: 60_000 },
  async () => {
    const text = nestedLoops(6);
    const { lines, stats } = await analyse(text);
    assert.deepEqual(lines, [text.split('\n').indexOf('\treturn 0;')]);
    assert.equal(stats.gaveUp, 0);
  },
);

test(
  'forty nested loops: the analysis ends, with the leak or with a reason why it gave up',
  { timeout: 60_000 },
  async () => {
    const text = nestedLoops(40);
    const { lines, stats } = await analyse(text);
    // Which of the two depends on the machine's speed (a time budget); never neither, never a hang.
    if (stats.gaveUp === 0) assert.deepEqual(lines, [text.split('\n').indexOf('\treturn 0;')]);
    else {
      assert.deepEqual(lines, []);
      assert.deepEqual(stats.gaveUpIn, ['f']);
      assert.match(stats.reasons?.[0] ?? '', /budget|nested deeper/);
    }
  },
);

test(
  'thousands of nested parentheses and braces: given up as too deep, no stack overflow',
  { timeout: 60_000 },
  async () => {
    const depth = 5000;
    const text = `int g(struct mm_struct *mm, pmd_t *pmd, unsigned long a)\n{\n\tspinlock_t *ptl;\n\tint x = ${'('.repeat(depth)}a${')'.repeat(depth)};\n\t${'{'.repeat(depth)}pte_offset_map_lock(mm, pmd, a, &ptl);${'}'.repeat(depth)}\n\treturn x;\n}\n`;
    const { stats } = await analyse(text);
    assert.deepEqual(stats.gaveUpIn, ['g']);
    assert.match(stats.reasons?.[0] ?? '', /nested deeper than \d+ levels/);
  },
);
