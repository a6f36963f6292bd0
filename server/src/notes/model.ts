/**
 * Review notes: the stored format (documented in docs/annotations.md). JSON, human-readable, versioned.
 * A note is anchored to a symbol and a fingerprint of the code around its line, so it follows the code.
 */
export const NOTES_FORMAT = 'kernel-mm-lens-notes';
export const NOTES_VERSION = 1;

export interface NoteAnchor {
  /** Tree-relative path, '/' separators. */
  file: string;
  /** 0-based line where the note was last found. */
  line: number;
  /** Enclosing or named symbol (function, macro, struct field), if any. */
  symbol?: string;
  /** Line of the note relative to the symbol's first line. */
  lineInSymbol?: number;
  /** Normalised text of the symbol's first line (its signature). */
  signature?: string;
  /** Normalised text of the anchored line and of its non-blank neighbours. */
  text: string;
  before: string[];
  after: string[];
}

export interface NoteReply {
  id: string;
  author: string;
  created: string;
  body: string;
}

export interface StoredNote {
  id: string;
  author: string;
  created: string;
  updated: string;
  status: 'open' | 'resolved';
  body: string;
  anchor: NoteAnchor;
  replies: NoteReply[];
}

export interface NotesFile {
  format: typeof NOTES_FORMAT;
  version: typeof NOTES_VERSION;
  notes: StoredNote[];
}

/** A note as shown: where it is now (or orphaned, with its last known text). */
export interface NoteView extends StoredNote {
  location:
    | { state: 'anchored'; file: string; line: number; moved: boolean }
    | { state: 'orphaned'; lastKnownText: string; lastFile: string; lastLine: number };
}

export function emptyNotesFile(): NotesFile {
  return { format: NOTES_FORMAT, version: NOTES_VERSION, notes: [] };
}
