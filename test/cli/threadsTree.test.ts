// `threads` says "in this tree" from a kernel tree's code, like the editor: --tree DIR, or the current folder when it
// lies in a kernel tree; a --tree that is no kernel tree is an error, not a silent list without the answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { threadsCommand } from '../../server/src/cli/threadsCommand';
import type { ThreadEntry } from '../../server/src/lore/threadEntry';
import { captureIo } from '../captureIo';

// The hand-written 6.12.y tree with partial backports: v2 02/17 (hugetlb rejection) is in it, v2 04/17 is not.
const partial = path.join(__dirname, '..', 'fixtures', 'changes', 'tree-6.12-partial');
const V2_04 = '20250210193801.781278-5-david@redhat.com';
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-threads-tree-'));
test.after(() => fs.rmSync(cache, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; entries: ThreadEntry[]; errors: string }> {
  const { io, text, errors } = captureIo();
  const code = await threadsCommand.run(['make_device_exclusive', '--json', '--cache-dir', cache, ...args], io);
  return { code, entries: code === 0 ? (JSON.parse(text()) as ThreadEntry[]) : [], errors: errors() };
}

const folioWalk = (entries: ThreadEntry[]) => entries.find((e) => e.versions.some((v) => v.messageId === V2_04));

test('--tree: entries say whether the tree has the change, from its code', async () => {
  const { code, entries } = await run(['--tree', partial]);
  assert.equal(code, 0);
  assert.equal(folioWalk(entries)?.inTree?.text, 'not in this tree');
  assert.equal(folioWalk(entries)?.inTree?.changeId !== undefined, true);
});

test('without --tree, the current folder decides: inside a kernel tree yes, elsewhere nothing is claimed', async () => {
  const before = process.cwd();
  try {
    process.chdir(path.join(partial, 'mm'));
    assert.equal(folioWalk((await run([])).entries)?.inTree?.text, 'not in this tree');
    process.chdir(cache);
    const outside = await run([]);
    assert.equal(outside.code, 0);
    assert.ok(folioWalk(outside.entries), 'the entry is still listed');
    assert.ok(outside.entries.every((e) => e.inTree === undefined));
  } finally {
    process.chdir(before);
  }
});

test('--tree that is no kernel tree: exit 2 and a sentence', async () => {
  const { code, errors } = await run(['--tree', cache]);
  assert.equal(code, 2);
  assert.match(errors, /no kernel tree there/);
});
