import { decodeBytes } from './charset';
import { firstField, readHeaderBlock, type HeaderBlock } from './headers';
import { Deadline, MailLimitError, type MailLimits } from './limits';

/**
 * The text of a message body: what a reviewer reads and what carries diffs. Plain mail (no MIME, or one
 * text/plain part in 7bit/8bit — nearly all kernel list mail) is decoded in one step; multipart mail is walked
 * with a depth and part-count limit, keeping text/plain parts and patch attachments (text/x-patch,
 * text/x-diff, *.patch/*.diff files), base64 and quoted-printable decoded, each part in its own charset.
 * HTML is used only when a message has no plain text at all (vger refuses HTML mail, other lists may not).
 */

export interface ContentType {
  /** Lower case, "text/plain" when absent. */
  mediaType: string;
  params: Map<string, string>;
}

const PARAM = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;

export function parseContentType(value: string | undefined): ContentType {
  const params = new Map<string, string>();
  if (!value) return { mediaType: 'text/plain', params };
  const semicolon = value.indexOf(';');
  const mediaType = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase() || 'text/plain';
  if (semicolon >= 0) {
    for (const match of value.slice(semicolon).matchAll(PARAM)) {
      let param = match[2].trim();
      if (param.startsWith('"')) param = param.slice(1, -1).replace(/\\(.)/g, '$1');
      params.set(match[1].toLowerCase(), param);
    }
  }
  return { mediaType, params };
}

const PATCH_TYPES = new Set([
  'text/plain',
  'text/x-patch',
  'text/x-diff',
  'text/x-c',
  'text/x-csrc',
  'text/x-chdr',
  'application/x-patch',
  'application/x-diff',
]);

interface WalkState {
  parts: number;
  plain: string[];
  html: string[];
}

/** The body's text. Throws MailLimitError when the MIME structure goes over a limit. */
export function bodyText(headers: HeaderBlock, body: Buffer, limits: MailLimits, deadline: Deadline): string {
  const type = firstField(headers, 'content-type');
  const encoding = firstField(headers, 'content-transfer-encoding');
  // The fast path: no MIME structure and no transfer encoding to undo.
  if ((!type || /^\s*text\/plain\b/i.test(type)) && (!encoding || /^\s*(?:7bit|8bit|binary)\s*$/i.test(encoding)))
    return decodeBytes(body, parseContentType(type).params.get('charset'));
  const state: WalkState = { parts: 0, plain: [], html: [] };
  walk(headers, body, 0, state, limits, deadline);
  if (state.plain.length > 0) return state.plain.join('\n');
  return state.html.length > 0 ? htmlToText(state.html.join('\n')) : '';
}

function walk(
  headers: HeaderBlock,
  body: Buffer,
  depth: number,
  state: WalkState,
  limits: MailLimits,
  deadline: Deadline,
): void {
  if (depth > limits.maxMimeDepth) throw new MailLimitError('mime-depth');
  if (++state.parts > limits.maxMimeParts) throw new MailLimitError('mime-parts');
  deadline.check();
  const type = parseContentType(firstField(headers, 'content-type'));
  if (type.mediaType.startsWith('multipart/')) {
    const boundary = type.params.get('boundary');
    if (!boundary) {
      state.plain.push(decodeBytes(body, undefined));
      return;
    }
    for (const part of multipartParts(body, boundary)) {
      const partHeaders = readHeaderBlock(part, limits.maxHeaderBytes);
      walk(partHeaders, part.subarray(partHeaders.bodyStart), depth + 1, state, limits, deadline);
    }
    return;
  }
  const decoded = undoTransferEncoding(body, firstField(headers, 'content-transfer-encoding'));
  if (type.mediaType === 'message/rfc822' || type.mediaType === 'message/global') {
    const inner = readHeaderBlock(decoded, limits.maxHeaderBytes);
    walk(inner, decoded.subarray(inner.bodyStart), depth + 1, state, limits, deadline);
    return;
  }
  const charset = type.params.get('charset');
  if (type.mediaType === 'text/html') {
    state.html.push(decodeBytes(decoded, charset));
    return;
  }
  const disposition = firstField(headers, 'content-disposition') ?? '';
  const fileName = /filename\*?=\s*"?([^";]*)/i.exec(disposition)?.[1] ?? type.params.get('name') ?? '';
  if (PATCH_TYPES.has(type.mediaType) || /\.(?:patch|diff)$/i.test(fileName))
    state.plain.push(decodeBytes(decoded, charset));
}

/** The parts between `--boundary` lines; the preamble and the epilogue are left out. */
export function multipartParts(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Buffer[] = [];
  let partStart = -1;
  let position = 0;
  while (position <= body.length) {
    const found = body.indexOf(delimiter, position);
    if (found < 0) break;
    const atLineStart = found === 0 || body[found - 1] === 0x0a;
    const lineEnd = body.indexOf(0x0a, found);
    const next = lineEnd < 0 ? body.length : lineEnd + 1;
    if (!atLineStart) {
      position = found + delimiter.length;
      continue;
    }
    if (partStart >= 0) {
      // The line break before the delimiter belongs to the delimiter.
      let end = found - 1;
      if (end > partStart && body[end - 1] === 0x0d) end--;
      parts.push(body.subarray(partStart, Math.max(partStart, end)));
    }
    const closing =
      body.length >= found + delimiter.length + 2 &&
      body[found + delimiter.length] === 0x2d &&
      body[found + delimiter.length + 1] === 0x2d;
    if (closing) return parts;
    partStart = next;
    position = next;
  }
  // No closing delimiter (a cut message): the last part runs to the end.
  if (partStart >= 0 && partStart < body.length) parts.push(body.subarray(partStart));
  return parts;
}

export function undoTransferEncoding(body: Buffer, encoding: string | undefined): Buffer {
  const kind = (encoding ?? '').trim().toLowerCase();
  if (kind === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (kind === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

export function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body
    .toString('latin1')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(text, 'latin1');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * HTML → text for the rare HTML-only message: script and style dropped, block ends as line breaks, tags
 * removed, entities decoded. Linear in the input: every pattern stops at the next `<` or `>`.
 */
export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  let kept = '';
  let position = 0;
  for (;;) {
    const script = lower.indexOf('<script', position);
    const style = lower.indexOf('<style', position);
    const start = script < 0 ? style : style < 0 ? script : Math.min(script, style);
    if (start < 0) {
      kept += html.slice(position);
      break;
    }
    kept += html.slice(position, start);
    const closing = lower.indexOf(start === script ? '</script' : '</style', start);
    if (closing < 0) break;
    const closeEnd = lower.indexOf('>', closing);
    position = closeEnd < 0 ? html.length : closeEnd + 1;
  }
  return kept
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(?:p|div|li|tr|h\d|pre|blockquote)\s*>/gi, '\n')
    .replace(/<[^<>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (all, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      return ENTITIES[name.toLowerCase()] ?? all;
    })
    .replace(/\n{3,}/g, '\n\n');
}
