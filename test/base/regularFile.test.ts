import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRegularFile, readRegularText } from '../../server/src/base/regularFile';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-regular-'));
}

test('a FIFO is refused at once, without waiting for a writer', () => {
  const dir = tempDir();
  const fifo = path.join(dir, 'Makefile');
  execFileSync('mkfifo', [fifo]);
  const started = Date.now();
  const read = readRegularFile(fifo, 1024);
  assert.ok(Date.now() - started < 1000);
  assert.deepEqual(read, { skipped: 'fifo', message: 'a FIFO (named pipe), not a regular file' });
  fs.rmSync(dir, { recursive: true });
});

test('a link to /dev/zero is refused as a device, not read forever', () => {
  const dir = tempDir();
  const link = path.join(dir, 'x.c');
  fs.symlinkSync('/dev/zero', link);
  const read = readRegularFile(link, 1 << 20);
  assert.equal('skipped' in read && read.skipped, 'device');
  fs.rmSync(dir, { recursive: true });
});

test('symlink loops, dangling names, directories and oversized files each get their reason', () => {
  const dir = tempDir();
  fs.symlinkSync('b', path.join(dir, 'a'));
  fs.symlinkSync('a', path.join(dir, 'b'));
  fs.writeFileSync(path.join(dir, 'big.h'), 'x'.repeat(2048));
  const reason = (file: string, max = 1024) => {
    const read = readRegularFile(path.join(dir, file), max);
    return 'skipped' in read ? read.skipped : 'read';
  };
  assert.equal(reason('a'), 'symlink-loop');
  assert.equal(reason('missing.c'), 'vanished');
  assert.equal(reason('.'), 'directory');
  assert.equal(reason('big.h'), 'too-large');
  assert.equal(reason('big.h', 4096), 'read');
  fs.rmSync(dir, { recursive: true });
});

test('a regular file is read whole, invalid UTF-8 decoded to replacement characters', () => {
  const dir = tempDir();
  const file = path.join(dir, 'a.c');
  fs.writeFileSync(file, Buffer.from([0x69, 0x6e, 0x74, 0x20, 0xff, 0x3b]));
  const read = readRegularText(file, 100);
  assert.ok(!('skipped' in read));
  assert.equal(read.text, 'int \ufffd;');
  fs.rmSync(dir, { recursive: true });
});
