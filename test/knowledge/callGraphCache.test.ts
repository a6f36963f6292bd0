import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_SETTINGS } from '../../protocol';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import type { KernelIndex } from '../../server/src/indexing/types';
import { incomingCallEdges, viaOf, type CallEdge } from '../../server/src/knowledge/callGraph';
import { opsTablesOnDisk, type OpsTableAccess } from '../../server/src/knowledge/opsTableAccess';

// Incoming calls through ops tables are kept per index generation (the 6.12 tree's kvfree took 7 s per request
// when every request scanned the files again): where a function is installed and the typed calls through a field
// are built once, reused by the next request and by other functions stored into the same field, rebuilt after an
// edit. Counts of builds, not timings; on the hand-written tree of test/fixtures/ops-tree.
const root = path.join(__dirname, '..', 'fixtures', 'ops-tree');

async function indexOf(tree: string): Promise<{ index: KernelIndex; access: OpsTableAccess }> {
  const built = await buildIndex({
    root: tree,
    cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-callcache-')),
    maxFileSize: DEFAULT_SETTINGS.maxFileSize,
    preferredArch: DEFAULT_SETTINGS.preferredArch,
  });
  assert.ok(built.index, `indexed ${tree}`);
  return { index: built.index, access: await opsTablesOnDisk(built.index) };
}

const describe = (edges: CallEdge[]) =>
  edges.map(
    (e) => `${e.function.name} ${e.function.file} ${e.via ? viaOf(e.via) : 'direct'} ${JSON.stringify(e.ranges)}`,
  );

let fixture: { index: KernelIndex; access: OpsTableAccess };
before(async () => {
  fixture = await indexOf(root);
});

test('two requests for the same callback build the installs and the field call sites once', async () => {
  const { index, access } = fixture;
  // One file scanned for the installs (the index's install site), two files looked at for calls through the field.
  const first = await incomingCallEdges(index, 'dmirror_devmem_fault', { ops: access });
  assert.deepEqual(access.ops.builds, { storesOfFunction: 1, callSitesOfField: 1, fileScans: 1, callSiteFiles: 2 });
  const second = await incomingCallEdges(index, 'dmirror_devmem_fault', { ops: access });
  assert.deepEqual(access.ops.builds, { storesOfFunction: 1, callSitesOfField: 1, fileScans: 1, callSiteFiles: 2 });
  assert.deepEqual(describe(second), describe(first));
  assert.deepEqual(
    first.map((e) => `${e.function.name} ${e.via && viaOf(e.via)} ${e.ranges.map((r) => r.start.line + 1).join(',')}`),
    ['do_swap_page via dev_pagemap_ops.migrate_to_ram 10,12'],
  );

  // Another implementation of the same field: its installs are looked up, the field's calls are reused.
  const other = await incomingCallEdges(index, 'nouveau_dmem_migrate_to_ram', { ops: access });
  assert.deepEqual(access.ops.builds, { storesOfFunction: 2, callSitesOfField: 1, fileScans: 2, callSiteFiles: 2 });
  assert.deepEqual(
    other.map((e) => e.function.name),
    ['do_swap_page'],
  );

  // Forgetting everything (an edit that changes definitions): the next request builds again, with the same answer.
  access.ops.forget();
  const afterEdit = await incomingCallEdges(index, 'dmirror_devmem_fault', { ops: access });
  assert.deepEqual(access.ops.builds, { storesOfFunction: 3, callSitesOfField: 2, fileScans: 3, callSiteFiles: 4 });
  assert.deepEqual(describe(afterEdit), describe(first));
});

test('an install followed by a comment or a preprocessor line before its comma is still found', async () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-calltree-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    fs.writeFileSync(path.join(tree, file), text);
  };
  write('Makefile', 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  write('include/linux/demo_ops.h', 'struct demo_ops {\n\tint (*release)(void *p);\n\tint (*probe)(void *p);\n};\n');
  write(
    'mm/demo_install.c',
    [
      '#include <linux/demo_ops.h>',
      'int demo_release(void *p)',
      '{',
      '\treturn 0;',
      '}',
      'int demo_probe(void *p)',
      '{',
      '\treturn demo_release(p);',
      '}',
      'static const struct demo_ops commented = {',
      '\t.release = demo_release /* the only one */,',
      '\t.probe = demo_probe',
      '#ifdef CONFIG_DEMO',
      '\t\t',
      '#endif',
      '\t,',
      '};',
      '',
    ].join('\n'),
  );
  write(
    'mm/demo_call.c',
    [
      '#include <linux/demo_ops.h>',
      'int demo_put(struct demo_ops *ops, void *p)',
      '{',
      '\treturn ops->release(p) + ops->probe(p);',
      '}',
      '',
    ].join('\n'),
  );
  const { index, access } = await indexOf(tree);
  const release = await incomingCallEdges(index, 'demo_release', { ops: access });
  assert.deepEqual(release.map((e) => `${e.function.name} ${e.via ? viaOf(e.via) : 'direct'}`).sort(), [
    'demo_probe direct',
    'demo_put via demo_ops.release',
  ]);
  const probe = await incomingCallEdges(index, 'demo_probe', { ops: access });
  assert.deepEqual(
    probe.map((e) => `${e.function.name} ${e.via ? viaOf(e.via) : 'direct'}`),
    ['demo_put via demo_ops.probe'],
  );
});
