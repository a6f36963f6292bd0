import type { ThreadDocumentResult, ThreadOutlineEntry } from '../../../protocol';
import { UNSAFE_CHARACTERS } from '../../../protocol/untrustedText';
import type { BundledThreadIndex } from './bundledThreads';
import type { MailIndex } from './mailIndex';
import { loreUrl, normaliseSymbol, type SymbolThreadIndex } from './symbolThreads';
import { unquote } from './symbolExtraction';
import type { BundledThreadMessage, MailMessage } from './types';

/**
 * Renders one thread as plain text for the read-only `kernel-thread` document: per message a separator line,
 * mail-style headers, then the body with its quote markers, diffs and trailers untouched. Mail is untrusted:
 * control and bidi characters are removed, and nothing here is ever interpreted as HTML or Markdown.
 */

/** Stops a thread with huge patches from producing an editor-killing document. */
const MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;

/** Removes terminal escapes, other C0/C1 controls and bidi overrides (Trojan-source style tricks) from mail text. */
export function sanitiseMailText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // The one list of unsafe characters (protocol/untrustedText.ts; U+061C, the Arabic letter mark, was missing here).
      .replace(UNSAFE_CHARACTERS, '')
  );
}

/** One line: also drops newlines (for headers and outline labels). */
export function sanitiseLine(text: string): string {
  return sanitiseMailText(text).replace(/\s+/g, ' ').trim();
}

class DocumentBuilder {
  readonly lines: string[] = [];
  private chars = 0;
  truncated = false;

  push(line: string): boolean {
    if (this.truncated) return false;
    if (this.chars + line.length > MAX_DOCUMENT_CHARS) {
      this.truncated = true;
      this.lines.push('', '[... thread truncated: too long to show here; open it on lore.kernel.org ...]');
      return false;
    }
    this.chars += line.length + 1;
    this.lines.push(line);
    return true;
  }

  get lineCount(): number {
    return this.lines.length;
  }
}

function symbolPattern(symbol: string | undefined): RegExp | undefined {
  const name = symbol ? normaliseSymbol(symbol) : '';
  if (!name) return undefined;
  return new RegExp(`(?<![A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![A-Za-z0-9_])`);
}

interface FocusCandidate {
  line: number;
  /** 0: the requested message's own words, 1: a reply's own words, 2: a reply quoting it, 3: anything else. */
  rank: number;
}

function focusRank(isRequested: boolean, isReply: boolean, quoted: boolean): number {
  if (isRequested && !quoted) return 0;
  if (isReply) return quoted ? 2 : 1;
  return 3;
}

/** Lines of the document that an editor shows folded at first: the other versions of the patch. */
export interface FoldedRange {
  startLine: number;
  endLine: number;
}

export type MailThreadDocument = ThreadDocumentResult & { folds: FoldedRange[] };

/** The other versions shown after the requested thread (older ones are rarely all needed). */
const MAX_OTHER_VERSIONS = 12;

export async function renderMailThread(
  messageId: string,
  symbol: string | undefined,
  mail: MailIndex,
  series?: SymbolThreadIndex,
): Promise<MailThreadDocument> {
  const entries = mail.threads.threadOf(messageId);
  const rootId = entries[0]?.messageId ?? messageId;
  const root = mail.messages.get(rootId) ?? mail.messages.get(messageId);
  const doc = new DocumentBuilder();
  const outline: ThreadOutlineEntry[] = [];
  const folds: FoldedRange[] = [];
  const focus: FocusState = { pattern: symbolPattern(symbol), requested: messageId };

  doc.push(`Thread: ${sanitiseLine(root?.subject ?? rootId)}`);
  doc.push(`Open on lore.kernel.org: ${loreUrl(rootId) || '(no public Message-ID)'}`);
  doc.push(
    `Messages: ${entries.filter((e) => e.present).length} in local mail, ${entries.filter((e) => !e.present).length} referenced but missing`,
  );
  const versions = series?.versionsOf(messageId) ?? [];
  const here = versions.find((v) => v.messageId === messageId || v.replies.some((r) => r.messageId === messageId));
  if (versions.length > 1) {
    doc.push(`Versions of this patch: ${versions.length}, latest first`);
    for (const version of versions) {
      const mark = version === here ? '  <- this thread' : '  (further below, folded)';
      doc.push(
        `  v${version.version}  ${version.date.slice(0, 10) || '(no date)'}  ${sanitiseLine(version.subject)}  [${version.replies.length} repl${version.replies.length === 1 ? 'y' : 'ies'}]${mark}`,
      );
    }
  }
  doc.push('');
  await pushThread(doc, outline, entries, mail, focus);

  if (versions.length > 1) {
    const others = versions.filter((v) => v !== here).slice(0, MAX_OTHER_VERSIONS);
    for (const version of others) {
      if (doc.truncated) break;
      const otherEntries = mail.threads.threadOf(version.messageId);
      // A version inside this very thread (a v2 posted as a reply to v1) is shown above already.
      if (otherEntries[0]?.messageId === rootId) continue;
      const start = doc.lineCount;
      doc.push(
        `######## Version v${version.version} (${version.date.slice(0, 10) || 'no date'}): ${sanitiseLine(version.subject)}`,
      );
      doc.push('');
      await pushThread(doc, outline, otherEntries, mail, focus);
      folds.push({ startLine: start, endLine: Math.max(start, doc.lineCount - 1) });
    }
  }
  return {
    found: true,
    text: doc.lines.join('\n'),
    outline,
    focusLine: focus.best?.line ?? focus.requestedLine,
    url: loreUrl(messageId),
    folds,
  };
}

