import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { treeChangesFor } from '../../../server/src/knowledge/changes/treeChanges';
import { FileTreeSource } from '../../../server/src/knowledge/changes/treeSource';

/** A tree whose probed files are a FIFO, a symlink out of the tree, binary junk and invalid UTF-8. */
function hostileTree(): { root: string; outside: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-hostile-tree-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-outside-'));
  fs.mkdirSync(path.join(root, 'mm'));
  fs.mkdirSync(path.join(root, 'include', 'linux'), { recursive: true });
  fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\n');
  // Outside the tree, a file that would make the probe hold if it were read.
  fs.writeFileSync(
    path.join(outside, 'rmap.c'),
    'static bool folio_make_device_exclusive(void) { return folio_test_hugetlb(folio); }\n',
  );
  fs.symlinkSync(path.join(outside, 'rmap.c'), path.join(root, 'mm', 'rmap.c'));
  execFileSync('mkfifo', [path.join(root, 'mm', 'gup.c')]);
  fs.writeFileSync(path.join(root, 'include', 'linux', 'swap.h'), Buffer.from([0x23, 0x64, 0x00, 0x01, 0xff, 0x00]));
  // Invalid UTF-8 around real code: the code is still read.
  fs.writeFileSync(
    path.join(root, 'mm', 'page_vma_mapped.c'),
    Buffer.concat([
      Buffer.from([0xc3, 0xff, 0xfe, 0x0a]),
      Buffer.from(
        'static bool check_pte(struct page_vma_mapped_walk *pvmw)\n{\n\tif (!is_migration_entry(entry) && !is_device_exclusive_entry(entry))\n\t\treturn false;\n\treturn true;\n}\n',
      ),
    ]),
  );
  fs.symlinkSync('loop-b', path.join(root, 'include', 'linux', 'loop-a.h'));
  fs.symlinkSync('loop-a.h', path.join(root, 'include', 'linux', 'loop-b'));
  return { root, outside };
}

void test('probes never read through a symlink out of the tree, never block on a FIFO, and skip binary files', () => {
  const { root } = hostileTree();
  const started = Date.now();
  const changes = treeChangesFor(root);
  const results = changes.all();
  assert.ok(Date.now() - started < 10_000, 'evaluation took too long (blocked on the FIFO?)');
  assert.ok(results.length > 20);
  // The symlinked rmap.c is outside the tree: unreadable, so the hugetlb probe cannot hold.
  assert.equal(changes.result('dx-fixes-02-rmap-hugetlb')?.status, 'unknown');
  // The FIFO is not a regular file: nothing to read.
  assert.equal(changes.result('dx-fixes-01-gup-hugetlb')?.status, 'unknown');
  // Binary swap.h: not read as C.
  assert.equal(changes.result('dx-fixes-06-single-swap-type')?.status, 'unknown');
  // Invalid UTF-8 before real code does not hide the code.
  assert.equal(changes.result('dx-fixes-07-pvmw-not-migration')?.status, 'absent');
  const source = new FileTreeSource(root);
  assert.equal(source.exists('include/linux/loop-a.h'), false);
  assert.equal(source.readText('include/linux/loop-a.h'), undefined);
  assert.equal(source.readText('../outside'), undefined);
  assert.equal(source.readText('/etc/hostname'), undefined);
});

void test('a tree that vanished answers unknown for everything, even "file is gone" probes', () => {
  const root = path.join(os.tmpdir(), 'kml-no-such-tree-for-changes');
  const results = treeChangesFor(root).all();
  assert.deepEqual(
    results.filter((result) => result.status !== 'unknown').map((r) => `${r.change.id}=${r.status}`),
    [],
  );
});
