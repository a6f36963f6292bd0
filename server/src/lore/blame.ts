import * as path from 'path';
import type { BlameCommit, BlameLineResult, ThreadListEntry } from '../../../protocol';
import type { BundledThreadIndex } from './bundledThreads';
import type { MailIndex } from './mailIndex';
import { runGit } from './git';
import { normaliseMessageId } from './mail/headers';
import { loreUrl } from './symbolThreads';
import { stripSubjectPrefixes } from './symbolExtraction';

/**
 * "Why is this line like this?": git blame for one line → the commit → its review thread, tried in order:
 * 1. `Link:` trailers pointing at lore / patch.msgid.link, and `Message-ID:` trailers;
 * 2. the commit's patch-id (`git patch-id --stable`) against the diffs of patches in the local mail
 *    (maintainers now prefer `b4 dig` over Link: tags, so many commits carry no link at all);
 * 3. the commit's subject and author against the local mail.
 */

const LINK_TRAILER =
  /^Link:\s*<?https?:\/\/(?:lore\.kernel\.org|lkml\.kernel\.org|patch\.msgid\.link)\/(?:(?:r|all|[A-Za-z0-9_.-]+)\/)?([^\s/>]+@[^\s/>]+)/gim;
const MESSAGE_ID_TRAILER = /^Message-I[dD]:\s*(<[^>\s]+>|\S+@\S+)/gm;

/** Message-IDs named by a commit message's Link: and Message-ID: trailers, in order. */
export function messageIdsFromCommitMessage(
  body: string,
): { id: string; via: 'link-trailer' | 'message-id-trailer' }[] {
  const found: { id: string; via: 'link-trailer' | 'message-id-trailer' }[] = [];
  for (const match of body.matchAll(LINK_TRAILER)) {
    let id = match[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      // keep the raw text when it is not valid percent-encoding
    }
    found.push({ id, via: 'link-trailer' });
  }
  for (const match of body.matchAll(MESSAGE_ID_TRAILER)) {
    const id = normaliseMessageId(match[1]);
    if (id) found.push({ id, via: 'message-id-trailer' });
  }
  return found;
}

async function blameCommit(
  root: string,
  relativeFile: string,
  line: number,
): Promise<{ sha?: string; error?: string }> {
  // Blaming one line of a file with decades of kernel history can take tens of seconds: allow a minute.
  const result = await runGit(['blame', '-L', `${line + 1},${line + 1}`, '--porcelain', '--', relativeFile], {
    cwd: root,
    timeoutMs: 60_000,
  });
  if (result.code !== 0) return { error: result.stderr.trim().split('\n')[0] || 'git blame failed' };
  const sha = /^([0-9a-f]{40,64}) /.exec(result.stdout)?.[1];
  if (!sha) return { error: 'git blame printed no commit' };
  return { sha };
}

async function readCommit(root: string, sha: string): Promise<{ commit: BlameCommit; body: string } | undefined> {
  const meta = await runGit(['show', '-s', '--format=%H%x00%an%x00%ae%x00%aI%x00%s', sha], { cwd: root });
  const body = await runGit(['show', '-s', '--format=%B', sha], { cwd: root });
  if (meta.code !== 0 || body.code !== 0) return undefined;
  const [fullSha, author, authorEmail, date, subject] = meta.stdout.trim().split('\0');
  return { commit: { sha: fullSha, author, authorEmail, date, subject }, body: body.stdout };
}

interface CommitDiff {
  patchId?: string;
  files: string[];
}

async function commitDiff(root: string, sha: string): Promise<CommitDiff> {
  const diff = await runGit(['show', '--format=', '--no-color', '--no-ext-diff', sha], { cwd: root });
  if (diff.code !== 0 || !diff.stdout.trim()) return { files: [] };
  const files = [...diff.stdout.matchAll(/^diff --git a\/\S+ b\/(\S+)/gm)].map((m) => m[1]);
  const ids = await runGit(['patch-id', '--stable'], { cwd: root, input: diff.stdout });
  return { patchId: ids.stdout.trim().split(/\s+/)[0] || undefined, files };
}

/**
 * The mail patch with the same patch-id as the commit. The reader computed every mailed patch's
 * `git patch-id --stable` in-process while indexing (patchId.ts), so this is a lookup, not a git run.
 */
export function findByPatchId(mail: MailIndex, commit: CommitDiff): string | undefined {
  if (!commit.patchId) return undefined;
  for (const message of mail.messages.values()) {
    if (message.isPatch && message.patchId === commit.patchId) return message.messageId;
  }
  return undefined;
}

