import { parsePatchSubject, type PatchSubject } from './subject';

/**
 * Groups mail into series and patches across versions with the rules b4 uses:
 * - a cover letter is a patch mail with counter 0 (`[PATCH v3 00/12]`); the patches of one posting reply to it
 *   (`In-Reply-To`/`References`), and a patch without its own `vN` takes the cover's revision;
 * - the versions of one patch share the author and the title once the prefixes are stripped (subject
 *   normalisation), or, when the title was reworded, the patch-id (`git patch-id --stable`) of an earlier version;
 * - a reply belongs to the version it answers: the first patch or cover letter up its parent chain.
 * Pure data in, data out: the caller supplies messages and the parent relation (the thread graph).
 */

export interface SeriesMessage {
  messageId: string;
  subject: string;
  authorEmail: string;
  date: string;
  /** Oldest first; the last one is the direct parent. */
  references: string[];
  patchId?: string;
}

export interface PatchVersion {
  version: number;
  messageId: string;
  subject: string;
  date: string;
  counter?: number;
  expected?: number;
  /** Cover letter of the posting this patch belongs to, when it is in the mail. */
  coverMessageId?: string;
  patchId?: string;
  /** Replies (at any depth) that answer this version, oldest first. */
  replies: string[];
  /** Other copies of the same version (RESEND, duplicates), oldest first. */
  resends: string[];
}

export interface PatchGroup {
  /** Stable key: author + normalised title of the first version seen. */
  key: string;
  title: string;
  authorEmail: string;
  /** Latest version first. */
  versions: PatchVersion[];
  /** A cover letter group (the series itself) rather than one patch. */
  cover: boolean;
}

export interface SeriesIndex {
  groups: PatchGroup[];
  /** Patch or cover message → its group and version. */
  byMessage: Map<string, { group: PatchGroup; version: PatchVersion }>;
  /** Reply → the patch or cover version it answers. */
  replyTo: Map<string, { group: PatchGroup; version: PatchVersion }>;
}

/** Longest parent chain followed for one reply: hostile mail can chain thousands of replies. */
const MAX_PARENT_WALK = 256;

export function buildSeriesIndex(
  messages: Iterable<SeriesMessage>,
  parentOf: (id: string) => string | undefined,
): SeriesIndex {
  const parsed = new Map<string, { message: SeriesMessage; subject: PatchSubject }>();
  for (const message of messages) {
    // Duplicate Message-IDs: the first copy wins, as in the thread graph.
    if (!parsed.has(message.messageId))
      parsed.set(message.messageId, { message, subject: parsePatchSubject(message.subject) });
  }

  const isPosting = (s: PatchSubject): boolean => s.patch && !s.reply;
  const isCover = (s: PatchSubject): boolean => isPosting(s) && s.counter === 0;
  /** The cover letter a patch answers: the nearest reference that is a cover letter in the mail. */
  const coverOf = (message: SeriesMessage): string | undefined => {
    for (let i = message.references.length - 1; i >= 0; i--) {
      const candidate = parsed.get(message.references[i]);
      if (candidate && isCover(candidate.subject)) return candidate.message.messageId;
    }
    return undefined;
  };

  const groups = new Map<string, PatchGroup>();
  const byMessage = new Map<string, { group: PatchGroup; version: PatchVersion }>();
  const byPatchId = new Map<string, PatchGroup>();
  // Oldest first, so the first version seen names the group and later versions join it.
  const postings = [...parsed.values()]
    .filter((p) => isPosting(p.subject))
    .sort(
      (a, b) => a.message.date.localeCompare(b.message.date) || a.message.messageId.localeCompare(b.message.messageId),
    );
  for (const { message, subject } of postings) {
    const cover = isCover(subject);
    const coverId = cover ? undefined : coverOf(message);
    let version = subject.version;
    if (!subject.versionGiven && coverId) version = parsePatchSubject(parsed.get(coverId)!.message.subject).version;
    const key = `${cover ? 'cover' : 'patch'}\0${message.authorEmail}\0${subject.key}`;
    let group = groups.get(key);
    // Reworded between versions: the same change (patch-id) by the same author is the same patch.
    if (!group && !cover && message.patchId) {
      const same = byPatchId.get(message.patchId);
      if (same && same.authorEmail === message.authorEmail) group = same;
    }
    if (!group) {
      group = { key, title: subject.title, authorEmail: message.authorEmail, versions: [], cover };
      groups.set(key, group);
    }
    if (!cover && message.patchId && !byPatchId.has(message.patchId)) byPatchId.set(message.patchId, group);
    let entry = group.versions.find((v) => v.version === version);
    if (entry) {
      // Same version posted again (RESEND, a second copy): the newest copy represents it.
      entry.resends.push(entry.messageId);
      Object.assign(entry, {
        messageId: message.messageId,
        subject: message.subject,
        date: message.date,
        patchId: message.patchId ?? entry.patchId,
      });
    } else {
      entry = {
        version,
        messageId: message.messageId,
        subject: message.subject,
        date: message.date,
        counter: subject.counter,
        expected: subject.expected,
        coverMessageId: coverId,
        patchId: message.patchId,
        replies: [],
        resends: [],
      };
      group.versions.push(entry);
    }
    byMessage.set(message.messageId, { group, version: entry });
  }
  for (const group of groups.values()) {
    for (const version of group.versions) for (const id of version.resends) byMessage.set(id, { group, version });
    group.versions.sort((a, b) => b.version - a.version || b.date.localeCompare(a.date));
  }

  const replyTo = new Map<string, { group: PatchGroup; version: PatchVersion }>();
  const replies = [...parsed.values()]
    .filter((p) => !byMessage.has(p.message.messageId))
    .sort(
      (a, b) => a.message.date.localeCompare(b.message.date) || a.message.messageId.localeCompare(b.message.messageId),
    );
  for (const { message } of replies) {
    let cursor = parentOf(message.messageId);
    for (let steps = 0; cursor && steps < MAX_PARENT_WALK; steps++) {
      const target = byMessage.get(cursor);
      if (target) {
        replyTo.set(message.messageId, target);
        target.version.replies.push(message.messageId);
        break;
      }
      cursor = parentOf(cursor);
    }
  }
  return { groups: [...groups.values()], byMessage, replyTo };
}
