/**
 * A hostile tree, minimised: a FIFO named Makefile at the top, a FIFO and a /dev/zero link named as sources, a
 * symlink loop, a dangling link and a binary file. Nothing blocks (each step has its own test timeout), every
 * skipped item is named once with its reason, and the index counts them by reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/main';
import { detectKernelVersion } from '../../server/src/base/kernelVersion';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { captureIo } from '../captureIo';

function hostileTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-hostile-'));
  fs.mkdirSync(path.join(root, 'mm'));
  execFileSync('mkfifo', [path.join(root, 'Makefile'), path.join(root, 'mm', 'x.c')]);
  fs.symlinkSync('/dev/zero', path.join(root, 'mm', 'zero.c'));
  fs.symlinkSync('loop-b.c', path.join(root, 'mm', 'loop-a.c'));
  fs.symlinkSync('loop-a.c', path.join(root, 'mm', 'loop-b.c'));
  fs.symlinkSync('nowhere.c', path.join(root, 'mm', 'dangling.c'));
  fs.writeFileSync(path.join(root, 'mm', 'binary.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
  fs.writeFileSync(path.join(root, 'mm', 'a.c'), 'int pmd_devmap(int x);\nint f(void) { return pmd_devmap(1); }\n');
  return root;
}

test('a FIFO named Makefile: the version is unknown at once, not waited for', { timeout: 20_000 }, () => {
  const root = hostileTree();
  try {
    assert.equal(detectKernelVersion(root), undefined);
    assert.deepEqual(detectKernelVersion(root, '6.12'), { major: 6, minor: 12, patch: 0 });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('index: every skipped item named once with its reason, counted by reason', { timeout: 60_000 }, async () => {
  const root = hostileTree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-hostile-cache-'));
  try {
    const lines: string[] = [];
    const result = await buildIndex({ root, cacheDir, maxFileSize: 1 << 20, workers: 1, log: (m) => lines.push(m) });
    const skipLines = lines.filter((line) => line.startsWith('skipped '));
    const reasonOf = (file: string) => {
      const named = skipLines.filter((line) => line.startsWith(`skipped ${file}: `));
      assert.equal(named.length, 1, `${file} named once: ${skipLines.join(' | ')}`);
      return named[0].slice(`skipped ${file}: `.length);
    };
    assert.match(reasonOf('Makefile'), /^a FIFO/);
    assert.match(reasonOf('mm/x.c'), /^a FIFO/);
    assert.match(reasonOf('mm/zero.c'), /^a device, not a regular file \(link to \/dev\/zero\)/);
    assert.match(reasonOf('mm/loop-a.c'), /symbolic link loop/);
    assert.match(reasonOf('mm/dangling.c'), /symbolic link to nothing/);
    assert.match(reasonOf('mm/binary.c'), /binary content/);
    assert.deepEqual(result.stats.skippedByReason, {
      fifo: 2,
      'symlink-loop': 2,
      binary: 1,
      'dangling-link': 1,
      device: 1,
    });
    assert.equal(result.stats.skipped, 7);
    assert.equal(result.index?.findDefinitions('f').length, 1);
    // A warm start counts what this run skipped.
    const warm = await buildIndex({ root, cacheDir, maxFileSize: 1 << 20, workers: 1 });
    assert.deepEqual(warm.stats.skippedByReason, result.stats.skippedByReason);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test(
  'CLI index prints the counts by reason; hover and lint answer on the hostile tree',
  { timeout: 120_000 },
  async () => {
    const root = hostileTree();
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-hostile-cache-'));
    try {
      const index = captureIo();
      assert.equal(await main(['index', '--cache-dir', cacheDir, root], index.io), 0);
      assert.match(index.text(), /skipped {5}7 \(fifo 2, symlink-loop 2, binary 1, dangling-link 1, device 1\)/);
      const hover = captureIo();
      await main(['hover', `${path.join(root, 'mm', 'a.c')}:2:24`, '--cache-dir', cacheDir], hover.io);
      assert.match(hover.text(), /pmd_devmap/);
      const lint = captureIo();
      await main(['lint', '--kernel-version', '6.17', root], lint.io);
      assert.match(lint.text(), /mm\/a\.c:2:\d+/);
      assert.match(lint.errors(), /skipped .*Makefile: a FIFO/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  },
);
