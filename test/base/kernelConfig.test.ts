import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  ConfigReadError,
  macroValue,
  parseKernelConfig,
  readKernelConfig,
  MAX_CONFIG_BYTES,
} from '../../server/src/base/kernelConfig';

const fixtures = path.join(__dirname, '..', 'fixtures', 'kernel-config');

test('a configuration file means what autoconf.h makes of it', async () => {
  const config = await readKernelConfig(path.join(fixtures, 'config.txt'));
  assert.equal(config.arch, 'x86');
  assert.equal(config.kernelRelease, '6.12.0');
  assert.equal(macroValue(config, 'CONFIG_ZONE_DEVICE'), '1');
  // =m: CONFIG_X is not defined, CONFIG_X_MODULE is.
  assert.equal(macroValue(config, 'CONFIG_HMM_MIRROR'), undefined);
  assert.equal(macroValue(config, 'CONFIG_HMM_MIRROR_MODULE'), '1');
  assert.equal(macroValue(config, 'CONFIG_ZONE_DEVICE_MODULE'), undefined);
  // not set, =n and absent: undefined.
  assert.equal(macroValue(config, 'CONFIG_DEVICE_PRIVATE'), undefined);
  assert.equal(macroValue(config, 'CONFIG_OLD_STYLE'), undefined);
  assert.equal(macroValue(config, 'CONFIG_NOWHERE'), undefined);
  assert.equal(macroValue(config, 'CONFIG_PGTABLE_LEVELS'), '5');
  assert.equal(macroValue(config, 'CONFIG_PHYSICAL_START'), '0x1000000');
  assert.equal(macroValue(config, 'CONFIG_CC_VERSION_TEXT'), '"gcc (made up) 12.2.0"');
});

test('gzip and xz files give the same configuration as the plain file, by content whatever the name', async () => {
  const plain = await readKernelConfig(path.join(fixtures, 'config.txt'));
  for (const name of ['config.gz', 'config.xz']) {
    const config = await readKernelConfig(path.join(fixtures, name));
    assert.deepEqual([...config.symbols], [...plain.symbols], name);
    assert.equal(config.arch, 'x86');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-config-'));
  try {
    const misnamed = path.join(dir, 'config'); // /proc/config.gz copied without its extension
    fs.copyFileSync(path.join(fixtures, 'config.xz'), misnamed);
    assert.equal((await readKernelConfig(misnamed)).symbols.get('CONFIG_MMU'), 'y');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hostile configuration files are refused with a clear message, never a hang or a crash', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-config-'));
  try {
    const expectRefused = async (file: string, pattern: RegExp) => {
      await assert.rejects(readKernelConfig(file), (err: unknown) => {
        assert.ok(err instanceof ConfigReadError, String(err));
        assert.match(err.message, pattern);
        return true;
      });
    };
    // An xz bomb: 2.6 kB that decompresses to 17 MB of zeros.
    await expectRefused(path.join(fixtures, 'bomb.xz'), /more than|too large/);
    await expectRefused(path.join(fixtures, 'notes.txt'), /not a kernel configuration/);
    await expectRefused(path.join(dir, 'missing.config'), /cannot read/);
    await expectRefused(dir, /not a regular file/);
    const truncated = path.join(dir, 'truncated.xz');
    const xz = fs.readFileSync(path.join(fixtures, 'config.xz'));
    fs.writeFileSync(truncated, xz.subarray(0, xz.length >> 1));
    await expectRefused(truncated, /not a readable xz file/);
    const corrupt = path.join(dir, 'corrupt.gz');
    const gz = Buffer.from(fs.readFileSync(path.join(fixtures, 'config.gz')));
    for (let k = 12; k < gz.length - 8; k += 7) gz[k] ^= 0x5a;
    fs.writeFileSync(corrupt, gz);
    await expectRefused(corrupt, /not a readable gzip file/);
    const binary = path.join(dir, 'binary');
    fs.writeFileSync(binary, Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0x43]));
    await expectRefused(binary, /not a kernel configuration/);
    const fifo = path.join(dir, 'fifo');
    try {
      execFileSync('mkfifo', [fifo]);
      await expectRefused(fifo, /not a regular file/);
    } catch (err) {
      if (!(err instanceof Error && /ENOENT/.test(err.message))) throw err;
    }
    const huge = path.join(dir, 'huge.config');
    fs.writeFileSync(huge, Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x41));
    await expectRefused(huge, /too large/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the architecture comes from the header, else from the symbol the arch Kconfig selects', () => {
  assert.equal(parseKernelConfig('# Linux/arm64 6.12.0 Kernel Configuration\nCONFIG_ARM64=y\n', 'x').arch, 'arm64');
  assert.equal(parseKernelConfig('# Linux/x86_64 6.1.0 Kernel Configuration\nCONFIG_64BIT=y\n', 'x').arch, 'x86');
  assert.equal(parseKernelConfig('CONFIG_PPC=y\nCONFIG_PPC64=y\n', 'x').arch, 'powerpc');
  assert.equal(parseKernelConfig('CONFIG_MMU=y\n', 'x').arch, undefined);
  // Windows line ends and blanks around values.
  const crlf = parseKernelConfig('CONFIG_A=y\r\nCONFIG_B=m\r\nCONFIG_C= 12 \r\n', 'x');
  assert.deepEqual(
    [...crlf.symbols],
    [
      ['CONFIG_A', 'y'],
      ['CONFIG_B', 'm'],
      ['CONFIG_C', { text: '12' }],
    ],
  );
});
