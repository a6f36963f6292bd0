/**
 * What one mail message, and one mail source, may cost. Mail is untrusted input: a list archive can hold a
 * 1 GB gzip bomb, a 10,000-deep reply chain, 1,000 nested MIME parts or a header of megabytes. Every limit
 * below is checked while reading, and going over one skips (or cuts) that message with a counted reason; the
 * rest of the source is still read. Only the decompressed-size limit stops a source, after what was read so far.
 */

export interface MailLimits {
  /** Bytes of one message kept for parsing; the rest of a bigger message is not read into memory (cut). */
  maxMessageBytes: number;
  /** Header block larger than this (bytes): the message is skipped. */
  maxHeaderBytes: number;
  /** Nested multipart levels; deeper: the message is skipped. */
  maxMimeDepth: number;
  /** MIME parts in one message; more: the message is skipped. */
  maxMimeParts: number;
  /** Message-IDs in References + In-Reply-To; more: the message is skipped. */
  maxReferences: number;
  /** Milliseconds one message may take to parse; longer: the message is skipped. */
  maxMessageMs: number;
  /** Messages read from one source; after that the source is closed with a log line. */
  maxMessagesPerSource: number;
  /**
   * Decompressed bytes of one .gz source. Past this, or past `maxCompressionRatio` once 64 MiB were expanded,
   * reading stops (a gzip bomb) and the messages read so far are kept.
   */
  maxDecompressedBytes: number;
  maxCompressionRatio: number;
  /** One line longer than this (no newline in sight) is never buffered whole: it is passed on in pieces. */
  maxLineBytes: number;
}

export const DEFAULT_MAIL_LIMITS: MailLimits = {
  maxMessageBytes: 1024 * 1024,
  maxHeaderBytes: 256 * 1024,
  maxMimeDepth: 16,
  maxMimeParts: 256,
  maxReferences: 1000,
  maxMessageMs: 2000,
  maxMessagesPerSource: 2_000_000,
  maxDecompressedBytes: 8 * 1024 * 1024 * 1024,
  // Real mail compresses 4-10x with gzip; a bomb of repeated lines several hundred times.
  maxCompressionRatio: 100,
  maxLineBytes: 1024 * 1024,
};

/** Why a message was left out (or cut). Counted per source and reported in one line each. */
export type SkipReason =
  | 'cut' // larger than maxMessageBytes: the first part was parsed
  | 'header-size'
  | 'mime-depth'
  | 'mime-parts'
  | 'references'
  | 'time'
  | 'not-mail' // no header block at all (binary data, an empty part between separators)
  | 'unreadable'; // a maildir/eml file that could not be read

export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  cut: 'larger than the per-message limit, cut',
  'header-size': 'header block over the limit, skipped',
  'mime-depth': 'MIME parts nested too deeply, skipped',
  'mime-parts': 'too many MIME parts, skipped',
  references: 'too many References, skipped',
  time: 'took too long to parse, skipped',
  'not-mail': 'not a mail message, skipped',
  unreadable: 'unreadable, skipped',
};

/** Thrown inside the parser when a message goes over a limit; caught per message, never out of a source. */
export class MailLimitError extends Error {
  constructor(readonly reason: SkipReason) {
    super(SKIP_REASON_TEXT[reason]);
  }
}

/** A per-message deadline; `check()` is called every few thousand lines of work. */
export class Deadline {
  private readonly end: number;

  constructor(ms: number) {
    this.end = Date.now() + ms;
  }

  check(): void {
    if (Date.now() > this.end) throw new MailLimitError('time');
  }
}

/** A stable key of the limits that change what is extracted, for caches made under other limits. */
export function limitsKey(limits: MailLimits): string {
  return [
    limits.maxMessageBytes,
    limits.maxHeaderBytes,
    limits.maxMimeDepth,
    limits.maxMimeParts,
    limits.maxReferences,
    limits.maxMessagesPerSource,
  ].join(':');
}
