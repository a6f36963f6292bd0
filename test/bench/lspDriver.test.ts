import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  LspDriver,
  editorWarmStart,
  locationsOf,
  pathOfUri,
  median,
  percentile,
} from '../../server/src/cli/bench/lspDriver';

const root = path.join(__dirname, '..', '..', 'samples', 'mini-kernel');
const bundle = path.join(__dirname, '..', '..', 'dist', 'server.js');

void test('median and nearest-rank percentile', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99), 10);
});

void test('the driver spawns our server as an editor does and times every request', { timeout: 120_000 }, async (t) => {
  if (!fs.existsSync(bundle)) {
    t.skip('dist/server.js missing: run npm run build');
    return;
  }
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-lsp-'));
  const server = await LspDriver.start({ root, cacheDir });
  try {
    const status = await server.waitForIndex(60_000);
    assert.equal(status.state, 'ready');
    const ksm = fs.readFileSync(path.join(root, 'mm/ksm.c'), 'utf8').split('\n');
    const line = ksm.findIndex((l) => l.includes('folio_walk_start('));
    const position = { line, character: ksm[line].indexOf('folio_walk_start') + 2 };
    const definition = locationsOf((await server.definition('mm/ksm.c', position)).result);
    assert.ok(
      definition.some((loc) => pathOfUri(loc.uri).endsWith('/mm/pagewalk.c')),
      JSON.stringify(definition),
    );
    const references = (await server.references('mm/ksm.c', position)).result ?? [];
    assert.ok(references.some((loc) => pathOfUri(loc.uri).endsWith('/mm/ksm.c') && loc.range.start.line === line));
    const symbols = (await server.workspaceSymbol('folio_walk_start')).result ?? [];
    assert.equal(symbols[0]?.name, 'folio_walk_start');
    assert.deepEqual([...server.timings.keys()].sort(), [
      'initialize',
      'kernelMmLens/getIndexStatus',
      'textDocument/definition',
      'textDocument/references',
      'workspace/symbol',
    ]);
    assert.ok(server.timings.get('textDocument/definition')![0] >= 0);
  } finally {
    await server.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

void test(
  'editor warm start: a priming run fills the cache, then the time to the first correct definition',
  { timeout: 180_000 },
  async (t) => {
    if (!fs.existsSync(bundle)) {
      t.skip('dist/server.js missing: run npm run build');
      return;
    }
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-warm-'));
    try {
      const result = await editorWarmStart({ root, cacheDir, runs: 2 });
      assert.ok(result.primingMs! > 0);
      assert.equal(result.runs.length, 2);
      assert.ok(result.median > 0 && result.median < 60_000);
      // A wrong expectation must fail, not time out silently as a success.
      await assert.rejects(
        editorWarmStart({ root, cacheDir, runs: 1, expectedFile: 'mm/ksm.c', timeoutMs: 3000 }),
        /no correct definition/,
      );
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  },
);
