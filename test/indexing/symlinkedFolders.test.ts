import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { treeRelativePath } from '../../server/src/indexing/fileScanner';

/**
 * The kernel links include/dt-bindings from scripts/dtc/include-prefixes/dt-bindings: a walk that follows the link
 * first (scripts/ is walked before include/) indexed every dt-bindings header under the link's path.
 */
function treeWithLinks(): { root: string; outside: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-links-'));
  fs.mkdirSync(path.join(root, 'include', 'dt-bindings', 'clock'), { recursive: true });
  fs.writeFileSync(path.join(root, 'include', 'dt-bindings', 'clock', 'demo-clk.h'), '#define DEMO_CLK_ROOT 1\n');
  fs.mkdirSync(path.join(root, 'scripts', 'dtc', 'include-prefixes'), { recursive: true });
  fs.symlinkSync('../../../include/dt-bindings', path.join(root, 'scripts', 'dtc', 'include-prefixes', 'dt-bindings'));
  fs.mkdirSync(path.join(root, 'mm'));
  fs.writeFileSync(path.join(root, 'mm', 'real.c'), 'int demo_real(void) { return 0; }\n');
  fs.symlinkSync('real.c', path.join(root, 'mm', 'alias.c'));
  // A folder outside the tree linked into it is indexed under the link (it has no other path in the tree).
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-outside-'));
  fs.writeFileSync(path.join(outside, 'extra.h'), 'int demo_outside;\n');
  fs.symlinkSync(outside, path.join(root, 'external'));
  return { root, outside };
}

void test('a file reached through a symlinked folder is indexed once, under its real path inside the tree', async () => {
  const { root } = treeWithLinks();
  const result = await buildIndex({ root, maxFileSize: 1 << 20, workers: 1 });
  const files = result.index!.data.files;
  assert.deepEqual(
    files.filter((file) => file.includes('demo-clk.h')),
    ['include/dt-bindings/clock/demo-clk.h'],
  );
  assert.deepEqual(
    files.filter((file) => file.startsWith('mm/')),
    ['mm/real.c'],
  );
  assert.deepEqual(
    result.index!.findDefinitions('DEMO_CLK_ROOT').map((d) => d.file),
    ['include/dt-bindings/clock/demo-clk.h'],
  );
  assert.deepEqual(
    result.index!.findDefinitions('demo_outside').map((d) => d.file),
    ['external/extra.h'],
  );
  assert.equal(files.filter((file) => file.startsWith('scripts/')).length, 0, 'nothing under the link');
});

void test('a document opened through a symlinked folder is the file the index knows', () => {
  const { root, outside } = treeWithLinks();
  assert.equal(
    treeRelativePath(root, path.join(root, 'scripts', 'dtc', 'include-prefixes', 'dt-bindings', 'clock', 'demo-clk.h')),
    'include/dt-bindings/clock/demo-clk.h',
  );
  assert.equal(treeRelativePath(root, path.join(root, 'mm', 'alias.c')), 'mm/real.c');
  assert.equal(treeRelativePath(root, path.join(root, 'external', 'extra.h')), 'external/extra.h');
  assert.equal(treeRelativePath(root, path.join(outside, 'extra.h')), undefined, 'outside the tree');
  assert.equal(treeRelativePath(root, path.join(root, 'mm', 'not-yet-saved.c')), 'mm/not-yet-saved.c');
});
