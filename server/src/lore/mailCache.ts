import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { LoreLog, MailMessage } from './types';
import type { SkipReason } from './mail/limits';
import { MAX_SYMBOLS_PER_MESSAGE, type SymbolSink } from './symbolExtraction';

/**
 * The on-disk cache of what was extracted from one mail source (headers, files, symbols, patch-ids; no message
 * text), keyed by the source's size+mtime fingerprint, so a repeated `threads` call or a language-server restart
 * does not parse a 180 MB mbox again. One file per source:
 *
 *   line 1            header: format, source, fingerprint, limits key, message count, skip counts
 *   next N lines      one message record per line (JSON)
 *   the rest          the symbol table, one symbol per line: `name<TAB>code,code,...` (code = message number * 4 +
 *                     relation rank), read lazily: a lookup searches the raw bytes for `\nname\t`, so a query for
 *                     one symbol never parses the other few hundred thousand.
 *
 * Written while the source is parsed (the messages) and at its end (the symbols), then renamed into place.
 * Anything unexpected in a cache file (corrupt, other format, other limits) means "no cache": it is rebuilt.
 */

/** Bumped whenever what is extracted from a message changes (symbols, relations, fields): old caches are rebuilt. */
const FORMAT = 5; // 5: symbol ranks 0-3 (adds/removes, changes, review, mention)
/** Bytes reserved for the header line. */
const HEADER_BYTES = 8192;

interface CacheHeader {
  format: number;
  source: string;
  fingerprint: string;
  limitsKey: string;
  messages: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** One symbol table per part the source was parsed in (workers): its first message and its bytes. */
  sections: Array<{ base: number; bytes: number }>;
}

/** What a message record keeps: everything but the text and the per-message symbol list. */
export type CachedMessage = Omit<MailMessage, 'body' | 'bodyDropped' | 'source' | 'symbols'>;

export function cacheFileFor(cacheDir: string, source: string): string {
  return path.join(cacheDir, `${createHash('sha1').update(source).digest('hex').slice(0, 24)}.mailidx`);
}

/** Symbol → hit codes of one source, from a parse (a Map) or from a cache file (raw bytes searched on demand). */
export interface SymbolTable {
  hits(symbol: string): number[];
  /** Every symbol with its codes (cache writing, tests). */
  entries(): Iterable<[string, number[]]>;
  /** The table as cache-section bytes (`name\tcodes\n` lines), when it is held that way already. */
  raw?(): Buffer;
}

/** A table over cache-section bytes (`name\tcode,code\n` lines), as a parse worker sends it. */
export function symbolTableFromBytes(lines: Buffer): SymbolTable {
  return new CachedSymbolTable(Buffer.concat([Buffer.from('\n'), lines]));
}

/** The cache-section bytes of a table. */
export function symbolTableBytes(table: SymbolTable): Buffer {
  const existing = table.raw?.();
  if (existing) return existing;
  const lines: string[] = [];
  for (const [symbol, codes] of table.entries()) {
    if (!symbol.includes('\n') && !symbol.includes('\t')) lines.push(`${symbol}\t${codes.join(',')}\n`);
  }
  return Buffer.from(lines.join(''));
}

/**
 * The table a parse fills: also the SymbolSink of each message (`begin(number)` then `add(symbol, rank)`), which
 * dedupes a message's repeated symbols by looking at the last code of the symbol's list.
 */
export class MapSymbolTable implements SymbolTable, SymbolSink {
  readonly map = new Map<string, number[]>();
  private current = 0;
  private distinct = 0;

  begin(messageNumber: number): void {
    this.current = messageNumber;
    this.distinct = 0;
  }

  add(symbol: string, rank: number): void {
    const code = this.current * 4 + rank;
    const codes = this.map.get(symbol);
    if (!codes) {
      if (this.distinct++ < MAX_SYMBOLS_PER_MESSAGE) this.map.set(symbol, [code]);
      return;
    }
    const last = codes[codes.length - 1];
    if (last >> 2 === this.current) {
      if (rank < (last & 3)) codes[codes.length - 1] = code;
    } else if (this.distinct++ < MAX_SYMBOLS_PER_MESSAGE) {
      codes.push(code);
    }
  }

