import * as fs from 'fs';
import * as path from 'path';
import type { ThreadRelation } from '../../../protocol';
import type { LoreLog, MailMessage } from './types';
import { DEFAULT_MAIL_LIMITS, readMailSource, type MailReadLimits } from './mailSources';
import { parseRawMail } from './parseMessage';
import { ThreadGraph } from './threading';
import { CacheWriter, readCachedSource } from './mailCache';
import { relationRank } from './symbolExtraction';

const RELATIONS: ThreadRelation[] = ['patch', 'review', 'mention'];

/**
 * The user's local mail, parsed once: messages by Message-ID, the thread graph, and which messages are about
 * which symbol. Bodies are kept up to a total budget; past it only headers and symbols stay in memory and a
 * thread view re-reads the few messages it shows.
 */

export interface MailIndexOptions extends MailReadLimits {
  /** Total body characters kept in memory across all messages. */
  maxRetainedBodyChars: number;
  /** Folder for the per-source extraction cache (mailCache.ts); undefined = no cache. */
  cacheDir?: string;
}

export const DEFAULT_MAIL_INDEX_OPTIONS: MailIndexOptions = {
  ...DEFAULT_MAIL_LIMITS,
  maxRetainedBodyChars: 32 * 1024 * 1024,
};

export interface SymbolHit {
  messageId: string;
  relation: ThreadRelation;
}

export interface MailIndexStats {
  sources: number;
  messages: number;
  duplicates: number;
  withoutMessageId: number;
  droppedBodies: number;
  /** Messages taken from the extraction cache instead of being parsed. */
  fromCache: number;
}

export class MailIndex {
  readonly messages = new Map<string, MailMessage>();
  /** Message number (index in `ordered`) * 4 + relation rank, per symbol: small integers, not objects, because a
   *  100 MB mailbox has a few hundred thousand distinct symbols and millions of hits. */
  private readonly bySymbol = new Map<string, number[]>();
  private readonly ordered: MailMessage[] = [];
  private graph: ThreadGraph = new ThreadGraph([]);
  readonly stats: MailIndexStats = {
    sources: 0,
    messages: 0,
    duplicates: 0,
    withoutMessageId: 0,
    droppedBodies: 0,
    fromCache: 0,
  };
  private retainedBodyChars = 0;

  private constructor(
    private readonly options: MailIndexOptions,
    private readonly log: LoreLog,
  ) {}

  static empty(): MailIndex {
    return new MailIndex(DEFAULT_MAIL_INDEX_OPTIONS, () => undefined);
  }

  /** Reads every source in order; a broken source is logged and skipped, never fatal. */
  static async load(
    sources: string[],
    log: LoreLog,
    options: Partial<MailIndexOptions> = {},
    isCancelled?: () => boolean,
  ): Promise<MailIndex> {
    const index = new MailIndex({ ...DEFAULT_MAIL_INDEX_OPTIONS, ...options }, log);
    const limitsKey = `${index.options.maxMessageBytes}:${index.options.maxMessagesPerSource}`;
    for (const source of sources) {
      if (isCancelled?.()) break;
      index.stats.sources++;
      const fingerprint = sourceFingerprint(source);
      const cacheDir = index.options.cacheDir;
      const cached =
        cacheDir && fingerprint !== 'missing'
          ? readCachedSource(cacheDir, source, fingerprint, limitsKey, log)
          : undefined;
      if (cached) {
        for (const message of cached) index.add(message);
        index.stats.fromCache += cached.length;
        continue;
      }
      // Written before add() empties each message's symbol list; committed only for a completely read source.
      const writer =
        cacheDir && fingerprint !== 'missing'
          ? new CacheWriter(cacheDir, source, fingerprint, limitsKey, log)
          : undefined;
      let cancelled = false;
      let count = 0;
      for await (const raw of readMailSource(source, log, index.options)) {
        if (isCancelled?.()) {
          cancelled = true;
          break;
        }
        const message = await parseRawMail(raw, log);
        if (!message) continue;
        writer?.add(message);
        index.add(message);
        count++;
      }
      if (cancelled || count === 0) writer?.abort();
      else writer?.commit();
    }
    index.graph = new ThreadGraph(
      [...index.messages.values()].map((m) => ({ messageId: m.messageId, references: m.references, date: m.date })),
    );
    if (index.stats.droppedBodies > index.stats.fromCache) {
      log(
        `mail: kept message text within ${index.options.maxRetainedBodyChars} characters; ${index.stats.droppedBodies} bodies are re-read on demand`,
      );
    }
    return index;
  }

