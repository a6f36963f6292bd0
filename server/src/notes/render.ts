import { stripUnsafe } from '../../../protocol/untrustedText';
import { codeBlock, escapeMarkdown, inlineCode, link, loreUrl as knowledgeLoreUrl } from '../knowledge/markdownText';
import type { NoteView } from './model';

/**
 * Note text → Markdown for the editor (Message-IDs as lore links, symbols as go-to command links) and the
 * two export formats: Markdown and a plain-text review reply (quoted code with "> ", the note below it).
 * Notes, their authors, dates and file names and the quoted source lines are untrusted text (a notes file can be
 * shared or edited by hand): the Markdown uses the hovers' one escape (knowledge/markdownText.ts), code goes into
 * fences no backtick run can close, links are lore URLs and the go-to command only; the plain-text reply has no
 * control or bidi character (protocol/untrustedText.ts).
 */
const GO_TO_SYMBOL_COMMAND = 'kernelMmLens.notes.goToSymbol';

const MESSAGE_ID = /<([^<>\s@]+@[^<>\s]+)>|\b(?:Message-ID|msgid):\s*<?([^<>\s@]+@[^<>\s]*[^<>\s.,;:])>?/gi;
const SYMBOL = /`([A-Za-z_]\w*)(\(\))?`/g;

/** The lore URL of a Message-ID (parentheses and quotes percent-encoded, so the URL cannot end a Markdown link). */
export function loreUrl(messageId: string): string {
  return knowledgeLoreUrl(messageId);
}

export function citedMessageIds(body: string): string[] {
  return [...body.matchAll(MESSAGE_ID)].map((m) => m[1] ?? m[2]);
}

/** Markdown for the Comments UI and the Markdown export: user text escaped, citations turned into links. */
export function noteBodyMarkdown(body: string): string {
  return stripUnsafe(body).split('\n').map(noteLineMarkdown).join('\n');
}

function noteLineMarkdown(line: string): string {
  const pieces: string[] = [];
  let last = 0;
  const text = (from: number, to?: number) => {
    const piece = line.slice(from, to);
    if (from === 0) return escapeMarkdown(piece);
    // Inside a line: keep the space after a link (the escape drops white space that starts a line).
    const lead = /^\s*/.exec(piece)![0];
    return lead + escapeMarkdown(piece.slice(lead.length));
  };
  for (const m of line.matchAll(new RegExp(`${MESSAGE_ID.source}|${SYMBOL.source}`, 'gi'))) {
    pieces.push(text(last, m.index));
    const messageId = m[1] ?? m[2];
    if (messageId) {
      pieces.push(link(`<${messageId}>`, loreUrl(messageId)));
    } else {
      const symbol = m[3];
      const args = encodeURIComponent(JSON.stringify([symbol]));
      pieces.push(`[\`${symbol}${m[4] ?? ''}\`](command:${GO_TO_SYMBOL_COMMAND}?${args})`);
    }
    last = (m.index ?? 0) + m[0].length;
  }
  pieces.push(text(last));
  return pieces.join('');
}

/** The note's place as Markdown: `file:line` as code (reads as written, never a link), orphaned notes said so. */
function whereMarkdown(note: NoteView): string {
  return note.location.state === 'anchored'
    ? inlineCode(`${note.location.file}:${note.location.line + 1}`)
    : `${inlineCode(`${note.location.lastFile}:${note.location.lastLine + 1}`)} (orphaned: the code is gone)`;
}

function quotedCode(note: NoteView, lines: (file: string) => string[] | undefined): string[] {
  if (note.location.state === 'orphaned') return [`> ${note.location.lastKnownText}`];
  const text = lines(note.location.file);
  const at = note.location.line;
  const from = Math.max(0, at - 2);
  const slice = text ? text.slice(from, at + 1) : [note.anchor.text];
  return slice.map((l) => `> ${l}`.trimEnd());
}

export function exportMarkdown(notes: NoteView[], lines: (file: string) => string[] | undefined): string {
  const out = ['# Review notes', ''];
  for (const note of notes) {
    const symbol = note.anchor.symbol ? `${inlineCode(note.anchor.symbol)} — ` : '';
    out.push(`## ${symbol}${whereMarkdown(note)}${note.status === 'resolved' ? ' (resolved)' : ''}`, '');
    out.push(
      codeBlock(
        quotedCode(note, lines)
          .map((l) => l.replace(/^> ?/, ''))
          .join('\n'),
      ),
      '',
    );
    out.push(`${byline(note.author, note.created)}: ${noteBodyMarkdown(note.body)}`, '');
    for (const reply of note.replies)
      out.push(`- ${byline(reply.author, reply.created)}: ${noteBodyMarkdown(reply.body)}`);
    const ids = citedMessageIds([note.body, ...note.replies.map((r) => r.body)].join('\n'));
    if (ids.length) out.push('', ...ids.map((id) => `- Thread: <${loreUrl(id)}>`));
    out.push('');
  }
  return out.join('\n');
}

function byline(author: string, created: string): string {
  return `**${escapeMarkdown(author)}** (${escapeMarkdown(created.slice(0, 10))})`;
}

/** Plain text in the interleaved style of a mailing-list review: quoted code, then the comment, file by file. */
export function exportReply(notes: NoteView[], lines: (file: string) => string[] | undefined): string {
  const out: string[] = [];
  const open = notes.filter((n) => n.status === 'open');
  let currentFile = '';
  for (const note of open) {
    const file = note.location.state === 'anchored' ? note.location.file : note.location.lastFile;
    if (file !== currentFile) {
      out.push(`> ${file}`, '> ...');
      currentFile = file;
    }
    if (note.anchor.symbol && note.anchor.signature) out.push(`> ${note.anchor.signature}`, '> ...');
    out.push(...quotedCode(note, lines), '', ...wrap(note.body), '');
    for (const reply of note.replies) out.push(...wrap(`${reply.author}: ${reply.body}`), '');
  }
  // Everything here is plain text for a mail: no control or bidi character from a note, a name or the code.
  return `${stripUnsafe(out.join('\n')).trimEnd()}\n`;
}

function wrap(text: string, width = 72): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}
