import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { LoreLog } from '../types';
import { MboxSplitter, withoutSeparatorLine } from './mboxSplitter';
import type { MailLimits, SkipReason } from './limits';
import type { MailLocation } from './parseMail';

/**
 * Reads raw messages out of the user's mail sources, streaming: mbox files (also .mbox.gz, as `b4 mbox` and
 * `lei q -o mboxrd:` write them), maildirs (cur/ and new/, as `lei q -o maildir:` writes them) and single .eml
 * files. Memory stays bounded by one chunk, one (capped) message and one (capped) line whatever the source
 * holds; a gzip bomb is stopped by the decompressed-size and compression-ratio limits, keeping what was read.
 * FIFOs, devices and other non-files are never opened for reading. Every problem is a log line or a counted
 * skip reason, never an exception out of here.
 */

export type MailSourceKind = 'mbox' | 'mbox.gz' | 'maildir' | 'eml' | 'missing' | 'unsupported';

export interface RawMessage {
  content: Buffer;
  location: MailLocation;
}

export interface SourceReadReport {
  kind: MailSourceKind;
  /** Raw messages passed on (before parsing). */
  messages: number;
  /** Skips and cuts counted while reading (the parser's own skips are counted by the caller). */
  skipped: Map<SkipReason, number>;
}

/** Called for each raw message; returning false stops reading the source (cancelled, or enough). */
export type RawMessageSink = (message: RawMessage) => boolean | void;

const READ_CHUNK_BYTES = 1024 * 1024;
/** Once this much was expanded, the compression-ratio limit applies. */
const RATIO_CHECK_AFTER_BYTES = 64 * 1024 * 1024;

/** Decides how to read a path without reading more than its first bytes (and never from a FIFO or device). */
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
  const head = readRegularFile(file, 5);
  return head !== undefined && head.length === 5 && head.toString('latin1') === 'From ';
}

/**
 * At most `max` bytes of a regular file; undefined when it is not one (a FIFO, a device, a socket, gone).
 * Opened non-blocking, so a FIFO swapped in after a stat() cannot hang the reader.
 */
export function readRegularFile(file: string, max: number, position = 0): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const size = Math.max(0, Math.min(max, stat.size - position));
    const buffer = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const read = fs.readSync(fd, buffer, filled, size - filled, position + filled);
      if (read === 0) break;
      filled += read;
    }
    return buffer.subarray(0, filled);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function count(report: SourceReadReport, reason: SkipReason): void {
  report.skipped.set(reason, (report.skipped.get(reason) ?? 0) + 1);
}

/** Every raw message of one source, in order, passed to `sink`. Never throws. */
export async function readMailSource(
  sourcePath: string,
  log: LoreLog,
  limits: MailLimits,
  sink: RawMessageSink,
): Promise<SourceReadReport> {
  const kind = detectMailSourceKind(sourcePath);
  const report: SourceReadReport = { kind, messages: 0, skipped: new Map() };
  switch (kind) {
    case 'missing':
      log(`mail: ${sourcePath}: not found, skipped`);
      break;
    case 'unsupported':
      log(`mail: ${sourcePath}: neither an mbox, a maildir (cur/, new/) nor an .eml file, skipped`);
      break;
    case 'maildir':
      await readMaildir(sourcePath, log, limits, sink, report);
      break;
    case 'eml':
      readSingleFile(sourcePath, sourcePath, undefined, log, limits, sink, report);
      break;
    default:
      await readMbox(sourcePath, kind === 'mbox.gz', log, limits, sink, report);
  }
  return report;
}

/**
 * The messages of bytes [start, end) of a plain mbox, where `start` is a message boundary (splitPoints): a worker
 * reads one range of a large archive while others read the rest.
 */
export async function readMboxRange(
  file: string,
  range: { start: number; end: number },
  log: LoreLog,
  limits: MailLimits,
  sink: RawMessageSink,
): Promise<SourceReadReport> {
  const report: SourceReadReport = { kind: 'mbox', messages: 0, skipped: new Map() };
  await readMbox(file, false, log, limits, sink, report, range);
  return report;
}

