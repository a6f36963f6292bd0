import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeSweep, sweepStaleTemporaries, temporaryPathFor } from '../../server/src/base/tempFiles';

/** A pid that certainly ran and is gone: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('temporaries of dead writers are removed, those of live writers and other files stay', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-sweep-'));
  const tree = path.join(dir, 'tree-abc');
  fs.mkdirSync(tree);
  const dead = deadPid();
  fs.writeFileSync(path.join(tree, `index.bin.${dead}.tmp`), Buffer.alloc(1024));
  fs.writeFileSync(path.join(tree, `occurrences.bin.${dead}.1a2b3c4d.tmp`), Buffer.alloc(2048));
  fs.writeFileSync(path.join(dir, `mail-x.json.${dead}.tmp`), 'x');
  fs.writeFileSync(temporaryPathFor(path.join(tree, 'index.bin')), 'mine, being written');
  fs.writeFileSync(path.join(tree, 'index.bin'), 'the cache');
  fs.writeFileSync(path.join(tree, 'notes.tmp'), 'not a cache temporary');
  const result = sweepStaleTemporaries(dir, 1);
  assert.deepEqual(result.removed.map((file) => path.relative(dir, file)).sort(), [
    `mail-x.json.${dead}.tmp`,
    `tree-abc/index.bin.${dead}.tmp`,
    `tree-abc/occurrences.bin.${dead}.1a2b3c4d.tmp`,
  ]);
  assert.equal(result.bytes, 3073);
  assert.deepEqual(fs.readdirSync(tree).sort(), ['index.bin', `index.bin.${process.pid}.tmp`, 'notes.tmp']);
  assert.match(describeSweep(result) ?? '', /^removed 3 temporary files \(0\.0 MB\)/);
  assert.equal(describeSweep(sweepStaleTemporaries(dir, 1)), undefined);
  fs.rmSync(dir, { recursive: true });
});
