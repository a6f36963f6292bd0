import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { walkLintFiles, walkLintFilesAsync } from '../../server/src/lint/fileWalker';
import { lintPaths } from '../../server/src/lint/lintRunner';
import { defaultLintRules } from '../../server/src/lint/rules';
import { runLintCli } from './runLintCli';

const fixtures = path.join(__dirname, '..', 'fixtures', 'lint');

/**
 * A 6.17 tree where mm/sample.c is also reachable as alias/sample.c (symlinked folder, sorted before mm/) and as
 * lib/sample.c (symlinked file); mm/self points back at the tree (a loop); ext/ is the only way to reach a folder
 * outside the tree.
 */
function makeTree(): { base: string; tree: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lint-links-'));
  const tree = path.join(base, 'tree');
  fs.mkdirSync(path.join(tree, 'mm'), { recursive: true });
  fs.mkdirSync(path.join(tree, 'lib'));
  fs.mkdirSync(path.join(base, 'outside'));
  fs.copyFileSync(path.join(fixtures, 'new-tree', 'Makefile'), path.join(tree, 'Makefile'));
  fs.copyFileSync(path.join(fixtures, 'new-tree', 'mm', 'sample.c'), path.join(tree, 'mm', 'sample.c'));
  fs.writeFileSync(path.join(base, 'outside', 'extra.c'), 'static int x = PFN_DEV;\n');
  fs.symlinkSync('mm', path.join(tree, 'alias'));
  fs.symlinkSync(path.join('..', 'mm', 'sample.c'), path.join(tree, 'lib', 'sample.c'));
  fs.symlinkSync('..', path.join(tree, 'mm', 'self'));
  fs.symlinkSync(path.join('..', 'outside'), path.join(tree, 'ext'));
  return { base, tree };
}

describe('lint: a file reachable by several paths', () => {
  let base = '';
  let tree = '';
  before(() => {
    ({ base, tree } = makeTree());
  });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  it('the walker lists it once, under its real path; a link is kept when it is the only way in; loops are reported', async () => {
    const skipped: string[] = [];
    const files = walkLintFiles([tree], {
      root: tree,
      onSkip: (file, reason) => skipped.push(`${path.relative(tree, file)}: ${reason}`),
    });
    const relative = files.map((file) => path.relative(tree, file).split(path.sep).join('/')).sort();
    assert.deepEqual(relative, ['Makefile', 'ext/extra.c', 'mm/sample.c']);
    assert.deepEqual(skipped, [`${path.join('mm', 'self')}: a symbolic link loop (the folder contains itself)`]);
    assert.deepEqual((await walkLintFilesAsync([tree], { root: tree })).sort(), [...files].sort());
  });

  it('a file given on the command line and again inside a given folder (or through a link) is listed once', () => {
    const inputs = [path.join(tree, 'lib', 'sample.c'), path.join(tree, 'mm'), path.join(tree, 'alias', 'sample.c')];
    assert.deepEqual(walkLintFiles(inputs, { root: tree }), [path.join(tree, 'lib', 'sample.c')]);
  });

  it('lintPaths (the LSP workspace lint) reports the findings of the file once', async () => {
    const result = await lintPaths([tree], {
      root: tree,
      rules: defaultLintRules(),
      maxFileSize: 1 << 20,
      workers: 0,
      version: undefined,
    });
    assert.deepEqual(
      result.files.map((file) => [file.relative, file.findings.length]),
      [
        ['ext/extra.c', 1],
        ['mm/sample.c', 3],
      ],
    );
  });

  it('the CLI prints each finding once, under the real path', async () => {
    const { code, out, err } = await runLintCli(tree);
    assert.equal(code, 1);
    const lines = out
      .trim()
      .split('\n')
      .map((line) => line.replace(/: (error|note|warning): .*\[/, ': $1: ['));
    assert.deepEqual(lines, [
      'ext/extra.c:1:16: error: [removed-api:pfn-t-flags]',
      'mm/sample.c:1:10: error: [removed-api:pfn-t-header]',
      'mm/sample.c:5:9: error: [removed-api:devmap-pxx-test]',
      'mm/sample.c:5:47: error: [removed-api:swp-device-exclusive-types]',
    ]);
    assert.match(err, /3 files checked against 6\.17: 4 error/);
  });
});
