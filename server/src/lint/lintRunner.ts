import * as os from 'os';
import * as path from 'path';
import { readRegularFile, SKIP_REASON_TEXT } from '../base/regularFile';
import { Worker } from 'worker_threads';
import { lintText } from './linter';
import { prefilterRegExp, wholeWordRegExp, type LintRuleSet } from './rules';
import { walkLintFilesAsync } from './fileWalker';
import type { SeverityPolicy } from './severity';
import type { Finding } from './ruleTypes';
import type { LintOptions } from './linter';

/**
 * Lints many files fast (the CLI, the workspace request, the benchmark). Cheap work first: every file's raw bytes
 * are tested against one precompiled regex of the rules' words, in worker threads when there are many files, and
 * only the few files that can contain a finding are decoded, tokenized and matched on the main thread.
 */
export interface LintRunOptions extends SeverityPolicy {
  root: string;
  rules: LintRuleSet;
  /** Inactive regions of a file (absolute path) under a kernel configuration: no findings there. */
  inactiveRegions?: LintOptions['inactiveRegions'];
  exclude?: string[];
  /** Files larger than this are skipped with a message (bytes). */
  maxFileSize: number;
  /** Worker threads for the prefilter; 0 = none, undefined = one per core (at most 4) for large runs. */
  workers?: number;
  onSkip?: (file: string, reason: string) => void;
  /** Checked between files (and between batches in the workers): the run stops early and says so in the result. */
  isCancelled?: () => boolean;
  /** Called as files are checked; `found` is final once `walkDone` is true (for a percentage). */
  onProgress?: (progress: LintProgress) => void;
}

export interface LintProgress {
  /** Files found by the walk so far. */
  found: number;
  walkDone: boolean;
  /** Files read and tested so far. */
  checked: number;
}

export interface FileFindings {
  /** Absolute path. */
  file: string;
  /** Path relative to the root, with '/'. */
  relative: string;
  findings: Finding[];
}

export interface LintRunResult {
  files: FileFindings[];
  /** Files considered (after walking and excludes). */
  scanned: number;
  /** Files that passed the prefilter and were tokenized. */
  candidates: number;
  skipped: number;
  /** The run was cancelled: the result covers only the files checked until then. */
  cancelled: boolean;
}

const CHUNK = 1500;
const PARALLEL_THRESHOLD = 3000;
const BINARY_PROBE = 8192;
/** Files prefiltered on the main thread between two turns of the event loop (small runs without workers). */
const SLICE = 200;

export async function lintPaths(inputs: string[], options: LintRunOptions): Promise<LintRunResult> {
  let skipped = 0;
  const onSkip = (file: string, reason: string) => {
    skipped++;
    options.onSkip?.(file, reason);
  };
  const source = prefilterRegExp(options.rules).source;
  const results: FileFindings[] = [];
  let candidates = 0;
  const wholeWord = wholeWordRegExp(options.rules);
  const lintCandidate = (file: string) => {
    if (options.isCancelled?.()) return;
    // Only regular files: a FIFO or a device link swapped in after the prefilter must not block the run.
    const read = readRegularFile(file, options.maxFileSize);
    if ('skipped' in read) {
      onSkip(file, read.message);
      return;
    }
    const buffer = read.bytes;
    // Invalid UTF-8 becomes U+FFFD, which the lexer skips: a finding's columns stay right for the valid text.
    const text = buffer.toString('utf8');
    if (!wholeWord.test(text)) return;
    candidates++;
    const relative = path.relative(options.root, file).split(path.sep).join('/') || path.basename(file);
    const findings = lintText(text, file, options);
    if (findings.length) results.push({ file, relative, findings });
  };
  let walked = 0;
  let walkDone = false;
  let checked = 0;
  const onChunk = (hits: string[], skips: Array<[string, string]>, count: number) => {
    for (const [file, reason] of skips) onSkip(file, reason);
    for (const file of hits) lintCandidate(file);
    checked += count;
    options.onProgress?.({ found: walked, walkDone, checked });
  };

  // Workers start as soon as the walk has found enough files, so reading overlaps the rest of the walk.
  const maxWorkers = options.workers ?? Math.min(4, os.availableParallelism?.() ?? os.cpus().length);
  // An explicit worker count always uses them (tests, --jobs); by default only large runs pay the start-up.
  const threshold = options.workers === undefined ? PARALLEL_THRESHOLD : 1;
  let pool: PrefilterPool | undefined;
  const batches: string[][] = [];
  const files = await walkLintFilesAsync(inputs, {
    root: options.root,
    exclude: options.exclude,
    onSkip,
    isCancelled: options.isCancelled,
    batchSize: CHUNK,
    onBatch: (batch) => {
      walked += batch.length;
      options.onProgress?.({ found: walked, walkDone, checked });
      if (pool) {
        pool.push(batch);
        return;
      }
      batches.push(batch);
      if (maxWorkers > 0 && walked >= threshold) {
        pool = new PrefilterPool(source, options.maxFileSize, maxWorkers, onChunk, options.isCancelled);
        for (const pending of batches.splice(0)) pool.push(pending);
      }
    },
  });
  walkDone = true;
  if (pool) {
    await pool.finish();
  } else {
    // In slices, giving the event loop a turn in between, so that a language server sees a cancellation.
    const re = new RegExp(source);
    for (let start = 0; start < files.length && !options.isCancelled?.(); start += SLICE) {
      if (start > 0) await new Promise((resolve) => setImmediate(resolve));
      const slice = files.slice(start, start + SLICE);
      const { hits, skips } = prefilterFiles(slice, re, options.maxFileSize, options.isCancelled);
      onChunk(hits, skips, slice.length);
    }
  }
  results.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return { files: results, scanned: files.length, candidates, skipped, cancelled: options.isCancelled?.() ?? false };
}

