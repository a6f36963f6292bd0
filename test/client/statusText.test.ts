import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presentIndexStatus, presentLintTarget, presentRestarting } from '../../client/src/statusText';
import { normalizeLintResult, countDiagnostics, describeLintOutcome } from '../../client/src/lintResults';

test('status bar: indexing shows the percentage, clamped and floored', () => {
  assert.equal(presentIndexStatus({ state: 'indexing', percent: 42.7 }).text, '$(sync~spin) MM Lens: indexing 42%');
  assert.equal(presentIndexStatus({ state: 'indexing', percent: 180 }).text, '$(sync~spin) MM Lens: indexing 100%');
  assert.equal(presentIndexStatus({ state: 'indexing' }).text, '$(sync~spin) MM Lens: indexing');
});

test('status bar: ready shows version and compact file count, counts in the tooltip', () => {
  const view = presentIndexStatus({
    state: 'ready',
    files: 61234,
    symbols: 2_345_678,
    references: 12,
    kernelVersion: '6.12.117',
  });
  assert.equal(view.text, '$(check) MM Lens Linux 6.12.117 · 61.2k files');
  assert.match(view.tooltip, /61,234 files, 2,345,678 symbols, 12 references/);
  assert.equal(view.severity, 'normal');
  assert.equal(presentIndexStatus({ state: 'ready', files: 3 }).text, '$(check) MM Lens · 3 files');
  assert.match(presentIndexStatus({ state: 'ready', files: 3 }).tooltip, /kernel version not detected/);
});

test('status bar: errors are flagged and server text cannot inject icons', () => {
  const view = presentIndexStatus({ state: 'error', message: 'cannot read $(alert) cache\n  now' });
  assert.equal(view.severity, 'error');
  assert.equal(view.text, '$(error) MM Lens: index error');
  assert.ok(!view.tooltip.includes('$(alert)'));
  assert.match(view.tooltip, /cannot read \$\u200b\(alert\) cache now/);
  assert.equal(presentIndexStatus(undefined).severity, 'normal');
});

test('workspace lint results: accepted shapes, malformed records dropped, same file merged', () => {
  const diag = {
    range: { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } },
    message: 'pmd_devmap() was removed',
    severity: 1,
  };
  const files = normalizeLintResult({
    files: [
      { uri: 'file:///t/mm/a.c', diagnostics: [diag, { message: 'no range' }] },
      { uri: 42, diagnostics: [diag] },
      { uri: 'file:///t/mm/a.c', diagnostics: [diag] },
      { uri: 'file:///t/mm/b.c', items: [] },
    ],
  });
  assert.deepEqual(
    files.map((f) => [f.uri, f.diagnostics.length]),
    [
      ['file:///t/mm/a.c', 2],
      ['file:///t/mm/b.c', 0],
    ],
  );
  assert.equal(countDiagnostics(files), 2);
  assert.deepEqual(normalizeLintResult([{ uri: 'file:///x.c', diagnostics: [diag] }]).length, 1);
  assert.deepEqual(normalizeLintResult(null), []);
  assert.deepEqual(normalizeLintResult('garbage'), []);
});

test('status bar: after the last file it says what it does, not "100%"; scanning is not indexing', () => {
  const finishing = presentIndexStatus({ state: 'indexing', percent: 100, phase: 'finishing' });
  assert.equal(finishing.text, '$(sync~spin) MM Lens: writing cache');
  assert.ok(!finishing.text.includes('%'));
  assert.equal(
    presentIndexStatus({ state: 'indexing', percent: 0, phase: 'scanning' }).text,
    '$(sync~spin) MM Lens: scanning',
  );
});

test('status bar: a restart says "restarting", never the red error', () => {
  const view = presentRestarting('as asked');
  assert.equal(view.text, '$(sync~spin) MM Lens: restarting');
  assert.equal(view.severity, 'normal');
  assert.ok(!/error|not running/.test(view.tooltip));
});

test('status bar: the lint target item shows only while a target is set', () => {
  assert.equal(presentLintTarget('', '6.12.118'), undefined);
  const view = presentLintTarget('6.17', '6.12.118');
  assert.equal(view?.text, '$(target) lint 6.17');
  assert.match(view?.tooltip ?? '', /Linux 6\.17.*the tree is 6\.12\.118/);
});

test('workspace lint: the announcement counts what the Problems view lists (no hints there)', () => {
  const at = (severity: number) => ({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    message: 'm',
    severity,
  });
  const hintsOnly = describeLintOutcome([{ uri: 'file:///a.h', diagnostics: [at(4), at(4)] }], '6.12.118 (the tree)');
  assert.equal(hintsOnly.inProblemsView, 0);
  assert.match(
    hintsOnly.message,
    /nothing for the Problems view against Linux 6\.12\.118 \(the tree\); 2 hints show only in open editors/,
  );
  const mixed = describeLintOutcome(
    [
      { uri: 'file:///a.c', diagnostics: [at(1), at(1), at(3)] },
      { uri: 'file:///b.h', diagnostics: [at(3), at(4)] },
      { uri: 'file:///c.h', diagnostics: [at(4)] },
    ],
    '6.17 (the lint target)',
  );
  assert.equal(mixed.inProblemsView, 4);
  assert.match(
    mixed.message,
    /2 errors, 2 information in 2 files against Linux 6\.17 \(the lint target\), listed in the Problems view; 2 hints/,
  );
  assert.equal(describeLintOutcome([]).message, 'Kernel MM Lens: no findings.');
});
