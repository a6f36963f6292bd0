import { readRegularFile } from '../base/regularFile';
import type { NoteWire } from '../../../protocol';
import type { NoteView } from './model';
import { noteBodyMarkdown } from './render';

/** NoteView → the LSP shape (with Markdown bodies and a URI for anchored notes). */
export function toWire(view: NoteView, uriOf: (file: string) => string): NoteWire {
  const anchored = view.location.state === 'anchored';
  const file = view.location.state === 'anchored' ? view.location.file : view.location.lastFile;
  const line = view.location.state === 'anchored' ? view.location.line : view.location.lastLine;
  return {
    id: view.id,
    author: view.author,
    created: view.created,
    updated: view.updated,
    status: view.status,
    body: view.body,
    bodyMarkdown: noteBodyMarkdown(view.body),
    symbol: view.anchor.symbol,
    replies: view.replies.map((r) => ({ ...r, bodyMarkdown: noteBodyMarkdown(r.body) })),
    state: anchored ? 'anchored' : 'orphaned',
    uri: anchored ? uriOf(file) : undefined,
    file,
    line,
    lastKnownText: view.anchor.text,
  };
}

const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** Reads a source file for anchoring: undefined if missing, too large or binary (never throws). */
export function readSourceFile(absolute: string): string | undefined {
  const read = readRegularFile(absolute, MAX_SOURCE_BYTES);
  if ('skipped' in read || read.bytes.subarray(0, 8192).includes(0)) return undefined;
  return read.bytes.toString('utf8');
}