/** Reads each file once and keeps those whose raw bytes match the rules' words (binary and huge files are skipped). */
function prefilterFiles(
  files: string[],
  re: RegExp,
  maxFileSize: number,
  isCancelled?: () => boolean,
): { hits: string[]; skips: Array<[string, string]> } {
  const hits: string[] = [];
  const skips: Array<[string, string]> = [];
  for (const file of files) {
    if (isCancelled?.()) break;
    const read = readRegularFile(file, maxFileSize);
    if ('skipped' in read) {
      skips.push([file, read.message]);
      continue;
    }
    const buffer = read.bytes;
    if (!re.test(buffer.toString('latin1'))) continue;
    if (buffer.subarray(0, BINARY_PROBE).includes(0)) {
      skips.push([file, 'binary (NUL bytes)']);
      continue;
    }
    hits.push(file);
  }
  return { hits, skips };
}

/**
 * The same loop as `prefilterFiles`, as plain JavaScript run with `eval: true`: the worker needs no bundle entry of
 * its own and works identically from dist/ and from the TypeScript sources. Keep the two in step.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const re = new RegExp(workerData.source);
const reasons = ${JSON.stringify(SKIP_REASON_TEXT)};
// base/regularFile.ts's readRegularFile in plain JavaScript: never blocks on a FIFO or a device.
function readRegular(file, max, skips) {
  let fd;
  try { fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY); }
  catch (error) { skips.push([file, error.code === 'ENOENT' ? reasons.vanished : error.code === 'ELOOP' ? reasons['symlink-loop'] : reasons.unreadable + ' (' + (error.code || 'error') + ')']); return undefined; }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) { skips.push([file, stat.isFIFO() ? reasons.fifo : stat.isCharacterDevice() || stat.isBlockDevice() ? reasons.device : stat.isSocket() ? reasons.socket : stat.isDirectory() ? reasons.directory : reasons['not-regular']]); return undefined; }
    if (stat.size > max) { skips.push([file, reasons['too-large'] + ' (' + stat.size + ' > ' + max + ' bytes)']); return undefined; }
    const buffer = Buffer.allocUnsafe(stat.size);
    let length = 0;
    while (length < stat.size) { const n = fs.readSync(fd, buffer, length, stat.size - length, length); if (n === 0) break; length += n; }
    return buffer.subarray(0, length);
  } catch (error) { skips.push([file, reasons.unreadable + ' (' + (error.code || 'error') + ')']); return undefined; }
  finally { fs.closeSync(fd); }
}
parentPort.on('message', (message) => {
  const hits = [];
  const skips = [];
  for (const file of message.files) {
    const buffer = readRegular(file, workerData.maxFileSize, skips);
    if (!buffer) continue;
    if (!re.test(buffer.toString('latin1'))) continue;
    if (buffer.subarray(0, ${BINARY_PROBE}).includes(0)) { skips.push([file, 'binary (NUL bytes)']); continue; }
    hits.push(file);
  }
  parentPort.postMessage({ hits, skips, count: message.files.length });
});
`;

/** Worker threads fed with batches of paths while the walk goes on; results come back per batch. */
class PrefilterPool {
  private readonly queue: string[][] = [];
  private readonly idle: Worker[] = [];
  private readonly workers: Worker[];
  private closed = false;
  private busy = 0;
  private failure: Error | undefined;
  private done: (() => void) | undefined;

  constructor(
    source: string,
    maxFileSize: number,
    count: number,
    private readonly onChunk: (hits: string[], skips: Array<[string, string]>, count: number) => void,
    private readonly isCancelled?: () => boolean,
  ) {
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { source, maxFileSize } });
      worker.on('message', (result: { hits: string[]; skips: Array<[string, string]>; count: number }) => {
        this.busy--;
        try {
          this.onChunk(result.hits, result.skips, result.count);
        } catch (error) {
          this.failure ??= error as Error;
        }
        this.pump(worker);
      });
      worker.on('error', (error) => {
        this.failure ??= error;
        this.busy = Math.max(0, this.busy - 1);
        this.settle();
      });
      return worker;
    });
    this.idle.push(...this.workers);
  }

  push(batch: string[]): void {
    this.queue.push(batch);
    const worker = this.idle.pop();
    if (worker) this.pump(worker);
  }

  /** Resolves when every queued batch is done; throws the first worker failure. */
  async finish(): Promise<void> {
    this.closed = true;
    try {
      await new Promise<void>((resolve) => {
        this.done = resolve;
        this.settle();
      });
      if (this.failure) throw this.failure;
    } finally {
      await Promise.all(this.workers.map((worker) => worker.terminate()));
    }
  }

  private pump(worker: Worker): void {
    const batch = this.failure || this.isCancelled?.() ? undefined : this.queue.shift();
    if (!batch) {
      this.idle.push(worker);
      this.settle();
      return;
    }
    this.busy++;
    worker.postMessage({ files: batch });
  }

  private settle(): void {
    if (this.closed && this.busy === 0 && (this.queue.length === 0 || this.failure || this.isCancelled?.()))
      this.done?.();
  }
}
