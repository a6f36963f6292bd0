import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_SETTINGS } from '../../protocol';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import type { TreeIndex } from '../../server/src/indexing/treeIndex';
import { incomingCallEdges, viaOf } from '../../server/src/knowledge/callGraph';
import { MAX_CALLER_FILES } from '../../server/src/knowledge/indirectCalls';
import { OpsTables } from '../../server/src/knowledge/opsTables';
import { readTreeFile, type OpsTableAccess } from '../../server/src/knowledge/opsTableAccess';
import { snippetParser, withParsedText } from '../../server/src/semantics/snippetParser';
import { DiskSources } from '../../server/src/semantics/sourceAccess';
import { TypeResolver } from '../../server/src/semantics/typeResolver';

// Where a function is installed comes from the index's install sites (no scan of the files naming it), and an edit
// of one file drops only what came from that file. Work is counted (files read, files scanned), never timed.

function writeTree(files: Record<string, string>): string {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-opsfile-'));
  for (const [file, text] of Object.entries({ Makefile: 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n', ...files })) {
    fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    fs.writeFileSync(path.join(tree, file), text);
  }
  return tree;
}

async function tablesOf(
  tree: string,
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-opsfile-cache-')),
): Promise<{ index: TreeIndex; access: OpsTableAccess; reads: string[] }> {
  const built = await buildIndex({
    root: tree,
    cacheDir,
    maxFileSize: DEFAULT_SETTINGS.maxFileSize,
    preferredArch: DEFAULT_SETTINGS.preferredArch,
  });
  const index = built.index as TreeIndex;
  assert.ok(index, `indexed ${tree}`);
  const parser = await snippetParser();
  const resolver = new TypeResolver({ index, parser, sources: new DiskSources((f) => index.absolutePath(f)) });
  const reads: string[] = [];
  // The index's text of a file (an edited file's overlay, else the disk), each read counted.
  const readText = (file: string) => {
    reads.push(file);
    return index.textOf(file) ?? readTreeFile(index, file);
  };
  const access: OpsTableAccess = {
    ops: new OpsTables(index, readText, { resolver, parser }),
    resolver,
    readText,
    withDocument(file, use, given) {
      const text = given ?? readText(file);
      return text === undefined ? undefined : withParsedText(parser, text, (tree) => use({ file, text, tree }));
    },
  };
  return { index, access, reads };
}

const header = [
  'struct demo_ops {',
  '\tvoid (*release)(void *p);',
  '\tvoid (*probe)(void *p);',
  '};',
  'struct demo {',
  '\tconst struct demo_ops *ops;',
  '};',
  'void demo_free(void *p);',
  '',
].join('\n');

const user = (k: number) =>
  `#include <linux/demo.h>\nvoid user_${k}(void *p)\n{\n\tdemo_free(p);\n\tdemo_free(p);\n}\n`;

test('an install is found in its one file without reading the files that call the function', async () => {
  const files: Record<string, string> = {
    'include/linux/demo.h': header,
    'mm/demo_table.c': '#include <linux/demo.h>\nstatic const struct demo_ops table = {\n\t.release = demo_free,\n};\n',
  };
  for (let k = 0; k < 12; k++) files[`drivers/user_${k}.c`] = user(k);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-opsfile-cache-'));
  const tree = writeTree(files);
  const { index, access, reads } = await tablesOf(tree, cacheDir);
  assert.deepEqual(index.installSitesOf('demo_free'), [{ file: 'mm/demo_table.c', field: 'release', line: 2 }]);
  // A warm start reads the install sites back from the cache.
  const warm = await tablesOf(tree, cacheDir);
  assert.equal(warm.index.stats().fromCache > 0 || warm.index.stats().parsed === 0, true, 'warm start');
  assert.deepEqual(warm.index.installSitesOf('demo_free'), index.installSitesOf('demo_free'));
  assert.equal(index.filesMentioning('demo_free').length, 14);
  const stores = access.ops.storesOfFunction('demo_free');
  assert.deepEqual(
    stores.map((s) => `${s.type}.${s.field} ${s.file}:${s.line + 1} ${s.kind}`),
    ['demo_ops.release mm/demo_table.c:3 initializer'],
  );
  assert.equal(access.ops.builds.fileScans, 1);
  assert.deepEqual(
    reads.filter((file) => file.startsWith('drivers/')),
    [],
    'no caller file read',
  );
});

test('an edit of file A rescans A only: B keeps its installs and its typed calls', async () => {
  const tree = writeTree({
    'include/linux/demo.h': header,
    'mm/a.c': [
      '#include <linux/demo.h>',
      'void a_release(void *p) { }',
      'static const struct demo_ops a_ops = { .release = a_release };',
      'void a_put(struct demo *d, void *p)',
      '{',
      '\td->ops->release(p);',
      '}',
      '',
    ].join('\n'),
    'mm/b.c': [
      '#include <linux/demo.h>',
      'void b_release(void *p) { }',
      'static const struct demo_ops b_ops = { .release = b_release };',
      'void b_put(struct demo *d, void *p)',
      '{',
      '\td->ops->release(p);',
      '}',
      '',
    ].join('\n'),
  });
  const { index, access } = await tablesOf(tree);
  const { ops } = access;
  const names = () =>
    ops
      .storesOfField('release')
      .map((s) => `${s.function} ${s.file}`)
      .sort();
  assert.deepEqual(names(), ['a_release mm/a.c', 'b_release mm/b.c']);
  const callers = async (name: string) =>
    (await incomingCallEdges(index, name, { ops: access }))
      .map((e) => `${e.function.name} ${e.via ? viaOf(e.via) : 'direct'}`)
      .sort();
  assert.deepEqual(await callers('b_release'), ['a_put via demo_ops.release', 'b_put via demo_ops.release']);
  const before = { ...ops.builds };
  // The field's scan read the header, A and B; b_release's installs read B only (its one install site).
  assert.deepEqual(before, { storesOfFunction: 1, callSitesOfField: 1, fileScans: 4, callSiteFiles: 2 });

  // A body edit of A (a second install, a second call): A's entries change, its definitions do not.
  const edited = fs
    .readFileSync(path.join(tree, 'mm/a.c'), 'utf8')
    .replace(
      'void a_release(void *p) { }',
      'void a_release(void *p) { struct demo_ops *o = 0; o->release = b_release; }',
    )
    .replace('\td->ops->release(p);', '\td->ops->release(p);\n\td->ops->release(p);');
  index.updateFile('mm/a.c', edited);
  assert.deepEqual(names(), ['a_release mm/a.c', 'b_release mm/a.c', 'b_release mm/b.c']);
  assert.equal(ops.builds.fileScans, before.fileScans + 1, 'only mm/a.c scanned again for the field');
  const after = await callers('b_release');
  assert.deepEqual(after, ['a_put via demo_ops.release', 'b_put via demo_ops.release']);
  const a = (await incomingCallEdges(index, 'b_release', { ops: access })).find((e) => e.function.name === 'a_put');
  assert.equal(a?.ranges.length, 2, 'the new call in A is there');
  assert.equal(ops.builds.callSiteFiles, before.callSiteFiles + 1, 'only mm/a.c looked at again for calls');
  // b_release's installs: A scanned again for it (a new site there), B's scan kept.
  assert.equal(ops.builds.fileScans, before.fileScans + 2);

  // An edit that changes a definition (a new field) may change how other files are typed: everything is redone.
  const scans = ops.builds.fileScans;
  index.updateFile(
    'include/linux/demo.h',
    header.replace('\tvoid (*probe)(void *p);', '\tvoid (*probe)(void *p, int n);'),
  );
  assert.deepEqual(names(), ['a_release mm/a.c', 'b_release mm/a.c', 'b_release mm/b.c']);
  assert.equal(ops.builds.fileScans, scans + 3, 'the header and both files scanned again');
});

test(`a field called in more than ${MAX_CALLER_FILES} files gives a partial answer that says so`, async () => {
  const files: Record<string, string> = {
    'include/linux/demo.h': header,
    'mm/demo_table.c':
      '#include <linux/demo.h>\nvoid demo_release(void *p) { }\nstatic const struct demo_ops t = { .release = demo_release };\n',
  };
  for (let k = 0; k < MAX_CALLER_FILES + 5; k++)
    files[`drivers/c${String(k).padStart(3, '0')}.c`] =
      `#include <linux/demo.h>\nvoid put_${k}(struct demo *d, void *p)\n{\n\td->ops->release(p);\n}\n`;
  const { index, access } = await tablesOf(writeTree(files));
  const notes: string[] = [];
  const edges = await incomingCallEdges(index, 'demo_release', { ops: access, onPartial: (note) => notes.push(note) });
  assert.equal(edges.length, MAX_CALLER_FILES);
  assert.deepEqual(notes, [
    `partial: calls through .release were looked for in the first ${MAX_CALLER_FILES} of ${MAX_CALLER_FILES + 5} files that use the field (in path order); callers in the others are not listed`,
  ]);
  // A complete answer says nothing.
  const quiet: string[] = [];
  await incomingCallEdges(index, 'put_1', { ops: access, onPartial: (note) => quiet.push(note) });
  assert.deepEqual(quiet, []);
});
