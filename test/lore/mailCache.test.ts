import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { cacheFileFor } from '../../server/src/lore/mailCache';
import { renderMailThread } from '../../server/src/lore/renderThread';
import { fixture, loadMail, DAVID_READD_REPLY, V1_PATCH } from './helpers';

test('the extraction cache is written, reused while the source is unchanged, and rebuilt when it changes or is damaged', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-mailcache-'));
  try {
    const source = path.join(tmp, 'thread.mbox');
    fs.copyFileSync(fixture('device-exclusive-v1.mbox'), source);
    const cacheDir = path.join(tmp, 'cache');

    const first = await loadMail([source], { cacheDir });
    assert.equal(first.index.stats.fromCache, 0);
    assert.ok(fs.existsSync(cacheFileFor(cacheDir, source)));
    assert.doesNotMatch(
      fs.readFileSync(cacheFileFor(cacheDir, source), 'utf8'),
      /we need to inform others|cleanup patch in the cleanup series/,
      'no message text in the cache (only a one-line summary per message)',
    );

    const second = await loadMail([source], { cacheDir });
    assert.equal(second.index.stats.fromCache, 6);
    assert.deepEqual(
      second.index
        .symbolHits('mmu_notifier_range_init_owner')
        .map((h) => [h.messageId, h.relation])
        .sort(),
      first.index
        .symbolHits('mmu_notifier_range_init_owner')
        .map((h) => [h.messageId, h.relation])
        .sort(),
    );
    assert.equal(second.index.threads.parentOf(DAVID_READD_REPLY), '180e9c2f-51fe-44ba-ac68-5aa7b7918ab0@redhat.com');
    assert.deepEqual(second.index.messages.get(V1_PATCH)!.files, ['mm/rmap.c']);
    // Message text is read from the mbox again when a thread is shown.
    const doc = await renderMailThread(DAVID_READD_REPLY, 'MMU_NOTIFY_EXCLUSIVE', second.index);
    assert.match(doc.text, /Something like that on top:/);
    assert.match(doc.text, /cleanup patch in the cleanup series/);

    // The source changes (size and mtime): parsed again, no complaint.
    fs.appendFileSync(source, '\n');
    const changed = await loadMail([source], { cacheDir });
    assert.equal(changed.index.stats.fromCache, 0);
    assert.deepEqual(
      changed.logs.filter((l) => l.includes('cache')),
      [],
    );

    // A damaged cache file: a log line, then a normal parse.
    const cacheFile = cacheFileFor(cacheDir, source);
    const lines = fs.readFileSync(cacheFile, 'utf8').split('\n');
    fs.writeFileSync(cacheFile, [lines[0], lines[1], '{"messageId": 42, "files":', ''].join('\n'));
    const damaged = await loadMail([source], { cacheDir });
    assert.equal(damaged.index.messages.size, 6);
    assert.equal(damaged.index.stats.fromCache, 0);
    assert.ok(
      damaged.logs.some((l) => l.includes('damaged')),
      damaged.logs.join('\n'),
    );
    assert.deepEqual(
      fs.readdirSync(cacheDir).filter((n) => n.endsWith('.tmp')),
      [],
      'no temporary files left',
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('temporaries of a killed mail-cache write are removed when the mail is next loaded (issue 17)', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-mailcache-tmp-'));
  try {
    const source = path.join(tmp, 'thread.mbox');
    fs.copyFileSync(fixture('device-exclusive-v1.mbox'), source);
    const cacheDir = path.join(tmp, 'cache');
    fs.mkdirSync(cacheDir);
    // A writer that is gone: a child process that has exited.
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
    );
    const stale = `${cacheFileFor(cacheDir, source)}.${dead}.tmp`;
    fs.writeFileSync(stale, Buffer.alloc(4096));
    const live = `${cacheFileFor(cacheDir, 'other.mbox')}.${process.pid}.tmp`;
    fs.writeFileSync(live, 'a write still running in this process');
    const { logs } = await loadMail([source], { cacheDir });
    assert.equal(fs.existsSync(stale), false, 'the dead writer’s temporary is gone');
    assert.equal(fs.existsSync(live), true, 'a running writer’s temporary is left alone');
    assert.ok(logs.some((line) => /mail cache: removed 1 temporary file .*interrupted cache write/.test(line)));
    assert.ok(fs.existsSync(cacheFileFor(cacheDir, source)), 'the cache is then written as usual');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
