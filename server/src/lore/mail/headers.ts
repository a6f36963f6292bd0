import { MailLimitError } from './limits';
import { decodeBytes } from './charset';

/**
 * The header block of a message (or of a MIME part): found, size-limited, unfolded, and reduced to the fields
 * the lore features read. Headers are bytes: UTF-8 when they decode as such (raw 8-bit UTF-8 headers are common),
 * else Latin-1, and RFC 2047 encoded words (`=?UTF-8?Q?J=C3=A9r=C3=B4me?=`) decoded on the fields shown to users.
 */

export interface HeaderBlock {
  /** Lower-case field name → values in order of appearance. */
  fields: Map<string, string[]>;
  /** Offset of the body (after the empty line) in the bytes given; the length of the bytes when there is none. */
  bodyStart: number;
  /** False when the bytes have no header line at all (binary data, an empty part). */
  hasHeaders: boolean;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const FIELD = /^([!-9;-~]{1,76}):[ \t]*/;
/** Fields the reader uses; every other header (Received, DKIM, ARC, ...) is dropped while reading. */
const KEPT_FIELDS = new Set([
  'message-id',
  'in-reply-to',
  'references',
  'subject',
  'from',
  'date',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
]);

/** Reads the header block at the start of `bytes`; throws MailLimitError('header-size') past `maxHeaderBytes`. */
export function readHeaderBlock(bytes: Buffer, maxHeaderBytes: number): HeaderBlock {
  let position = 0;
  let end = -1;
  let bodyStart = bytes.length;
  while (position < bytes.length) {
    const newline = bytes.indexOf(NEWLINE, position);
    const lineEnd = newline < 0 ? bytes.length : newline;
    const empty = lineEnd === position || (lineEnd === position + 1 && bytes[position] === CARRIAGE_RETURN);
    if (empty) {
      end = position;
      bodyStart = newline < 0 ? bytes.length : newline + 1;
      break;
    }
    if (lineEnd > maxHeaderBytes) throw new MailLimitError('header-size');
    position = newline < 0 ? bytes.length : newline + 1;
  }
  if (end < 0) end = bytes.length;
  if (end > maxHeaderBytes) throw new MailLimitError('header-size');
  const text = decodeHeaderBytes(bytes.subarray(0, end));
  const fields = new Map<string, string[]>();
  let hasHeaders = false;
  let current: { name: string; value: string } | undefined;
  const flush = (): void => {
    if (!current) return;
    let values = fields.get(current.name);
    if (!values) fields.set(current.name, (values = []));
    values.push(current.value.trim());
    current = undefined;
  };
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      // Folded continuation: unfold to one space-separated value.
      current.value += ` ${line.trim()}`;
      continue;
    }
    flush();
    const field = FIELD.exec(line);
    if (!field) continue; // a line without a colon: not a header, ignored
    hasHeaders = true;
    const name = field[1].toLowerCase();
    if (KEPT_FIELDS.has(name)) current = { name, value: line.slice(field[0].length) };
  }
  flush();
  return { fields, bodyStart, hasHeaders };
}

function decodeHeaderBytes(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.includes('\uFFFD') ? bytes.toString('latin1') : text;
}

export function firstField(block: HeaderBlock, name: string): string | undefined {
  return block.fields.get(name)?.[0];
}

const ENCODED_WORD = /=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]*)\?=/g;
const BETWEEN_ENCODED_WORDS = /(\?=)\s+(=\?)/g;

/** Decodes RFC 2047 encoded words; white space between two encoded words is dropped, as the RFC says. */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value
    .replace(BETWEEN_ENCODED_WORDS, '$1$2')
    .replace(ENCODED_WORD, (_all, charset: string, kind: string, text: string) => {
      const bytes =
        kind === 'b' || kind === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m: string, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return decodeBytes(bytes, charset);
    });
}

export interface Address {
  name: string;
  email: string;
}

/** `"Name, Jr." <a@b>`, `Name <a@b>`, `a@b (Name)`, `a@b`. The first address only. */
export function parseAddress(value: string | undefined): Address {
  if (!value) return { name: '', email: '' };
  const decoded = decodeEncodedWords(value).replace(/[\r\n]+/g, ' ');
  const angle = /<([^<>\s]*)>/.exec(decoded);
  if (angle) {
    const name = decoded
      .slice(0, angle.index)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/\\(.)/g, '$1');
    return { name: name.trim(), email: angle[1].trim() };
  }
  const bare = /(\S+@\S+?)(?:\s*\(([^)]*)\))?\s*$/.exec(decoded.trim());
  if (bare) return { name: (bare[2] ?? '').trim(), email: bare[1] };
  return { name: decoded.trim(), email: '' };
}

/** Message-IDs without angle brackets or surrounding space: "<a@b>" → "a@b". */
export function normaliseMessageId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /<([^<>\s]+)>/.exec(value);
  const id = (match ? match[1] : value).trim().replace(/^<|>$/g, '');
  return id && id.length <= 998 && !/\s/.test(id) ? id : undefined;
}

/** Every Message-ID named in References/In-Reply-To values, in order; stops after `max` + 1 ids. */
export function messageIdList(values: string[] | undefined, max = Number.MAX_SAFE_INTEGER): string[] {
  const ids: string[] = [];
  for (const value of values ?? []) {
    const bracketed = value.match(/<[^<>\s]+>/g);
    for (const candidate of bracketed ?? value.split(/\s+/)) {
      const id = normaliseMessageId(candidate);
      if (!id) continue;
      ids.push(id);
      if (ids.length > max) return ids;
    }
  }
  return ids;
}

/** ISO 8601 of an RFC 5322 date, or "" for a date that does not parse or lies outside 1980..2100. */
export function parseMailDate(value: string | undefined): string {
  if (!value) return '';
  const cleaned = value
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  let time = Date.parse(cleaned);
  if (Number.isNaN(time)) time = Date.parse(cleaned.replace(/^[A-Za-z]{3},\s*/, ''));
  if (Number.isNaN(time)) return '';
  const year = new Date(time).getUTCFullYear();
  return year >= 1980 && year <= 2100 ? new Date(time).toISOString() : '';
}
