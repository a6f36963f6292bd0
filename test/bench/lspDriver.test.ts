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

// A stand-in server: answers initialize, then every references request with `count` locations, and sends two
// messages in one write (a log notification and the answer) to exercise the framing.
const FAKE_SERVER = `
let buf = Buffer.alloc(0);
const send = (m) => { const b = Buffer.from(JSON.stringify(m)); return Buffer.concat([Buffer.from('Content-Length: ' + b.length + '\\r\\n\\r\\n'), b]); };
process.stdin.on('data', (c) => {
  buf = Buffer.concat([buf, c]);
  for (;;) {
    const h = buf.indexOf('\\r\\n\\r\\n'); if (h < 0) return;
    const n = Number(/Content-Length: (\\d+)/.exec(buf.subarray(0, h).toString())[1]);
    if (buf.length < h + 4 + n) return;
    const m = JSON.parse(buf.subarray(h + 4, h + 4 + n).toString()); buf = buf.subarray(h + 4 + n);
    if (m.id === undefined) continue;
    if (m.method === 'initialize') { process.stdout.write(send({ jsonrpc: '2.0', id: m.id, result: { capabilities: {} } })); continue; }
    if (m.method === 'shutdown') { process.stdout.write(send({ jsonrpc: '2.0', id: m.id, result: null })); continue; }
    const count = m.params.position.line;
    const result = Array.from({ length: count }, (_, k) => ({ uri: 'file:///x/\u00e9.c', range: { start: { line: k, character: 0 }, end: { line: k, character: 1 } } }));
    process.stdout.write(Buffer.concat([send({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 4, message: 'hi' } }), send({ jsonrpc: '2.0', id: m.id, result })]));
  }
});
process.stdin.on('end', () => process.exit(0));
`;

void test(
  'framing: a 20 MB answer in many pipe reads, two messages in one write, UTF-8 bodies',
  { timeout: 60_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-fake-'));
    const script = path.join(dir, 'server.js');
    fs.writeFileSync(script, FAKE_SERVER);
    const logs: string[] = [];
    const server = await LspDriver.start({
      root: dir,
      cacheDir: dir,
      command: [process.execPath, script],
      log: (l) => logs.push(l),
    });
    try {
      fs.writeFileSync(path.join(dir, 'a.c'), 'int x;\n');
      const big = (await server.references('a.c', { line: 200_000, character: 0 })).result ?? [];
      assert.equal(big.length, 200_000);
      assert.equal(big[199_999].range.start.line, 199_999);
      assert.ok(big[0].uri.endsWith('%C3%A9.c') || big[0].uri.endsWith('\u00e9.c'));
      const small = (await server.references('a.c', { line: 3, character: 0 })).result ?? [];
      assert.equal(small.length, 3);
      assert.deepEqual(logs, ['hi', 'hi']);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

void test(
  'a server that never finishes the handshake is killed, not left holding the test process open',
  { timeout: 30_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-mute-'));
    const script = path.join(dir, 'mute.js');
    fs.writeFileSync(script, 'process.stdin.resume(); setInterval(() => undefined, 1000);\n');
    try {
      await assert.rejects(
        LspDriver.start({ root: dir, cacheDir: dir, command: [process.execPath, script], timeoutMs: 300 }),
        /initialize: no answer in 300 ms/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

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
        editorWarmStart({ root, cacheDir, runs: 1, expectedFile: 'mm/ksm.c', timeoutMs: 5000 }),
        /no correct definition/,
      );
      // A server too slow to answer before the deadline is the same verdict, not another error (seen under load).
      await assert.rejects(
        editorWarmStart({ root, cacheDir, runs: 1, timeoutMs: 1 }),
        /no correct definition.*no answer in/,
      );
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  },
);