interface FocusState {
  pattern?: RegExp;
  requested: string;
  best?: FocusCandidate;
  requestedLine?: number;
}

async function pushThread(
  doc: DocumentBuilder,
  outline: ThreadOutlineEntry[],
  entries: ReturnType<MailIndex['threads']['threadOf']>,
  mail: MailIndex,
  focus: FocusState,
): Promise<void> {
  const present = entries.map((e) => mail.messages.get(e.messageId)).filter((m): m is MailMessage => m !== undefined);
  const withBodies = new Map((await mail.withBodies(present)).map((m) => [m.messageId, m]));

  for (let i = 0; i < entries.length && !doc.truncated; i++) {
    const entry = entries[i];
    const start = doc.lineCount;
    const stored = mail.messages.get(entry.messageId);
    const indent = '  '.repeat(Math.min(entry.depth, 12));
    if (!stored) {
      doc.push(`======== [${i + 1}/${entries.length}] ${indent}(not in local mail)`);
      doc.push(`Message-ID: <${sanitiseLine(entry.messageId)}>`);
      doc.push(`Link: ${loreUrl(entry.messageId)}`);
      doc.push('');
      outline.push({
        messageId: entry.messageId,
        parentId: entry.parentId,
        author: '(missing)',
        subject: '(not in local mail)',
        date: '',
        line: start,
        endLine: doc.lineCount - 1,
        depth: entry.depth,
      });
      continue;
    }
    const message: MailMessage = withBodies.get(stored.messageId) ?? stored;
    doc.push(`======== [${i + 1}/${entries.length}] ${indent}${sanitiseLine(message.author)}`);
    doc.push(
      `From: ${sanitiseLine(message.author)}${message.authorEmail ? ` <${sanitiseLine(message.authorEmail)}>` : ''}`,
    );
    doc.push(`Date: ${message.date || '(unknown)'}`);
    doc.push(`Subject: ${sanitiseLine(message.subject)}`);
    doc.push(`Message-ID: <${sanitiseLine(message.messageId)}>`);
    if (entry.parentId) doc.push(`In-Reply-To: <${sanitiseLine(entry.parentId)}>`);
    if (loreUrl(message.messageId)) doc.push(`Link: ${loreUrl(message.messageId)}`);
    doc.push('');
    const isRequested = entry.messageId === focus.requested;
    if (isRequested && focus.requestedLine === undefined) focus.requestedLine = start;
    const isReply = !message.isPatch && entry.parentId !== undefined;
    if (message.bodyDropped) doc.push('[the message text could not be read again: the mail source changed]');
    for (const line of sanitiseMailText(message.body).replace(/\n+$/, '').split('\n')) {
      const lineNumber = doc.lineCount;
      if (!doc.push(line)) break;
      if (focus.pattern && focus.pattern.test(line)) {
        const rank = focusRank(isRequested, isReply, unquote(line).depth > 0);
        if (!focus.best || rank < focus.best.rank) focus.best = { line: lineNumber, rank };
      }
    }
    doc.push('');
    outline.push({
      messageId: message.messageId,
      parentId: entry.parentId,
      author: sanitiseLine(message.author),
      subject: sanitiseLine(message.subject),
      date: message.date,
      line: start,
      endLine: doc.lineCount - 1,
      depth: entry.depth,
    });
  }
}

