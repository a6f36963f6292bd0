import * as fs from 'fs';
import * as path from 'path';
import type { ThreadRelation } from '../../../protocol';
import type { LoreLog, MailMessage } from './types';
import { DEFAULT_MAIL_LIMITS, limitsKey, SKIP_REASON_TEXT, type MailLimits, type SkipReason } from './mail/limits';
import { Worker } from 'worker_threads';
import * as os from 'os';
import { detectMailSourceKind, readMailSource, readMessageAt, splitPoints } from './mail/mailReader';
import type { ParseRequest, ParseResponse } from './mail/parseWorker';
import { parsePart, type ParsedPart } from './sourceParser';
import { parseMail } from './mail/parseMail';
import { ThreadGraph } from './threading';
import { describeSweep, sweepStaleTemporaries } from '../base/tempFiles';
import { relationOfRank } from './symbolExtraction';
import { CacheWriter, readCachedSource, symbolTableFromBytes, type SymbolTable } from './mailCache';

/**
 * The user's local mail, read once: message records by Message-ID (headers, files, symbols, patch-id, a one-line
 * summary; no message text), the thread graph, and which messages are about which symbol. A thread view reads
 * the few messages it shows again from their byte offsets. Each source's extraction is cached on disk (keyed by
 * size and mtime), so an unchanged 180 MB mbox is parsed once.
 */

export interface MailIndexOptions extends MailLimits {
  /** Folder for the per-source extraction cache (mailCache.ts); undefined = no cache. */
  cacheDir?: string;
  /** Parse workers for one large mbox; default 2 when a second core is idle; 1 = parse on this thread. */
  workers?: number;
  /** A plain mbox at least this large is parsed by workers, one range each (default 48 MiB). */
  parallelMinBytes?: number;
}

/** Below this, starting workers (each loads the parser) costs more than it saves. */
const PARALLEL_MIN_BYTES = 48 * 1024 * 1024;

/**
 * Two parse workers when a second core is idle, else one thread. Measured on the 189 MB generated archive
 * (docs/threads.md): one thread needs about 7.5 s of CPU and 440 MB; two workers split the CPU but peak at
 * about 560 MB (two heaps), and on a machine whose cores are busy (load 10-19 on 2 cores) they were slower
 * than one thread, so the load average decides.
 */
function defaultParseWorkers(): number {
  // For measurements (scripts/lore-archive/measure-mail.mjs): force one thread or N workers.
  const forced = Number(process.env.KML_MAIL_WORKERS);
  if (Number.isInteger(forced) && forced >= 1) return Math.min(forced, 8);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 && os.loadavg()[0] < cores - 0.5 ? 2 : 1;
}

/** The parse worker script: the bundle's dist/mailWorker.js, or the TypeScript source when the sources run. */
function parseWorkerScript(): string | undefined {
  const candidates = [path.join(__dirname, 'mailWorker.js'), path.join(__dirname, 'mail', 'parseWorker.ts')];
  return candidates.find((candidate) => fs.existsSync(candidate));
}

/** Only the limits travel to a worker (the options also hold functions and folders it does not need). */
function limitsOnly(options: MailIndexOptions): MailLimits {
  const { cacheDir: _cacheDir, workers: _workers, parallelMinBytes: _parallel, ...limits } = options;
  return limits;
}

export const DEFAULT_MAIL_INDEX_OPTIONS: MailIndexOptions = { ...DEFAULT_MAIL_LIMITS };

export interface SymbolHit {
  messageId: string;
  relation: ThreadRelation;
  /** SYMBOL_RANK: finer than the relation (a patch that adds or removes the name, or one that changes its uses). */
  rank: number;
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
    // What a killed cache write left (`<cache>.mailidx.<pid>.tmp` of a writer no longer running): removed first.
    if (index.options.cacheDir) {
      const swept = describeSweep(sweepStaleTemporaries(index.options.cacheDir, 0));
      if (swept) log(`mail cache: ${swept}`);
    }
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
        for (const part of cached.parts) index.parts.push({ base: base + part.base, symbols: part.symbols });
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

