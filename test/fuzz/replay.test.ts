/**
 * Replays every fuzz target's seeds and every input a fuzzing run ever found (test/fixtures/fuzz/<target>/
 * regressions/) through the target itself, without Jazzer: a found crash stays fixed.
 */
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';

const targetsDir = path.join(__dirname, 'targets');
const fixturesDir = path.join(__dirname, '..', 'fixtures', 'fuzz');

function inputsOf(target: string): string[] {
  const files: string[] = [];
  for (const kind of ['seeds', 'regressions']) {
    const dir = path.join(fixturesDir, target, kind);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) files.push(path.join(dir, name));
  }
  return files;
}

type Target = { fuzz: (data: Buffer) => unknown; fuzzStrict?: (data: Buffer) => unknown };

for (const file of fs.readdirSync(targetsDir).filter((name) => name.endsWith('.ts'))) {
  const target = path.basename(file, '.ts');
  test(`fuzz target ${target}: seeds and found inputs pass`, async (t) => {
    const { fuzz, fuzzStrict } = (await import(path.join(targetsDir, file))) as Target;
    const inputs = inputsOf(target);
    if (inputs.length === 0) throw new Error(`no seeds for ${target} in test/fixtures/fuzz/${target}/seeds`);
    for (const input of inputs) {
      await t.test(path.relative(fixturesDir, input), async () => {
        await fuzz(fs.readFileSync(input));
      });
    }
    // Inputs of bugs still open in another issue: reported as to-dos until fixed, then moved to regressions/.
    const open = path.join(fixturesDir, target, 'open');
    for (const name of fs.existsSync(open) ? fs.readdirSync(open).sort() : []) {
      await t.test(`open/${name}`, { todo: 'a known open bug (see the target)' }, async () => {
        await (fuzzStrict ?? fuzz)(fs.readFileSync(path.join(open, name)));
      });
    }
  });
}
