import { createHash } from 'crypto';
import type { MailMessage } from '../types';
import { stablePatchId } from '../patchId';
import { extractSymbols, parsePatchSubject, type SymbolSink } from '../symbolExtraction';
import {
  decodeEncodedWords,
  firstField,
  messageIdList,
  normaliseMessageId,
  parseAddress,
  parseMailDate,
  readHeaderBlock,
} from './headers';
import { Deadline, MailLimitError, type MailLimits, type SkipReason } from './limits';
import { bodyText } from './mime';

/**
 * One raw message → one MailMessage: headers, decoded body text, what it is about (files, functions, symbols),
 * its patch-id and a one-line summary. Pure and synchronous (bytes and limits in, a record or a skip reason out),
 * so a fuzz target can call it with any bytes; it never throws for bad input.
 */

export interface MailLocation {
  source: string;
  offset: number;
  length: number;
  file?: string;
  cut?: boolean;
}

export interface ParseOptions {
  /** mbox sources: undo the mboxrd escaping of body lines (`>From ` → `From `). */
  mboxrd: boolean;
  /** Where the message's symbols go (a mail index's table); the returned record's `symbols` is then empty. */
  symbolSink?: SymbolSink;
}

export type ParseOutcome = { message: MailMessage } | { skipped: SkipReason };

const MBOXRD_ESCAPE = /^>(>*From )/gm;

export function parseMail(
  content: Buffer,
  where: MailLocation,
  limits: MailLimits,
  options: ParseOptions,
): ParseOutcome {
  try {
    return { message: parseOrThrow(content, where, limits, options) };
  } catch (error) {
    if (error instanceof MailLimitError) return { skipped: error.reason };
    // A RangeError from a pathological input (string too long, stack) is a skip too, never a crash.
    return { skipped: 'not-mail' };
  }
}

function parseOrThrow(content: Buffer, where: MailLocation, limits: MailLimits, options: ParseOptions): MailMessage {
  const deadline = new Deadline(limits.maxMessageMs);
  const headers = readHeaderBlock(content, limits.maxHeaderBytes);
  if (!headers.hasHeaders) throw new MailLimitError('not-mail');
  const rawMessageId = normaliseMessageId(firstField(headers, 'message-id'));
  const references = messageIdList(headers.fields.get('references'), limits.maxReferences);
  const inReplyTo = messageIdList(headers.fields.get('in-reply-to'), limits.maxReferences).at(-1);
  if (references.length > limits.maxReferences) throw new MailLimitError('references');
  if (inReplyTo && references.at(-1) !== inReplyTo) references.push(inReplyTo);
  const subject = decodeEncodedWords(firstField(headers, 'subject') ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const from = parseAddress(firstField(headers, 'from'));
  const date = parseMailDate(firstField(headers, 'date'));
  let body = bodyText(headers, content.subarray(headers.bodyStart), limits, deadline);
  if (options.mboxrd && body.includes('From ')) body = body.replace(MBOXRD_ESCAPE, '$1');
  if (body.includes('\0')) body = body.replace(/\0/g, '');
  deadline.check();
  const author = (from.name || from.email).trim();
  const authorEmail = from.email.trim().toLowerCase();
  const messageId = rawMessageId ?? syntheticMessageId(authorEmail, date, subject, body);
  const patchInfo = parsePatchSubject(subject);
  const subjectSaysReply = /^\s*re\s*:/i.test(subject);
  // Patches of a series reply to their cover letter but are not reviews; everything else with a parent is.
  const isReply = subjectSaysReply || (references.length > 0 && !patchInfo.isPatch);
  const extracted = extractSymbols(subject, body, isReply, deadline, options.symbolSink);
  const isPatch = patchInfo.isPatch && !subjectSaysReply;
  return {
    messageId,
    synthesisedId: !rawMessageId,
    references: references.filter((id) => id !== messageId),
    inReplyTo: inReplyTo !== messageId ? inReplyTo : undefined,
    subject,
    author,
    authorEmail,
    date,
    body,
    source: where.source,
    offset: where.offset,
    length: where.length,
    file: where.file,
    cut: where.cut || undefined,
    patchId: extracted.diff ? stablePatchId(extracted.diff) : undefined,
    summary: firstProseLine(body),
    files: extracted.files,
    hunkFunctions: extracted.hunkFunctions,
    symbols: extracted.symbols,
    version: patchInfo.version,
    patchNumber: patchInfo.number,
    patchTotal: patchInfo.total,
    isPatch,
  };
}

/** A stable id for a mail that has none, so the same file always yields the same id (and no lore link is invented). */
export function syntheticMessageId(from: string, date: string, subject: string, body: string): string {
  const hash = createHash('sha1')
    .update(`${from}\0${date}\0${subject}\0${body.slice(0, 4096)}`)
    .digest('hex')
    .slice(0, 20);
  return `synthetic.${hash}@kernel-mm-lens.invalid`;
}

export function isSyntheticMessageId(id: string): boolean {
  return id.endsWith('@kernel-mm-lens.invalid');
}

/** The first line of the message's own words: no quote, attribution, diff or empty line. */
export function firstProseLine(body: string): string | undefined {
  let start = 0;
  for (let count = 0; count < 200 && start < body.length; count++) {
    const newline = body.indexOf('\n', start);
    const end = newline < 0 ? body.length : newline;
    const text = body.slice(start, Math.min(end, start + 4096)).trim();
    start = end + 1;
    if (!text || text.startsWith('>') || /^On .* wrote:$/.test(text) || /^(diff --git|---|\+\+\+|@@)/.test(text))
      continue;
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
  }
  return undefined;
}
