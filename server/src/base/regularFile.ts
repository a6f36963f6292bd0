import * as fs from 'fs';

/**
 * Only regular files are read. A path in a kernel tree can name a FIFO (reading it blocks until a writer
 * comes, forever), a character device (`/dev/zero` never ends, `/dev/tty` waits for a key), a socket, or
 * something that vanished since the directory was listed. Every read of a file whose path comes from the
 * tree, the user or the settings goes through here: the open never blocks (O_NONBLOCK: a FIFO without writer
 * opens at once, a device is not waited on), the opened descriptor is checked with fstat (so a swap between a
 * check and the open cannot slip a FIFO in), and the read stops at the size limit.
 */

/** Why a path was not read; the index counts skipped paths by these. */
export type SkipReason =
  | 'fifo'
  | 'device'
  | 'socket'
  | 'directory'
  | 'not-regular'
  | 'too-large'
  | 'binary'
  | 'vanished'
  | 'unreadable'
  | 'symlink-loop'
  | 'dangling-link'
  | 'bad-name'
  | 'duplicate';

export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  fifo: 'a FIFO (named pipe), not a regular file',
  device: 'a device, not a regular file',
  socket: 'a socket, not a regular file',
  directory: 'a directory where a file was expected',
  'not-regular': 'not a regular file',
  'too-large': 'larger than the size limit',
  binary: 'binary content (NUL bytes)',
  vanished: 'deleted while being read',
  unreadable: 'unreadable',
  'symlink-loop': 'a symbolic link loop',
  'dangling-link': 'a symbolic link to nothing',
  'bad-name': 'a line break in the file name',
  duplicate: 'a second path to a folder already indexed',
};

const REASON_BY_TEXT = Object.entries(SKIP_REASON_TEXT) as Array<[SkipReason, string]>;

/**
 * The reason code of a skip message made by `skipped` (messages cross from worker threads as text). A message
 * that none of them starts is counted as 'unreadable'.
 */
export function skipReasonOf(message: string): SkipReason {
  let best: SkipReason = 'unreadable';
  let bestLength = 0;
  for (const [reason, text] of REASON_BY_TEXT) {
    if (message.startsWith(text) && text.length > bestLength) {
      best = reason;
      bestLength = text.length;
    }
  }
  return best;
}

/** Counts of skipped paths by reason, only the reasons that occurred, most frequent first. */
export function countByReason(messages: Iterable<string>): Partial<Record<SkipReason, number>> {
  const counts = new Map<SkipReason, number>();
  for (const message of messages) {
    const reason = skipReasonOf(message);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

export interface Skipped {
  skipped: SkipReason;
  /** One line for the log: the reason in words, with details (sizes, error codes). */
  message: string;
}

export interface RegularFile {
  bytes: Buffer;
  mtimeMs: number;
}

/** The skip reason for a file that is not regular, from its stat. */
export function nonRegularReason(stat: fs.Stats): SkipReason | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isFIFO()) return 'fifo';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isSocket()) return 'socket';
  if (stat.isDirectory()) return 'directory';
  return 'not-regular';
}

export function skipped(reason: SkipReason, detail?: string): Skipped {
  return { skipped: reason, message: detail ? `${SKIP_REASON_TEXT[reason]} (${detail})` : SKIP_REASON_TEXT[reason] };
}

/** The skip for an error of open/fstat/read. */
export function skipForError(err: unknown): Skipped {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return skipped('vanished');
  if (code === 'ELOOP') return skipped('symlink-loop');
  if (code === 'EISDIR') return skipped('directory');
  return skipped('unreadable', code ?? (err instanceof Error ? err.message : String(err)));
}

/**
 * Opens `file` for reading only if it is a regular file. Returns the descriptor and its stat, or why not.
 * The caller closes the descriptor.
 */
export function openRegularFile(file: string): { fd: number; stat: fs.Stats } | Skipped {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (err) {
    return skipForError(err);
  }
  try {
    const stat = fs.fstatSync(fd);
    const reason = nonRegularReason(stat);
    if (reason) {
      fs.closeSync(fd);
      return skipped(reason);
    }
    return { fd, stat };
  } catch (err) {
    fs.closeSync(fd);
    return skipForError(err);
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` bytes (a file that grows past the limit while being read
 * is refused too). Never blocks on a FIFO or a device.
 */
export function readRegularFile(file: string, maxBytes: number): RegularFile | Skipped {
  const opened = openRegularFile(file);
  if ('skipped' in opened) return opened;
  const { fd, stat } = opened;
  try {
    if (stat.size > maxBytes) return skipped('too-large', `${stat.size} > ${maxBytes} bytes`);
    // One byte more than the size, so a file that grew since the stat is noticed.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, stat.size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) return skipped('too-large', `grew past ${maxBytes} bytes while being read`);
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
    }
    return { bytes: buffer.subarray(0, length), mtimeMs: stat.mtimeMs };
  } catch (err) {
    return skipForError(err);
  } finally {
    fs.closeSync(fd);
  }
}

/** readRegularFile decoded as UTF-8 (invalid sequences become U+FFFD). */
export function readRegularText(file: string, maxBytes: number): { text: string; mtimeMs: number } | Skipped {
  const read = readRegularFile(file, maxBytes);
  return 'skipped' in read ? read : { text: read.bytes.toString('utf8'), mtimeMs: read.mtimeMs };
}

/** True when a read answered with a skip. */
export function isSkipped(value: object): value is Skipped {
  return 'skipped' in value;
}
