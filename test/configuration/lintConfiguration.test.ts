import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLintCli } from '../lint/runLintCli';

// A removed API (pmd_devmap, gone in 6.17) used in a live branch, in an #else stub of a configured-in feature, in a
// branch of a configured-out feature and in another architecture's folder: with a configuration only the live use
// is reported; without one (all configurations) all four are.
test('the lint skips the code a kernel configuration leaves out, and lints everything without one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-lint-config-'));
  try {
    const root = path.join(dir, 'linux');
    fs.mkdirSync(path.join(root, 'mm'), { recursive: true });
    fs.mkdirSync(path.join(root, 'arch', 'arm64', 'mm'), { recursive: true });
    fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 17\nSUBLEVEL = 0\n');
    fs.writeFileSync(
      path.join(root, 'mm', 'demo.c'),
      [
        'int live(pmd_t pmd) { return pmd_devmap(pmd); }', //                   1 live
        '#ifdef CONFIG_ZONE_DEVICE',
        'int configured(pmd_t pmd) { return pmd_devmap(pmd); }', //             3 live
        '#else',
        'static inline int stub(pmd_t pmd) { return pmd_devmap(pmd); }', //    5 #else stub: inactive
        '#endif',
        '#if IS_ENABLED(CONFIG_DEVICE_PRIVATE)',
        'int off(pmd_t pmd) { return pmd_devmap(pmd); }', //                   8 config off: inactive
        '#endif',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(root, 'arch', 'arm64', 'mm', 'demo.c'),
      'int arm(pmd_t pmd) { return pmd_devmap(pmd); }\n',
    );
    const config = path.join(dir, 'config');
    fs.writeFileSync(config, '# Linux/x86 6.17.0 Kernel Configuration\nCONFIG_X86=y\nCONFIG_ZONE_DEVICE=y\n');
    const lines = (out: string) =>
      out
        .trim()
        .split('\n')
        .filter((line) => line.includes('pmd_devmap'))
        .map((line) => line.split(': ')[0]);

    const all = await runLintCli('--format', 'text', root);
    assert.deepEqual(lines(all.out), [
      'arch/arm64/mm/demo.c:1:29',
      'mm/demo.c:1:30',
      'mm/demo.c:3:36',
      'mm/demo.c:5:44',
      'mm/demo.c:8:29',
    ]);
    const configured = await runLintCli('--config', config, root);
    assert.deepEqual(lines(configured.out), ['mm/demo.c:1:30', 'mm/demo.c:3:36']);
    const otherArch = await runLintCli('--config', config, '--arch', 'arm64', root);
    assert.deepEqual(lines(otherArch.out), ['arch/arm64/mm/demo.c:1:29', 'mm/demo.c:1:30', 'mm/demo.c:3:36']);
    const broken = await runLintCli('--config', path.join(dir, 'missing'), root);
    assert.equal(broken.code, 2);
    assert.match(broken.err, /cannot read/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
