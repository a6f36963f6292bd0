import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseKernelConfig } from '../../server/src/base/kernelConfig';
import { evaluateKbuild, KbuildTree } from '../../server/src/configuration/kbuild';
import { ConfigurationService, describeInactive } from '../../server/src/configuration/configurationService';

// Which files a configuration builds, from the tree's own Kbuild makefiles (issue 24), on the hand-written tree of
// test/fixtures/kbuild-tree.
const root = path.join(__dirname, '..', 'fixtures', 'kbuild-tree');
const configFile = path.join(root, 'test.config');
const config = parseKernelConfig(fs.readFileSync(configFile, 'utf8'), configFile);
const read = (file: string) => {
  try {
    return fs.readFileSync(path.join(root, file), 'utf8');
  } catch {
    return undefined;
  }
};

test('objects a makefile builds: obj-$(CONFIG_X), := replacing, composites, ifdef/ifeq, subdirectories', () => {
  const tree = new KbuildTree(config, read);
  const state = (file: string) => tree.fileState(file).state;
  const expected: Record<string, string> = {
    'mm/nommu.c': 'not-built', // mmu-y := nommu.o, then mmu-$(CONFIG_MMU) := ... replaces it
    'mm/memory.c': 'built', // continuation line
    'mm/rmap.c': 'built',
    'mm/mseal.c': 'built', // ifdef CONFIG_64BIT
    'mm/filemap.c': 'built',
    'mm/page_alloc.c': 'built', // composite page-alloc.o
    'mm/shuffle.c': 'not-built', // page-alloc-$(CONFIG_SHUFFLE_PAGE_ALLOCATOR), not set
    'mm/memremap.c': 'built',
    'mm/hmm.c': 'not-built',
    'mm/ksm.c': 'built', // =m: a module is built too
    'mm/swapfile.c': 'built', // ifeq ($(CONFIG_SWAP),y)
    'mm/noswap.c': 'not-built', // its else branch
    'mm/maybe.c': 'unknown', // ifdef of a make variable: not decided, stays live
    'mm/mempolicy.c': 'unknown', // obj-$(if ...): not decided
    'mm/percpu-km.c': 'unknown', // never named (#included by another file)
    'mm/damon/core.c': 'not-built', // obj-y of a directory the parent does not enter
    'mm/damon/vaddr.c': 'not-built',
    'include/linux/mm.h': 'unknown',
  };
  const actual = Object.fromEntries(Object.keys(expected).map((file) => [file, state(file)]));
  assert.deepEqual(actual, expected);
  const hmm = tree.fileState('mm/hmm.c');
  assert.equal(hmm.state === 'not-built' && hmm.why, 'mm/Makefile:17 obj-$(CONFIG_HMM_MIRROR) += hmm.o');
  const damon = tree.fileState('mm/damon/core.c');
  assert.equal(damon.state === 'not-built' && damon.why, 'mm/Makefile:18 obj-$(CONFIG_DAMON) += damon/');
});

test('the other configuration turns the answers around', () => {
  const nommu = parseKernelConfig('CONFIG_HMM_MIRROR=y\nCONFIG_SHUFFLE_PAGE_ALLOCATOR=y\n', 'nommu.config');
  const tree = new KbuildTree(nommu, read);
  assert.equal(tree.fileState('mm/nommu.c').state, 'built');
  assert.equal(tree.fileState('mm/memory.c').state, 'not-built');
  assert.equal(tree.fileState('mm/mseal.c').state, 'not-built');
  assert.equal(tree.fileState('mm/hmm.c').state, 'built');
  assert.equal(tree.fileState('mm/shuffle.c').state, 'built');
  assert.equal(tree.fileState('mm/noswap.c').state, 'built');
  assert.equal(tree.fileState('mm/swapfile.c').state, 'not-built');
});

test('hostile makefiles: unbalanced conditionals, self references, huge nesting, no makefile', () => {
  const deep = `${'ifdef CONFIG_MMU\n'.repeat(20000)}obj-y += deep.o\n${'endif\n'.repeat(19000)}else\nelse\nendif\nendif\n`;
  assert.equal(evaluateKbuild(deep, config).built('deep.o'), true);
  const loop = 'a-y := $(b-y) x.o\nb-y := $(a-y)\nobj-y += $(a-y)\nobj-$(CONFIG_NOPE) += y.o\n';
  const evaluation = evaluateKbuild(loop, config);
  assert.equal(evaluation.built('x.o'), true);
  assert.equal(evaluation.built('y.o'), false);
  assert.equal(evaluateKbuild('\u0000\u00ff binary \\\n', config).built('x.o'), undefined);
  assert.equal(new KbuildTree(config, () => undefined).fileState('mm/x.c').state, 'unknown');
});

test('the configuration service ranks a file that is not built as inactive, saying which makefile line', () => {
  const service = new ConfigurationService();
  service.use(config, undefined, root);
  const liveness = service.liveness('mm/hmm.c', 1, read);
  assert.equal(liveness.state, 'inactive');
  assert.equal(describeInactive(liveness.region!), 'not built: mm/Makefile:17 obj-$(CONFIG_HMM_MIRROR) += hmm.o');
  assert.equal(service.liveness('mm/memremap.c', 1, read).state, 'live');
  assert.equal(service.liveness('mm/maybe.c', 1, read).state, 'live', 'undecided stays live');
  const ranked = service.rankByLiveness(
    [
      { file: 'mm/hmm.c', nameRange: { start: { line: 1 } } },
      { file: 'mm/memremap.c', nameRange: { start: { line: 1 } } },
    ],
    read,
  );
  assert.deepEqual(
    ranked.map((r) => r.file),
    ['mm/memremap.c', 'mm/hmm.c'],
  );
  // Without the tree's root (or without a configuration) nothing is decided by makefiles.
  const noRoot = new ConfigurationService();
  noRoot.use(config);
  assert.equal(noRoot.liveness('mm/hmm.c', 1, read).state, 'live');
});
