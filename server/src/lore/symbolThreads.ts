import type { ThreadRelation } from '../../../protocol';
import type { Catalog, CatalogThread } from '../knowledge/catalog';
import { bundledRelation, type BundledThreadIndex } from './bundledThreads';
import type { MailIndex } from './mailIndex';
import { isSyntheticMessageId } from './mail/parseMail';
import { buildSeriesIndex, type SeriesIndex, type SeriesMessage } from './series';
import { rankSeriesForSymbol, type MessageInfo, type SymbolHitInput, type SymbolThread } from './seriesRanking';
import { rankOfRelation, relationRank, SYMBOL_RANK } from './symbolExtraction';
import type { InTreeLookup, ThreadEntry, ThreadMessageRef, ThreadVersionEntry } from './threadEntry';

/**
 * The one answer to "which review threads are about this symbol?", for every surface (code lens count, hover,
 * picker, CLI `threads`, thread view, MCP): every message known from the user's mail (local mbox/maildir and lei
 * results), the bundled thread index and the threads the catalog cites, grouped into patches and series across
 * versions (series.ts, b4's rules) and ranked by relation, then by the date of the latest version
 * (seriesRanking.ts). The message pool and its series are built once per mail index; a query only ranks hits.
 */

interface PoolMessage extends SeriesMessage {
  author: string;
  /** Mail source path, "bundled" or "catalog". */
  source: string;
  local: boolean;
  /** Our words (bundled point, catalog point) or the mail's first prose line. */
  summary?: string;
}

const MAX_REFERENCE_WALK = 256;

/** lore link for a Message-ID; ids made up for mail without one get no link (they exist nowhere online). */
export function loreUrl(messageId: string): string {
  if (isSyntheticMessageId(messageId)) return '';
  return `https://lore.kernel.org/all/${encodeURIComponent(messageId).replace(/%40/g, '@')}/`;
}

/** Accepts `foo`, `foo()`, ` foo ` and returns the bare name. */
export function normaliseSymbol(symbol: string): string {
  return symbol.trim().replace(/\(\)$/, '');
}

function better(a: ThreadRelation | undefined, b: ThreadRelation): ThreadRelation {
  return a === undefined || relationRank(b) < relationRank(a) ? b : a;
}

export class SymbolThreadIndex {
  private poolCache: Map<string, PoolMessage> | undefined;
  private seriesCache: SeriesIndex | undefined;

  constructor(
    private readonly mail: MailIndex,
    private readonly bundled: BundledThreadIndex,
    private readonly catalog?: Catalog,
  ) {}

  private get pool(): Map<string, PoolMessage> {
    if (this.poolCache) return this.poolCache;
    const pool = new Map<string, PoolMessage>();
    for (const message of this.mail.messages.values()) {
      pool.set(message.messageId, {
        messageId: message.messageId,
        subject: message.subject,
        author: message.author,
        authorEmail: message.authorEmail,
        date: message.date,
        references: message.references,
        patchId: message.patchId,
        source: message.source,
        local: true,
        summary: message.summary,
      });
    }
    for (const { message } of this.bundled.byMessageId.values()) {
      const known = pool.get(message.messageId);
      if (known) {
        // The same message in the user's mail: keep the mail's headers, take our summary of its point.
        known.summary = message.point;
        continue;
      }
      pool.set(message.messageId, {
        messageId: message.messageId,
        subject: message.subject,
        author: message.author,
        // Bundled data names people, not addresses: the name stands in for the address when grouping versions.
        authorEmail: message.author.toLowerCase(),
        date: message.date,
        references: this.bundledReferences(message.messageId),
        source: 'bundled',
        local: false,
        summary: message.point || undefined,
      });
    }
    for (const entry of this.catalog?.entries ?? []) {
      for (const thread of entry.threads ?? []) {
        const known = pool.get(thread.messageId);
        if (known) {
          known.summary ??= thread.point;
          continue;
        }
        pool.set(thread.messageId, {
          messageId: thread.messageId,
          subject: thread.subject,
          author: thread.author,
          authorEmail: thread.author.toLowerCase(),
          date: thread.date,
          references: [],
          source: 'catalog',
          local: false,
          summary: thread.point,
        });
      }
    }
    this.poolCache = pool;
    return pool;
  }

  private bundledReferences(messageId: string): string[] {
    const chain: string[] = [];
    let cursor = this.bundled.byMessageId.get(messageId)?.message.inReplyTo;
    while (cursor && chain.length < MAX_REFERENCE_WALK && !chain.includes(cursor) && cursor !== messageId) {
      chain.unshift(cursor);
      cursor = this.bundled.byMessageId.get(cursor)?.message.inReplyTo;
    }
    return chain;
  }

  private parentOf(id: string): string | undefined {
    return this.mail.threads.parentOf(id) ?? this.pool.get(id)?.references.at(-1);
  }

  private rootOf(id: string): string {
    if (this.mail.messages.has(id)) return this.mail.threads.rootOf(id);
    return this.pool.get(id)?.references[0] ?? id;
  }

  private get series(): SeriesIndex {
    this.seriesCache ??= buildSeriesIndex(this.pool.values(), (id) => this.parentOf(id));
    return this.seriesCache;
  }

