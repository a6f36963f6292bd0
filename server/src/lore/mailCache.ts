import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { LoreLog, MailMessage } from './types';

/**
 * A small on-disk cache of what was extracted from one mail source (headers, files, symbols; no message text),
 * keyed by the source's size+mtime fingerprint, so a language server restart does not parse a 100 MB mbox again.
 * Anything unexpected in a cache file (corrupt, other format, other limits) means "no cache": it is rebuilt.
 */

const FORMAT = 1;

interface CacheFile {
  format: number;
  source: string;
  fingerprint: string;
  limitsKey: string;
  messages: MailMessage[];
}

export function cacheFileFor(cacheDir: string, source: string): string {
  return path.join(cacheDir, `${createHash('sha1').update(source).digest('hex').slice(0, 24)}.json`);
}

export function readCachedSource(cacheDir: string, source: string, fingerprint: string, limitsKey: string, log: LoreLog): MailMessage[] | undefined {
  const file = cacheFileFor(cacheDir, source);
  let parsed: CacheFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`mail: cache ${file} unreadable (${(error as Error).message}); re-reading ${source}`);
    return undefined;
  }
  if (!parsed || parsed.format !== FORMAT || parsed.source !== source || parsed.limitsKey !== limitsKey || !Array.isArray(parsed.messages)) {
    log(`mail: cache ${file} is from another version or source; re-reading ${source}`);
    return undefined;
  }
  if (parsed.fingerprint !== fingerprint) return undefined; // the source changed: the normal case, no log line
  const valid = parsed.messages.every((m) => m && typeof m.messageId === 'string' && Array.isArray(m.symbols) && Array.isArray(m.files) && Array.isArray(m.references));
  if (!valid) {
    log(`mail: cache ${file} is damaged; re-reading ${source}`);
    return undefined;
  }
  return parsed.messages.map((m) => ({ ...m, source, body: '', bodyDropped: true }));
}

export function writeCachedSource(cacheDir: string, source: string, fingerprint: string, limitsKey: string, messages: MailMessage[], log: LoreLog): void {
  const file = cacheFileFor(cacheDir, source);
  const content: CacheFile = {
    format: FORMAT,
    source,
    fingerprint,
    limitsKey,
    messages: messages.map((m) => ({ ...m, body: '', bodyDropped: true })),
  };
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Write then rename: a crash mid-write leaves the old cache or none, never half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(content));
    fs.renameSync(temporary, file);
  } catch (error) {
    log(`mail: cannot write cache ${file}: ${(error as Error).message}`);
  }
}
