import * as fs from 'fs';

/**
 * The text of tree files for the semantic services: an open document's current text when the editor has it
 * (its index overlay describes that text), otherwise the file on disk, read with a size limit and kept in a
 * small cache checked against the file's size and modification time.
 */
export interface SourceAccess {
  /** Text of a tree-relative file, or undefined (missing, unreadable, too large, not a regular file). */
  textOf(file: string): string | undefined;
  /** Changes whenever the file's text may have changed (editor version, or size and modification time). */
  fingerprint(file: string): string | undefined;
}

/** An open document as the editor has it. */
export interface OpenText {
  text: string;
  version: number;
}

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const CACHED_FILES = 48;

export class DiskSources implements SourceAccess {
  private readonly cache = new Map<string, { mtimeMs: number; size: number; text: string }>();

  /**
   * `absolutePath` maps a tree-relative path to the disk; `openText` answers for documents open in an editor.
   */
  constructor(
    private readonly absolutePath: (file: string) => string,
    private readonly openText: (file: string) => OpenText | undefined = () => undefined,
  ) {}

  fingerprint(file: string): string | undefined {
    const open = this.openText(file);
    if (open) return `open:${open.version}`;
    try {
      const stat = fs.statSync(this.absolutePath(file));
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return undefined;
    }
  }

  textOf(file: string): string | undefined {
    const open = this.openText(file);
    if (open) return open.text;
    const absolute = this.absolutePath(file);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      return undefined;
    }
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
      // Most recently used last.
      this.cache.delete(file);
      this.cache.set(file, cached);
      return cached.text;
    }
    let text: string;
    try {
      text = fs.readFileSync(absolute, 'utf8');
    } catch {
      return undefined;
    }
    this.cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, text });
    if (this.cache.size > CACHED_FILES) this.cache.delete(this.cache.keys().next().value!);
    return text;
  }
}

/** Offsets of the starts of lines [first, last] of `text` (0-based lines), or undefined when out of range. */
export function lineSpan(text: string, first: number, last: number): { start: number; end: number } | undefined {
  let offset = 0;
  for (let line = 0; line < first; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return undefined;
    offset = next + 1;
  }
  const start = offset;
  for (let line = first; line <= last; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return { start, end: text.length };
    offset = next + 1;
  }
  return { start, end: offset };
}
