import { TextDecoder } from 'util';

/**
 * Bytes → text for a MIME charset label. UTF-8/ASCII and Latin-1 are decoded by Buffer directly (the common
 * cases, and the fastest); other labels go through the WHATWG TextDecoder (Node's ICU knows the usual mail
 * charsets: windows-125x, koi8-r, iso-2022-jp, gb18030, ...). An unknown or hostile label never throws: the
 * text is read as UTF-8, with replacement characters where it is not.
 */

const UTF8_LABELS = new Set([
  '',
  'utf-8',
  'utf8',
  'us-ascii',
  'ascii',
  'ansi_x3.4-1968',
  'unicode-1-1-utf-8',
  'x-unknown',
]);
const LATIN1_LABELS = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'iso_8859-1']);
/** Decoders made so far; bounded because labels come from untrusted mail. */
const decoders = new Map<string, TextDecoder | null>();
const MAX_DECODERS = 64;

export function decodeBytes(bytes: Buffer, charset: string | undefined): string {
  const label = (charset ?? '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\*.*$/, '') // RFC 2231 language suffix: utf-8*en
    .toLowerCase();
  if (UTF8_LABELS.has(label)) return bytes.toString('utf8');
  if (LATIN1_LABELS.has(label)) return bytes.toString('latin1');
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null; // unknown label
    }
    if (decoders.size < MAX_DECODERS) decoders.set(label, decoder);
  }
  if (!decoder) return bytes.toString('utf8');
  try {
    return decoder.decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}