  /** Drops the codes of the current message (it was skipped after its symbols were collected). */
  rollback(): void {
    for (const [symbol, codes] of this.map) {
      while (codes.length > 0 && codes[codes.length - 1] >> 2 === this.current) codes.pop();
      if (codes.length === 0) this.map.delete(symbol);
    }
  }

  hits(symbol: string): number[] {
    return this.map.get(symbol) ?? [];
  }

  entries(): Iterable<[string, number[]]> {
    return this.map.entries();
  }
}

/** Lookups before the raw table is turned into a Map (an editor asks for many symbols, the CLI for one). */
const LOOKUPS_BEFORE_MAP = 32;

class CachedSymbolTable implements SymbolTable {
  private lookups = 0;
  private map: Map<string, number[]> | undefined;

  /** `bytes` starts with a newline and holds `name\tcodes\n` lines. */
  constructor(private readonly bytes: Buffer) {}

  raw(): Buffer {
    return this.bytes.subarray(1);
  }

  hits(symbol: string): number[] {
    if (this.map) return this.map.get(symbol) ?? [];
    if (++this.lookups > LOOKUPS_BEFORE_MAP) {
      this.map = new Map(this.entries());
      return this.map.get(symbol) ?? [];
    }
    const found = this.bytes.indexOf(`\n${symbol}\t`);
    if (found < 0 || symbol.includes('\n') || symbol.includes('\t')) return [];
    const start = found + 2 + Buffer.byteLength(symbol);
    const end = this.bytes.indexOf(0x0a, start);
    return parseCodes(this.bytes.toString('latin1', start, end < 0 ? this.bytes.length : end));
  }

  *entries(): Iterable<[string, number[]]> {
    const text = this.bytes.toString('utf8');
    let position = 1;
    while (position < text.length) {
      const newline = text.indexOf('\n', position);
      const end = newline < 0 ? text.length : newline;
      const tab = text.indexOf('\t', position);
      if (tab > position && tab < end) yield [text.slice(position, tab), parseCodes(text.slice(tab + 1, end))];
      position = end + 1;
    }
  }
}

function parseCodes(text: string): number[] {
  const codes: number[] = [];
  for (const part of text.split(',')) {
    const code = Number(part);
    if (Number.isInteger(code) && code >= 0) codes.push(code);
  }
  return codes;
}

export interface CachedSource {
  messages: MailMessage[];
  /** Symbol tables, each numbering messages from `base` (the source's first message is 0). */
  parts: Array<{ base: number; symbols: SymbolTable }>;
  skipped: Map<SkipReason, number>;
}

export function readCachedSource(
  cacheDir: string,
  source: string,
  fingerprint: string,
  limitsKey: string,
  log: LoreLog,
): CachedSource | undefined {
  const file = cacheFileFor(cacheDir, source);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log(`mail: cache ${file} unreadable (${(error as Error).message}); re-reading ${source}`);
    return undefined;
  }
  try {
    let position = bytes.indexOf(0x0a);
    if (position < 0) throw new Error('no header line');
    const header = JSON.parse(bytes.toString('utf8', 0, position)) as CacheHeader;
    if (header.format !== FORMAT || header.source !== source || header.limitsKey !== limitsKey) {
      log(`mail: cache ${file} is from another version or source; re-reading ${source}`);
      return undefined;
    }
    if (header.fingerprint !== fingerprint) return undefined; // the source changed: the normal case, no log line
    const messages: MailMessage[] = [];
    for (let i = 0; i < header.messages; i++) {
      const end = bytes.indexOf(0x0a, position + 1);
      if (end < 0) throw new Error(`message ${i + 1} missing`);
      const cached = JSON.parse(bytes.toString('utf8', position + 1, end)) as CachedMessage;
      if (typeof cached.messageId !== 'string' || !Array.isArray(cached.files) || !Array.isArray(cached.references))
        throw new Error(`message ${i + 1}`);
      messages.push({ ...cached, source, body: '', bodyDropped: true, symbols: [] });
      position = end;
    }
    const skipped = new Map<SkipReason, number>();
    for (const [reason, count] of Object.entries(header.skipped ?? {})) skipped.set(reason as SkipReason, count);
    // Each symbol section keeps the newline before it, so every name is found as `\nname\t`.
    const parts: CachedSource['parts'] = [];
    let sectionStart = position;
    for (const section of header.sections ?? []) {
      const end = sectionStart + section.bytes;
      if (!Number.isInteger(section.base) || end > bytes.length) throw new Error('symbol section out of range');
      parts.push({ base: section.base, symbols: new CachedSymbolTable(bytes.subarray(sectionStart, end + 1)) });
      sectionStart = end;
    }
    if (parts.length === 0) throw new Error('no symbol section');
    return { messages, parts, skipped };
  } catch (error) {
    log(`mail: cache ${file} is damaged (${(error as Error).message}); re-reading ${source}`);
    return undefined;
  }
}

