import { loreUrl } from '../knowledge/markdownText';
import { parsePatchSubject } from '../lore/subject';
import { replyComments } from './replyComments';
import type { AppliedFile } from './treeOverlay';
import type { ChangedPatch, PatchMessage, PatchRef, PossiblyUnaddressed, ReviewVersionsJson } from './types';

/**
 * This version of a series against an earlier one, with b4's rules: a patch is the same patch in both when its
 * title (prefixes stripped, case folded) is the same, or, when it was reworded, when its `git patch-id --stable` is;
 * it is unchanged when the patch-ids are equal and changed otherwise; the rest is added or dropped. Then the
 * replies to the earlier version: each comment under a quoted hunk whose quoted lines are still the same in this
 * version (an added line still added, a removed line still removed) is listed as possibly unaddressed, with a
 * link. Deterministic: quoted lines against the new patch, whitespace runs folded; no language model.
 */

export interface EarlierReply {
  messageId?: string;
  author: string;
  authorEmail: string;
  date: string;
  body: string;
}

export interface EarlierPatch {
  subject: string;
  version: number;
  patchId?: string;
  messageId?: string;
  authorEmail: string;
  replies: EarlierReply[];
}

export interface EarlierSeries {
  version: number;
  /** Where it came from: the --previous file, or "mail". */
  source: string;
  patches: EarlierPatch[];
}

/** A current patch with where its lines landed (for the positions of possibly unaddressed comments). */
export interface CurrentPatch {
  message: PatchMessage;
  files: AppliedFile[];
}

function ref(p: { subject: string; version: number; patchId?: string; messageId?: string }): PatchRef {
  return { subject: p.subject, version: p.version, patchId: p.patchId ?? null, messageId: p.messageId ?? null };
}

function titleKey(subject: string): string {
  return parsePatchSubject(subject).key;
}

export function compareVersions(current: CurrentPatch[], earlier: EarlierSeries | undefined): ReviewVersionsJson {
  const version = current[0]?.message.version ?? 1;
  const result: ReviewVersionsJson = {
    previous: earlier ? { version: earlier.version, patches: earlier.patches.length, source: earlier.source } : null,
    current: { version, patches: current.length },
    added: [],
    dropped: [],
    changed: [],
    unchanged: [],
    possiblyUnaddressed: [],
  };
  if (!earlier) return result;
  const unmatchedEarlier = new Set(earlier.patches);
  const matchOf = new Map<CurrentPatch, { earlier: EarlierPatch; by: 'subject' | 'patch-id' }>();
  const take = (patch: CurrentPatch, found: EarlierPatch | undefined, by: 'subject' | 'patch-id'): void => {
    if (!found) return;
    matchOf.set(patch, { earlier: found, by });
    unmatchedEarlier.delete(found);
  };
  // Same title first (b4's subject rule), then the same patch-id under another title.
  for (const patch of current) {
    const key = titleKey(patch.message.subject);
    take(
      patch,
      [...unmatchedEarlier].find((e) => titleKey(e.subject) === key),
      'subject',
    );
  }
  for (const patch of current) {
    if (matchOf.has(patch) || !patch.message.patchId) continue;
    take(
      patch,
      [...unmatchedEarlier].find((e) => e.patchId === patch.message.patchId),
      'patch-id',
    );
  }
  for (const patch of current) {
    const match = matchOf.get(patch);
    if (!match) {
      result.added.push(ref(patch.message));
      continue;
    }
    const pair: ChangedPatch = { previous: ref(match.earlier), current: ref(patch.message), matchedBy: match.by };
    const same = !!patch.message.patchId && patch.message.patchId === match.earlier.patchId;
    (same ? result.unchanged : result.changed).push(pair);
    result.possiblyUnaddressed.push(...unaddressed(patch, match.earlier));
  }
  for (const patch of earlier.patches) if (unmatchedEarlier.has(patch)) result.dropped.push(ref(patch));
  return result;
}

