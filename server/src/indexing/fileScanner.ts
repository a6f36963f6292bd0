import * as fs from 'fs';
import * as path from 'path';
import { walkTree, walkTreeSteps, type TreeWalkOptions } from '../base/treeWalker';
import { nonRegularReason, skipForError, skipped as skip } from '../base/regularFile';
import { isIndexedFile } from '../parsing/kernelFiles';

/**
 * Finds the files of a kernel tree worth indexing (parsing/kernelFiles.ts: C sources and headers, Kconfig and
 * Makefiles) with the one tree walk (base/treeWalker.ts), every file once under its real path (links followed
 * after the real folders, kept only when they are the one way in); with `statFiles`, each file's size and mtime,
 * and oversized files skipped with a reason.
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

export function scanTree(
  root: string,
  options: ScanOptions,
  log: (message: string) => void = () => undefined,
): ScanResult {
  const skipped: ScanResult['skipped'] = [];
  const candidates = walkTree(root, walkOptions(options, skipped, log));
  const files = statFiles(root, candidates, options, skipped, log, 0, candidates.length);
  return finish(files, skipped);
}

/**
 * The same scan in slices of about `sliceMs` of work, giving the event loop a turn in between: the language server
 * answers from the cached index while it checks the tree for changes (a whole scan of the 6.12 tree is about a
 * second of stat calls on one thread).
 */
export async function scanTreeInSlices(
  root: string,
  options: ScanOptions,
  log: (message: string) => void = () => undefined,
  sliceMs = 12,
): Promise<ScanResult> {
  const skipped: ScanResult['skipped'] = [];
  const candidates: string[] = [];
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  let sliceStart = performance.now();
  for (const _ of walkTreeSteps(root, walkOptions(options, skipped, log), candidates)) {
    if (performance.now() - sliceStart > sliceMs) {
      await turn();
      sliceStart = performance.now();
    }
  }
  const files: ScannedFile[] = [];
  const STAT_CHUNK = 256;
  for (let from = 0; from < candidates.length; from += STAT_CHUNK) {
    if (options.isCancelled?.()) break;
    files.push(
      ...statFiles(root, candidates, options, skipped, log, from, Math.min(candidates.length, from + STAT_CHUNK)),
    );
    if (performance.now() - sliceStart > sliceMs) {
      await turn();
      sliceStart = performance.now();
    }
  }
  return finish(files, skipped);
}

function walkOptions(
  options: ScanOptions,
  skipped: ScanResult['skipped'],
  log: (message: string) => void,
): TreeWalkOptions {
  return {
    accept: isIndexedFile,
    exclude: options.exclude,
    // Every file once, under its real path: include/dt-bindings is not indexed under the
    // scripts/dtc/include-prefixes/dt-bindings link that the walk meets first.
    links: 'real-path',
    isCancelled: options.isCancelled,
    onSkip: (file, reason) => {
      skipped.push({ file, reason });
      log(`skipped ${file}: ${reason}`);
    },
  };
}

/** Size and mtime of candidates[from, to) (or -1 each without `statFiles`), oversized files skipped. */
function statFiles(
  root: string,
  candidates: string[],
  options: ScanOptions,
  skipped: ScanResult['skipped'],
  log: (message: string) => void,
  from: number,
  to: number,
): ScannedFile[] {
  const files: ScannedFile[] = [];
  if (options.statFiles === false) {
    for (let k = from; k < to; k++) files.push({ file: candidates[k], size: -1, mtimeMs: -1 });
    return files;
  }
  const rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  for (let k = from; k < to; k++) {
    const rel = candidates[k];
    let stat: fs.Stats;
    try {
      stat = fs.statSync(rootPrefix + rel);
    } catch (err) {
      const reason = skipForError(err).message;
      skipped.push({ file: rel, reason });
      log(`skipped ${rel}: ${reason}`);
      continue;
    }
    const notRegular = nonRegularReason(stat);
    if (notRegular) {
      // Swapped for a FIFO or a device since the walk listed it.
      const reason = skip(notRegular).message;
      skipped.push({ file: rel, reason });
      log(`skipped ${rel}: ${reason}`);
      continue;
    }
    if (stat.size > options.maxFileSize) {
      const reason = skip('too-large', `${stat.size} > ${options.maxFileSize} bytes`).message;
      skipped.push({ file: rel, reason });
      log(`skipped ${rel}: ${reason}`);
      continue;
    }
    files.push({ file: rel, size: stat.size, mtimeMs: stat.mtimeMs });
  }
  return files;
}

function finish(files: ScannedFile[], skipped: ScanResult['skipped']): ScanResult {
  return { files: files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)), skipped };
}

/** Binary content: a NUL byte in the first 8 KiB (source files never have one). */
export function looksBinary(bytes: Uint8Array): boolean {
  // indexOf is a native memchr: a byte loop in JS over 8 KiB of 60k files cost half a CPU-second.
  return bytes.subarray(0, Math.min(bytes.length, 8192)).indexOf(0) >= 0;
}

/** `real` relative to `realRoot` with '/' when it lies inside it ('' for the root itself), else undefined. */
export function insideTree(realRoot: string, real: string): string | undefined {
  const rel = path.relative(realRoot, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

const realRoots = new Map<string, string>();

/**
 * The tree-relative path of a file the editor names by an absolute path: through the file's real path when
 * that lies inside the tree (a file opened through a symlinked folder is the file the index knows under its
 * real path), else the path as given, else undefined (outside the tree).
 */
export function treeRelativePath(root: string, absolute: string): string | undefined {
  const direct = insideTree(root, absolute);
  let real: string;
  try {
    real = fs.realpathSync.native(absolute);
  } catch {
    return direct || undefined;
  }
  let realRoot = realRoots.get(root);
  if (realRoot === undefined) {
    try {
      realRoot = fs.realpathSync.native(root);
    } catch {
      realRoot = root;
    }
    realRoots.set(root, realRoot);
  }
  return insideTree(realRoot, real) || direct || undefined;
}
