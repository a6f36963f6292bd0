import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_MAIL_LIMITS } from '../lore/mail/limits';
import { firstField, readHeaderBlock } from '../lore/mail/headers';
import { parseMail } from '../lore/mail/parseMail';
import { readRegularFile } from '../lore/mail/mailReader';
import { stablePatchId } from '../lore/patchId';
import { parsePatchSubject } from '../lore/subject';
import { parseUnifiedDiffs, type BodyLine } from './unifiedDiff';
import type { PatchInput, PatchMessage } from './types';

/**
 * The review's input as patches: one `git format-patch` file, a folder or list of them (a series), an mbox of a
 * series as `b4 am` writes it (replies included when it is a `b4 mbox` of the thread), a single .eml, or a bare
 * diff (stdin, `git diff`). Mail headers are read by the lore mail reader (the same decoding of encoded words,
 * Message-IDs and dates as the thread service) and the subject by b4's rules (lore/subject.ts); the diff lines
 * keep their line in the input, so a finding points at the `+` line the reviewer reads. Mail is untrusted:
 * sizes are bounded, FIFOs and devices are never opened, and what cannot be read becomes a problem sentence.
 */

/** Largest input read: a 30-patch series is about 1 MB; a list archive is no review input. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;
const INPUT_EXTENSIONS = /\.(?:patch|diff|mbox|eml|mbx)$/i;
const FROM_LINE = /^From \S+/;
const HEADER_LINE = /^[!-9;-~]{1,76}:/;

export interface InputText {
  /** How the user named it: a path, or "-" for stdin. */
  name: string;
  text: string;
}

/** Reads files and folders (their *.patch/*.diff/*.mbox/*.eml files, in name order) into texts. */
export function readInputFiles(paths: string[], problems: string[]): InputText[] {
  const texts: InputText[] = [];
  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch {
      problems.push(`${given}: no such file or folder`);
      continue;
    }
    const files = stat.isDirectory()
      ? fs
          .readdirSync(given)
          .filter((name) => INPUT_EXTENSIONS.test(name))
          .sort()
          .map((name) => path.join(given, name))
      : [given];
    if (stat.isDirectory() && files.length === 0)
      problems.push(`${given}: no .patch, .diff, .mbox or .eml files in it`);
    for (const file of files) {
      const bytes = readRegularFile(file, MAX_INPUT_BYTES + 1);
      if (bytes === undefined) problems.push(`${file}: not a regular file that can be read`);
      else if (bytes.length > MAX_INPUT_BYTES) problems.push(`${file}: larger than ${MAX_INPUT_BYTES} bytes, not read`);
      else texts.push({ name: file, text: decodeInput(bytes) });
    }
  }
  return texts;
}

/** UTF-8 when it decodes as such, else Latin-1 (old mail), never replacement characters in diff lines. */
export function decodeInput(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.includes('\uFFFD') ? bytes.toString('latin1') : text;
}

/** Splits the texts into messages and orders them as a series: cover letter, patches by counter, replies aside. */
export function patchInputOf(texts: InputText[], problems: string[] = []): PatchInput {
  const messages: PatchMessage[] = [];
  for (const input of texts) messages.push(...messagesOf(input, problems));
  const postings = messages.filter((m) => !m.isReply);
  const replies = messages.filter((m) => m.isReply);
  const cover = postings.find((m) => m.isCover);
  // b4: a patch without its own vN takes the revision of its cover letter.
  if (cover) for (const patch of postings) if (!patch.isCover && patch.version === 1) patch.version = cover.version;
  let patches = postings.filter((m) => !m.isCover);
  // Series order by the k of [PATCH k/M] when every patch has a distinct one (an mbox may hold them in any
  // order); otherwise the order they were given in.
  const counters = new Set(patches.map((m) => m.counter));
  if (patches.every((m) => m.counter !== undefined) && counters.size === patches.length)
    patches = [...patches].sort((a, b) => a.counter! - b.counter!);
  if (patches.length === 0 && problems.length === 0) problems.push('no patch found in the input (no diff in it)');
  return { cover, patches, replies, problems };
}

