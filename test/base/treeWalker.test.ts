import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { walkTree } from '../../server/src/base/treeWalker';
import { isIndexedFile } from '../../server/src/parsing/kernelFiles';

/** include/dt-bindings/x.h is also reachable as scripts/prefixes/dt-bindings/x.h, as in the kernel's dtc folder. */
function makeTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-walk-'));
  fs.mkdirSync(path.join(root, 'include', 'dt-bindings'), { recursive: true });
  fs.mkdirSync(path.join(root, 'scripts', 'prefixes'), { recursive: true });
  fs.mkdirSync(path.join(root, '.pc', 'mm'), { recursive: true });
  fs.mkdirSync(path.join(root, 'mm'));
  fs.writeFileSync(path.join(root, 'include', 'dt-bindings', 'x.h'), '#define X 1\n');
  fs.writeFileSync(path.join(root, 'mm', 'a.c'), 'int a;\n');
  fs.writeFileSync(path.join(root, 'mm', 'notes.txt'), 'no\n');
  fs.writeFileSync(path.join(root, '.pc', 'mm', 'a.c'), 'int a;\n');
  fs.symlinkSync(
    path.join('..', '..', 'include', 'dt-bindings'),
    path.join(root, 'scripts', 'prefixes', 'dt-bindings'),
  );
  fs.symlinkSync('..', path.join(root, 'mm', 'up'));
  return root;
}

test('the tree walk: hidden folders skipped, excludes honoured, each link policy as documented', () => {
  const root = makeTree();
  try {
    const skipped: string[] = [];
    const firstSeen = walkTree(root, {
      accept: isIndexedFile,
      links: 'first-seen',
      onSkip: (file, reason) => skipped.push(`${file}: ${reason}`),
    }).sort();
    // The index's policy: folders come off a stack (scripts/ before include/), so the link's path is met first.
    assert.deepEqual(firstSeen, ['mm/a.c', 'scripts/prefixes/dt-bindings/x.h']);
    assert.deepEqual(skipped, ['mm/up: a second path to a folder already indexed']);

    skipped.length = 0;
    const realPath = walkTree(root, {
      accept: isIndexedFile,
      links: 'real-path',
      onSkip: (file, reason) => skipped.push(`${file}: ${reason}`),
    }).sort();
    assert.deepEqual(realPath, ['include/dt-bindings/x.h', 'mm/a.c']);
    assert.deepEqual(skipped, ['mm/up: a symbolic link loop (the folder contains itself)']);

    assert.deepEqual(walkTree(root, { accept: isIndexedFile, links: 'real-path', exclude: ['mm'] }).sort(), [
      'include/dt-bindings/x.h',
    ]);
    // A glob without '/' matches at the root only, unless names match anywhere (the lint's --exclude).
    const headers = { accept: isIndexedFile, links: 'real-path' as const, exclude: ['*.h'] };
    assert.deepEqual(walkTree(root, headers).sort(), ['include/dt-bindings/x.h', 'mm/a.c']);
    assert.deepEqual(walkTree(root, { ...headers, excludeMatchesNames: true }), ['mm/a.c']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
