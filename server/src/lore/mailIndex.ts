import * as fs from 'fs';
import * as path from 'path';
import type { ThreadRelation } from '../../../protocol';
import type { LoreLog, MailMessage } from './types';
import { DEFAULT_MAIL_LIMITS, limitsKey, SKIP_REASON_TEXT, type MailLimits, type SkipReason } from './mail/limits';
import { readMailSource, readMessageAt } from './mail/mailReader';
import { parseMail } from './mail/parseMail';
import { ThreadGraph } from './threading';
import { CacheWriter, MapSymbolTable, readCachedSource, type SymbolTable } from './mailCache';

const RELATIONS: ThreadRelation[] = ['patch', 'review', 'mention'];

/**
 * The user's local mail, read once: message records by Message-ID (headers, files, symbols, patch-id, a one-line
 * summary; no message text), the thread graph, and which messages are about which symbol. A thread view reads
 * the few messages it shows again from their byte offsets. Each source's extraction is cached on disk (keyed by
 * size and mtime), so an unchanged 180 MB mbox is parsed once.
 */

export interface MailIndexOptions extends MailLimits {
  /** Folder for the per-source extraction cache (mailCache.ts); undefined = no cache. */
  cacheDir?: string;
}

export const DEFAULT_MAIL_INDEX_OPTIONS: MailIndexOptions = { ...DEFAULT_MAIL_LIMITS };

export interface SymbolHit {
  messageId: string;
  relation: ThreadRelation;
}

export interface MailIndexStats {
  sources: number;
  messages: number;
  duplicates: number;
  withoutMessageId: number;
  /** Messages taken from the extraction cache instead of being parsed. */
  fromCache: number;
  /** Messages left out (or cut) per reason, over all sources. */
  skipped: Partial<Record<SkipReason, number>>;
}

/** Per-message log lines kept per source; the rest is counted in one line. */
const MAX_NOTES_PER_SOURCE = 20;

interface SourcePart {
  /** Index of the source's first message in `ordered`. */
  base: number;
  symbols: SymbolTable;
}

