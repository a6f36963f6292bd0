import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { ThreadRelation } from '../../../protocol';
import type { LoreLog, MailMessage, SymbolMention } from './types';

/**
 * A small on-disk cache of what was extracted from one mail source (headers, files, symbols; no message text),
 * keyed by the source's size+mtime fingerprint, so a language server restart does not parse a 100 MB mbox again.
 * Written as JSON lines while the source is parsed (no second copy of the index in memory), then renamed into
 * place. Anything unexpected in a cache file (corrupt, other format, other limits) means "no cache": it is rebuilt.
 */

const FORMAT = 2;

interface CacheHeader {
  format: number;
  source: string;
  fingerprint: string;
  limitsKey: string;
}

/** One message per line; symbols grouped by relation, which is far smaller than one object per symbol. */
interface CachedMessage extends Omit<MailMessage, 'body' | 'bodyDropped' | 'source' | 'symbols'> {
  patch: string[];
  review: string[];
  mention: string[];
}

export function cacheFileFor(cacheDir: string, source: string): string {
  return path.join(cacheDir, `${createHash('sha1').update(source).digest('hex').slice(0, 24)}.jsonl`);
}

export function readCachedSource(
  cacheDir: string,
  source: string,
  fingerprint: string,
  limitsKey: string,
  log: LoreLog,
): MailMessage[] | undefined {
  const file = cacheFileFor(cacheDir, source);
  let lines: string[];
  try {
    lines = fs.readFileSync(file, 'utf8').split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log(`mail: cache ${file} unreadable (${(error as Error).message}); re-reading ${source}`);
    return undefined;
  }
  try {
    const header = JSON.parse(lines[0]) as CacheHeader;
    if (header.format !== FORMAT || header.source !== source || header.limitsKey !== limitsKey) {
      log(`mail: cache ${file} is from another version or source; re-reading ${source}`);
      return undefined;
    }
    if (header.fingerprint !== fingerprint) return undefined; // the source changed: the normal case, no log line
    const messages: MailMessage[] = [];
    for (let i = 1; i < lines.length; i++) {
      if (!lines[i]) continue;
      const cached = JSON.parse(lines[i]) as CachedMessage;
      if (typeof cached.messageId !== 'string' || !Array.isArray(cached.files) || !Array.isArray(cached.references))
        throw new Error(`line ${i + 1}`);
      const { patch, review, mention, ...rest } = cached;
      const symbols: SymbolMention[] = [];
      const push = (names: unknown, relation: ThreadRelation) => {
        if (Array.isArray(names))
          for (const symbol of names) if (typeof symbol === 'string') symbols.push({ symbol, relation });
      };
      push(patch, 'patch');
      push(review, 'review');
      push(mention, 'mention');
      messages.push({ ...rest, symbols, source, body: '', bodyDropped: true });
    }
    return messages;
  } catch (error) {
    log(`mail: cache ${file} is damaged (${(error as Error).message}); re-reading ${source}`);
    return undefined;
  }
}

/** Streams one source's extraction into a temporary file; `commit` renames it into place, `abort` removes it. */
export class CacheWriter {
  private fd: number | undefined;
  private readonly temporary: string;

  constructor(
    private readonly cacheDir: string,
    private readonly source: string,
    fingerprint: string,
    limitsKey: string,
    private readonly log: LoreLog,
  ) {
    this.temporary = `${cacheFileFor(cacheDir, source)}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      this.fd = fs.openSync(this.temporary, 'w');
      this.write({ format: FORMAT, source, fingerprint, limitsKey } satisfies CacheHeader);
    } catch (error) {
      this.fail(error);
    }
  }

  add(message: MailMessage): void {
    if (this.fd === undefined) return;
    const { body: _body, bodyDropped: _dropped, source: _source, symbols, ...rest } = message;
    const byRelation = (relation: ThreadRelation) =>
      symbols.filter((s) => s.relation === relation).map((s) => s.symbol);
    this.write({
      ...rest,
      patch: byRelation('patch'),
      review: byRelation('review'),
      mention: byRelation('mention'),
    } satisfies CachedMessage);
  }

  commit(): void {
    if (this.fd === undefined) return;
    try {
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

  private write(value: object): void {
    try {
      fs.writeSync(this.fd!, `${JSON.stringify(value)}\n`);
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.log(`mail: cannot write cache for ${this.source}: ${(error as Error).message}`);
    this.abort();
  }
}
