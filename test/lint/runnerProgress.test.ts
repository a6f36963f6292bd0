import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lintPaths, type LintProgress } from '../../server/src/lint/lintRunner';
import { defaultLintRules } from '../../server/src/lint/rules';

const FILES = 450;

describe('lintPaths: progress and cancellation between files', () => {
  let tree = '';
  before(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lint-progress-'));
    for (let i = 0; i < FILES; i++) {
      const dir = path.join(tree, `d${i % 7}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `f${String(i).padStart(3, '0')}.c`),
        `int f${i}(pmd_t pmd) { return pmd_devmap(pmd); }\n`,
      );
    }
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  const run = (isCancelled?: (seen: LintProgress[]) => boolean) => {
    const seen: LintProgress[] = [];
    const result = lintPaths([tree], {
      root: tree,
      rules: defaultLintRules(),
      maxFileSize: 1 << 20,
      workers: 0,
      version: undefined,
      onProgress: (state) => seen.push({ ...state }),
      isCancelled: isCancelled && (() => isCancelled(seen)),
    });
    return result.then((value) => ({ result: value, seen }));
  };

  it('reports the files found, then checked counts that grow to the total', async () => {
    const { result, seen } = await run();
    assert.equal(result.cancelled, false);
    assert.equal(result.files.length, FILES);
    const afterWalk = seen.filter((s) => s.walkDone);
    assert.ok(afterWalk.length >= 2, `expected several progress steps, got ${JSON.stringify(seen)}`);
    assert.ok(afterWalk.every((s) => s.found === FILES));
    assert.deepEqual(
      afterWalk.map((s) => s.checked),
      [...afterWalk.map((s) => s.checked)].sort((a, b) => a - b),
    );
    assert.equal(afterWalk.at(-1)!.checked, FILES);
  });

  it('stops between files once cancelled, and says the result is partial', async () => {
    const { result, seen } = await run((states) => states.some((s) => s.checked > 0));
    assert.equal(result.cancelled, true);
    const checked = seen.at(-1)!.checked;
    assert.ok(checked > 0 && checked < FILES, `checked ${checked} of ${FILES}`);
    assert.equal(result.files.length, checked);
  });
});