/** Streams one source's extraction into a temporary file; `commit` adds the symbols and renames it into place. */
export class CacheWriter {
  private fd: number | undefined;
  private readonly temporary: string;
  private readonly lines: string[] = [];
  private count = 0;

  constructor(
    private readonly cacheDir: string,
    private readonly source: string,
    private readonly fingerprint: string,
    private readonly limitsKey: string,
    private readonly log: LoreLog,
  ) {
    this.temporary = `${cacheFileFor(cacheDir, source)}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      this.fd = fs.openSync(this.temporary, 'w');
      // Room for the header, written last (it holds the final message count and skip counts).
      fs.writeSync(this.fd, `${' '.repeat(HEADER_BYTES - 1)}\n`);
    } catch (error) {
      this.fail(error);
    }
  }

  add(message: MailMessage): void {
    if (this.fd === undefined) return;
    const {
      body: _body,
      bodyDropped: _dropped,
      source: _source,
      symbols: _symbols,
      ...rest
    } = message satisfies MailMessage;
    this.lines.push(JSON.stringify(rest satisfies CachedMessage));
    this.count++;
    // Written in batches: one write per message costs more than the parse of a small one.
    if (this.lines.length >= 512) this.flushLines();
  }

  commit(tables: Array<{ base: number; symbols: SymbolTable }>, skipped: Map<SkipReason, number>): void {
    if (this.fd === undefined) return;
    try {
      this.flushLines();
      const sections: CacheHeader['sections'] = [];
      for (const { base, symbols } of tables) {
        const bytes = symbolTableBytes(symbols);
        fs.writeSync(this.fd, bytes);
        sections.push({ base, bytes: bytes.length });
      }
      const header: CacheHeader = {
        format: FORMAT,
        source: this.source,
        fingerprint: this.fingerprint,
        limitsKey: this.limitsKey,
        messages: this.count,
        skipped: Object.fromEntries(skipped),
        sections,
      };
      const headerBytes = Buffer.from(JSON.stringify(header));
      if (headerBytes.length >= HEADER_BYTES) throw new Error('source path too long for the cache header');
      // JSON.parse ignores the spaces that pad the header line.
      fs.writeSync(this.fd, headerBytes, 0, headerBytes.length, 0);
      fs.closeSync(this.fd);
      this.fd = undefined;
      // Rename: a crash mid-write leaves the old cache or none, never half a file.
      fs.renameSync(this.temporary, cacheFileFor(this.cacheDir, this.source));
    } catch (error) {
      this.fail(error);
    }
  }

  abort(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.temporary, { force: true });
  }

  private flushLines(): void {
    if (this.fd === undefined || this.lines.length === 0) return;
    try {
      fs.writeSync(this.fd, `${this.lines.join('\n')}\n`);
      this.lines.length = 0;
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.log(`mail: cannot write cache for ${this.source}: ${(error as Error).message}`);
    this.abort();
  }
}
