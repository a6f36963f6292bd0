import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const serverJs = path.join(__dirname, '..', '..', 'dist', 'server.js');
const sampleTree = path.join(__dirname, '..', '..', 'samples', 'mini-kernel');

test('bench alternates the cold-index runs of both tools and reports the ratio of their means', () => {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-bench-test-')), 'bench.json');
  const run = spawnSync(
    process.execPath,
    [
      serverJs,
      'bench',
      '--skip-lint',
      '--skip-accuracy',
      '--cold-rounds',
      '2',
      '--queries',
      '10',
      '--json',
      json,
      sampleTree,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const results = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.equal(results.coldRuns.length, 2);
  const mean = (runs: Array<{ seconds: number }>) => runs.reduce((sum, r) => sum + r.seconds, 0) / runs.length;
  assert.ok(Math.abs(results.cold.seconds - mean(results.coldRuns)) < 1e-9);
  assert.match(run.stdout, /cold full index \(s, mean of 2\)/);
  const ctagsAvailable = results.ctagsRuns.length > 0;
  if (ctagsAvailable) {
    assert.equal(results.ctagsRuns.length, 2);
    assert.ok(Math.abs(results.ctags.seconds - mean(results.ctagsRuns)) < 1e-9);
    // The order on stderr: ctags, ours, ours, ctags.
    const order = [...run.stderr.matchAll(/bench: (universal-ctags|our cold index)/g)].map((m) =>
      m[1] === 'universal-ctags' ? 'ctags' : 'ours',
    );
    assert.deepEqual(order, ['ctags', 'ours', 'ours', 'ctags']);
    assert.match(run.stdout, new RegExp(`${(results.cold.seconds / results.ctags.seconds).toFixed(2)}x`));
  }
  fs.rmSync(path.dirname(json), { recursive: true, force: true });
});

test('bench --accuracy-only: the navigation-accuracy section and the editor warm start, one line per missing truth', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-bench-accuracy-'));
  const json = path.join(home, 'bench.json');
  try {
    const run = spawnSync(
      process.execPath,
      [serverJs, 'bench', '--accuracy-only', '--skip-clangd', '--skip-peers', '--json', json, sampleTree],
      // Every cache of the run (our index, peers) goes under this temporary folder, none under the user's.
      { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: home } },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Navigation accuracy on /m);
    assert.match(run.stdout, /^skipped: clangd \(--skip-clangd\)$/m);
    assert.match(run.stdout, /^excluded from the truth: tokens inside #if 0/m);
    assert.match(run.stdout, /^editor warm start: first correct definition of folio_walk_start from mm\/ksm\.c /m);
    const results = JSON.parse(fs.readFileSync(json, 'utf8'));
    assert.equal(results.navigationAccuracy.warmStart.runs.length, 3);
    assert.ok(fs.existsSync(path.join(home, 'kernel-mm-lens', 'bench-accuracy-index')));
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