async function readMbox(
  file: string,
  gz: boolean,
  log: LoreLog,
  limits: MailLimits,
  sink: RawMessageSink,
  report: SourceReadReport,
  range?: { start: number; end: number },
): Promise<void> {
  const stream = fs.createReadStream(file, {
    highWaterMark: READ_CHUNK_BYTES,
    ...(range ? { start: range.start, end: range.end - 1 } : {}),
  });
  let gunzip: zlib.Gunzip | undefined;
  let source: NodeJS.ReadableStream = stream;
  if (gz) {
    gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
    stream.on('error', (error) => gunzip!.destroy(error));
    source = stream.pipe(gunzip);
  }
  let stopped = false;
  let limitNote: string | undefined;
  const splitter = new MboxSplitter({ ...limits, startOffset: range?.start }, (split) => {
    if (stopped) return;
    if (report.messages >= limits.maxMessagesPerSource) {
      stopped = true;
      limitNote = `stopped after ${limits.maxMessagesPerSource} messages (limit)`;
      return;
    }
    report.messages++;
    if (split.cut) count(report, 'cut');
    const location: MailLocation = { source: file, offset: split.offset, length: split.length, cut: split.cut };
    if (sink({ content: split.content, location }) === false) stopped = true;
  });
  let expanded = 0;
  let failure: string | undefined;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (gz) {
        expanded += chunk.length;
        const ratio = expanded / Math.max(1, stream.bytesRead);
        if (
          expanded > limits.maxDecompressedBytes ||
          (expanded > RATIO_CHECK_AFTER_BYTES && ratio > limits.maxCompressionRatio)
        ) {
          limitNote = `stopped after ${expanded} decompressed bytes (compression ratio ${Math.round(ratio)}:1 is beyond the limit of ${limits.maxCompressionRatio}:1 or ${limits.maxDecompressedBytes} bytes): a gzip bomb?`;
          // The message read so far is still passed on (cut) by end() below.
          break;
        }
      }
      if (stopped) break;
      splitter.push(chunk);
      if (stopped) break;
    }
    if (!stopped) splitter.end();
  } catch (error) {
    // A cut .gz ends in "unexpected end of file"; the messages read before stay usable.
    failure = (error as Error).message;
    splitter.end();
  } finally {
    stream.destroy();
    gunzip?.destroy();
  }
  if (failure) log(`mail: ${file}: read stopped after ${report.messages} messages: ${failure}`);
  if (limitNote) log(`mail: ${file}: ${limitNote}`);
  if (range) return; // the whole file's notes are the caller's
  if (report.messages === 0 && !failure) log(`mail: ${file}: no messages found`);
  else if (!gz && !stopped && !endsWithNewline(file))
    log(`mail: ${file}: does not end with a newline: the last message may be cut (truncated mbox)`);
}

const SPLIT_SEARCH_BYTES = 16 * 1024 * 1024;
const SPLIT_SEPARATOR = /^From \S+\s.*\d{1,2}:\d{2}/;

/**
 * Up to `parts` ranges of a plain mbox that start at message boundaries (an empty line, then a `From ` line of
 * the separator's shape), for reading the parts in parallel. Fewer ranges when no boundary is found near a cut.
 */
export function splitPoints(file: string, parts: number): Array<{ start: number; end: number }> {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return [];
  }
  const starts = [0];
  for (let k = 1; k < parts; k++) {
    const from = Math.max(starts[starts.length - 1] + 1, Math.floor((size * k) / parts));
    const next = boundaryAfter(file, from, size);
    if (next !== undefined && next > starts[starts.length - 1] && next < size) starts.push(next);
  }
  return starts.map((start, i) => ({ start, end: i + 1 < starts.length ? starts[i + 1] : size }));
}