  private add(message: MailMessage): void {
    if (this.messages.has(message.messageId)) {
      this.stats.duplicates++;
      return;
    }
    if (message.synthesisedId) this.stats.withoutMessageId++;
    if (message.bodyDropped) {
      this.stats.droppedBodies++;
    } else if (this.retainedBodyChars + message.body.length > this.options.maxRetainedBodyChars) {
      message.body = '';
      message.bodyDropped = true;
      this.stats.droppedBodies++;
    } else {
      this.retainedBodyChars += message.body.length;
    }
    const number = this.ordered.length;
    this.ordered.push(message);
    this.messages.set(message.messageId, message);
    this.stats.messages++;
    for (const { symbol, relation } of message.symbols) {
      let hits = this.bySymbol.get(symbol);
      if (!hits) this.bySymbol.set(symbol, (hits = []));
      hits.push(number * 4 + relationRank(relation));
    }
    // The per-message lists live on in bySymbol; keeping them twice would double the index's memory.
    message.symbols = [];
  }

  symbolHits(symbol: string): SymbolHit[] {
    return (this.bySymbol.get(symbol) ?? []).map((code) => ({
      messageId: this.ordered[code >> 2].messageId,
      relation: RELATIONS[code & 3],
    }));
  }

  get threads(): ThreadGraph {
    return this.graph;
  }

  /** The message with its body, re-reading the source when the body was dropped for memory. */
  async withBody(message: MailMessage): Promise<MailMessage> {
    if (!message.bodyDropped) return message;
    let position = 0;
    for await (const raw of readMailSource(message.source, this.log, this.options)) {
      if (raw.position === message.position) {
        const parsed = await parseRawMail(raw, this.log);
        return parsed ?? message;
      }
      position = raw.position;
    }
    this.log(`mail: ${message.source}: message ${message.messageId} no longer found (read ${position + 1} messages)`);
    return message;
  }

  /** Like withBody for many messages: one pass per source instead of one per message. */
  async withBodies(messages: MailMessage[]): Promise<MailMessage[]> {
    const wanted = new Map<string, Map<number, MailMessage>>();
    for (const message of messages) {
      if (!message.bodyDropped) continue;
      let positions = wanted.get(message.source);
      if (!positions) wanted.set(message.source, (positions = new Map()));
      positions.set(message.position, message);
    }
    const reread = new Map<string, MailMessage>();
    for (const [source, positions] of wanted) {
      let remaining = positions.size;
      for await (const raw of readMailSource(source, this.log, this.options)) {
        const stored = positions.get(raw.position);
        if (!stored) continue;
        const parsed = await parseRawMail(raw, this.log);
        if (parsed) reread.set(stored.messageId, parsed);
        if (--remaining === 0) break;
      }
    }
    return messages.map((message) => reread.get(message.messageId) ?? message);
  }
}

/** Fingerprint of a source, so an unchanged mbox/maildir is not parsed again. */
export function sourceFingerprint(source: string): string {
  try {
    const stat = fs.statSync(source);
    if (!stat.isDirectory()) return `${stat.size}:${stat.mtimeMs}`;
    // A maildir changes when files land in cur/ or new/: their mtimes move.
    const parts = ['cur', 'new'].map((sub) => {
      try {
        return String(fs.statSync(path.join(source, sub)).mtimeMs);
      } catch {
        return '-';
      }
    });
    return `dir:${parts.join(':')}`;
  } catch {
    return 'missing';
  }
}

/** Keeps one MailIndex for the configured sources and rebuilds it only when a source's size/mtime changes. */
export class MailIndexCache {
  private key = '';
  private current: Promise<MailIndex> = Promise.resolve(MailIndex.empty());

  constructor(
    private readonly log: LoreLog,
    private readonly options: Partial<MailIndexOptions> = {},
  ) {}

  get(sources: string[]): Promise<MailIndex> {
    const key = JSON.stringify(sources.map((source) => [source, sourceFingerprint(source)]));
    if (key !== this.key) {
      this.key = key;
      this.current = MailIndex.load(sources, this.log, this.options).then((index) => {
        const s = index.stats;
        this.log(
          `mail: indexed ${s.messages} messages from ${s.sources} source(s) (${s.fromCache} from cache, ${s.duplicates} duplicates, ${s.withoutMessageId} without Message-ID)`,
        );
        return index;
      });
    }
    return this.current;
  }
}