function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Comments on the earlier patch whose quoted lines this version still has as they were. */
function unaddressed(patch: CurrentPatch, earlier: EarlierPatch): PossiblyUnaddressed[] {
  const out: PossiblyUnaddressed[] = [];
  for (const reply of earlier.replies) {
    // The author's own answers are no review comments on their patch.
    if (reply.authorEmail && reply.authorEmail === earlier.authorEmail) continue;
    for (const comment of replyComments(reply.body)) {
      const changed = comment.quoted.filter((line) => line.kind !== ' ');
      const checked = changed.length > 0 ? changed : comment.quoted;
      let where: { file: string; line: number | null; patchFile: string; patchLine: number | null } | undefined;
      let allStill = checked.length > 0;
      for (const quoted of checked) {
        const found = findLine(patch, comment.file, quoted.text, quoted.kind === '-' ? '-' : 'new');
        if (!found) {
          allStill = false;
          break;
        }
        where ??= found;
      }
      if (!allStill) continue;
      out.push({
        messageId: reply.messageId ?? '',
        url: reply.messageId ? loreUrl(reply.messageId) : '',
        author: reply.author,
        date: reply.date,
        patch: earlier.subject,
        quoted: checked.map((line) => `${line.kind}${line.text}`),
        comment: comment.text.split('\n').slice(0, 4).join('\n'),
        file: where?.file ?? null,
        line: where?.line ?? null,
        patchFile: where?.patchFile ?? null,
        patchLine: where?.patchLine ?? null,
      });
    }
  }
  return out;
}

/**
 * The quoted line in the current patch: `new` finds it on the new side (added or context), `-` among the removed
 * lines; restricted to the quoted file when the reply named one.
 */
function findLine(
  patch: CurrentPatch,
  file: string | undefined,
  text: string,
  side: 'new' | '-',
): { file: string; line: number | null; patchFile: string; patchLine: number | null } | undefined {
  const wanted = fold(text);
  if (!wanted) return undefined;
  for (const applied of patch.files) {
    if (file && applied.file !== file && applied.diff.oldPath !== file) continue;
    for (const hunk of applied.hunks) {
      for (let index = 0; index < hunk.hunk.lines.length; index++) {
        const line = hunk.hunk.lines[index];
        const onSide = side === '-' ? line.kind === '-' : line.kind !== '-';
        if (!onSide || fold(line.text) !== wanted) continue;
        return {
          file: applied.file,
          line: side === '-' ? null : (hunk.newLineOf.get(index) ?? null),
          patchFile: patch.message.inputFile,
          patchLine: line.inputLine ?? null,
        };
      }
    }
  }
  return undefined;
}

/** The earlier series from a `--previous` input (its postings, and the replies next to them). */
export function earlierFromInput(
  patches: PatchMessage[],
  replies: PatchMessage[],
  source: string,
): EarlierSeries | undefined {
  if (patches.length === 0) return undefined;
  const byId = new Map(patches.filter((p) => p.messageId).map((p) => [p.messageId!, p]));
  const repliesOf = new Map<PatchMessage, EarlierReply[]>();
  for (const reply of replies) {
    // The posting it answers: up its references, else the one with its title.
    const answered =
      [...reply.references]
        .reverse()
        .map((id) => byId.get(id))
        .find(Boolean) ?? patches.find((p) => titleKey(p.subject) === titleKey(reply.subject));
    if (!answered) continue;
    const list = repliesOf.get(answered) ?? [];
    list.push({
      messageId: reply.messageId,
      author: reply.author,
      authorEmail: reply.authorEmail,
      date: reply.date,
      body: reply.body,
    });
    repliesOf.set(answered, list);
  }
  return {
    version: patches[0].version,
    source,
    patches: patches.map((p) => ({
      subject: p.subject,
      version: p.version,
      patchId: p.patchId,
      messageId: p.messageId,
      authorEmail: p.authorEmail,
      replies: repliesOf.get(p) ?? [],
    })),
  };
}
