import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCompileDatabase } from '../../server/src/lsp/compileDatabase';

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-cdb-'));
  fs.mkdirSync(path.join(root, 'mm'));
  fs.writeFileSync(path.join(root, 'mm', 'ksm.c'), '');
  return root;
}

void test('the files of compile_commands.json, relative to the tree, also from an out-of-tree build', () => {
  const root = tree();
  const build = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-build-'));
  fs.symlinkSync(root, path.join(build, 'source'));
  fs.writeFileSync(
    path.join(build, 'compile_commands.json'),
    JSON.stringify([
      { directory: build, file: 'source/mm/ksm.c', command: 'cc -c' },
      { directory: root, file: path.join(root, 'mm', 'gone.c'), command: 'cc -c' },
      { directory: '/elsewhere', file: '/elsewhere/x.c', command: 'cc -c' },
    ]),
  );
  const database = readCompileDatabase(root, build, () => undefined);
  assert.ok(database);
  assert.deepEqual([...database.files].sort(), ['mm/gone.c', 'mm/ksm.c']);
});

void test('no database, or a broken one: undefined, and a broken one is said in the log', () => {
  const root = tree();
  assert.equal(
    readCompileDatabase(root, undefined, () => undefined),
    undefined,
  );
  fs.writeFileSync(path.join(root, 'compile_commands.json'), '{ not json');
  const messages: string[] = [];
  assert.equal(
    readCompileDatabase(root, undefined, (m) => messages.push(m)),
    undefined,
  );
  assert.match(messages.join('\n'), /unreadable/);
});
