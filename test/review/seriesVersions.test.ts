import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import { patchInputFromFiles } from '../../server/src/review/patchInput';
import { reviewPatches } from '../../server/src/review/reviewEngine';
import { ThreadService } from '../../server/src/lore/threadService';
import type { ReviewVersionsJson } from '../../server/src/review/types';

const fixtures = path.join(__dirname, '..', 'fixtures', 'review');
const tree = path.join(fixtures, 'tree-6.18');
const v2Folder = path.join(fixtures, 'series', 'v2');
const v1Thread = path.join(fixtures, 'series', 'v1-thread.mbox');

function titles(versions: ReviewVersionsJson) {
  const title = (s: string) => s.replace(/^\[[^\]]*\]\s*/, '');
  return {
    added: versions.added.map((p) => title(p.subject)),
    dropped: versions.dropped.map((p) => title(p.subject)),
    changed: versions.changed.map((p) => [title(p.previous.subject), p.matchedBy]),
    unchanged: versions.unchanged.map((p) => [title(p.previous.subject), title(p.current.subject), p.matchedBy]),
    unaddressed: versions.possiblyUnaddressed.map((u) => [u.messageId, u.quoted]),
  };
}

const EXPECTED = {
  added: ['mm/walk_user: say where the page-table lock is held'],
  dropped: ['mm/walk_user: do not count our own reference'],
  changed: [['mm/huge_memory: test huge PMDs with pmd_leaf()', 'subject']],
  unchanged: [
    ['mm/walk_user: say that no folio is mapped', 'mm/walk_user: say that no folio is mapped', 'subject'],
    // Retitled between versions, same diff: the same patch by its patch-id (b4's rule).
    ['mm/huge_memory: drop the stale pud_devmap() test', 'mm/huge_memory: remove the pud_devmap() test', 'patch-id'],
  ],
  unaddressed: [
    // Comment on a patch that came back unchanged: its quoted lines are all still there.
    ['r1-walk-enxio@example.org', ['-\t\treturn -ENOENT;', '+\t\treturn -ENXIO;']],
    // The removed line it is about is still removed in v2.
    ['r3-split@example.net', ['-\treturn pmd_trans_huge(*pmd);']],
    // Not listed: r2 (v2 changed the quoted + line), r4 (the author's answer), r5 (a Reviewed-by only).
  ],
};

test('v2 against --previous v1 (a b4 mbox of the thread): added, dropped, changed, unchanged and unaddressed', async () => {
  const { result } = await reviewPatches(patchInputFromFiles([v2Folder]), {
    root: tree,
    version: parseKernelVersion('6.18'),
    previous: { input: patchInputFromFiles([v1Thread]), source: v1Thread },
  });
  assert.deepEqual(result.versions.previous, { version: 1, patches: 4, source: v1Thread });
  assert.deepEqual(result.versions.current, { version: 2, patches: 4 });
  assert.deepEqual(titles(result.versions), EXPECTED);
  const enxio = result.versions.possiblyUnaddressed[0];
  assert.equal(enxio.url, 'https://lore.kernel.org/all/r1-walk-enxio@example.org/');
  assert.equal(enxio.file, 'mm/walk_user.c');
  assert.match(enxio.comment, /^Callers test for -ENOENT today/);
  assert.ok(result.patches.every((p) => p.hunks.every((h) => h.applies)));
});

test('the same comparison when v1 is only in the mail: the thread service finds the earlier version', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'review-mail-'));
  try {
    const threads = new ThreadService(() => undefined, {
      mailSources: () => [v1Thread],
      mailOptions: { cacheDir: cache },
    });
    const { result } = await reviewPatches(patchInputFromFiles([path.join(fixtures, 'series', 'v2.mbox')]), {
      root: tree,
      version: parseKernelVersion('6.18'),
      threads,
    });
    assert.equal(result.versions.previous?.source, 'mail');
    assert.deepEqual(titles(result.versions), EXPECTED);
    const earlier = result.threads.filter((t) => t.reason === 'earlier-version').map((t) => t.messageId);
    assert.ok(earlier.includes('20250303090000.1000-0-sam@example.com'), 'the v1 cover letter');
    assert.ok(earlier.includes('20250303090000.1000-2-sam@example.com'), 'v1 of patch 2');
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('v2 sent in reply to the v1 cover letter and in the mail too: v1 is still v1, and v2 is not its own thread', async () => {
  // git send-email --in-reply-to=<v1 cover> threads a new version under the old one; the review's own postings are
  // in the list archive too. Before: the v2 cover letter, a reply under the v1 cover, was listed as a dropped v1
  // patch, and the reviewed postings came back as threads about their own functions.
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'review-mail-'));
  try {
    const v2Text = fs.readFileSync(path.join(fixtures, 'series', 'v2.mbox'), 'utf8');
    const threaded = v2Text.replace(
      'Message-ID: <20250310090000.2000-0-sam@example.com>\n',
      'Message-ID: <20250310090000.2000-0-sam@example.com>\nIn-Reply-To: <20250303090000.1000-0-sam@example.com>\n',
    );
    assert.notEqual(threaded, v2Text);
    const mail = path.join(cache, 'list.mbox');
    fs.writeFileSync(mail, fs.readFileSync(v1Thread, 'utf8') + threaded);
    const threads = new ThreadService(() => undefined, { mailSources: () => [mail], mailOptions: { cacheDir: cache } });
    const { result } = await reviewPatches(patchInputFromFiles([path.join(fixtures, 'series', 'v2.mbox')]), {
      root: tree,
      version: parseKernelVersion('6.18'),
      threads,
    });
    assert.equal(result.versions.previous?.version, 1);
    assert.deepEqual(titles(result.versions), EXPECTED);
    const own = result.threads.filter((t) => t.messageId.startsWith('20250310090000.2000-'));
    assert.deepEqual(own, []);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('unchanged means the same `git patch-id --stable` as git computes it', async (t) => {
  if (spawnSync('git', ['--version']).status !== 0) {
    t.skip('git is not installed');
    return;
  }
  const gitPatchId = (file: string) =>
    spawnSync('git', ['patch-id', '--stable'], { input: fs.readFileSync(file) })
      .stdout.toString()
      .split(' ')[0] || null;
  const v2 = patchInputFromFiles([v2Folder]);
  for (const patch of v2.patches) {
    const file = fs.readdirSync(v2Folder).find((name) => name.startsWith(`v2-000${patch.counter}-`))!;
    assert.equal(patch.patchId, gitPatchId(path.join(v2Folder, file)), file);
  }
});
