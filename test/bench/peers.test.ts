import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  preparePeers,
  CtagsIndex,
  globalDefinitions,
  globalReferences,
  cscopeCallers,
  cscopeDefinitions,
  cscopeSymbol,
} from '../../server/src/cli/bench/peers';
import { listCFiles } from '../../server/src/cli/bench/treeFiles';
import { writeTree, installed, MINI_TREE } from './benchFixtures';

void test(
  'peers on a hand-written tree: ctags definitions, global -dx/-rx, cscope -L0/-L1/-L3',
  { timeout: 60_000 },
  async (t) => {
    const missing = ['ctags', 'global', 'cscope'].filter(
      (tool) => !installed(tool, tool === 'cscope' ? ['-V'] : ['--version']),
    );
    if (missing.length > 0) {
      t.skip(`${missing.join(', ')} not installed (scripts/install-peers.sh --peers-only)`);
      return;
    }
    const root = writeTree({ ...MINI_TREE, 'mm/link.c': '' });
    fs.rmSync(path.join(root, 'mm/link.c'));
    fs.symlinkSync(path.join(root, 'mm/b.c'), path.join(root, 'mm/link.c'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-peers-'));
    try {
      const { files } = listCFiles(root);
      assert.deepEqual(
        files,
        ['include/linux/walk.h', 'lib/elsewhere.c', 'mm/a.c', 'mm/b.c'],
        'a symbolic link is not a second file',
      );
      const db = await preparePeers(root, files, dir);
      assert.ok(db.seconds.ctags !== undefined && db.seconds.gtags !== undefined && db.seconds.cscope !== undefined);
      const again = await preparePeers(root, files, dir);
      assert.deepEqual(again.seconds, {}, 'an unchanged file list reuses the databases');

      const ctags = await CtagsIndex.load(path.join(dir, 'tags'));
      assert.deepEqual(ctags.definitions('folio_walk_start'), [
        { file: 'mm/a.c', line: 2, kind: 'function', fileScope: false },
      ]);
      assert.deepEqual(ctags.definitions('use_walk'), [{ file: 'mm/b.c', line: 1, kind: 'function', fileScope: true }]);
      assert.deepEqual(
        ctags.definitions('WALK_LEVELS').map((d) => d.kind),
        ['macro'],
      );
      assert.deepEqual(
        ctags.definitions('walk_addr_t').map((d) => d.kind),
        ['typedef'],
      );

      assert.deepEqual(
        globalDefinitions(db, 'folio_walk_start').map((l) => `${l.file}:${l.line}`),
        ['mm/a.c:2'],
      );
      assert.ok(globalReferences(db, 'folio_walk_start').some((l) => l.file === 'mm/b.c' && l.line === 5));
      assert.deepEqual(
        cscopeDefinitions(db, 'folio_walk_start').map((l) => `${l.file}:${l.line}`),
        ['mm/a.c:2'],
      );
      assert.deepEqual(
        cscopeCallers(db, 'folio_walk_start').map((l) => `${l.file}:${l.line}:${l.function}`),
        ['mm/b.c:5:use_walk'],
      );
      assert.ok(cscopeSymbol(db, 'walk_count').length >= 3);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