export class MailIndex {
  /** The first copy of each Message-ID. */
  readonly messages = new Map<string, MailMessage>();
  /** Every message read, duplicates included, in source order: symbol codes point into it. */
  private readonly ordered: MailMessage[] = [];
  private readonly parts: SourcePart[] = [];
  private graph: ThreadGraph = new ThreadGraph([]);
  readonly stats: MailIndexStats = {
    sources: 0,
    messages: 0,
    duplicates: 0,
    withoutMessageId: 0,
    fromCache: 0,
    skipped: {},
  };

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
    const key = limitsKey(index.options);
    for (const source of sources) {
      if (isCancelled?.()) break;
      index.stats.sources++;
      const fingerprint = sourceFingerprint(source);
      const cacheDir = index.options.cacheDir;
      const cached =
        cacheDir && fingerprint !== 'missing' ? readCachedSource(cacheDir, source, fingerprint, key, log) : undefined;
      if (cached) {
        const base = index.ordered.length;
        for (const message of cached.messages) index.add(message);
        index.parts.push({ base, symbols: cached.symbols });
        index.stats.fromCache += cached.messages.length;
        index.countSkips(cached.skipped);
        continue;
      }
      const done = await index.parseSource(source, fingerprint, key, isCancelled);
      if (!done) break;
    }
    index.graph = new ThreadGraph(
      [...index.messages.values()].map((m) => ({ messageId: m.messageId, references: m.references, date: m.date })),
    );
    return index;
  }

  /** Parses one source; false when cancelled. */
  private async parseSource(
    source: string,
    fingerprint: string,
    key: string,
    isCancelled?: () => boolean,
  ): Promise<boolean> {
    const cacheDir = this.options.cacheDir;
    const writer =
      cacheDir && fingerprint !== 'missing' ? new CacheWriter(cacheDir, source, fingerprint, key, this.log) : undefined;
    const base = this.ordered.length;
    const symbols = new MapSymbolTable();
    const skipped = new Map<SkipReason, number>();
    let notes = 0;
    let cancelled = false;
    let parsed = 0;
    const note = (text: string): void => {
      if (++notes <= MAX_NOTES_PER_SOURCE) this.log(text);
    };
    const report = await readMailSource(source, this.log, this.options, ({ content, location }) => {
      if (isCancelled?.()) {
        cancelled = true;
        return false;
      }
      const number = this.ordered.length - base;
      symbols.begin(number);
      const outcome = parseMail(content, location, this.options, {
        mboxrd: location.file === undefined,
        symbolSink: symbols,
      });
      if ('skipped' in outcome) {
        symbols.rollback();
        skipped.set(outcome.skipped, (skipped.get(outcome.skipped) ?? 0) + 1);
        note(
          `mail: ${source} at byte ${location.offset}${location.file ? ` (${location.file})` : ''}: ${SKIP_REASON_TEXT[outcome.skipped]}`,
        );
        return true;
      }
      const message = outcome.message;
      if (message.synthesisedId)
        note(
          `mail: ${source} at byte ${location.offset}: no Message-ID ("${message.subject.slice(0, 80)}"); using ${message.messageId}`,
        );
      // The index keeps no text: a thread view reads the message again from its offset.
      message.symbols = [];
      message.body = '';
      message.bodyDropped = true;
      writer?.add(message);
      this.add(message);
      parsed++;
      return true;
    });
    for (const [reason, count] of report.skipped) skipped.set(reason, (skipped.get(reason) ?? 0) + count);
    if (notes > MAX_NOTES_PER_SOURCE)
      this.log(`mail: ${source}: ${notes - MAX_NOTES_PER_SOURCE} more notes like the ones above not shown`);
    for (const [reason, count] of skipped) this.log(`mail: ${source}: ${count} message(s) ${SKIP_REASON_TEXT[reason]}`);
    this.parts.push({ base, symbols });
    this.countSkips(skipped);
    if (cancelled || parsed === 0) writer?.abort();
    else writer?.commit(symbols, skipped);
    return !cancelled;
  }

  private countSkips(skipped: Map<SkipReason, number>): void {
    for (const [reason, count] of skipped) this.stats.skipped[reason] = (this.stats.skipped[reason] ?? 0) + count;
  }

  private add(message: MailMessage): void {
    this.ordered.push(message);
    if (this.messages.has(message.messageId)) {
      this.stats.duplicates++;
      return;
    }
    if (message.synthesisedId) this.stats.withoutMessageId++;
    this.messages.set(message.messageId, message);
    this.stats.messages++;
  }

  /** Messages about `symbol`, with how they relate to it; a message seen twice (duplicate copies) once. */
  symbolHits(symbol: string): SymbolHit[] {
    const best = new Map<string, number>();
    for (const part of this.parts) {
      for (const code of part.symbols.hits(symbol)) {
        const message = this.ordered[part.base + (code >> 2)];
        if (!message) continue;
        const rank = code & 3;
        const previous = best.get(message.messageId);
        if (previous === undefined || rank < previous) best.set(message.messageId, rank);
      }
    }
    return [...best].map(([messageId, rank]) => ({ messageId, relation: RELATIONS[rank] }));
  }

  get threads(): ThreadGraph {
    return this.graph;
  }

  /** The message with its text, read again from its source; the record itself when the source changed. */
  async withBody(message: MailMessage): Promise<MailMessage> {
    if (!message.bodyDropped) return message;
    const raw = await readMessageAt(message, this.options);
    if (raw) {
      const parsed = parseMail(raw, message, this.options, { mboxrd: message.file === undefined });
      if ('message' in parsed && parsed.message.messageId === message.messageId) return parsed.message;
    }
    this.log(`mail: ${message.source}: message ${message.messageId} is no longer where it was (the source changed)`);
    return message;
  }

  async withBodies(messages: MailMessage[]): Promise<MailMessage[]> {
    const out: MailMessage[] = [];
    for (const message of messages) out.push(await this.withBody(message));
    return out;
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
        if (s.sources > 0)
          this.log(
            `mail: indexed ${s.messages} messages from ${s.sources} source(s) (${s.fromCache} from cache, ${s.duplicates} duplicates, ${s.withoutMessageId} without Message-ID)`,
          );
        return index;
      });
    }
    return this.current;
  }
}
