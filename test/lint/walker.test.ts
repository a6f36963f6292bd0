import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { findTreeRoot, walkLintFiles, walkLintFilesAsync } from '../../server/src/lint/fileWalker';
import { globToRegExp } from '../../server/src/base/treeWalker';

const fixtures = path.join(__dirname, '..', 'fixtures', 'lint');

describe('lint file walker', () => {
  it('globs: ** crosses directories, * stays in one segment, a directory pattern covers its contents', () => {
    assert.ok(globToRegExp('drivers/staging/**').test('drivers/staging/a/b.c'));
    assert.ok(globToRegExp('**/*.mod.c').test('drivers/x/y.mod.c'));
    assert.ok(globToRegExp('*.mod.c').test('y.mod.c'));
    assert.equal(globToRegExp('*.c').test('mm/a.c'), false);
    assert.ok(globToRegExp('tools').test('tools/perf/x.c'));
    assert.equal(globToRegExp('tools').test('toolsx/a.c'), false);
    assert.ok(globToRegExp('mm/?.c').test('mm/a.c'));
  });

  it('the tree root is the nearest ancestor with a kernel top-level Makefile, else the path itself', () => {
    const tree = path.join(fixtures, 'new-tree');
    assert.equal(findTreeRoot(path.join(tree, 'mm', 'sample.c')), tree);
    assert.equal(findTreeRoot(path.join(tree, 'mm')), tree);
    assert.equal(findTreeRoot(path.join(fixtures, 'cases')), path.join(fixtures, 'cases'));
  });

  it('sync and async walks agree; only lintable names are listed, sorted', async () => {
    const root = path.join(fixtures, 'cases');
    const sync = walkLintFiles([root], { root });
    assert.deepEqual(
      sync.map((f) => path.basename(f)),
      ['Kconfig', 'Makefile', 'definitions.h', 'uses.c'],
    );
    assert.deepEqual(await walkLintFilesAsync([root], { root }), sync);
    const skipped: string[] = [];
    assert.deepEqual(
      walkLintFiles([path.join(root, 'missing')], { root, onSkip: (file, reason) => skipped.push(reason) }),
      [],
    );
    assert.match(skipped[0], /does not exist/);
  });
});
