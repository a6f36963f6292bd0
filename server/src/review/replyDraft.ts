import { stripUnsafe } from '../../../protocol/untrustedText';
import { sanitiseLine } from '../lore/renderThread';
import type { FileDiff, Hunk, PatchInput, PatchMessage, ReviewFindingJson } from './types';

/**
 * A draft reply to a patch about one review finding, as a reviewer on the list would write it: `Re:` subject and
 * threading headers, an attribution line, the diff lines the finding is about quoted with `> ` (the file, the
 * hunk header and a few lines of context before the line, trimmed the way reviewers trim), then the finding as
 * the comment, wrapped at 72 columns. The reviewer edits it before sending; nothing is sent.
 * Every piece taken from the patch (subject, author, Message-ID, diff lines) is untrusted text: control and bidi
 * characters are removed and each stays on its own line, so a crafted subject cannot add a header.
 */

/** Lines of the hunk quoted before the line a finding is about (reviewers keep a little context, not the hunk). */
const CONTEXT_LINES = 6;
const WRAP = 72;

export function draftReply(input: PatchInput, finding: ReviewFindingJson): string {
  const message = messageOfFinding(input, finding);
  const out: string[] = [];
  if (message) {
    out.push(`Subject: ${replySubject(message.subject)}`);
    const messageId = cleanMessageId(message.messageId);
    if (messageId) {
      const references = [...message.references.map(cleanMessageId).filter(Boolean), messageId];
      out.push(`In-Reply-To: <${messageId}>`, `References: ${references.map((id) => `<${id}>`).join(' ')}`);
    }
    out.push('');
    const author = sanitiseLine(message.author || message.authorEmail);
    const date = mailDate(message.date);
    if (author) out.push(date ? `On ${date}, ${author} wrote:` : `${author} wrote:`);
    out.push(...quoteAround(message, finding.patchLine));
  }
  out.push('', ...wrap(sanitiseLine(finding.message)), '');
  return `${out.join('\n')}\n`;
}

/** The message of the input that holds the finding's patch line (the last one starting at or before it). */
export function messageOfFinding(input: PatchInput, finding: ReviewFindingJson): PatchMessage | undefined {
  const candidates = input.patches.filter((patch) => patch.inputFile === finding.patchFile);
  if (finding.patchLine === null) return candidates.length === 1 ? candidates[0] : undefined;
  let best: PatchMessage | undefined;
  for (const patch of candidates) {
    if (patch.inputLine <= finding.patchLine && (!best || patch.inputLine > best.inputLine)) best = patch;
  }
  return best;
}

function quoteAround(message: PatchMessage, patchLine: number | null): string[] {
  if (patchLine === null) return [];
  for (const file of message.files) {
    for (const hunk of file.hunks) {
      const at = hunk.inputLine === patchLine ? -1 : hunk.lines.findIndex((line) => line.inputLine === patchLine);
      if (at === -1 && hunk.inputLine !== patchLine) continue;
      const quoted = [`> diff --git a/${pathOf(file, 'old')} b/${pathOf(file, 'new')}`];
      const first = Math.max(0, at - CONTEXT_LINES);
      quoted.push(`> ${hunkHeader(hunk)}`);
      if (first > 0) quoted.push('> [...]');
      const last = at === -1 ? Math.min(hunk.lines.length, CONTEXT_LINES) - 1 : at;
      for (const line of hunk.lines.slice(first, last + 1)) quoted.push(`> ${line.kind}${untrustedCode(line.text)}`);
      return quoted;
    }
  }
  return [];
}

function pathOf(file: FileDiff, side: 'old' | 'new'): string {
  const name = side === 'old' ? (file.oldPath ?? file.newPath) : (file.newPath ?? file.oldPath);
  return sanitiseLine(name ?? '');
}

function hunkHeader(hunk: Hunk): string {
  const context = sanitiseLine(hunk.context);
  return `@@ -${hunk.oldStart},${hunk.oldCount} +${hunk.newStart},${hunk.newCount} @@${context ? ` ${context}` : ''}`;
}

/** A code line keeps its white space (the indentation the reviewer quotes); unsafe characters and breaks go. */
function untrustedCode(text: string): string {
  return stripUnsafe(text).replace(/\n/g, ' ');
}

function replySubject(subject: string): string {
  const clean = sanitiseLine(subject);
  return /^re:/i.test(clean) ? clean : `Re: ${clean}`;
}

/** A Message-ID without brackets; anything that is not one (spaces, brackets, quotes) makes it unusable. */
function cleanMessageId(id: string | undefined): string {
  const clean = sanitiseLine(id ?? '').replace(/^<|>$/g, '');
  return /^[^\s<>"]{1,250}$/.test(clean) ? clean : '';
}

/** The date as mail clients write it in an attribution line (RFC 2822, UTC); '' when it does not parse. */
function mailDate(date: string): string {
  const time = Date.parse(date);
  return Number.isNaN(time) ? '' : new Date(time).toUTCString();
}

function wrap(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current && current.length + 1 + word.length > WRAP) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}
