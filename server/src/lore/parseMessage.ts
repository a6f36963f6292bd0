import { createHash } from 'crypto';
import { simpleParser } from 'mailparser';
import type { MailMessage } from './types';
import type { RawMail } from './mailSources';
import { extractSymbols, parsePatchSubject } from './symbolExtraction';

/**
 * Turns one raw message into a MailMessage with mailparser (MIME, transfer encodings, charsets through iconv-lite,
 * HTML-only mail converted to text). Returns undefined for data that is not a mail at all.
 */

/** Bodies longer than this are cut after decoding (a 1 MB patch is already far beyond any review thread). */
const MAX_BODY_CHARS = 512 * 1024;

/** Message-IDs without angle brackets or surrounding space: "<a@b>" → "a@b". */
export function normaliseMessageId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /<([^<>\s]+)>/.exec(value);
  const id = (match ? match[1] : value).trim().replace(/^<|>$/g, '');
  return id && !/\s/.test(id) ? id : undefined;
}

function referenceList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const parts = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const part of parts) {
    const bracketed = part.match(/<[^<>\s]+>/g);
    for (const candidate of bracketed ?? part.split(/\s+/)) {
      const id = normaliseMessageId(candidate);
      if (id) ids.push(id);
    }
  }
  return ids;
}

/** A stable id for a mail that has none, so the same file always yields the same id (and the same lore link is never invented). */
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

export async function parseRawMail(mail: RawMail, log: (message: string) => void): Promise<MailMessage | undefined> {
  let parsed;
  try {
    parsed = await simpleParser(mail.raw, {
      skipImageLinks: true,
      skipTextLinks: true,
      skipTextToHtml: true,
      maxHtmlLengthToParse: MAX_BODY_CHARS,
    });
  } catch (error) {
    log(`mail: ${mail.source} #${mail.position}: unparseable message skipped: ${(error as Error).message}`);
    return undefined;
  }
  const from = parsed.from?.value?.[0];
  const subject = (parsed.subject ?? '').replace(/\s+/g, ' ').trim();
  const rawMessageId = normaliseMessageId(parsed.messageId);
  if (!rawMessageId && !from && !subject) {
    log(`mail: ${mail.source} #${mail.position}: no From, Subject or Message-ID header: not a mail message, skipped`);
    return undefined;
  }
  let body = parsed.text ?? '';
  if (!body && typeof parsed.html === 'string') body = parsed.html.replace(/<[^>]*>/g, ' ');
  if (body.length > MAX_BODY_CHARS) {
    body = body.slice(0, MAX_BODY_CHARS);
    log(`mail: ${mail.source} #${mail.position}: body longer than ${MAX_BODY_CHARS} characters, cut`);
  }
  const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : '';
  const author = (from?.name || from?.address || '').trim();
  const authorEmail = (from?.address ?? '').trim().toLowerCase();
  const messageId = rawMessageId ?? syntheticMessageId(authorEmail, date, subject, body);
  if (!rawMessageId)
    log(`mail: ${mail.source} #${mail.position}: no Message-ID ("${subject.slice(0, 80)}"); using ${messageId}`);
  const inReplyTo = referenceList(parsed.inReplyTo).at(-1);
  const references = referenceList(parsed.references);
  if (inReplyTo && references.at(-1) !== inReplyTo) references.push(inReplyTo);
  const patchInfo = parsePatchSubject(subject);
  const subjectSaysReply = /^\s*re\s*:/i.test(subject);
  // Patches of a series reply to their cover letter but are not reviews; everything else with a parent is.
  const isReply = subjectSaysReply || (references.length > 0 && !patchInfo.isPatch);
  const extracted = extractSymbols(subject, body, isReply);
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
    source: mail.source,
    position: mail.position,
    files: extracted.files,
    hunkFunctions: extracted.hunkFunctions,
    symbols: extracted.symbols,
    version: patchInfo.version,
    patchNumber: patchInfo.number,
    patchTotal: patchInfo.total,
    isPatch: patchInfo.isPatch && !subjectSaysReply,
  };
}
