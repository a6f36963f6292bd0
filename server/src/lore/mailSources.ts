import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { Readable } from 'stream';
import { mboxReader } from 'mbox-reader';
import type { LoreLog } from './types';

/**
 * Reads raw RFC 822 messages out of the user's mail sources: mbox files (also .mbox.gz, as written by
 * `b4 mbox` and `lei q -o mboxrd:`), maildirs (cur/ and new/, as written by `lei q -o maildir:`) and single .eml files.
 * Splitting mboxes is left to `mbox-reader` (streaming, mboxrd unescaping); this module only picks the format,
 * bounds what one message may cost, and turns every read failure into a log line.
 */

export interface MailReadLimits {
  /** A message larger than this is cut before parsing (headers and the first part of the body survive). */
  maxMessageBytes: number;
  /** Stop reading one source after this many messages. */
  maxMessagesPerSource: number;
}

export const DEFAULT_MAIL_LIMITS: MailReadLimits = {
  maxMessageBytes: 1024 * 1024,
  maxMessagesPerSource: 200_000,
};

export interface RawMail {
  raw: Buffer;
  source: string;
  /** 0-based position in the source (mbox order, or sorted maildir file order). */
  position: number;
  truncated: boolean;
}

export type MailSourceKind = 'mbox' | 'mbox.gz' | 'maildir' | 'eml' | 'missing' | 'unsupported';

/** Decides how to read a path without reading more than its first bytes. */
export function detectMailSourceKind(sourcePath: string): MailSourceKind {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(sourcePath);
  } catch {
    return 'missing';
  }
  if (stat.isDirectory()) {
    const isMaildir = ['cur', 'new'].some((sub) => isDirectory(path.join(sourcePath, sub)));
    return isMaildir ? 'maildir' : 'unsupported';
  }
  if (!stat.isFile()) return 'unsupported';
  const lower = sourcePath.toLowerCase();
  if (lower.endsWith('.gz')) return 'mbox.gz';
  if (lower.endsWith('.eml')) return 'eml';
  return startsWithFromLine(sourcePath) ? 'mbox' : 'eml';
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function startsWithFromLine(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(5);
    const read = fs.readSync(fd, head, 0, 5, 0);
    return read === 5 && head.toString('latin1') === 'From ';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function capped(raw: Buffer, limits: MailReadLimits): { raw: Buffer; truncated: boolean } {
  return raw.length > limits.maxMessageBytes
    ? { raw: raw.subarray(0, limits.maxMessageBytes), truncated: true }
    : { raw, truncated: false };
}

/** Every raw message of one source, in order. Never throws: problems are logged and reading stops or skips. */
export async function* readMailSource(
  sourcePath: string,
  log: LoreLog,
  limits: MailReadLimits = DEFAULT_MAIL_LIMITS,
): AsyncGenerator<RawMail> {
  const kind = detectMailSourceKind(sourcePath);
  switch (kind) {
    case 'missing':
      log(`mail: ${sourcePath}: not found, skipped`);
      return;
    case 'unsupported':
      log(`mail: ${sourcePath}: neither an mbox, a maildir (cur/, new/) nor an .eml file, skipped`);
      return;
    case 'maildir':
      yield* readMaildir(sourcePath, log, limits);
      return;
    case 'eml':
      yield* readSingleFile(sourcePath, log, limits);
      return;
    default:
      yield* readMbox(sourcePath, kind === 'mbox.gz', log, limits);
  }
}

async function* readMbox(file: string, gz: boolean, log: LoreLog, limits: MailReadLimits): AsyncGenerator<RawMail> {
  // highWaterMark bounds how much of the file sits in memory ahead of the parser; it also keeps mbox-reader's
  // per-chunk line array short (it shift()s lines one by one, which is slow on very long arrays).
  const stream = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  // Decompress here rather than with mbox-reader's `gz` option: its gunzip errors (a cut .gz) are not caught there
  // and would surface as an uncaught exception. Our own listeners keep every stream error in this function.
  let source: NodeJS.ReadableStream = stream;
  let gunzip: zlib.Gunzip | undefined;
  if (gz) {
    gunzip = zlib.createGunzip();
    stream.on('error', (error) => gunzip!.destroy(error));
    gunzip.on('error', () => undefined);
    source = stream.pipe(gunzip);
  }
  stream.on('error', () => undefined);
  let position = 0;
  let truncatedCount = 0;
  try {
    for await (const message of mboxReader(source as Readable)) {
      if (position >= limits.maxMessagesPerSource) {
        log(`mail: ${file}: stopped after ${limits.maxMessagesPerSource} messages (limit)`);
        break;
      }
      const { raw, truncated } = capped(message.content, limits);
      if (truncated) truncatedCount++;
      yield { raw, source: file, position: position++, truncated };
    }
  } catch (error) {
    // A cut .gz ends in "unexpected end of file"; what was read before stays usable.
    log(`mail: ${file}: read stopped after ${position} messages: ${(error as Error).message}`);
  } finally {
    stream.destroy();
    gunzip?.destroy();
  }
  if (truncatedCount > 0)
    log(`mail: ${file}: ${truncatedCount} message(s) larger than ${limits.maxMessageBytes} bytes were cut`);
  if (position === 0) log(`mail: ${file}: no messages found`);
  else if (!gz && !endsWithNewline(file))
    log(`mail: ${file}: does not end with a newline: the last message may be cut (truncated mbox)`);
}

function endsWithNewline(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } catch {
    return true;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function* readMaildir(dir: string, log: LoreLog, limits: MailReadLimits): AsyncGenerator<RawMail> {
  const files: string[] = [];
  for (const sub of ['cur', 'new']) {
    try {
      for (const name of fs.readdirSync(path.join(dir, sub)).sort()) {
        if (!name.startsWith('.')) files.push(path.join(dir, sub, name));
      }
    } catch {
      // cur/ or new/ may legitimately be absent.
    }
  }
  let position = 0;
  for (const file of files) {
    if (position >= limits.maxMessagesPerSource) {
      log(`mail: ${dir}: stopped after ${limits.maxMessagesPerSource} messages (limit)`);
      return;
    }
    const raw = readFileHead(file, limits.maxMessageBytes + 1, log);
    if (!raw) continue;
    const cut = capped(raw, limits);
    if (cut.truncated) log(`mail: ${file}: larger than ${limits.maxMessageBytes} bytes, cut`);
    yield { raw: cut.raw, source: dir, position: position++, truncated: cut.truncated };
  }
  if (position === 0) log(`mail: ${dir}: maildir holds no messages`);
}

async function* readSingleFile(file: string, log: LoreLog, limits: MailReadLimits): AsyncGenerator<RawMail> {
  const raw = readFileHead(file, limits.maxMessageBytes + 1, log);
  if (!raw) return;
  const cut = capped(raw, limits);
  if (cut.truncated) log(`mail: ${file}: larger than ${limits.maxMessageBytes} bytes, cut`);
  yield { raw: cut.raw, source: file, position: 0, truncated: cut.truncated };
}

/** Reads at most `max` bytes, so a huge or endless file never lands in memory whole. */
function readFileHead(file: string, max: number, log: LoreLog): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(Math.min(max, Math.max(0, fs.fstatSync(fd).size)));
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read);
  } catch (error) {
    log(`mail: ${file}: cannot read: ${(error as Error).message}`);
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
