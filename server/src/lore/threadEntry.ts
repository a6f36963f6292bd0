import type { ThreadListEntry, ThreadMessageRef, ThreadVersionEntry, InTreeInfo } from '../../../protocol';

/**
 * A symbol's review threads as series, not messages: one entry per patch (or cover letter, or discussion outside
 * any series), its versions folded under it latest first, and the replies attached to the version they answer.
 * The wire types live in protocol/ (ThreadListEntry and its parts); the thread service always fills the series
 * fields, which this type makes required.
 */
export type ThreadEntry = ThreadListEntry &
  Required<Pick<ThreadListEntry, 'kind' | 'title' | 'versions'>> & { versions: ThreadVersionEntry[] };

export type { ThreadMessageRef, ThreadVersionEntry, InTreeInfo };

/** Finds whether the tree has the change one of these messages carries (the change-evidence service). */
export type InTreeLookup = (messageIds: string[], title: string) => InTreeInfo | undefined;