  /**
   * The versions of the patch (or series) a message belongs to, latest first, with the replies each one got;
   * empty for a message outside any series.
   */
  versionsOf(messageId: string): ThreadVersionEntry[] {
    const anchor = this.series.posting(messageId) ?? this.series.answered(messageId);
    if (!anchor) return [];
    return anchor.group.versions.map((version) => ({
      ...this.ref(version.messageId, undefined),
      version: version.version,
      coverMessageId: version.coverMessageId,
      patchId: version.patchId,
      replies: version.replies.map((reply) => this.ref(reply, undefined)),
    }));
  }

  /** The versions of the patch (or cover letter) titled `title`, latest first; empty when the mail has none. */
  versionsOfTitle(title: string, authorEmail?: string, cover = false): ThreadVersionEntry[] {
    const ids = this.series.postingsWithTitle(title, authorEmail, cover);
    return ids.length > 0 ? this.versionsOf(ids[0]) : [];
  }

  /** The threads the catalog entry of `symbol` cites. */
  citedThreads(symbol: string): CatalogThread[] {
    return this.catalog?.lookup(symbol)?.threads ?? [];
  }

  threadsFor(rawSymbol: string, inTree?: InTreeLookup): ThreadEntry[] {
    const symbol = normaliseSymbol(rawSymbol);
    if (!symbol) return [];
    const hits = new Map<string, { relation: ThreadRelation; rank: number }>();
    const hit = (messageId: string, relation: ThreadRelation, rank = rankOfRelation(relation)): void => {
      const known = hits.get(messageId);
      hits.set(messageId, {
        relation: better(known?.relation, relation),
        rank: Math.min(known?.rank ?? rank, rank),
      });
    };
    for (const found of this.mail.symbolHits(symbol)) hit(found.messageId, found.relation, found.rank);
    for (const { message } of this.bundled.byMessageId.values()) {
      const relation = bundledRelation(message, symbol);
      // A curated `symbols: [{symbol, relation: patch}]` entry names what the patch is about (adds, removes,
      // reworks); a patch found only through the functions its hunks change changes code using the name.
      const curated = relation === 'patch' && message.symbols.some((entry) => entry.symbol === symbol);
      if (relation) hit(message.messageId, relation, curated ? SYMBOL_RANK.addsOrRemoves : undefined);
    }
    const cited = new Set(this.citedThreads(symbol).map((thread) => thread.messageId));
    // The catalog says the thread discusses the symbol; mail or bundled data may know a closer relation.
    for (const id of cited) if (!hits.has(id)) hit(id, 'review');
    const hitInputs: SymbolHitInput[] = [...hits].map(([messageId, { relation, rank }]) => ({
      messageId,
      relation,
      rank,
    }));
    const ranked = rankSeriesForSymbol({
      hits: hitInputs,
      series: this.series,
      info: (id) => this.info(id),
      rootOf: (id) => this.rootOf(id),
    });
    return ranked.map((thread) => this.toEntry(thread, cited, inTree));
  }

  private info(id: string): MessageInfo | undefined {
    const message = this.pool.get(id);
    return message && { messageId: id, subject: message.subject, author: message.author, date: message.date };
  }

  private ref(id: string, relation: ThreadRelation | undefined): ThreadMessageRef {
    const message = this.pool.get(id);
    return {
      messageId: id,
      subject: message?.subject ?? '',
      author: message?.author ?? '',
      date: message?.date ?? '',
      url: loreUrl(id),
      relation,
      local: message?.local ?? false,
    };
  }

  private toEntry(thread: SymbolThread, cited: Set<string>, inTree?: InTreeLookup): ThreadEntry {
    const versions: ThreadVersionEntry[] = thread.versions.map((version) => ({
      ...this.ref(version.messageId, version.relation),
      version: version.version,
      coverMessageId: version.coverMessageId,
      patchId: version.patchId,
      replies: version.replies.map((reply) => this.ref(reply.messageId, reply.relation)),
    }));
    const messages = thread.messages?.map((message) => this.ref(message.messageId, message.relation));
    const head = this.pool.get(thread.messageId);
    const allIds = [
      ...versions.flatMap((v) => [
        v.messageId,
        ...(v.coverMessageId ? [v.coverMessageId] : []),
        ...v.replies.map((r) => r.messageId),
      ]),
      ...(messages ?? []).map((m) => m.messageId),
    ];
    // Our words about the patch (bundled point, catalog point) beat the mail's first prose line; newest first.
    const ourWords = (id: string): string | undefined =>
      this.bundled.byMessageId.get(id)?.message.point ||
      (this.pool.get(id)?.source === 'catalog' ? this.pool.get(id)?.summary : undefined);
    const summary = [...versions, ...(messages ?? [])].map((m) => ourWords(m.messageId)).find(Boolean) ?? head?.summary;
    const entry: ThreadEntry = {
      messageId: thread.messageId,
      subject: thread.subject,
      author: thread.author,
      date: thread.date,
      url: loreUrl(thread.messageId),
      relation: thread.relation,
      addsOrRemoves: thread.rank === SYMBOL_RANK.addsOrRemoves || undefined,
      source: head?.source ?? 'bundled',
      series: thread.kind === 'thread' ? undefined : thread.title,
      version: versions[0]?.version,
      rootMessageId: thread.rootMessageId ?? this.rootOf(thread.messageId),
      summary,
      local: head?.local ?? false,
      kind: thread.kind,
      title: thread.title,
      versions,
      messages,
      cited: allIds.some((id) => cited.has(id)) || undefined,
    };
    const tree = inTree?.(
      versions.flatMap((v) => [v.messageId, ...(v.coverMessageId ? [v.coverMessageId] : [])]),
      thread.title,
    );
    if (tree) entry.inTree = tree;
    return entry;
  }
}