/** A thread known only from the bundled index: headers and our summary of each message, with lore links. */
export function renderBundledThread(
  messageId: string,
  symbol: string | undefined,
  bundled: BundledThreadIndex,
): ThreadDocumentResult {
  const found = bundled.byMessageId.get(messageId);
  if (!found) return notFound(messageId);
  const { series } = found;
  const ordered = orderBundled(series.messages);
  const doc = new DocumentBuilder();
  const outline: ThreadOutlineEntry[] = [];
  const pattern = symbolPattern(symbol);
  let focusLine: number | undefined;
  let requestedLine: number | undefined;
  doc.push(`Thread: ${series.series} (v${series.version})`);
  doc.push(`Open on lore.kernel.org: ${loreUrl(series.coverMessageId ?? messageId)}`);
  doc.push('The message text is not in your local mail: below is the bundled summary of each message.');
  doc.push('Add the thread to kernelMmLens.mailSources (b4 mbox / lei q) to read it here in full.');
  doc.push('');
  ordered.forEach(({ message, depth }, i) => {
    const start = doc.lineCount;
    if (message.messageId === messageId) requestedLine = start;
    doc.push(`======== [${i + 1}/${ordered.length}] ${'  '.repeat(depth)}${message.author}`);
    doc.push(`From: ${message.author}`);
    doc.push(`Date: ${message.date}`);
    doc.push(`Subject: ${message.subject}`);
    doc.push(`Message-ID: <${message.messageId}>`);
    if (message.inReplyTo) doc.push(`In-Reply-To: <${message.inReplyTo}>`);
    doc.push(`Link: ${loreUrl(message.messageId)}`);
    doc.push('');
    const pointLine = doc.lineCount;
    doc.push(`Summary: ${message.point}`);
    if (message.files?.length) doc.push(`Files: ${message.files.join(', ')}`);
    if (message.functions?.length) doc.push(`Functions: ${message.functions.join(', ')}`);
    doc.push(`Sources: ${message.sources.join('; ')}`);
    doc.push('');
    if (
      pattern &&
      focusLine === undefined &&
      pattern.test(`${message.point} ${message.symbols.map((s) => s.symbol).join(' ')}`)
    ) {
      focusLine = message.inReplyTo && !message.patch ? pointLine : focusLine;
    }
    outline.push({
      messageId: message.messageId,
      parentId: message.inReplyTo,
      author: message.author,
      subject: message.subject,
      date: message.date,
      line: start,
      endLine: doc.lineCount - 1,
      depth,
    });
  });
  return {
    found: true,
    text: doc.lines.join('\n'),
    outline,
    focusLine: focusLine ?? requestedLine,
    url: loreUrl(messageId),
  };
}

/** k of patch k/M (the data's, else the subject's "[PATCH vN k/M]"); other messages sort after the patches. */
function patchNumber(message: BundledThreadMessage): number {
  if (message.patch) return message.patch.number;
  const match = /\[[^\]]*?\b(\d+)\/\d+\s*\]/.exec(message.subject ?? '');
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

function orderBundled(messages: BundledThreadMessage[]): Array<{ message: BundledThreadMessage; depth: number }> {
  const ids = new Set(messages.map((m) => m.messageId));
  const children = new Map<string, BundledThreadMessage[]>();
  const roots: BundledThreadMessage[] = [];
  for (const message of messages) {
    if (message.inReplyTo && ids.has(message.inReplyTo) && message.inReplyTo !== message.messageId) {
      const list = children.get(message.inReplyTo) ?? [];
      list.push(message);
      children.set(message.inReplyTo, list);
    } else {
      roots.push(message);
    }
  }
  const out: Array<{ message: BundledThreadMessage; depth: number }> = [];
  const seen = new Set<string>();
  const stack = roots.reverse().map((message) => ({ message, depth: 0 }));
  while (stack.length) {
    const item = stack.pop()!;
    if (seen.has(item.message.messageId)) continue;
    seen.add(item.message.messageId);
    out.push(item);
    // Replies in the order they were posted; the patches of a series (all sent within the same minute, often with
    // the same date) in patch order: 01/17 before 02/17. Pushed in reverse, so the first one comes off first.
    const kids = [...(children.get(item.message.messageId) ?? [])].sort(
      (a, b) => a.date.localeCompare(b.date) || patchNumber(a) - patchNumber(b),
    );
    for (const kid of kids.reverse()) stack.push({ message: kid, depth: item.depth + 1 });
  }
  return out;
}

export function notFound(messageId: string): ThreadDocumentResult {
  const url = loreUrl(messageId);
  return {
    found: false,
    text: `Message <${sanitiseLine(messageId)}> is neither in your local mail nor in the bundled thread index.\n${url ? `Open on lore.kernel.org: ${url}\n` : ''}`,
    outline: [],
    url,
  };
}
