import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import { readRegularText } from '../base/regularFile';
import { NOTES_FORMAT, NOTES_VERSION, emptyNotesFile, type NotesFile, type StoredNote } from './model';

/** A notes file is a few hundred kB at most; anything larger is not ours. */
const MAX_NOTES_BYTES = 64 * 1024 * 1024;

/**
 * Notes storage: default outside the kernel tree (`<cacheDir>/notes/<workspace>-<hash>.json`), or a file the
 * user chose. Writes are atomic (temp file + fsync + rename). A file that cannot be read as notes is renamed
 * `<file>.damaged-<timestamp>` and reported, never overwritten.
 */
export interface LoadResult {
  file: NotesFile;
  problem?: string;
  keptAside?: string;
}

export function defaultNotesPath(cacheDir: string, workspaceRoot: string): string {
  const hash = crypto.createHash('sha256').update(path.resolve(workspaceRoot)).digest('hex').slice(0, 12);
  const base = path.basename(path.resolve(workspaceRoot)).replace(/[^A-Za-z0-9._-]/g, '_') || 'workspace';
  return path.join(cacheDir, 'notes', `${base}-${hash}.json`);
}

/** The notes file to use: the setting (absolute, or relative to the workspace) or the default storage. */
export function resolveNotesPath(setting: string, workspaceRoot: string | undefined, cacheDir: string): string {
  if (setting.trim()) return path.resolve(workspaceRoot ?? process.cwd(), setting.trim());
  return defaultNotesPath(cacheDir, workspaceRoot ?? process.cwd());
}

export function loadNotes(file: string, now: () => Date = () => new Date()): LoadResult {
  // A regular file only (a FIFO given as the notes file would block the server), at most MAX_NOTES_BYTES.
  const read = readRegularText(file, MAX_NOTES_BYTES);
  if ('skipped' in read) {
    if (read.skipped === 'vanished') return { file: emptyNotesFile() };
    return { file: emptyNotesFile(), problem: `cannot read notes file ${file}: ${read.message}` };
  }
  const raw = read.text;
  const problem = validationProblem(raw);
  if (!problem) return { file: JSON.parse(raw) as NotesFile };
  const keptAside = `${file}.damaged-${now().toISOString().replace(/[:.]/g, '-')}`;
  try {
    fs.renameSync(file, keptAside);
  } catch (err) {
    return {
      file: emptyNotesFile(),
      problem: `notes file ${file} is damaged (${problem}) and could not be moved aside: ${(err as Error).message}`,
    };
  }
  return {
    file: emptyNotesFile(),
    problem: `notes file ${file} is damaged (${problem}); kept as ${keptAside}`,
    keptAside,
  };
}

type Fields = Partial<Record<string, unknown>> | undefined;

function validationProblem(raw: string): string | undefined {
  let doc: Fields;
  try {
    doc = JSON.parse(raw) as Fields;
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  if (!doc || doc.format !== NOTES_FORMAT) return `not a ${NOTES_FORMAT} file`;
  if (doc.version !== NOTES_VERSION)
    return `version ${String(doc.version)} is not supported (this build reads version ${NOTES_VERSION})`;
  if (!Array.isArray(doc.notes)) return 'no notes array';
  const bad = doc.notes.findIndex((n) => !isNote(n));
  return bad >= 0 ? `note #${bad + 1} is malformed` : undefined;
}

function isNote(value: unknown): value is StoredNote {
  const n = value as Fields;
  const anchor = n?.anchor as Fields;
  return (
    !!n &&
    typeof n.id === 'string' &&
    typeof n.body === 'string' &&
    (n.status === 'open' || n.status === 'resolved') &&
    !!anchor &&
    typeof anchor.file === 'string' &&
    typeof anchor.line === 'number' &&
    typeof anchor.text === 'string' &&
    Array.isArray(anchor.before) &&
    Array.isArray(anchor.after) &&
    Array.isArray(n.replies)
  );
}

/** Atomic write: readers see the old file or the new one, never half of it. */
export function saveNotes(file: string, notes: NotesFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(notes, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
