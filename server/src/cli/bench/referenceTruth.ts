import * as fs from 'fs';
import * as path from 'path';
import { identifierTokens } from './tokenTruth';

/**
 * Token truth of a set of names over a list of files: every identifier token with one of the names, with the
 * flags the judging rules exclude on. Files that do not contain any of the names (a plain substring test)
 * are not tokenised; the result does not depend on that shortcut.
 */

/** One occurrence: tree-relative file, 0-based line and UTF-16 column, and why it may be excluded. */
export interface Occurrence {
  file: string;
  line: number;
  character: number;
  /**
   * Excluded from the judged set: 'if0' (inside #if 0), 'param' (macro parameter name), 'directive' (`define` …),
   * 'local' (a local variable or parameter of the same name: another entity, tokenTruth's `localVariable`).
   */
  excluded?: 'if0' | 'param' | 'directive' | 'local';
  /** What the token follows on its line: `->` or `.` (a member access), or `struct`/`union`/`enum` (a tag). */
  context?: 'member' | 'tag';
}

/** Bumped whenever tokenTruth's rules change, so cached truths are recomputed. */
export const TOKEN_TRUTH_VERSION = 4;

export function scanNames(root: string, files: string[], names: Iterable<string>): Map<string, Occurrence[]> {
  const wanted = new Set(names);
  const out = new Map<string, Occurrence[]>([...wanted].map((name) => [name, []]));
  const needles = [...wanted];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue;
    }
    // A name cut by a line splice is not a substring of the file: check the spliced text too when there is one.
    const plain = text.includes('\\\n') || text.includes('\\\r') ? text.replace(/\\[ \t\f\v]*(\r\n|\n|\r)/g, '') : text;
    if (!needles.some((name) => plain.includes(name))) continue;
    let lines: string[] | undefined;
    for (const token of identifierTokens(text, { names: wanted })) {
      const excluded = token.inIfZero
        ? 'if0'
        : token.macroParameter
          ? 'param'
          : token.directiveName
            ? 'directive'
            : token.localVariable
              ? 'local'
              : undefined;
      lines ??= text.split(/\r\n|\n|\r/);
      const before = lines[token.line].slice(0, token.character).trimEnd();
      const context = /(->|[^.]\.)$/.test(before)
        ? 'member'
        : /\b(struct|union|enum)$/.test(before)
          ? 'tag'
          : undefined;
      out.get(token.name)!.push({
        file,
        line: token.line,
        character: token.character,
        ...(excluded ? { excluded } : {}),
        ...(context ? { context } : {}),
      });
    }
  }
  return out;
}

/** Cached scanNames: the JSON is keyed by the caller (tree, sample seed…) and TOKEN_TRUTH_VERSION. */
export function cachedScanNames(
  cacheFile: string,
  root: string,
  files: string[],
  names: string[],
): Map<string, Occurrence[]> {
  const key = `${TOKEN_TRUTH_VERSION}:${files.length}:${names.join(',')}`;
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as {
      key: string;
      occurrences: Record<string, Occurrence[]>;
    };
    if (cached.key === key) return new Map(Object.entries(cached.occurrences));
  } catch {
    /* no or corrupt cache: scan */
  }
  const scanned = scanNames(root, files, names);
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  fs.writeFileSync(cacheFile, JSON.stringify({ key, occurrences: Object.fromEntries(scanned) }));
  return scanned;
}
