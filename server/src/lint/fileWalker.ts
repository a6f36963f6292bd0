import * as fs from 'fs';
import * as path from 'path';
import { walkTreeSteps, type TreeWalkOptions } from '../base/treeWalker';
import { kernelFileKind } from '../parsing/kernelFiles';
import { findKernelTreeRoot } from '../base/kernelVersion';

/**
 * The files the lint reads under the paths given on the command line (or the workspace): every kernel file
 * (parsing/kernelFiles.ts: C, Kconfig, Makefiles and make fragments), found with the one tree walk
 * (base/treeWalker.ts) in its 'real-path' mode: a file reachable by several paths is listed once, under its
 * real path when the walk reaches it; loops and unreadable paths are reported, never fatal. Paths are absolute.
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

function isLintableName(name: string): boolean {
  return kernelFileKind(name) !== undefined;
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

/** Each input in turn: a folder is walked (its files in folder order), a file is listed as it is. */
function* walkSteps(inputs: string[], options: WalkOptions, files: string[]): Generator<void> {
  // Real paths of what is listed: a file given twice, or also inside a given folder, is listed once.
  const listed = new Set<string>();
  const add = (file: string, realPath: string) => {
    if (listed.has(realPath)) return;
    listed.add(realPath);
    files.push(file);
  };
  for (const input of inputs) {
    if (options.isCancelled?.()) return;
    const absolute = path.resolve(input);
    const stat = statOrUndefined(absolute, options);
    if (!stat) continue;
    let realPath: string;
    try {
      realPath = fs.realpathSync.native(absolute);
    } catch {
      realPath = absolute;
    }
    if (stat.isFile()) {
      add(absolute, realPath);
      continue;
    }
    if (!stat.isDirectory()) {
      options.onSkip?.(absolute, 'not a regular file or directory');
      continue;
    }
    // Excludes are relative to the root: a folder below it is walked with its path as the prefix.
    const prefix = path.relative(options.root, absolute).split(path.sep).join('/');
    const found: string[] = [];
    const walk: TreeWalkOptions = {
      accept: isLintableName,
      exclude: options.exclude,
      excludeMatchesNames: true,
      excludePrefix: prefix ? `${prefix}/` : '',
      links: 'real-path',
      isCancelled: options.isCancelled,
      onSkip: (file, reason) => options.onSkip?.(path.join(absolute, file), reason),
    };
    for (const _ of walkTreeSteps(absolute, walk, found)) yield;
    // Joined by hand (path.join per file was a third of the walk).
    const folder = absolute.endsWith(path.sep) ? absolute : absolute + path.sep;
    const native = (rel: string) => (path.sep === '/' ? rel : rel.replaceAll('/', path.sep));
    for (const rel of inFolderOrder(found)) add(folder + native(rel), `${realPath}/${rel}`);
    yield;
  }
}

/**
 * Depth-first order with each folder's entries sorted by name: plain string order once '/' sorts before every
 * other character ('a/b' before 'a-c'), which replacing it with NUL gives (one key per path, not a split per
 * comparison).
 */
function inFolderOrder(files: string[]): string[] {
  return files
    .map((file) => ({ file, key: file.replaceAll('/', '\0') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ file }) => file);
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

/** The kernel tree holding `start` (base/kernelVersion.ts), else the folder `start` is or is in. */
export function findTreeRoot(start: string): string {
  const found = findKernelTreeRoot(start);
  if (found) return found;
  const dir = path.resolve(start);
  try {
    return fs.statSync(dir).isDirectory() ? dir : path.dirname(dir);
  } catch {
    return path.dirname(dir);
  }
}
