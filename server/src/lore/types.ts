import type { ThreadRelation } from '../../../protocol';

/**
 * Data model of the lore area: one parsed mail message, the symbols it is about, and the bundled thread index.
 * Mail text is untrusted everywhere; these records only carry it as plain strings.
 */

/** What a message says about one symbol (function, macro, type, file path). */
export interface SymbolMention {
  symbol: string;
  relation: ThreadRelation;
  /** Relation `patch` whose diff adds or removes the name (not only changes lines that use it). */
  addsOrRemoves?: boolean;
}

export interface MailMessage {
  /** Without angle brackets. Synthesised (`synthetic.<hash>@kernel-mm-lens.invalid`) when the mail had none. */
  messageId: string;
  synthesisedId: boolean;
  /** Parent candidates, oldest first (References, then In-Reply-To last). */
  references: string[];
  inReplyTo?: string;
  subject: string;
  author: string;
  authorEmail: string;
  /** ISO 8601 or "". */
  date: string;
  /** Plain text body. Empty in a MailIndex (which keeps no message text); read again from `source` at `offset`. */
  body: string;
  /** Path of the mbox/maildir/eml source it came from. */
  source: string;
  /** Byte offset of the message in the (decompressed) source; 0 for maildir and .eml files. */
  offset: number;
  /** Bytes of the message in the source. */
  length: number;
  /** The message's own file, for a maildir. */
  file?: string;
  /** The body is not in `body` (index records); `MailIndex.withBody` reads it again. */
  bodyDropped?: boolean;
  /** The source held more than the per-message limit: this is the message's beginning. */
  cut?: boolean;
  /** `git patch-id --stable` of the message's own diff, when it has one. */
  patchId?: string;
  /** The first line of the message's own words (no quote, attribution or diff), at most 160 characters. */
  summary?: string;
  /** Files touched by diffs in this message (b/ side). */
  files: string[];
  /** Function names from diff hunk headers. */
  hunkFunctions: string[];
  /** What the message is about. Emptied once a MailIndex has taken them into its symbol map (memory). */
  symbols: SymbolMention[];
  /** Series version from the subject ([PATCH v3 04/12] → 3), 1 when a [PATCH] has none. */
  version?: number;
  patchNumber?: number;
  patchTotal?: number;
  isPatch: boolean;
}

/** One message of the bundled index (server/data/threads/*.yaml). */
export interface BundledThreadMessage {
  messageId: string;
  subject: string;
  author: string;
  date: string;
  /** Message-ID this one replies to (absent for a cover letter or an unthreaded patch). */
  inReplyTo?: string;
  patch?: { number: number; total: number };
  files?: string[];
  functions?: string[];
  symbols: SymbolMention[];
  /** The point the message made, in our own words. */
  point: string;
  sources: string[];
}

export interface BundledSeries {
  id: string;
  series: string;
  version: number;
  /** Cover letter Message-ID, if any. */
  coverMessageId?: string;
  messages: BundledThreadMessage[];
}

/** Logging sink: every bad input produces one clear line, never an exception out of the loader. */
export type LoreLog = (message: string) => void;
