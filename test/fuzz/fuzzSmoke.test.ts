/**
 * The short seeded fuzzing run of npm test: every target under Jazzer.js with a fixed seed and a fixed number
 * of inputs (scripts/fuzz/run.mjs --smoke). Skipped with one line when Jazzer.js cannot run on this machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

test('seeded fuzzing run of every target finds nothing', (t) => {
  const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'fuzz', 'run.mjs'), '--smoke'], {
    cwd: root,
    encoding: 'utf8',
    // A ceiling for a loaded machine (instrumenting the four bundles is most of the time), not a timing.
    timeout: 600_000,
  });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status === 3) {
    t.skip(output.trim().split('\n').at(-1));
    return;
  }
  for (const line of output.split('\n').filter((l) => l.startsWith('fuzz: '))) t.diagnostic(line);
  assert.equal(run.status, 0, output.slice(-8000));
});