function entryFor(
  messageId: string,
  mail: MailIndex,
  bundled: BundledThreadIndex,
  fallbackSubject: string,
): ThreadListEntry {
  const local = mail.messages.get(messageId);
  const known = bundled.byMessageId.get(messageId);
  return {
    messageId,
    subject: local?.subject ?? known?.message.subject ?? fallbackSubject,
    author: local?.author ?? known?.message.author ?? '',
    date: local?.date ?? known?.message.date ?? '',
    url: loreUrl(messageId),
    relation: 'patch',
    source: local ? local.source : 'bundled',
    series: known?.series.series,
    version: known?.series.version ?? local?.version,
    rootMessageId: local ? mail.threads.rootOf(messageId) : known?.series.coverMessageId,
    summary: known?.message.point,
    local: local !== undefined,
  };
}

function bySubjectAndAuthor(commit: BlameCommit, mail: MailIndex, bundled: BundledThreadIndex): string | undefined {
  const subject = commit.subject.trim();
  const email = commit.authorEmail.toLowerCase();
  for (const message of mail.messages.values()) {
    if (!message.isPatch || stripSubjectPrefixes(message.subject) !== subject) continue;
    if (message.authorEmail === email || message.author === commit.author) return message.messageId;
  }
  for (const { message } of bundled.byMessageId.values()) {
    if (stripSubjectPrefixes(message.subject) === subject && message.author === commit.author) return message.messageId;
  }
  return undefined;
}

/** git has nothing to say: no checkout (a Debian source tree, a tarball) or no git at all. */
const NO_HISTORY = /not a git repository|ENOENT|spawn git|git: not found|no such file or directory/i;

export type BlameOutcome = BlameLineResult & {
  /** The file is not in a git checkout (or git is missing): the caller may fall back to what else it knows. */
  noGitHistory?: boolean;
};

export async function blameLineToThread(
  root: string,
  file: string,
  line: number,
  mail: MailIndex,
  bundled: BundledThreadIndex,
): Promise<BlameOutcome> {
  const relativeFile = path.isAbsolute(file) ? path.relative(root, file) : file;
  if (relativeFile.startsWith('..')) return { message: `${file} is outside the git checkout ${root}.` };
  const blamed = await blameCommit(root, relativeFile, line);
  if (!blamed.sha && blamed.error && NO_HISTORY.test(blamed.error))
    return { message: `${relativeFile} has no git history here`, noGitHistory: true };
  if (!blamed.sha) return { message: `git blame found no commit for ${relativeFile}:${line + 1}: ${blamed.error}` };
  if (/^0+$/.test(blamed.sha))
    return {
      message: `Line ${line + 1} of ${relativeFile} is not committed yet: there is no commit or review thread for it.`,
    };
  const read = await readCommit(root, blamed.sha);
  if (!read) return { message: `Could not read commit ${blamed.sha.slice(0, 12)}.` };
  const { commit, body } = read;
  const label = `Commit ${commit.sha.slice(0, 12)} ("${commit.subject}", ${commit.author})`;

  const trailers = messageIdsFromCommitMessage(body);
  if (trailers.length > 0) {
    const { id, via } = trailers.find((t) => mail.messages.has(t.id)) ?? trailers[0];
    const how = via === 'link-trailer' ? 'its Link: trailer' : 'its Message-ID: trailer';
    return {
      commit,
      thread: entryFor(id, mail, bundled, commit.subject),
      via,
      message: `${label}: review thread found through ${how}.`,
    };
  }
  const matched = findByPatchId(mail, await commitDiff(root, commit.sha));
  if (matched) {
    return {
      commit,
      thread: entryFor(matched, mail, bundled, commit.subject),
      via: 'patch-id',
      message: `${label}: the patch with the same patch-id was found in your local mail.`,
    };
  }
  const bySubject = bySubjectAndAuthor(commit, mail, bundled);
  if (bySubject) {
    return {
      commit,
      thread: entryFor(bySubject, mail, bundled, commit.subject),
      via: 'subject-author',
      message: `${label}: matched a posted patch by subject and author (the diff differs from what was posted).`,
    };
  }
  return {
    commit,
    message: `${label}: no review thread found. The commit has no Link: or Message-ID: trailer, and none of the ${mail.messages.size} messages in your local mail has the same patch-id or the same subject and author. Fetch the series (b4 dig -c ${commit.sha.slice(0, 12)}, or b4 mbox) and add it to kernelMmLens.mailSources.`,
  };
}
