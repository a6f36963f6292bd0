/**
 * The v1 "implement make_device_exclusive() using folio_walk instead of rmap walk" patch
 * (20250129115411.2077152-5-david@redhat.com), minimised, against a minimised hand-written stand-in of the tree
 * it applied to (between 6.14 and 6.15, make_device_exclusive() already converted).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import { detectKernelVersion } from '../../server/src/base/kernelVersion';
import { patchInputFromFiles } from '../../server/src/review/patchInput';
import { reviewPatches } from '../../server/src/review/reviewEngine';

const dir = path.join(__dirname, '..', 'fixtures', 'review', 'device-exclusive');
const tree = path.join(dir, 'tree');

test('the folio_walk conversion: the tracked symbols it touches, calls and stops calling', async () => {
  const version = detectKernelVersion(tree);
  assert.equal(version?.minor, 14);
  const { result } = await reviewPatches(patchInputFromFiles([path.join(dir, 'v1-04.mbox')]), { root: tree, version });
  assert.deepEqual(
    result.patches.map((p) => [p.version, p.hunks.every((h) => h.applies)]),
    [[1, true]],
  );
  const relations = Object.fromEntries(result.symbols.map((s) => [s.name, s.relations]));
  assert.deepEqual(relations.make_device_exclusive, ['touched']);
  assert.deepEqual(relations.folio_walk_start, ['call-added']);
  assert.deepEqual(relations.folio_walk_end, ['call-added']);
  assert.deepEqual(relations.folio_make_device_exclusive, ['call-removed', 'touched']);
  assert.deepEqual(relations.rmap_walk, ['call-removed']);
  assert.deepEqual(relations.get_user_pages_remote, ['call-removed']);
  const start = result.symbols.find((s) => s.name === 'folio_walk_start')!;
  assert.equal(start.introduced, '6.12');
  assert.match(start.summary, /page-table lock held/);
  assert.ok(start.sources.length > 0);
  const mde = result.symbols.find((s) => s.name === 'make_device_exclusive')!;
  assert.equal(mde.introduced, '6.15');
  // The conversion is correct about its lock: every folio_walk_start() path ends the walk. The one finding is the
  // forward-port advice on the old entry builder it adds (removed upstream in 6.15), on its + line.
  assert.deepEqual(
    result.findings.map((f) => [f.rule, f.severity, f.file]),
    [['removed-api', 'information', 'mm/rmap.c']],
  );
  assert.match(result.findings[0].message, /make_writable_device_exclusive_entry\(\)/);
});

test('the same patch with the walk left open on the mismatch path: the duty check names it', async () => {
  const { result } = await reviewPatches(
    patchInputFromFiles([path.join(dir, 'v1-04.mbox'), path.join(dir, 'leak-on-mismatch.patch')]),
    { root: tree, version: parseKernelVersion('6.14') },
  );
  assert.ok(
    result.patches.every((p) => p.hunks.every((h) => h.applies)),
    'the second patch applies on the first',
  );
  const leaks = result.findings.filter((f) => f.rule === 'missing-release');
  assert.equal(leaks.length, 1);
  assert.equal(leaks[0].severity, 'warning');
  assert.equal(leaks[0].file, 'mm/rmap.c');
  assert.ok(leaks[0].patchFile.endsWith('leak-on-mismatch.patch'));
  assert.match(leaks[0].message, /folio_walk_start\(\).*without folio_walk_end\(\)/);
});
