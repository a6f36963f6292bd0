/**
 * What a build killed with SIGKILL leaves in the cache folder (minimised: the files are laid down by hand, as a
 * kill at each moment of the write would leave them) is removed on the next start, and that start is an ordinary
 * warm start: the index it had, with the occurrence store that index names (no re-reading of sources).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { cacheFileFor } from '../../server/src/indexing/cacheStore';

const fixtures = path.join(__dirname, '..', 'fixtures');

/** A pid that ran and has exited (the killed writer). */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
  );
}

test('a killed build leaves nothing behind after the next start, and that start reads its store', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-crash-'));
  fs.cpSync(path.join(fixtures, 'index-tree'), root, { recursive: true });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-crash-cache-'));
  try {
    const first = await buildIndex({ root, cacheDir, maxFileSize: 1 << 20, workers: 1 });
    const store = first.index!.data.occurrenceStore!.path;
    const folder = path.dirname(cacheFileFor(cacheDir, root));
    const dead = deadPid();
    // Killed while extracting: a partial store; while writing the index: a partial index; between the two
    // renames: a whole store of a generation no index names; and a store under the name older versions used.
    fs.writeFileSync(path.join(folder, `occurrences-0123456789abcdef.bin.${dead}.tmp`), Buffer.alloc(4096));
    fs.writeFileSync(path.join(folder, `index.bin.${dead}.tmp`), Buffer.alloc(8192));
    fs.copyFileSync(store, path.join(folder, 'occurrences-fedcba9876543210.bin'));
    fs.copyFileSync(store, path.join(folder, 'occurrences.bin'));

    const log: string[] = [];
    const warm = await buildIndex({ root, cacheDir, maxFileSize: 1 << 20, workers: 1, log: (line) => log.push(line) });
    assert.deepEqual(fs.readdirSync(folder).sort(), [path.basename(store), 'index.bin'].sort());
    assert.ok(
      log.some((line) => /removed 2 temporary files .* left by an interrupted cache write/.test(line)),
      log.join('\n'),
    );
    assert.equal(warm.stats.fromCache, first.stats.files, 'an ordinary warm start');
    const references = await warm.index!.findReferences('folio_walk_start');
    assert.ok(references.length > 0);
    assert.ok(!log.some((line) => /occurrence store|re-read/.test(line) && !/removed/.test(line)), log.join('\n'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
