import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { drawNameSample, pageFlagHelpers, NAME_CATEGORIES } from '../../server/src/cli/bench/nameSample';
import { CtagsIndex, preparePeers } from '../../server/src/cli/bench/peers';
import { scanNames } from '../../server/src/cli/bench/referenceTruth';
import { listCFiles } from '../../server/src/cli/bench/treeFiles';
import { fuzzyQueryOf } from '../../server/src/cli/bench/navigationAccuracy';
import { seededRandom, shuffled } from '../../server/src/cli/bench/sampling';
import { writeTree, installed } from './benchFixtures';

const TREE: Record<string, string> = {
  'include/linux/page-flags.h': [
    '#define PAGEFLAG(uname, lname, policy) /* generates Page##uname, folio_test_##lname */',
    'PAGEFLAG(Dirty, dirty, PF_HEAD)',
    '#if 0',
    'PAGEFLAG(Gone, gone, PF_ANY)',
    '#endif',
    '__PAGEFLAG(Locked, locked, PF_NO_TAIL)',
    'PAGEFLAG_FALSE(HighMem, highmem)',
    '',
  ].join('\n'),
  'include/linux/lru.h': 'typedef struct lru_vec {\n\tint x;\n} lru_vec;\n',
  'include/linux/mm.h':
    '#define PAGE_SHIFT 12\nstruct folio { int flags; };\ntypedef struct folio folio_t;\nenum lru { LRU_ANON, LRU_FILE };\nextern int nr_pages;\n',
  'mm/mlock.c': 'SYSCALL_DEFINE2(mlock, unsigned long, start, size_t, len)\n{\n\treturn 0;\n}\nint nr_pages;\n',
  'mm/util.c': 'void kvfree(const void *addr)\n{\n}\nEXPORT_SYMBOL(kvfree);\nstatic int helper(void) { return 0; }\n',
  'mm/other.c':
    'static int helper(void) { return 1; }\n/* kvfree(x) in a comment */\nvoid f(void) { kvfree(0); folio_test_dirty(0); }\n',
  'include/linux/syscalls.h': 'long sys_mlock(unsigned long start, unsigned long len);\n',
  'arch/alpha/kernel/osf_sys.c': 'SYSCALL_DEFINE0(getxpid)\n{\n\treturn 0;\n}\n',
  'arch/x86/include/asm/pgtable.h': '#define pte_none(x) (!(x))\n',
  'arch/arm64/include/asm/pgtable.h': '#define pte_none(x) (!(x))\n',
};

void test('page-flag helpers come from generator invocations outside #if 0 and #define bodies', () => {
  const root = writeTree(TREE);
  try {
    assert.deepEqual(
      pageFlagHelpers(root).map((g) => `${g.name}@${g.line}`),
      [
        'PageDirty@1',
        'folio_test_dirty@1',
        'PageLocked@5',
        'folio_test_locked@5',
        'PageHighMem@6',
        'folio_test_highmem@6',
      ],
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test(
  'the name sample covers each category from ctags and the token truth, reproducibly from its seed',
  { timeout: 60_000 },
  async (t) => {
    if (!installed('ctags')) {
      t.skip('universal-ctags not installed (scripts/install-peers.sh --peers-only)');
      return;
    }
    const root = writeTree(TREE);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-sample-'));
    try {
      const { files } = listCFiles(root);
      await preparePeers(root, files, dir);
      const ctags = await CtagsIndex.load(path.join(dir, 'tags'));
      const sample = drawNameSample(root, files, ctags, { seed: 3, perCategory: 1 });
      const byCategory = Object.fromEntries(sample.map((s) => [s.category, s.name]));
      assert.equal(byCategory.syscall, 'sys_mlock');
      // kvfree is the only exported function; a name is never sampled twice, so it is in exactly one of the two.
      assert.ok(
        byCategory.function === 'kvfree' ? byCategory.exported === undefined : byCategory.exported === 'kvfree',
      );
      assert.equal(byCategory.staticMulti, 'helper');
      assert.ok(
        byCategory.perArch === 'pte_none' || (byCategory.macro === 'pte_none' && byCategory.perArch === undefined),
      );
      assert.ok(['folio', 'lru_vec'].includes(byCategory.struct));
      assert.ok(['folio_t', 'lru_vec'].includes(byCategory.typedef));
      assert.equal(byCategory.global, 'nr_pages');
      assert.ok(['LRU_ANON', 'LRU_FILE'].includes(byCategory.enumerator));
      // Only generated names that some file writes: folio_test_dirty (PageDirty, PageLocked … are never used),
      // and sys_mlock, not sys_getxpid.
      assert.equal(byCategory.pageFlag, 'folio_test_dirty');
      assert.equal(new Set(sample.map((s) => s.name)).size, sample.length);
      assert.deepEqual(drawNameSample(root, files, ctags, { seed: 3, perCategory: 1 }), sample);
      assert.deepEqual(sample.find((s) => s.name === 'sys_mlock')?.definitions, [{ file: 'mm/mlock.c', line: 0 }]);
      assert.ok(NAME_CATEGORIES.length === 11);
      // typedef struct lru_vec {…} lru_vec: the tag and the typedef are both definitions of the name.
      const all = drawNameSample(root, files, ctags, { seed: 3, perCategory: 10 });
      const lruVec = all.find((s) => s.name === 'lru_vec');
      assert.ok(lruVec && ['struct', 'typedef'].includes(lruVec.category));
      assert.deepEqual(lruVec.definitions.map((d) => d.line).sort(), [0, 2]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

void test('scanNames: occurrences of the wanted names with exclusions, and names cut by a splice are found', () => {
  const root = writeTree({
    'a.c': '#define K(kvfree) kvfree\n#if 0\nkvfree(p);\n#endif\nkv\\\nfree(q); /* kvfree */ "kvfree"\n',
    'b.c': 'int unrelated;\nx = p->kvfree + s.kvfree; struct kvfree *k;\n',
  });
  try {
    const found = scanNames(root, ['a.c', 'b.c'], ['kvfree']).get('kvfree')!;
    assert.deepEqual(found, [
      { file: 'a.c', line: 0, character: 10, excluded: 'param' },
      { file: 'a.c', line: 0, character: 18, excluded: 'param' },
      { file: 'a.c', line: 2, character: 0, excluded: 'if0' },
      { file: 'a.c', line: 4, character: 0 },
      { file: 'b.c', line: 1, character: 7, context: 'member' },
      { file: 'b.c', line: 1, character: 18, context: 'member' },
      { file: 'b.c', line: 1, character: 33, context: 'tag' },
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test('fuzzy workspace-symbol query and seeded shuffles', () => {
  assert.equal(fuzzyQueryOf('folio_walk_start'), 'fwstart');
  assert.equal(fuzzyQueryOf('migrate_vma_setup'), 'mvsetup');
  assert.equal(fuzzyQueryOf('kvfree'), undefined);
  const a = shuffled([1, 2, 3, 4, 5, 6, 7, 8], seededRandom(42));
  assert.deepEqual(shuffled([1, 2, 3, 4, 5, 6, 7, 8], seededRandom(42)), a);
  assert.notDeepEqual(shuffled([1, 2, 3, 4, 5, 6, 7, 8], seededRandom(43)), a);
  assert.deepEqual([...a].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
});
