import type { ThreadListEntry, ThreadRelation } from '../../../protocol';

/**
 * A symbol's review threads as series, not messages: one entry per patch (or cover letter, or discussion outside
 * any series), its versions folded under it latest first, and the replies attached to the version they answer.
 * The flat fields of ThreadListEntry describe the latest version, so clients that only know the flat list keep
 * working. (Wire types: moved to protocol/ with the editor surfaces.)
 */

export interface ThreadMessageRef {
  messageId: string;
  subject: string;
  author: string;
  /** ISO 8601, or "" when unknown. */
  date: string;
  /** lore link, "" for a made-up Message-ID of mail that had none. */
  url: string;
  /** How the message relates to the symbol; absent when it is listed only because it answers the version. */
  relation?: ThreadRelation;
  /** The message is in the local mail (openable in the editor). */
  local: boolean;
}

export interface ThreadVersionEntry extends ThreadMessageRef {
  version: number;
  /** Cover letter of the posting, when known. */
  coverMessageId?: string;
  /** `git patch-id --stable` of its diff, when it carries one (mail only). */
  patchId?: string;
  /** Replies at any depth that answer this version, oldest first. */
  replies: ThreadMessageRef[];
}

/** Whether the tree has the change a patch makes, from the change-evidence service (never from a version number). */
export interface InTreeInfo {
  status: 'present' | 'partial' | 'absent' | 'unknown';
  /** Id of the tracked change (server/data/changes) whose probes decided it. */
  changeId: string;
  /** One line of the tree that shows it (tree-relative file, 1-based line). */
  evidence?: { file: string; line?: number; text?: string };
  /** One sentence for people: "in this tree (mm/huge_memory.c:1234)". */
  text: string;
}

export interface ThreadEntry extends ThreadListEntry {
  /** One patch across versions, a series (cover letter) across versions, or a discussion outside any series. */
  kind: 'patch' | 'series' | 'thread';
  /** Title without the subject's prefixes (patches, series); the subject for a discussion. */
  title: string;
  /** Latest version first; versions[0] is the message the flat fields describe. Empty for a discussion. */
  versions: ThreadVersionEntry[];
  /** For a discussion: its messages that are about the symbol. */
  messages?: ThreadMessageRef[];
  /** The symbol's catalog entry cites this thread. */
  cited?: boolean;
  inTree?: InTreeInfo;
}

/** Finds whether the tree has the change one of these messages carries (the change-evidence service). */
export type InTreeLookup = (messageIds: string[], title: string) => InTreeInfo | undefined;
