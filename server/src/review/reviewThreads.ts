import type { ThreadService } from '../lore/threadService';
import type { ThreadVersionEntry } from '../lore/threadEntry';
import { loreUrl } from '../knowledge/markdownText';
import { parsePatchSubject } from '../lore/subject';
import type { EarlierPatch, EarlierReply, EarlierSeries } from './versionCompare';
import type { PatchInput, ReviewThreadJson } from './types';

/**
 * The review's threads, all from the one thread service (issue 20): the ranked threads of every touched function
 * and tracked symbol (the same entries the code lens counts and `threads` prints), merged by message, and the
 * earlier postings of the patches under review found in the known mail by b4's rules (same title and author, or
 * the same patch-id); from those, the earlier version of the series the comparison needs.
 */

/** Replies read per earlier version: each is read again from its mail source. */
const MAX_EARLIER_REPLIES = 200;

export interface SeriesThreads {
  threads: ReviewThreadJson[];
  /** Per title of the reviewed patches (and of the cover letter): its posted versions, latest first. */
  earlierVersions: Map<string, ThreadVersionEntry[]>;
}

export async function seriesThreads(
  service: ThreadService,
  input: PatchInput,
  names: string[],
  perSymbol: number,
): Promise<SeriesThreads> {
  const byId = new Map<string, ReviewThreadJson>();
  // The postings under review are in the list archive too once sent: they are not threads about themselves.
  const reviewed = new Set(
    [input.cover, ...input.patches].map((posting) => posting?.messageId).filter((id): id is string => !!id),
  );
  for (const name of names) {
    const entries = (await service.threadsForSymbol(name)).filter((entry) => !reviewed.has(entry.messageId));
    for (const entry of entries.slice(0, perSymbol)) {
      const known = byId.get(entry.messageId);
      if (known) {
        if (!known.symbols.includes(name)) known.symbols.push(name);
        continue;
      }
      byId.set(entry.messageId, {
        symbols: [name],
        reason: 'symbol',
        messageId: entry.messageId,
        subject: entry.subject,
        url: entry.url,
        relation: entry.relation,
        author: entry.author,
        date: entry.date,
        version: entry.version ?? null,
        versions: entry.versions.length,
        replies: entry.versions.reduce((sum, v) => sum + v.replies.length, 0) + (entry.messages?.length ?? 0),
        source: entry.source,
      });
    }
  }
  const earlierVersions = new Map<string, ThreadVersionEntry[]>();
  const postings = [...(input.cover ? [input.cover] : []), ...input.patches];
  for (const posting of postings) {
    if (!posting.title) continue;
    const versions = await service.versionsOfTitle(posting.title, {
      authorEmail: posting.authorEmail || undefined,
      cover: posting.isCover,
    });
    earlierVersions.set(posting.title, versions);
    for (const version of versions) {
      if (version.version >= posting.version || version.messageId === posting.messageId) continue;
      byId.set(version.messageId, {
        symbols: [],
        reason: 'earlier-version',
        messageId: version.messageId,
        subject: version.subject,
        url: version.url,
        relation: 'patch',
        author: version.author,
        date: version.date,
        version: version.version,
        versions: versions.length,
        replies: version.replies.length,
        source: version.local ? 'mail' : 'bundled',
      });
    }
  }
  const threads = [...byId.values()].sort(
    (a, b) =>
      Number(a.reason === 'earlier-version') - Number(b.reason === 'earlier-version') ||
      b.date.localeCompare(a.date) ||
      a.messageId.localeCompare(b.messageId),
  );
  return { threads, earlierVersions };
}

/**
 * The earlier version of the series from the known mail: the newest posted version older than this one; its
 * patches are those posted under its cover letter (so patches dropped since are found too), or, without a cover,
 * the earlier postings of each reviewed patch.
 */
export async function earlierFromMail(
  service: ThreadService,
  input: PatchInput,
  earlierVersions: Map<string, ThreadVersionEntry[]>,
): Promise<EarlierSeries | undefined> {
  const currentVersion = input.patches[0]?.version ?? 1;
  let previous = 0;
  for (const versions of earlierVersions.values())
    for (const v of versions) if (v.version < currentVersion && v.version > previous) previous = v.version;
  if (previous === 0) return undefined;
  let replyBudget = MAX_EARLIER_REPLIES;
  const patches: EarlierPatch[] = [];
  const seen = new Set<string>();
  const add = async (version: ThreadVersionEntry): Promise<void> => {
    if (seen.has(version.messageId)) return;
    seen.add(version.messageId);
    const replies: EarlierReply[] = [];
    for (const reply of version.replies) {
      if (replyBudget-- <= 0) break;
      const message = await service.messageWithBody(reply.messageId);
      if (!message) continue;
      replies.push({
        messageId: message.messageId,
        author: message.author,
        authorEmail: message.authorEmail,
        date: message.date,
        body: message.body,
      });
    }
    const posting = await service.messageWithBody(version.messageId);
    patches.push({
      subject: version.subject,
      version: version.version,
      patchId: version.patchId ?? posting?.patchId,
      messageId: version.messageId,
      authorEmail: posting?.authorEmail ?? '',
      replies,
    });
  };
  const cover = input.cover && earlierVersions.get(input.cover.title)?.find((v) => v.version === previous);
  if (cover) {
    for (const posting of await service.postingsUnder(cover.messageId)) {
      const subject = parsePatchSubject(posting.subject);
      // A later version sent in reply to this cover letter (git send-email --in-reply-to threads v2 under v1) is
      // not a patch of the earlier version, and neither is a cover letter.
      if (subject.version !== previous || posting.patchNumber === 0) continue;
      const versions = await service.versionsOfTitle(subject.title, {
        authorEmail: posting.authorEmail,
      });
      const version = versions.find((v) => v.messageId === posting.messageId);
      await add(
        version ?? {
          messageId: posting.messageId,
          subject: posting.subject,
          author: posting.author,
          date: posting.date,
          url: loreUrl(posting.messageId),
          local: true,
          version: previous,
          patchId: posting.patchId,
          replies: [],
        },
      );
    }
  }
  if (patches.length === 0) {
    for (const posting of input.patches) {
      const version = earlierVersions.get(posting.title)?.find((v) => v.version === previous);
      if (version) await add(version);
    }
  }
  if (patches.length === 0) return undefined;
  return { version: previous, source: 'mail', patches };
}
