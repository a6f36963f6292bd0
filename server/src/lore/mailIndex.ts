import * as fs from 'fs';
import * as path from 'path';
import type { ThreadRelation } from '../../../protocol';
import type { LoreLog, MailMessage } from './types';
import { DEFAULT_MAIL_LIMITS, readMailSource, type MailReadLimits } from './mailSources';
import { parseRawMail } from './parseMessage';
import { ThreadGraph } from './threading';

/**
 * The user's local mail, parsed once: messages by Message-ID, the thread graph, and which messages are about
 * which symbol. Bodies are kept up to a total budget; past it only headers and symbols stay in memory and a
 * thread view re-reads the few messages it shows.
 */

export interface MailIndexOptions extends MailReadLimits {
  /** Total body characters kept in memory across all messages. */
  maxRetainedBodyChars: number;
}

export const DEFAULT_MAIL_INDEX_OPTIONS: MailIndexOptions = { ...DEFAULT_MAIL_LIMITS, maxRetainedBodyChars: 64 * 1024 * 1024 };

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
}

export class MailIndex {
  readonly messages = new Map<string, MailMessage>();
  private readonly bySymbol = new Map<string, SymbolHit[]>();
  private graph: ThreadGraph = new ThreadGraph([]);
  readonly stats: MailIndexStats = { sources: 0, messages: 0, duplicates: 0, withoutMessageId: 0, droppedBodies: 0 };
  private retainedBodyChars = 0;

  private constructor(private readonly options: MailIndexOptions, private readonly log: LoreLog) {}

  static empty(): MailIndex {
    return new MailIndex(DEFAULT_MAIL_INDEX_OPTIONS, () => undefined);
  }

  /** Reads every source in order; a broken source is logged and skipped, never fatal. */
  static async load(sources: string[], log: LoreLog, options: Partial<MailIndexOptions> = {}, isCancelled?: () => boolean): Promise<MailIndex> {
    const index = new MailIndex({ ...DEFAULT_MAIL_INDEX_OPTIONS, ...options }, log);
    for (const source of sources) {
      if (isCancelled?.()) break;
      index.stats.sources++;
      for await (const raw of readMailSource(source, log, index.options)) {
        if (isCancelled?.()) break;
        const message = await parseRawMail(raw, log);
        if (message) index.add(message);
      }
    }
    index.graph = new ThreadGraph([...index.messages.values()].map((m) => ({ messageId: m.messageId, references: m.references, date: m.date })));
    if (index.stats.droppedBodies > 0) {
      log(`mail: kept message text within ${index.options.maxRetainedBodyChars} characters; ${index.stats.droppedBodies} bodies are re-read on demand`);
    }
    return index;
  }

  private add(message: MailMessage): void {
    if (this.messages.has(message.messageId)) {
      this.stats.duplicates++;
      return;
    }
    if (message.synthesisedId) this.stats.withoutMessageId++;
    if (this.retainedBodyChars + message.body.length > this.options.maxRetainedBodyChars) {
      message.body = '';
      message.bodyDropped = true;
      this.stats.droppedBodies++;
    } else {
      this.retainedBodyChars += message.body.length;
    }
    this.messages.set(message.messageId, message);
    this.stats.messages++;
    for (const { symbol, relation } of message.symbols) {
      let hits = this.bySymbol.get(symbol);
      if (!hits) this.bySymbol.set(symbol, (hits = []));
      hits.push({ messageId: message.messageId, relation });
    }
  }

  symbolHits(symbol: string): SymbolHit[] {
    return this.bySymbol.get(symbol) ?? [];
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

  constructor(private readonly log: LoreLog, private readonly options: Partial<MailIndexOptions> = {}) {}

  get(sources: string[]): Promise<MailIndex> {
    const key = JSON.stringify(sources.map((source) => [source, sourceFingerprint(source)]));
    if (key !== this.key) {
      this.key = key;
      this.current = MailIndex.load(sources, this.log, this.options).then((index) => {
        const s = index.stats;
        this.log(`mail: indexed ${s.messages} messages from ${s.sources} source(s) (${s.duplicates} duplicates, ${s.withoutMessageId} without Message-ID)`);
        return index;
      });
    }
    return this.current;
  }
}
