import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  classify,
  clickableTokens,
  isDeclarationOnly,
  clangdTruth,
  clangdTruthCachePath,
  clangdVersion,
  sampledFiles,
} from '../../server/src/cli/bench/clangdTruth';
import { writeTree, writeCompileDb, MINI_TREE } from './benchFixtures';

void test('click classes from clangd hover kinds; a variable with "// In <function>" is a local', () => {
  assert.equal(
    classify(
      'variable',
      '### variable `folio`\n---\n```cpp\n// In break_ksm\nstruct folio *folio\n```',
      'plain',
      'folio',
    ),
    'local',
  );
  assert.equal(
    classify(
      'variable',
      '### variable `mmlist_lock`\n---\n```cpp\nspinlock_t mmlist_lock\n```',
      'plain',
      'mmlist_lock',
    ),
    'global',
  );
  assert.equal(classify('field', '// In struct folio_walk', 'member', 'page'), 'member');
  assert.equal(classify('param', '', 'plain', 'vma'), 'parameter');
  assert.equal(classify('type-alias', '', 'plain', 'pte_t'), 'type');
  assert.equal(classify('struct', '', 'tag', 'folio'), 'type');
  assert.equal(classify('enumerator', '', 'plain', 'WALK_PTE'), 'enumConstant');
  assert.equal(classify('macro', '', 'call', 'min'), 'macro');
  assert.equal(classify('function', '', 'call', 'kvfree'), 'function');
  assert.equal(classify('namespace', '', 'plain', 'x'), undefined);
});

void test('clickable tokens: contexts, and nothing from directives, #if 0, keywords or comments', () => {
  const text = ['#define M(x) (x)', '#if 0', 'int dead;', '#endif', 'struct folio *f = g(a->b, c.d); /* e */'].join(
    '\n',
  );
  const seen = clickableTokens(text).map(({ token, context }) => `${token.name}:${context}`);
  assert.deepEqual(seen, ['folio:tag', 'f:plain', 'g:call', 'a:plain', 'b:member', 'c:plain', 'd:member']);
});

void test('declaration-only: a prototype or an extern variable, not a definition', () => {
  const root = writeTree(MINI_TREE);
  try {
    const at = (line: number, character: number) => ({
      uri: '',
      range: { start: { line, character }, end: { line, character } },
    });
    assert.equal(isDeclarationOnly(root, 'include/linux/walk.h', at(11, 4), 'function'), true);
    assert.equal(isDeclarationOnly(root, 'mm/a.c', at(2, 6), 'function'), false);
    assert.equal(isDeclarationOnly(root, 'include/linux/walk.h', at(9, 11), 'global'), true);
    assert.equal(isDeclarationOnly(root, 'mm/a.c', at(1, 4), 'global'), false);
    assert.equal(isDeclarationOnly(root, 'include/linux/walk.h', at(4, 7), 'type'), false);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test(
  'clangd truth on a hand-written tree: cross-file definitions through the background index, declaration-only, cache',
  { timeout: 180_000 },
  async (t) => {
    if (!clangdVersion()) {
      t.skip('clangd not installed (scripts/install-peers.sh)');
      return;
    }
    const root = writeTree(MINI_TREE);
    const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-build-'));
    try {
      writeCompileDb(root, buildDir);
      assert.deepEqual(sampledFiles(root, buildDir), ['mm/a.c', 'mm/b.c']);
      const truth = await clangdTruth({ root, buildDir, seed: 7, quota: 20 });
      const classes = new Set(truth.positions.map((p) => p.class));
      for (const cls of ['local', 'parameter', 'member', 'type', 'macro', 'function', 'global', 'enumConstant'])
        assert.ok(classes.has(cls as never), `class ${cls} sampled`);
      const find = (name: string, file: string) => truth.positions.find((p) => p.name === name && p.file === file);
      // folio_walk_start is called in b.c and defined in a.c: only the background index knows that.
      assert.deepEqual(find('folio_walk_start', 'mm/b.c')?.definition, { file: 'mm/a.c', line: 2, character: 6 });
      assert.equal(find('folio_walk_start', 'mm/b.c')?.declarationOnly, false);
      // not_built is defined in a file outside the compile database: clangd knows its prototype only.
      const notBuilt = find('not_built', 'mm/b.c');
      assert.equal(notBuilt?.definition.file, 'include/linux/walk.h');
      assert.equal(notBuilt?.declarationOnly, true);
      assert.equal(find('levels', 'mm/b.c')?.class, 'local');
      // A local's references (clangd, same file) and its function's lines, for issue 18's "stays in its function".
      assert.deepEqual(
        find('levels', 'mm/b.c')?.references?.map((r) => r.line),
        [4, 6, 7],
      );
      assert.deepEqual(find('levels', 'mm/b.c')?.scope, { startLine: 1, endLine: 8 });
      assert.equal(find('level', 'mm/b.c')?.definition.file, 'include/linux/walk.h');
      // Cached by tree, clangd version and seed: the second call reads the file.
      const cache = clangdTruthCachePath({ root, buildDir, seed: 7, quota: 20 }, clangdVersion()!);
      assert.ok(fs.existsSync(cache));
      const again = await clangdTruth({ root, buildDir, seed: 7, quota: 20 });
      assert.deepEqual(again.positions, truth.positions);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(buildDir, { recursive: true, force: true });
    }
  },
);
