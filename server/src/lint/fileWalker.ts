import * as fs from 'fs';
import * as path from 'path';

/**
 * Finds the files the lint reads under the paths given on the command line (or the workspace): *.c, *.h,
 * Kconfig*, Makefile*, Kbuild*. Follows symlinks but never enters a directory twice (symlink loops) and lists a
 * file reachable by several paths once, under its real path when the walk reaches it (symlinks are followed last);
 * skips `.git`-style hidden directories and excluded globs, and reports what it skipped instead of failing.
 */
export interface WalkOptions {
  /** Root the exclude globs are relative to. */
  root: string;
  exclude?: string[];
  /** Called for every skipped path with a one-line reason. */
  onSkip?: (file: string, reason: string) => void;
  isCancelled?: () => boolean;
  /** Receives the files found so far in batches of about `batchSize` (the rest when the walk ends). */
  onBatch?: (files: string[]) => void;
  batchSize?: number;
}

export function isLintableName(name: string): boolean {
  return (
    name.endsWith('.c') ||
    name.endsWith('.h') ||
    name.startsWith('Kconfig') ||
    name.startsWith('Makefile') ||
    name.startsWith('Kbuild')
  );
}

/** Walks synchronously (the CLI, tests). */
export function walkLintFiles(inputs: string[], options: WalkOptions): string[] {
  const files: string[] = [];
  for (const _ of walkSteps(inputs, options, files)) {
    /* one step per directory */
  }
  return files;
}

/** Walks in steps, giving the event loop a turn every few directories (the language server stays responsive). */
export async function walkLintFilesAsync(inputs: string[], options: WalkOptions): Promise<string[]> {
  const files: string[] = [];
  let steps = 0;
  let flushed = 0;
  const flush = (force: boolean) => {
    if (!options.onBatch || files.length === flushed) return;
    if (force || files.length - flushed >= (options.batchSize ?? 1000)) {
      options.onBatch(files.slice(flushed));
      flushed = files.length;
    }
  };
  for (const _ of walkSteps(inputs, options, files)) {
    flush(false);
    if (++steps % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  flush(true);
  return files;
}

function* walkSteps(inputs: string[], options: WalkOptions, files: string[]): Generator<void> {
  const seenDirs = new Set<string>();
  const ancestors = new Set<string>();
  // Files are identified by their real path, so a file reached through a symlink and through its own path is listed once.
  const seenRealFiles = new Set<string>();
  // Symlinks are followed after the real folders are walked: a file is then listed under its real path when that
  // path is part of the walk, and under the link only when the link is the one way to reach it.
  const deferredLinks: Array<{ link: string; realParent: string }> = [];
  const excludes = (options.exclude ?? []).map(globToRegExp);
  const isExcluded = (absolute: string) => {
    if (excludes.length === 0) return false;
    const rel = path.relative(options.root, absolute).split(path.sep).join('/');
    return excludes.some((re) => re.test(rel) || re.test(path.basename(absolute)));
  };
  const addFile = (listed: string, realPath: string) => {
    if (seenRealFiles.has(realPath)) return;
    seenRealFiles.add(realPath);
    files.push(listed);
  };
  function* visitDir(dir: string, stat: fs.Stats, realDir: string): Generator<void> {
    const key = `${stat.dev}:${stat.ino}`;
    if (ancestors.has(key)) {
      options.onSkip?.(dir, 'symlink loop (directory contains itself)');
      return;
    }
    // A second link to a directory already read (scripts/dtc/include-prefixes/*) is not worth a message.
    if (seenDirs.has(key)) return;
    seenDirs.add(key);
    ancestors.add(key);
    try {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        options.onSkip?.(
          dir,
          `cannot list directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        );
        return;
      }
      yield;
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (options.isCancelled?.()) return;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name.startsWith('.') || isExcluded(full)) continue;
          const sub = statOrUndefined(full, options);
          if (sub) yield* visitDir(full, sub, path.join(realDir, entry.name));
        } else if (entry.isFile()) {
          if (!isLintableName(entry.name) || isExcluded(full)) continue;
          // The Dirent already says "regular file": no stat or realpath per file, its real path is its folder's plus its name.
          addFile(full, path.join(realDir, entry.name));
        } else if (entry.isSymbolicLink()) {
          if (entry.name.startsWith('.') || isExcluded(full)) continue;
          deferredLinks.push({ link: full, realParent: realDir });
        }
      }
    } finally {
      ancestors.delete(key);
    }
  }
  function* followLink(link: string, realParent: string): Generator<void> {
    const target = statOrUndefined(link, options);
    if (!target) return;
    let realTarget: string;
    try {
      realTarget = fs.realpathSync.native(link);
    } catch (error) {
      options.onSkip?.(
        link,
        `cannot resolve symlink (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
      return;
    }
    if (target.isDirectory()) {
      if (realParent === realTarget || realParent.startsWith(realTarget + path.sep)) {
        options.onSkip?.(link, 'symlink loop (directory contains itself)');
        return;
      }
      yield* visitDir(link, target, realTarget);
    } else if (target.isFile() && isLintableName(path.basename(link))) {
      addFile(link, realTarget);
    }
  }
  for (const input of inputs) {
    const absolute = path.resolve(input);
    const stat = statOrUndefined(absolute, options);
    if (!stat) continue;
    let realPath: string;
    try {
      realPath = fs.realpathSync.native(absolute);
    } catch {
      realPath = absolute;
    }
    if (stat.isDirectory()) yield* visitDir(absolute, stat, realPath);
    else if (stat.isFile()) addFile(absolute, realPath);
    else options.onSkip?.(absolute, 'not a regular file or directory');
  }
  // Links found while following links are appended and handled in the same loop.
  for (let i = 0; i < deferredLinks.length; i++) {
    if (options.isCancelled?.()) return;
    yield* followLink(deferredLinks[i].link, deferredLinks[i].realParent);
  }
}

function statOrUndefined(file: string, options: WalkOptions): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    options.onSkip?.(
      file,
      code === 'ELOOP'
        ? 'symlink loop'
        : code === 'ENOENT'
          ? 'does not exist (or dangling symlink)'
          : `cannot stat (${code ?? (error as Error).message})`,
    );
    return undefined;
  }
}

/** `**` any path, `*` within one segment, `?` one character; a pattern without `/` also matches a bare name. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A directory pattern also excludes what is below it.
  return new RegExp(`^${re.replace(/\/$/, '')}(?:/.*)?$`);
}

/** The nearest ancestor (or the path itself) holding a kernel top-level Makefile; else the path's directory. */
export function findTreeRoot(start: string): string {
  let dir = path.resolve(start);
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  const first = dir;
  for (;;) {
    if (isKernelTopLevel(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return first;
    dir = parent;
  }
}

function isKernelTopLevel(dir: string): boolean {
  try {
    const head = readHead(path.join(dir, 'Makefile'), 2048);
    return /^VERSION\s*=\s*\d+/m.test(head) && /^PATCHLEVEL\s*=\s*\d+/m.test(head);
  } catch {
    return false;
  }
}

function readHead(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString('latin1');
  } finally {
    fs.closeSync(fd);
  }
}
