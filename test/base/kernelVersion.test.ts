import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MakefileVersion, findKernelTreeRoot } from '../../server/src/base/kernelVersion';
import { kernelVersionResolver } from '../../server/src/lsp/settings';
import { DEFAULT_SETTINGS } from '../../protocol';

const makefile = (minor: number) =>
  `# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = ${minor}\nSUBLEVEL = 3\n`;

test('the tree version is read once and again when the top-level Makefile changes', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-version-'));
  try {
    const file = path.join(root, 'Makefile');
    const stamp = 1_700_000_000; // whole seconds: the file systems keep them exactly
    fs.writeFileSync(file, makefile(12));
    fs.utimesSync(file, stamp, stamp);
    const version = new MakefileVersion(() => root);
    assert.deepEqual(version.current(), { major: 6, minor: 12, patch: 3 });
    // Same inode, size and mtime: the cached answer, even if the bytes changed behind the stamp's back.
    fs.writeFileSync(file, makefile(13));
    fs.utimesSync(file, stamp, stamp);
    assert.deepEqual(version.current(), { major: 6, minor: 12, patch: 3 });
    version.forget();
    assert.deepEqual(version.current(), { major: 6, minor: 13, patch: 3 });
    // A real change (new mtime) is seen without being told.
    fs.writeFileSync(file, makefile(18));
    fs.utimesSync(file, stamp + 60, stamp + 60);
    assert.deepEqual(version.current(), { major: 6, minor: 18, patch: 3 });
    fs.rmSync(file);
    assert.equal(version.current(), undefined);

    fs.writeFileSync(file, makefile(12));
    fs.mkdirSync(path.join(root, 'mm'));
    assert.equal(findKernelTreeRoot(path.join(root, 'mm', 'rmap.c')), root);
    let settings = { ...DEFAULT_SETTINGS };
    const resolve = kernelVersionResolver(() => settings, new MakefileVersion(() => root));
    assert.equal(resolve()?.minor, 12);
    settings = { ...settings, kernelVersion: '6.17' };
    assert.equal(resolve()?.minor, 17);
    assert.equal(resolve('6.19')?.minor, 19, 'an explicit target (lintTargetVersion) wins');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
