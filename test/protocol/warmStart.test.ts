// A warm start over LSP: the server answers from the cache file before the whole cache is loaded, the full index
// then takes over; a damaged cache is found by the full read and the early answers stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspDriver, locationsOf, pathOfUri } from '../../server/src/cli/bench/lspDriver';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { cacheFileFor } from '../../server/src/indexing/cacheStore';
import { IndexStatusNotification } from '../../protocol';

const root = path.join(__dirname, '..', 'fixtures', 'index-tree');
const bundle = path.join(__dirname, '..', '..', 'dist', 'server.js');
const rmap = fs.readFileSync(path.join(root, 'mm', 'rmap.c'), 'utf8').split('\n');
const line = rmap.findIndex((l) => l.includes('= folio_walk_start('));
const position = { line, character: rmap[line].indexOf('folio_walk_start') + 3 };

async function session(cacheDir: string) {
  const logs: string[] = [];
  const server = await LspDriver.start({ root, cacheDir, log: (l) => logs.push(l), timeoutMs: 60_000 });
  const statuses: Array<Record<string, unknown>> = [];
  server.onNotification(IndexStatusNotification.method, (params) => statuses.push(params as Record<string, unknown>));
  try {
    const definition = locationsOf((await server.definition('mm/rmap.c', position)).result);
    const status = await server.waitForIndex(60_000, true);
    const references = (await server.references('mm/rmap.c', position)).result ?? [];
    const fuzzy = ((await server.workspaceSymbol('fwstart')).result ?? []).map((s) => s.name);
    return { definition, status, references, logs, statuses, fuzzy };
  } finally {
    await server.stop();
  }
}

void test(
  'warm start: early answers from the cache file, then the full index; a damaged cache is dropped',
  { timeout: 180_000, skip: fs.existsSync(bundle) ? false : 'dist/server.js missing: run npm run build' },
  async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-warm-'));
    try {
      await buildIndex({ root, cacheDir, maxFileSize: 2 * 1024 * 1024, workers: 1, rebuild: true });
      const warm = await session(cacheDir);
      assert.ok(
        warm.logs.some((l) => /answering from the index cache/.test(l)),
        warm.logs.join('\n'),
      );
      assert.ok(warm.definition.some((loc) => pathOfUri(loc.uri).endsWith('/mm/pagewalk.c')));
      assert.equal(warm.status.state, 'ready');
      // Waiting for the full index (the bench does: fuzzy symbols only there) ends on a status that is not early.
      assert.notEqual(warm.status.early, true, JSON.stringify(warm.statuses));
      assert.ok(warm.fuzzy.includes('folio_walk_start'), warm.fuzzy.join(' '));
      assert.ok(
        warm.references.some((loc) => pathOfUri(loc.uri).endsWith('/mm/rmap.c')),
        'references from the full index',
      );

      // One byte flipped in the middle of the data: the header still reads, the CRC of the full read fails.
      const cacheFile = cacheFileFor(cacheDir, root);
      const bytes = fs.readFileSync(cacheFile);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      fs.writeFileSync(cacheFile, bytes);
      const damaged = await session(cacheDir);
      assert.ok(
        damaged.logs.some((l) => /early answers from the cache stop: checksum mismatch/.test(l)),
        damaged.logs.join('\n'),
      );
      assert.equal(damaged.status.state, 'ready');
      assert.ok(damaged.definition.some((loc) => pathOfUri(loc.uri).endsWith('/mm/pagewalk.c')));
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  },
);
