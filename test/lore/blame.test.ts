import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ThreadService } from '../../server/src/lore/threadService';
import { messageIdsFromCommitMessage } from '../../server/src/lore/blame';

/**
 * blame → commit → thread on a repository built here: one commit per way of finding the thread
 * (Link: trailer, Message-ID: trailer, patch-id against an mbox, subject+author) and one with no thread.
 */

let repo: string;
let mbox: string;
const file = 'mm/rmap.c';

function git(...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Dev Eloper', '-c', 'user.email=dev@example.org', '-c', 'commit.gpgsign=false', ...args],
    {
      cwd: repo,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_DATE: '2025-01-29T12:00:00+01:00',
        GIT_COMMITTER_DATE: '2025-01-29T12:00:00+01:00',
      },
    },
  );
}

function setLine(index: number, text: string): void {
  const lines = fs.readFileSync(path.join(repo, file), 'utf8').split('\n');
  lines[index] = text;
  fs.writeFileSync(path.join(repo, file), lines.join('\n'));
}

function commit(message: string): string {
  git('commit', '-q', '-a', '-m', message);
  return git('rev-parse', 'HEAD').trim();
}

before(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-blame-'));
  git('init', '-q');
  fs.mkdirSync(path.join(repo, 'mm'));
  fs.writeFileSync(path.join(repo, file), Array.from({ length: 12 }, (_, i) => `int line_${i};`).join('\n') + '\n');
  git('add', '.');
  commit('mm: initial');
  setLine(1, 'int via_link_trailer;');
  commit(
    'mm/rmap: with a link\n\nBody.\n\nSigned-off-by: Dev Eloper <dev@example.org>\nLink: https://lore.kernel.org/r/20250129115411.2077152-5-david@redhat.com\n',
  );
  setLine(3, 'int via_message_id_trailer;');
  commit('mm/rmap: with a message id\n\nMessage-ID: <87mskehjtc.fsf@nvdebian.thelocal>\n');
  setLine(5, 'int via_patch_id;');
  const patchIdCommit = commit('mm/rmap: applied under another subject');
  setLine(7, 'int via_subject;');
  commit('mm/rmap: matched by subject');
  setLine(9, 'int no_thread_anywhere;');
  commit('mm/rmap: nobody posted this');
  setLine(11, 'int not_committed;');

  // The mail: the patch-id commit as posted (different subject, same diff), and a posting of "matched by subject"
  // whose diff differs from what was applied.
  const posted = git('format-patch', '-1', '--stdout', patchIdCommit).replace(
    /^Subject: .*$/m,
    'Subject: [PATCH v3 2/7] mm/rmap: the subject it was posted with\nMessage-ID: <patch-id-posting@example.org>',
  );
  const other = [
    'From mboxrd@z Thu Jan  1 00:00:00 1970',
    'From: Dev Eloper <dev@example.org>',
    'Subject: [PATCH v2 3/7] mm/rmap: matched by subject',
    'Date: Mon, 27 Jan 2025 10:00:00 +0000',
    'Message-ID: <subject-posting@example.org>',
    '',
    'diff --git a/mm/rmap.c b/mm/rmap.c',
    '--- a/mm/rmap.c',
    '+++ b/mm/rmap.c',
    '@@ -8 +8 @@',
    '-int line_7;',
    '+int posted_differently;',
    '',
  ].join('\n');
  mbox = path.join(repo, '..', `${path.basename(repo)}.mbox`);
  fs.writeFileSync(mbox, `${posted}\n${other}`);
});

after(() => {
  fs.rmSync(repo, { recursive: true, force: true });
  fs.rmSync(mbox, { force: true });
});

function service(): ThreadService {
  return new ThreadService(
    () => undefined,
    () => [mbox],
  );
}

test('Link: trailer → the lore thread (bundled data fills in subject and series)', async () => {
  const result = await service().blameLine(repo, path.join(repo, file), 1);
  assert.equal(result.via, 'link-trailer');
  assert.equal(result.commit!.subject, 'mm/rmap: with a link');
  assert.equal(result.thread!.messageId, '20250129115411.2077152-5-david@redhat.com');
  assert.equal(result.thread!.url, 'https://lore.kernel.org/all/20250129115411.2077152-5-david@redhat.com/');
  assert.equal(result.thread!.series, 'mm: fixes for device-exclusive entries (hmm)');
  assert.match(result.message, /Link: trailer/);
});

test('Message-ID: trailer → that message', async () => {
  const result = await service().blameLine(repo, path.join(repo, file), 3);
  assert.equal(result.via, 'message-id-trailer');
  assert.equal(result.thread!.messageId, '87mskehjtc.fsf@nvdebian.thelocal');
});

test('no trailer: the same patch-id in the local mail finds the posting even under another subject', async () => {
  const result = await service().blameLine(repo, path.join(repo, file), 5);
  assert.equal(result.via, 'patch-id');
  assert.equal(result.thread!.messageId, 'patch-id-posting@example.org');
  assert.equal(result.thread!.subject, '[PATCH v3 2/7] mm/rmap: the subject it was posted with');
  assert.equal(result.thread!.local, true);
  assert.equal(result.thread!.source, mbox);
});

test('no trailer, different diff: subject and author match the posting', async () => {
  const result = await service().blameLine(repo, path.join(repo, file), 7);
  assert.equal(result.via, 'subject-author');
  assert.equal(result.thread!.messageId, 'subject-posting@example.org');
});

test('nothing found, uncommitted lines and non-repositories are said plainly', async () => {
  const none = await service().blameLine(repo, path.join(repo, file), 9);
  assert.equal(none.thread, undefined);
  assert.equal(none.commit!.subject, 'mm/rmap: nobody posted this');
  assert.match(none.message, /no review thread found/);
  const uncommitted = await service().blameLine(repo, path.join(repo, file), 11);
  assert.match(uncommitted.message, /not committed yet/);
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-nogit-'));
  try {
    fs.writeFileSync(path.join(outside, 'x.c'), 'int x;\n');
    const result = await service().blameLine(outside, path.join(outside, 'x.c'), 0);
    assert.equal(result.commit, undefined);
    assert.doesNotMatch(result.message, /fatal|not a git repository/);
    assert.match(result.message, /no git history/);
    // The surface names the function around the line: its review threads are the answer, and it says why.
    const fallback = await service().blameLine(outside, path.join(outside, 'x.c'), 0, 'migrate_vma_setup');
    assert.equal(fallback.via, 'enclosing-function');
    assert.match(fallback.message, /no git history.*enclosing function migrate_vma_setup\(\)/);
    assert.ok(fallback.threads!.some((t) => t.messageId === '20240911030337.870160-2-matthew.brost@intel.com'));
    assert.equal(fallback.thread!.messageId, fallback.threads![0].messageId);
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test('trailer parsing: lore, lkml, patch.msgid.link, percent-encoding, Message-Id spelling', () => {
  const body = [
    'Link: https://lore.kernel.org/all/20250210193801.781278-4-david@redhat.com/',
    'Link: https://patch.msgid.link/abc%2Fdef@example.org',
    'Link: https://lore.kernel.org/linux-mm/xyz@example.org/T/#u',
    'Link: https://example.com/not-a-thread',
    'Message-Id: <mid@example.org>',
  ].join('\n');
  assert.deepEqual(messageIdsFromCommitMessage(body), [
    { id: '20250210193801.781278-4-david@redhat.com', via: 'link-trailer' },
    { id: 'abc/def@example.org', via: 'link-trailer' },
    { id: 'xyz@example.org', via: 'link-trailer' },
    { id: 'mid@example.org', via: 'message-id-trailer' },
  ]);
});