  /** Parses one source (a large plain mbox in parallel parts); false when cancelled. */
  private async parseSource(
    source: string,
    fingerprint: string,
    key: string,
    isCancelled?: () => boolean,
  ): Promise<boolean> {
    const parts = (await this.parseInWorkers(source)) ?? [
      await parsePart(
        source,
        (sink) => readMailSource(source, this.log, this.options, sink),
        this.options,
        MAX_NOTES_PER_SOURCE,
        isCancelled,
      ),
    ];
    const skipped = new Map<SkipReason, number>();
    let notes = 0;
    let moreNotes = 0;
    const tables: Array<{ base: number; symbols: SymbolTable }> = [];
    const sourceBase = this.ordered.length;
    for (const part of parts) {
      for (const text of part.notes) {
        if (++notes <= MAX_NOTES_PER_SOURCE) this.log(text);
        else moreNotes++;
      }
      moreNotes += part.moreNotes;
      for (const [reason, count] of part.skipped) skipped.set(reason, (skipped.get(reason) ?? 0) + count);
      const base = this.ordered.length;
      for (const message of part.messages) this.add(message);
      this.parts.push({ base, symbols: part.symbols });
      tables.push({ base: base - sourceBase, symbols: part.symbols });
    }
    if (moreNotes > 0) this.log(`mail: ${source}: ${moreNotes} more notes like the ones above not shown`);
    for (const [reason, count] of skipped) this.log(`mail: ${source}: ${count} message(s) ${SKIP_REASON_TEXT[reason]}`);
    this.countSkips(skipped);
    const cancelled = parts.some((part) => part.cancelled);
    const count = this.ordered.length - sourceBase;
    const cacheDir = this.options.cacheDir;
    if (cacheDir && fingerprint !== 'missing' && !cancelled && count > 0) {
      const writer = new CacheWriter(cacheDir, source, fingerprint, key, this.log);
      for (let i = sourceBase; i < this.ordered.length; i++) writer.add(this.ordered[i]);
      writer.commit(tables, skipped);
    }
    return !cancelled;
  }

  /**
   * A plain mbox larger than `parallelMinBytes` is cut at message boundaries into one range per worker (up to
   * the cores); each worker parses its range. Undefined when that does not apply or workers cannot start: the
   * caller then reads the source on this thread.
   */
  private async parseInWorkers(source: string): Promise<ParsedPart[] | undefined> {
    const workers = this.options.workers ?? defaultParseWorkers();
    if (workers < 2 || detectMailSourceKind(source) !== 'mbox') return undefined;
    let size: number;
    try {
      size = fs.statSync(source).size;
    } catch {
      return undefined;
    }
    const minBytes = this.options.parallelMinBytes ?? PARALLEL_MIN_BYTES;
    if (size < minBytes) return undefined;
    const script = parseWorkerScript();
    if (!script) return undefined;
    const ranges = splitPoints(source, Math.min(workers, Math.ceil(size / minBytes) + 1));
    if (ranges.length < 2) return undefined;
    try {
      return await Promise.all(ranges.map((range) => this.parseRangeInWorker(script, source, range)));
    } catch (error) {
      this.log(`mail: ${source}: parse workers failed (${(error as Error).message}); reading it on one thread`);
      return undefined;
    }
  }

  private parseRangeInWorker(script: string, file: string, range: { start: number; end: number }): Promise<ParsedPart> {
    return new Promise((resolve, reject) => {
      const worker = script.endsWith('.ts')
        ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script)});`, { eval: true })
        : new Worker(script);
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        action();
      };
      worker.on('message', (response: ParseResponse | { error: string }) => {
        if ('error' in response) return settle(() => reject(new Error(response.error)));
        for (const line of response.logs) this.log(line);
        const symbols = symbolTableFromBytes(
          Buffer.from(response.symbols.buffer, response.symbols.byteOffset, response.symbols.byteLength),
        );
        settle(() =>
          resolve({
            messages: response.messages,
            symbols,
            skipped: new Map(response.skipped),
            notes: response.notes,
            moreNotes: response.moreNotes,
            cancelled: false,
          }),
        );
      });
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', (code) => settle(() => reject(new Error(`parse worker exited (${code})`))));
      const request: ParseRequest = {
        file,
        start: range.start,
        end: range.end,
        limits: limitsOnly(this.options),
        maxNotes: MAX_NOTES_PER_SOURCE,
      };
      worker.postMessage(request);
    });
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
    return [...best].map(([messageId, rank]) => ({ messageId, relation: relationOfRank(rank), rank }));
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
  /** The last index that finished loading, and the key it was loaded for. */
  private loaded: { key: string; index: MailIndex } | undefined;

  constructor(
    private readonly log: LoreLog,
    private readonly options: Partial<MailIndexOptions> = {},
  ) {}

  get(sources: string[]): Promise<MailIndex> {
    const key = JSON.stringify(sources.map((source) => [source, sourceFingerprint(source)]));
    if (key !== this.key) {
      this.key = key;
      this.current = MailIndex.load(sources, this.log, this.options).then((index) => {
        this.loaded = { key, index };
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

  /**
   * The index for these sources if it is loaded, without waiting (`pending: false`); otherwise the last one that
   * was (or an empty one) with `pending: true`, and loading starts. For answers that cannot wait (a hover).
   */
  peek(sources: string[]): { index: MailIndex; pending: boolean } {
    const promise = this.get(sources);
    void promise.catch(() => undefined);
    if (this.loaded && this.loaded.key === this.key) return { index: this.loaded.index, pending: false };
    return { index: this.loaded?.index ?? MailIndex.empty(), pending: true };
  }
}
