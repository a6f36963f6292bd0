import type { ThreadRelation } from '../../../protocol';
import type { PatchGroup, PatchVersion, SeriesIndex } from './series';
import { rankOfRelation, relationRank, SYMBOL_RANK } from './symbolExtraction';

/**
 * A symbol's threads as series, not messages: every message that is about the symbol is mapped onto the patch it
 * belongs to (the patch itself, or the version a reply answers), so v1..v9 of one patch are one entry with the
 * latest version first and the earlier versions folded under it. Messages outside any series (bug reports,
 * questions) are grouped per thread. Ranking: relation first (a version's own diff changes the symbol > a review
 * discusses it > it is only named; among patches, one whose diff adds or removes the name before one that only
 * changes lines using it: SYMBOL_RANK), then the date of the latest version, newest first.
 */

export interface MessageInfo {
  messageId: string;
  subject: string;
  author: string;
  date: string;
}

export interface SymbolHitInput {
  messageId: string;
  relation: ThreadRelation;
  /** SYMBOL_RANK; the relation's own rank when absent. */
  rank?: number;
}

export interface FoldedReply extends MessageInfo {
  /** How this reply relates to the symbol; undefined when it is attached only because it answers the version. */
  relation?: ThreadRelation;
}

export interface FoldedVersion extends MessageInfo {
  version: number;
  /** How this version relates to the symbol (its own diff, a reply about it, a mention); undefined = not at all. */
  relation?: ThreadRelation;
  coverMessageId?: string;
  patchId?: string;
  replies: FoldedReply[];
}

export interface SymbolThread extends MessageInfo {
  kind: 'patch' | 'series' | 'thread';
  /** Best relation over every version and reply. */
  relation: ThreadRelation;
  /** Best SYMBOL_RANK over every version and reply (what the ranking sorts by before the date). */
  rank: number;
  /** Title without prefixes (patches and series); the subject for other threads. */
  title: string;
  /** Latest version first; the entry's own messageId/subject/date are those of versions[0]. Empty for threads. */
  versions: FoldedVersion[];
  /** For `thread` entries: the thread's root, and the messages of it that are about the symbol. */
  rootMessageId?: string;
  messages?: Array<MessageInfo & { relation: ThreadRelation }>;
}

export interface RankSeriesInput {
  hits: Iterable<SymbolHitInput>;
  series: SeriesIndex;
  info: (messageId: string) => MessageInfo | undefined;
  rootOf: (messageId: string) => string;
}

function better(a: ThreadRelation | undefined, b: ThreadRelation): ThreadRelation {
  return a === undefined || relationRank(b) < relationRank(a) ? b : a;
}

export function rankSeriesForSymbol(input: RankSeriesInput): SymbolThread[] {
  const byGroup = new Map<
    PatchGroup,
    {
      relation: ThreadRelation;
      rank: number;
      versions: Map<PatchVersion, ThreadRelation>;
      replies: Map<string, ThreadRelation>;
    }
  >();
  const byThread = new Map<string, { rank: number; hits: Map<string, ThreadRelation> }>();
  for (const hit of input.hits) {
    const own = input.series.posting(hit.messageId);
    const answered = own ? undefined : input.series.answered(hit.messageId);
    const anchor = own ?? answered;
    if (!anchor) {
      const root = input.rootOf(hit.messageId);
      let thread = byThread.get(root);
      if (!thread) byThread.set(root, (thread = { rank: SYMBOL_RANK.mention, hits: new Map() }));
      thread.hits.set(hit.messageId, better(thread.hits.get(hit.messageId), hit.relation));
      thread.rank = Math.min(thread.rank, hit.rank ?? rankOfRelation(hit.relation));
      continue;
    }
    let state = byGroup.get(anchor.group);
    if (!state)
      byGroup.set(
        anchor.group,
        (state = { relation: hit.relation, rank: SYMBOL_RANK.mention, versions: new Map(), replies: new Map() }),
      );
    // A reply quoting a diff is a review of it, never the patch itself.
    const relation: ThreadRelation = answered && hit.relation === 'patch' ? 'review' : hit.relation;
    state.relation = better(state.relation, relation);
    state.rank = Math.min(
      state.rank,
      relation === hit.relation ? (hit.rank ?? rankOfRelation(relation)) : rankOfRelation(relation),
    );
    state.versions.set(anchor.version, better(state.versions.get(anchor.version), relation));
    if (answered) state.replies.set(hit.messageId, better(state.replies.get(hit.messageId), relation));
  }

  const entries: SymbolThread[] = [];
  for (const [group, state] of byGroup) {
    const versions: FoldedVersion[] = group.versions.map((version) => {
      const info = input.info(version.messageId);
      return {
        messageId: version.messageId,
        subject: version.subject,
        author: info?.author ?? '',
        date: version.date,
        version: version.version,
        relation: state.versions.get(version),
        coverMessageId: version.coverMessageId,
        patchId: version.patchId,
        replies: version.replies.map((id) => {
          const reply = input.info(id);
          return {
            messageId: id,
            subject: reply?.subject ?? '',
            author: reply?.author ?? '',
            date: reply?.date ?? '',
            relation: state.replies.get(id),
          };
        }),
      };
    });
    const latest = versions[0];
    entries.push({
      kind: group.cover ? 'series' : 'patch',
      relation: state.relation,
      rank: state.rank,
      title: group.title,
      messageId: latest.messageId,
      subject: latest.subject,
      author: latest.author,
      date: latest.date,
      versions,
    });
  }
  for (const [root, { rank, hits }] of byThread) {
    const messages = [...hits]
      .map(([id, relation]) => ({
        ...(input.info(id) ?? { messageId: id, subject: '', author: '', date: '' }),
        relation,
      }))
      .sort(
        (a, b) =>
          relationRank(a.relation) - relationRank(b.relation) ||
          a.date.localeCompare(b.date) ||
          a.messageId.localeCompare(b.messageId),
      );
    const first = messages[0];
    let relation = first.relation;
    for (const m of messages) relation = better(relation, m.relation);
    const newest = messages.reduce((max, m) => (m.date > max ? m.date : max), '');
    entries.push({
      kind: 'thread',
      relation,
      rank,
      title: first.subject,
      messageId: first.messageId,
      subject: first.subject,
      author: first.author,
      date: newest || first.date,
      versions: [],
      rootMessageId: root,
      messages,
    });
  }
  return entries.sort(compareSymbolThreads);
}

export function compareSymbolThreads(a: SymbolThread, b: SymbolThread): number {
  return (
    a.rank - b.rank ||
    relationRank(a.relation) - relationRank(b.relation) ||
    b.date.localeCompare(a.date) ||
    a.messageId.localeCompare(b.messageId)
  );
}
