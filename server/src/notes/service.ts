import * as crypto from 'crypto';
import { createAnchor, resolveAnchor, reanchor } from './anchor';
import { loadNotes, saveNotes } from './store';
import { exportMarkdown, exportReply } from './render';
import type { NotesFile, NoteView, StoredNote } from './model';

/**
 * Review-note operations shared by the LSP requests and the CLI. Sources are read through `readSource`
 * (open buffer first, then disk); `symbolFiles` (the index) finds a symbol that moved to another file.
 */
export interface NotesSources {
  readSource(file: string): string | undefined;
  symbolFiles?(symbol: string): string[];
}

export interface AddNoteParams {
  file: string;
  line: number;
  body: string;
  symbol?: string;
  author?: string;
}

export class NoteNotFoundError extends Error {}

export class NotesService {
  /** The last load problem (damaged file kept aside, unreadable file), for the user to see. */
  lastProblem: string | undefined;

  constructor(
    readonly notesPath: string,
    private readonly sources: NotesSources,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(file?: string): NoteView[] {
    const stored = this.load();
    const views = stored.notes.map((note) => this.locate(note));
    const moved = views.filter((v) => v.location.state === 'anchored' && v.location.moved);
    if (moved.length > 0) {
      // Persist the followed anchors so the next edit starts from the new place.
      for (const view of moved) {
        const note = stored.notes.find((n) => n.id === view.id);
        const text = view.location.state === 'anchored' ? this.sources.readSource(view.location.file) : undefined;
        if (note && text !== undefined && view.location.state === 'anchored')
          note.anchor = reanchor(note.anchor, view.location.file, text, view.location.line);
      }
      this.save(stored);
    }
    return file
      ? views.filter((v) => (v.location.state === 'anchored' ? v.location.file : v.location.lastFile) === file)
      : views;
  }

  add(params: AddNoteParams): NoteView {
    const text = this.sources.readSource(params.file);
    if (text === undefined) throw new Error(`cannot read ${params.file}`);
    const stamp = this.now().toISOString();
    const note: StoredNote = {
      id: `n-${crypto.randomBytes(6).toString('hex')}`,
      author: params.author || defaultAuthor(),
      created: stamp,
      updated: stamp,
      status: 'open',
      body: params.body,
      anchor: createAnchor(params.file, text, params.line, params.symbol),
      replies: [],
    };
    const stored = this.load();
    stored.notes.push(note);
    this.save(stored);
    return this.locate(note);
  }

  reply(id: string, body: string, author?: string): NoteView {
    return this.update(id, (note, stamp) => {
      note.replies.push({
        id: `r-${crypto.randomBytes(6).toString('hex')}`,
        author: author || defaultAuthor(),
        created: stamp,
        body,
      });
    });
  }

  resolve(id: string, resolved = true): NoteView {
    return this.update(id, (note) => {
      note.status = resolved ? 'resolved' : 'open';
    });
  }

  delete(id: string): { deleted: string } {
    const stored = this.load();
    const index = stored.notes.findIndex((n) => n.id === id);
    if (index < 0) throw new NoteNotFoundError(`no note ${id}`);
    stored.notes.splice(index, 1);
    this.save(stored);
    return { deleted: id };
  }

  export(format: 'markdown' | 'reply'): string {
    const views = this.list();
    const lines = (file: string) => this.sources.readSource(file)?.split(/\r?\n/);
    return format === 'reply' ? exportReply(views, lines) : exportMarkdown(views, lines);
  }

  private update(id: string, change: (note: StoredNote, stamp: string) => void): NoteView {
    const stored = this.load();
    const note = stored.notes.find((n) => n.id === id);
    if (!note) throw new NoteNotFoundError(`no note ${id}`);
    const stamp = this.now().toISOString();
    change(note, stamp);
    note.updated = stamp;
    this.save(stored);
    return this.locate(note);
  }

  /** Finds a note's code now: same file first, then files defining its symbol; orphaned if gone. */
  private locate(note: StoredNote): NoteView {
    const candidates = [
      note.anchor.file,
      ...(note.anchor.symbol ? (this.sources.symbolFiles?.(note.anchor.symbol) ?? []) : []),
    ];
    let best: { file: string; line: number; score: number } | undefined;
    for (const file of [...new Set(candidates)]) {
      const text = this.sources.readSource(file);
      if (text === undefined) continue;
      const match = resolveAnchor(note.anchor, text);
      if (match && (!best || match.score > best.score)) best = { file, ...match };
    }
    if (!best) {
      return {
        ...note,
        location: {
          state: 'orphaned',
          lastKnownText: note.anchor.text,
          lastFile: note.anchor.file,
          lastLine: note.anchor.line,
        },
      };
    }
    const moved = best.file !== note.anchor.file || best.line !== note.anchor.line;
    return { ...note, location: { state: 'anchored', file: best.file, line: best.line, moved } };
  }

  private load(): NotesFile {
    const result = loadNotes(this.notesPath, this.now);
    if (result.problem) this.lastProblem = result.problem;
    return result.file;
  }

  private save(file: NotesFile): void {
    saveNotes(this.notesPath, file);
  }
}

function defaultAuthor(): string {
  return process.env.GIT_AUTHOR_NAME || process.env.USER || 'reviewer';
}
