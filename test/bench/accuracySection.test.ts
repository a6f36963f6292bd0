import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headlineRows } from '../../server/src/cli/bench/accuracySection';
import type { AccuracyReport } from '../../server/src/cli/bench/navigationAccuracy';

const r = (hit: number, total: number) => ({ hit, total });

void test('headline rows of the bench table: the acceptance targets of issues 16 and 21, met or missed', () => {
  const report = {
    root: '/t',
    seed: 1,
    tools: {},
    skipped: [],
    excluded: [],
    files: { c: 1, skippedLarge: 0 },
    seconds: {},
    latency: {},
    names: {
      count: 2,
      perCategory: 1,
      byCategory: {},
      references: {
        ours: {
          recall: r(998, 1000),
          precision: r(999, 1000),
          lineRecall: r(1, 1),
          linePrecision: r(1, 1),
          outsideC: 0,
        },
      },
      definitions: { ours: { found: r(199, 200), firstRightKind: r(195, 200) } },
      workspaceSymbol: { exact: r(20, 20), fuzzy: r(10, 20), fuzzyMisses: [] },
      incomingCalls: { recall: r(1, 1), names: 1, kvfreeMs: 80 },
      worst: [],
      perName: [],
      skippedNames: [],
    },
    warmStart: { runs: [2100, 1900, 2500], median: 2100, file: 'mm/ksm.c', symbol: 'folio_walk_start' },
  } as unknown as AccuracyReport;
  const rows = Object.fromEntries(headlineRows(report).map((row) => [row[0], row]));
  assert.equal(rows['references recall / precision (token truth)'][1], '0.9980 / 0.9990');
  assert.match(rows['references recall / precision (token truth)'][4], /met$/);
  assert.equal(rows['definition found / first of right kind'][1], '99.5% / 97.5%');
  assert.match(rows['definition found / first of right kind'][4], /MISSED$/);
  assert.match(rows['workspace symbol top-5 (exact / initials)'][4], /MISSED$/);
  assert.match(rows['incoming calls of kvfree (ms)'][4], /met$/);
  assert.deepEqual(rows['editor warm start (s, median of 3)'].slice(1), ['2.10', '-', '-', '<= 2 s: MISSED']);
});