/** The messages of one input text: an mbox (From_ lines), one mail, or one bare diff. */
export function messagesOf(input: InputText, problems: string[]): PatchMessage[] {
  const lines = input.text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const starts = messageStarts(lines);
  if (starts.length === 0) {
    if (HEADER_LINE.test(lines[0] ?? '') && lines.some((l) => l === '')) starts.push(0);
    else return bareDiff(input, lines);
  }
  const messages: PatchMessage[] = [];
  for (let s = 0; s < starts.length; s++) {
    const from = starts[s];
    const to = s + 1 < starts.length ? starts[s + 1] : lines.length;
    // The From_ separator line is no header.
    const first = FROM_LINE.test(lines[from]) && !HEADER_LINE.test(lines[from]) ? from + 1 : from;
    const message = mailMessage(input.name, lines, first, to, problems);
    if (message) messages.push(message);
  }
  return messages;
}

/** Indexes of mbox From_ lines: at the start or after an empty line, followed by a header line. */
function messageStarts(lines: string[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('From ') || (i > 0 && lines[i - 1] !== '')) continue;
    if (FROM_LINE.test(lines[i]) && HEADER_LINE.test(lines[i + 1] ?? '')) starts.push(i);
  }
  return starts;
}

function bareDiff(input: InputText, lines: string[]): PatchMessage[] {
  const body: BodyLine[] = lines.map((text, i) => ({ text, inputLine: i + 1 }));
  const files = parseUnifiedDiffs(body);
  if (files.length === 0) return [];
  return [
    {
      inputFile: input.name,
      inputLine: 1,
      subject: '',
      title: '',
      version: 1,
      references: [],
      author: '',
      authorEmail: '',
      date: '',
      isCover: false,
      isReply: false,
      patchId: stablePatchId(input.text),
      files,
      body: input.text,
      lineMapped: true,
    },
  ];
}

function mailMessage(
  inputFile: string,
  lines: string[],
  from: number,
  to: number,
  problems: string[],
): PatchMessage | undefined {
  const raw = Buffer.from(lines.slice(from, to).join('\n'), 'utf8');
  const parsed = parseMail(raw, { source: inputFile, offset: 0, length: raw.length }, DEFAULT_MAIL_LIMITS, {
    mboxrd: true,
  });
  if (!('message' in parsed)) {
    problems.push(`${inputFile}:${from + 1}: message skipped (${parsed.skipped})`);
    return undefined;
  }
  const mail = parsed.message;
  const headers = readHeaderBlock(raw, DEFAULT_MAIL_LIMITS.maxHeaderBytes);
  const encoding = firstField(headers, 'content-transfer-encoding');
  const type = firstField(headers, 'content-type');
  const plain =
    (!type || /^\s*text\/plain\b/i.test(type)) && (!encoding || /^\s*(?:7bit|8bit|binary)\s*$/i.test(encoding));
  let body: BodyLine[];
  if (plain) {
    let headerLines = 0;
    while (from + headerLines < to && lines[from + headerLines] !== '') headerLines++;
    const first = from + headerLines + 1;
    body = lines.slice(first, to).map((text, i) => ({
      // mboxrd: a body line ">From " was "From " in the mail.
      text: /^>+From /.test(text) ? text.slice(1) : text,
      inputLine: first + i + 1,
    }));
  } else {
    body = mail.body.split('\n').map((text) => ({ text: text.endsWith('\r') ? text.slice(0, -1) : text }));
  }
  const files = parseUnifiedDiffs(body);
  const subject = parsePatchSubject(mail.subject);
  const isCover = subject.patch && !subject.reply && subject.counter === 0;
  const isReply = subject.reply || (files.length === 0 && !isCover && mail.references.length > 0);
  return {
    inputFile,
    inputLine: from + 1,
    subject: mail.subject,
    title: subject.title,
    version: subject.version,
    counter: subject.counter,
    expected: subject.expected,
    messageId: mail.synthesisedId ? undefined : mail.messageId,
    references: mail.references,
    author: mail.author,
    authorEmail: mail.authorEmail,
    date: mail.date,
    isCover,
    isReply: isReply && !isCover,
    patchId: files.length > 0 ? (mail.patchId ?? stablePatchId(mail.body)) : undefined,
    files: isReply ? [] : files,
    body: mail.body,
    lineMapped: plain,
  };
}

/** The input from one text (stdin, an MCP argument), as a series. */
export function patchInputFromText(name: string, text: string): PatchInput {
  const problems: string[] = [];
  return patchInputOf([{ name, text }], problems);
}

/** The input from files and folders, as a series. */
export function patchInputFromFiles(paths: string[]): PatchInput {
  const problems: string[] = [];
  const texts = readInputFiles(paths, problems);
  return patchInputOf(texts, problems);
}
