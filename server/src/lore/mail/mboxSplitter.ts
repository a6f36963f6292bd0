/**
 * Splits an mbox byte stream into messages without holding more than one message (capped) and one line in
 * memory, and keeps each message's byte offset and length in the source so a thread view can read that one
 * message again (`readMessageAt`). Pure: bytes in (`push`, `end`), messages out through the callback; the file
 * reading lives in mailReader.ts, so a fuzz target can drive this class with any bytes.
 *
 * A separator is a line starting with `From ` that either follows an empty line (or starts the stream) and
 * carries a time (`From mboxrd@z Thu Jan  1 00:00:00 1970`, `From 1a2b… Mon Sep 17 00:00:00 2001`), or has the
 * full asctime shape on its own. A body line `From the changelog…` after an empty line is therefore not a
 * separator, and lei's/lore's mboxrd escapes such lines anyway (`>From`; undone in parseMail.ts).
 */

export interface SplitMessage {
  /** Offset of the message's first byte (its `From ` line) in the (decompressed) source. */
  offset: number;
  /** Bytes of the whole message in the source, separator line included. */
  length: number;
  /** The message after its separator line, at most `maxMessageBytes` of it. */
  content: Buffer;
  /** The message was longer than `maxMessageBytes`: `content` is its beginning. */
  cut: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const FROM_SPACE = Buffer.from('From ', 'latin1');
/** Enough of a separator line to read its shape. */
const SEPARATOR_PROBE_BYTES = 200;
const LOOSE_SEPARATOR = /^From \S+\s.*\d{1,2}:\d{2}/;
const STRICT_SEPARATOR =
  /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d{1,2}:\d{2}(?::\d{2})? +\d{4}/;

export interface MboxSplitterOptions {
  maxMessageBytes: number;
  /** A line longer than this is passed on in pieces instead of being buffered until its newline. */
  maxLineBytes: number;
  /** Offset of the first byte pushed in the source (a range of a large mbox read by a worker); default 0. */
  startOffset?: number;
}

export class MboxSplitter {
  /** The unfinished last line of the previous chunk. */
  private carry: Buffer = Buffer.alloc(0);
  /** Source offset of carry[0] (or of the next byte when carry is empty). */
  private carryOffset = 0;
  /** The next byte continues a line that was already passed on (a line longer than maxLineBytes). */
  private inLongLine = false;
  private previousLineBlank = true;
  private messageOffset = 0;
  private parts: Buffer[] = [];
  private kept = 0;
  private cut = false;
  private hasContent = false;

  constructor(
    private readonly options: MboxSplitterOptions,
    private readonly onMessage: (message: SplitMessage) => void,
  ) {
    this.carryOffset = options.startOffset ?? 0;
    this.messageOffset = this.carryOffset;
  }

  push(chunk: Buffer): void {
    const work = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const base = this.carryOffset;
    let position = 0;
    let contentStart = 0;
    for (;;) {
      const newline = work.indexOf(NEWLINE, position);
      if (newline < 0) break;
      if (!this.inLongLine && this.isSeparator(work, position, newline)) {
        this.append(work, contentStart, position);
        this.finish(base + position);
        this.messageOffset = base + position;
        contentStart = newline + 1;
      }
      this.previousLineBlank =
        !this.inLongLine && (newline === position || (newline === position + 1 && work[position] === CARRIAGE_RETURN));
      this.inLongLine = false;
      position = newline + 1;
    }
    this.append(work, contentStart, position);
    const rest = work.subarray(position);
    if (rest.length > this.options.maxLineBytes) {
      // No newline in sight: pass the piece on rather than buffer a line of unbounded length.
      this.append(rest, 0, rest.length);
      this.inLongLine = true;
      this.previousLineBlank = false;
      this.carry = Buffer.alloc(0);
      this.carryOffset = base + work.length;
    } else {
      // A copy: a view would keep the whole chunk alive.
      this.carry = Buffer.from(rest);
      this.carryOffset = base + position;
    }
  }

  /** The stream is over: the last message (and a last line without newline) is passed on. */
  end(): void {
    this.append(this.carry, 0, this.carry.length);
    const end = this.carryOffset + this.carry.length;
    this.carry = Buffer.alloc(0);
    this.finish(end);
  }

  private isSeparator(work: Buffer, start: number, newline: number): boolean {
    // Byte tests instead of Buffer.compare: one native call per line of the archive was 0.3 s of a 7 s parse.
    if (
      newline - start < 6 ||
      work[start] !== 0x46 /* F */ ||
      work[start + 1] !== 0x72 /* r */ ||
      work[start + 2] !== 0x6f /* o */ ||
      work[start + 3] !== 0x6d /* m */ ||
      work[start + 4] !== 0x20 /* space */
    )
      return false;
    const line = work.toString('latin1', start, Math.min(newline, start + SEPARATOR_PROBE_BYTES));
    return (this.previousLineBlank && LOOSE_SEPARATOR.test(line)) || STRICT_SEPARATOR.test(line);
  }

  private append(work: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.hasContent = true;
    const room = this.options.maxMessageBytes - this.kept;
    if (room <= 0) {
      this.cut = true;
      return;
    }
    const take = Math.min(room, end - start);
    if (take < end - start) this.cut = true;
    this.parts.push(work.subarray(start, start + take));
    this.kept += take;
  }

  private finish(end: number): void {
    if (this.hasContent) {
      const content = this.parts.length === 1 ? Buffer.from(this.parts[0]) : Buffer.concat(this.parts, this.kept);
      this.onMessage({ offset: this.messageOffset, length: end - this.messageOffset, content, cut: this.cut });
    }
    this.parts = [];
    this.kept = 0;
    this.cut = false;
    this.hasContent = false;
  }
}

/** Drops the separator line of one message read back from `offset` (a `From ` line), if it has one. */
export function withoutSeparatorLine(bytes: Buffer): Buffer {
  if (bytes.length < 5 || bytes.compare(FROM_SPACE, 0, 5, 0, 5) !== 0) return bytes;
  const newline = bytes.indexOf(NEWLINE);
  return newline < 0 ? Buffer.alloc(0) : bytes.subarray(newline + 1);
}