function boundaryAfter(file: string, from: number, size: number): number | undefined {
  const window = readRegularFile(file, Math.min(SPLIT_SEARCH_BYTES, size - from), from);
  if (!window) return undefined;
  let position = 0;
  for (;;) {
    const found = window.indexOf('\n\nFrom ', position, 'latin1');
    if (found < 0) return undefined;
    const lineStart = found + 2;
    const lineEnd = window.indexOf(0x0a, lineStart);
    if (lineEnd < 0) return undefined;
    if (SPLIT_SEPARATOR.test(window.toString('latin1', lineStart, Math.min(lineEnd, lineStart + 200))))
      return from + lineStart;
    position = lineStart;
  }
}

function endsWithNewline(file: string): boolean {
  try {
    const size = fs.statSync(file).size;
    if (size === 0) return true;
    return readRegularFile(file, 1, size - 1)?.[0] === 0x0a;
  } catch {
    return true;
  }
}

async function readMaildir(
  dir: string,
  log: LoreLog,
  limits: MailLimits,
  sink: RawMessageSink,
  report: SourceReadReport,
): Promise<void> {
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
  for (let i = 0; i < files.length; i++) {
    if (report.messages >= limits.maxMessagesPerSource) {
      log(`mail: ${dir}: stopped after ${limits.maxMessagesPerSource} messages (limit)`);
      return;
    }
    if (!readSingleFile(files[i], dir, files[i], log, limits, sink, report)) return;
    // Let other requests run between batches of files (the language server reads mail in the background).
    if ((i & 255) === 255) await new Promise((resolve) => setImmediate(resolve));
  }
  if (report.messages === 0) log(`mail: ${dir}: maildir holds no messages`);
}

/** One message file (maildir entry or .eml). Returns false when the sink asked to stop. */
function readSingleFile(
  file: string,
  source: string,
  ownFile: string | undefined,
  log: LoreLog,
  limits: MailLimits,
  sink: RawMessageSink,
  report: SourceReadReport,
): boolean {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    size = -1;
  }
  const content = size >= 0 ? readRegularFile(file, limits.maxMessageBytes) : undefined;
  if (!content) {
    count(report, 'unreadable');
    log(`mail: ${file}: not a readable regular file, skipped`);
    return true;
  }
  const cut = size > limits.maxMessageBytes;
  if (cut) count(report, 'cut');
  report.messages++;
  return sink({ content, location: { source, offset: 0, length: size, file: ownFile, cut } }) !== false;
}

/**
 * The raw bytes of one message again, from where it was read (a thread view shows its text). Undefined when the
 * source is gone or shorter now. A .gz source is expanded up to the message (bounded by the same limits).
 */
export async function readMessageAt(location: MailLocation, limits: MailLimits): Promise<Buffer | undefined> {
  if (location.file) return readRegularFile(location.file, limits.maxMessageBytes);
  const wanted = Math.min(location.length, limits.maxMessageBytes + 4096);
  if (!location.source.toLowerCase().endsWith('.gz')) {
    const bytes = readRegularFile(location.source, wanted, location.offset);
    if (!bytes || bytes.length === 0) return undefined;
    return withoutSeparatorLine(bytes).subarray(0, limits.maxMessageBytes);
  }
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let seen = 0;
    let kept = 0;
    let settled = false;
    const stream = fs.createReadStream(location.source, { highWaterMark: READ_CHUNK_BYTES });
    const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
    const finish = (): void => {
      if (settled) return;
      settled = true;
      stream.destroy();
      gunzip.destroy();
      resolve(kept > 0 ? withoutSeparatorLine(Buffer.concat(parts)).subarray(0, limits.maxMessageBytes) : undefined);
    };
    stream.on('error', finish);
    gunzip.on('error', finish);
    gunzip.on('end', finish);
    gunzip.on('data', (chunk: Buffer) => {
      const start = Math.max(0, location.offset - seen);
      seen += chunk.length;
      if (seen > limits.maxDecompressedBytes) return finish();
      if (start >= chunk.length) return;
      const piece = chunk.subarray(start, Math.min(chunk.length, start + wanted - kept));
      parts.push(piece);
      kept += piece.length;
      if (kept >= wanted) finish();
    });
    stream.pipe(gunzip);
  });
}
