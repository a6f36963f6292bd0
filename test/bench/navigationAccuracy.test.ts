import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isKconfigEntry, runNavigationAccuracy, type Ratio } from '../../server/src/cli/bench/navigationAccuracy';
import { formatAccuracyReport } from '../../server/src/cli/bench/accuracyReport';
import { clangdVersion } from '../../server/src/cli/bench/clangdTruth';
import { writeTree, writeCompileDb, installed, MINI_TREE } from './benchFixtures';

const bundle = path.join(__dirname, '..', '..', 'dist', 'server.js');
const within = (r: Ratio | undefined) => assert.ok(!r || (r.hit >= 0 && r.hit <= r.total), JSON.stringify(r));

void test(
  'the accuracy run on a hand-written tree: every section, judged against the truths',
  { timeout: 240_000 },
  async (t) => {
    if (!fs.existsSync(bundle)) return t.skip('dist/server.js missing: run npm run build');
    const missing = ['ctags', 'global', 'cscope'].filter(
      (tool) => !installed(tool, tool === 'cscope' ? ['-V'] : ['--version']),
    );
    if (missing.length > 0 || !clangdVersion())
      return t.skip(`peers or clangd not installed (scripts/install-peers.sh --peers-only)`);
    const root = writeTree(MINI_TREE);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-run-'));
    try {
      writeCompileDb(root, path.join(work, 'build'));
      const report = await runNavigationAccuracy({
        root,
        cacheDir: path.join(work, 'index'),
        buildDir: path.join(work, 'build'),
        peersDir: path.join(work, 'peers'),
        seed: 1,
        perCategory: 2,
        clangdQuota: 2,
        skipWarmStart: true,
      });
      assert.deepEqual(report.skipped, []);
      assert.ok(report.clangd && report.clangd.positions > 0);
      const judged =
        Object.values(report.clangd.byClass).reduce((sum, c) => sum + c.n, 0) + report.clangd.declarationOnly.n;
      assert.equal(judged, report.clangd.positions, 'every clangd position is judged once');
      const locals = report.clangd.scopedReferences.local;
      assert.ok(locals.n > 0 && locals.exact <= locals.n && locals.inScope <= locals.withScope);
      assert.ok(report.names && report.names.count === report.names.perName.length && report.names.count > 0);
      // Every name of this tree is used somewhere, so every one is judged; the truth agrees with itself on counts.
      assert.deepEqual(report.names.skippedNames, []);
      // The fixture has no comments, strings or #if 0: its token truth is a plain word count.
      for (const judgedName of report.names.perName) {
        const words =
          Object.values(MINI_TREE)
            .join('\n')
            .match(new RegExp(`\\b${judgedName.name}\\b`, 'g')) ?? [];
        assert.equal(judgedName.truthReferences, words.length, judgedName.name);
      }
      for (const r of [
        report.names.references.ours.recall,
        report.names.references.ours.precision,
        report.names.definitions.ours.found,
      ])
        within(r);
      assert.ok(report.latency['textDocument/definition'].count > 0);
      const text = formatAccuracyReport(report);
      for (const heading of [
        'excluded from the truth',
        'First definition vs clangd',
        'as users click',
        'Request latency over LSP',
      ])
        assert.ok(text.includes(heading), heading);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);

void test(
  'without peers and clangd the run says so in one line each and still times our requests',
  { timeout: 120_000 },
  async (t) => {
    if (!fs.existsSync(bundle)) return t.skip('dist/server.js missing: run npm run build');
    const root = writeTree(MINI_TREE);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-run-'));
    try {
      const report = await runNavigationAccuracy({
        root,
        cacheDir: work,
        skipClangd: true,
        skipPeers: true,
        skipWarmStart: true,
      });
      assert.equal(report.skipped.length, 2);
      assert.equal(report.clangd, undefined);
      assert.equal(report.names, undefined);
      assert.equal(report.kernelConfig, 'all', 'no build configuration: every branch live');
      const text = formatAccuracyReport(report);
      assert.match(text, /^skipped: clangd \(--skip-clangd\)$/m);
      assert.match(text, /^skipped: peers \(--skip-peers\)/m);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);

void test('CONFIG_ symbols: a Kconfig entry line is where autoconf.h comes from (config or menuconfig, nothing else)', () => {
  const root = writeTree({
    'mm/Kconfig': 'config NUMA_EMU\n\tbool\nconfig NUMA\n\tbool "NUMA"\n\tdepends on NUMA\nmenuconfig SWAP\n',
    'mm/numa.c': 'config NUMA\n',
  });
  try {
    assert.equal(isKconfigEntry(root, { file: 'mm/Kconfig', line: 2 }, 'NUMA'), true);
    assert.equal(isKconfigEntry(root, { file: 'mm/Kconfig', line: 0 }, 'NUMA'), false, 'NUMA_EMU is another symbol');
    assert.equal(isKconfigEntry(root, { file: 'mm/Kconfig', line: 4 }, 'NUMA'), false, 'a use in depends on');
    assert.equal(isKconfigEntry(root, { file: 'mm/Kconfig', line: 5 }, 'SWAP'), true);
    assert.equal(isKconfigEntry(root, { file: 'mm/numa.c', line: 0 }, 'NUMA'), false, 'not a Kconfig file');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
