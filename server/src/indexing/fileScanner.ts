import * as fs from 'fs';
import * as path from 'path';

/**
 * Finds the files of a kernel tree worth indexing: C sources and headers, Kconfig and Makefiles.
 * Symlinks are followed once and deduplicated by real path (so a loop or a second path to the same
 * file is read once); excluded folders are never entered; oversized files are skipped with a reason.
 */
export interface ScannedFile {
  /** Tree-relative path with '/'. */
  file: string;
  size: number;
  mtimeMs: number;
}

export interface ScanOptions {
  /** Globs relative to the root (`**` / `*` / `?`), e.g. from files.exclude, search.exclude or --exclude. */
  exclude?: string[];
  maxFileSize: number;
  isCancelled?: () => boolean;
  /**
   * false: list files without a stat each (size and mtime -1, size limit not checked): a cold build has no
   * cache to compare with, and its workers learn both when they open the file (60k stats were a second).
   */
  statFiles?: boolean;
}

export interface ScanResult {
  files: ScannedFile[];
  skipped: Array<{ file: string; reason: string }>;
}

/** Folders never worth entering in a kernel tree (build output, VCS data, our own cache). */
const ALWAYS_EXCLUDED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.kernel-mm-lens-cache', '.tmp_versions']);

export function kindOfFile(name: string): 'c' | 'kconfig' | 'makefile' | undefined {
  if (name.endsWith('.c') || name.endsWith('.h')) return 'c';
  if (name.startsWith('Kconfig')) return 'kconfig';
  if (name === 'Makefile' || name === 'Kbuild' || name.startsWith('Makefile.')) return 'makefile';
  return undefined;
}

/** Compiles VS Code-style globs to one matcher over tree-relative paths (a folder match excludes its contents). */
export function compileExcludes(globs: string[] = []): (relPath: string) => boolean {
  const patterns = globs.filter((glob) => glob.trim() !== '').map(globToRegExp);
  if (patterns.length === 0) return () => false;
  return (relPath) => patterns.some((pattern) => pattern.test(relPath));
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  const g = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        i++;
        if (g[i + 1] === '/') {
          i++;
          source += '(?:.*/)?';
        } else source += '.*';
      } else source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else if (c === '{') {
      const close = g.indexOf('}', i);
      if (close > i) {
        source += `(?:${g
          .slice(i + 1, close)
          .split(',')
          .map(escapeRegExp)
          .join('|')})`;
        i = close;
      } else source += '\\{';
    } else source += escapeRegExp(c);
  }
  // A glob without a leading **/ still matches at the root only, like VS Code; a match on a folder covers what is inside.
  return new RegExp(`^${source}(?:/.*)?$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function scanTree(
  root: string,
  options: ScanOptions,
  log: (message: string) => void = () => undefined,
): ScanResult {
  const walk = walkTree(root, options, log);
  if (options.statFiles === false) return walk.unstated();
  for (const rel of walk.candidates) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(walk.fullPath(rel));
    } catch (err) {
      walk.vanished(rel, err);
      continue;
    }
    walk.accept(rel, stat);
  }
  return walk.result();
}

/** The folder walk of a scan: candidate files (not yet stat'ed) and the bookkeeping of what is kept or skipped. */
function walkTree(root: string, options: ScanOptions, log: (message: string) => void) {
  const excluded = compileExcludes(options.exclude);
  const files: ScannedFile[] = [];
  const skipped: ScanResult['skipped'] = [];
  const seenRealPaths = new Set<string>();
  const candidates: string[] = [];
  // Joined by hand, and only where a path is opened: path.join for each of 80k entries, and the garbage it
  // made, were half of the walk.
  const rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  const fullPath = (rel: string) => rootPrefix + rel;
  const skip = (file: string, reason: string) => {
    skipped.push({ file, reason });
    log(`skipped ${file}: ${reason}`);
  };

  try {
    const rootStat = fs.statSync(root);
    seenRealPaths.add(`${rootStat.dev}:${rootStat.ino}`);
  } catch (err) {
    throw new Error(`cannot read the tree ${root}: ${(err as Error).message}`);
  }
  const pending: string[] = [''];
  while (pending.length > 0) {
    if (options.isCancelled?.()) break;
    const dirRel = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dirRel ? fullPath(dirRel) : root, { withFileTypes: true });
    } catch (err) {
      skip(dirRel || '.', `cannot read folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      if (entry.isDirectory() && ALWAYS_EXCLUDED_DIRS.has(entry.name)) continue;
      if (entry.name.includes('\n') || entry.name.includes('\r')) {
        skip(JSON.stringify(rel), 'line break in the file name');
        continue;
      }
      if (excluded(rel)) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const full = fullPath(rel);
        let real: string;
        let stat: fs.Stats;
        try {
          real = fs.realpathSync.native(full);
          stat = fs.statSync(real);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (kindOfFile(entry.name) || code === 'ELOOP')
            skip(rel, code === 'ELOOP' ? 'symlink loop' : `broken symlink (${code ?? 'error'})`);
          continue;
        }
        const identity = `${stat.dev}:${stat.ino}`;
        if (seenRealPaths.has(identity)) {
          if (stat.isDirectory()) skip(rel, 'symlink to a folder already indexed');
          continue;
        }
        seenRealPaths.add(identity);
        isDir = stat.isDirectory();
        isFile = stat.isFile();
      } else if (isDir) {
        // Bind mounts can still repeat a folder: dedupe folders by device and inode (cheaper than realpath).
        let stat: fs.Stats;
        try {
          stat = fs.statSync(fullPath(rel));
        } catch {
          continue;
        }
        const identity = `${stat.dev}:${stat.ino}`;
        if (seenRealPaths.has(identity)) continue;
        seenRealPaths.add(identity);
      }
      if (isDir) {
        pending.push(rel);
        continue;
      }
      if (!isFile || !kindOfFile(entry.name)) continue;
      candidates.push(rel);
    }
  }
  return {
    candidates,
    fullPath,
    vanished(rel: string, err: unknown) {
      skip(rel, `vanished or unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    },
    accept(rel: string, stat: fs.Stats) {
      if (!stat.isFile()) return;
      if (stat.size > options.maxFileSize) {
        skip(rel, `larger than the size limit (${stat.size} > ${options.maxFileSize} bytes)`);
        return;
      }
      files.push({ file: rel, size: stat.size, mtimeMs: stat.mtimeMs });
    },
    unstated(): ScanResult {
      const listed = candidates.map((rel) => ({ file: rel, size: -1, mtimeMs: -1 }));
      listed.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      return { files: listed, skipped };
    },
    result(): ScanResult {
      files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      return { files, skipped };
    },
  };
}

/** Binary content: a NUL byte in the first 8 KiB (source files never have one). */
export function looksBinary(bytes: Uint8Array): boolean {
  // indexOf is a native memchr: a byte loop in JS over 8 KiB of 60k files cost half a CPU-second.
  return bytes.subarray(0, Math.min(bytes.length, 8192)).indexOf(0) >= 0;
}
