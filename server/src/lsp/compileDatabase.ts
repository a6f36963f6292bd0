import * as fs from 'fs';
import * as path from 'path';

/**
 * The files clangd has a build for: the `file` entries of the compile database it reads (compile_commands.json in
 * the tree root or in build/, or the folder given to clangd with --compile-commands-dir). When generic navigation
 * is left to clangd (`genericNavigation: "beyondClangd"`), our definition, references, completion and signature
 * help answer only in files outside this set: there clangd has nothing to say. No database: clangd has no build,
 * and we answer everywhere.
 */

/** A compile database larger than this is not read (whole-kernel databases are ~100 MB; mm/ alone is 0.3 MB). */
const MAX_DATABASE_BYTES = 256 * 1024 * 1024;

export interface CompileDatabase {
  /** Where it was read from. */
  file: string;
  /** Tree-relative paths of the translation units. */
  files: Set<string>;
}

/** Candidate locations, most specific first. */
export function compileDatabaseCandidates(root: string, compileCommandsDir?: string): string[] {
  const candidates: string[] = [];
  if (compileCommandsDir) candidates.push(path.resolve(root, compileCommandsDir, 'compile_commands.json'));
  candidates.push(path.join(root, 'compile_commands.json'), path.join(root, 'build', 'compile_commands.json'));
  return candidates;
}

/** Reads the first compile database found; undefined when there is none (or it cannot be read: said in `log`). */
export function readCompileDatabase(
  root: string,
  compileCommandsDir: string | undefined,
  log: (message: string) => void,
): CompileDatabase | undefined {
  for (const candidate of compileDatabaseCandidates(root, compileCommandsDir)) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(candidate);
    } catch {
      continue;
    }
    if (!stat.isFile() || stat.size > MAX_DATABASE_BYTES) {
      log(`compile database ${candidate} ignored: ${stat.isFile() ? `${stat.size} bytes` : 'not a regular file'}`);
      continue;
    }
    try {
      const entries = JSON.parse(fs.readFileSync(candidate, 'utf8')) as unknown;
      if (!Array.isArray(entries)) throw new Error('not a JSON array');
      const files = new Set<string>();
      for (const entry of entries as Array<{ file?: unknown; directory?: unknown }>) {
        if (typeof entry?.file !== 'string') continue;
        const absolute = path.resolve(typeof entry.directory === 'string' ? entry.directory : root, entry.file);
        const relative = treeRelative(root, absolute);
        if (relative) files.add(relative);
      }
      return { file: candidate, files };
    } catch (err) {
      log(`compile database ${candidate} unreadable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return undefined;
}

/** Tree-relative path of a file, also through a `source` symlink to the tree (out-of-tree `O=` builds). */
function treeRelative(root: string, absolute: string): string | undefined {
  let real = absolute;
  try {
    real = fs.realpathSync(absolute);
  } catch {
    // a file that no longer exists still names its place
  }
  let realRoot = root;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    /* keep root */
  }
  for (const base of [realRoot, root]) {
    const relative = path.relative(base, real);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
  }
  return undefined;
}
