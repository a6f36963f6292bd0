import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { lintText } from './linter';
import { prefilterRegExp, wholeWordRegExp, type LintRuleSet } from './rules';
import { walkLintFilesAsync } from './fileWalker';
import type { SeverityPolicy } from './severity';
import type { Finding } from './ruleTypes';

/**
 * Lints many files fast (the CLI, the workspace request, the benchmark). Cheap work first: every file's raw bytes
 * are tested against one precompiled regex of the rules' words, in worker threads when there are many files, and
 * only the few files that can contain a finding are decoded, tokenized and matched on the main thread.
 */
export interface LintRunOptions extends SeverityPolicy {
  root: string;
  rules: LintRuleSet;
  exclude?: string[];
  /** Files larger than this are skipped with a message (bytes). */
  maxFileSize: number;
  /** Worker threads for the prefilter; 0 = none, undefined = one per core (at most 4) for large runs. */
  workers?: number;
  onSkip?: (file: string, reason: string) => void;
  isCancelled?: () => boolean;
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
}

const CHUNK = 1500;
const PARALLEL_THRESHOLD = 3000;
const BINARY_PROBE = 8192;

export async function lintPaths(inputs: string[], options: LintRunOptions): Promise<LintRunResult> {
  let skipped = 0;
  const onSkip = (file: string, reason: string) => { skipped++; options.onSkip?.(file, reason); };
  const files = await walkLintFilesAsync(inputs, { root: options.root, exclude: options.exclude, onSkip, isCancelled: options.isCancelled });
  const source = prefilterRegExp(options.rules).source;
  const results: FileFindings[] = [];
  let candidates = 0;
  const wholeWord = wholeWordRegExp(options.rules);
  const lintCandidate = (file: string) => {
    if (options.isCancelled?.()) return;
    let buffer: Buffer;
    try { buffer = fs.readFileSync(file); } catch (error) { onSkip(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`); return; }
    // Invalid UTF-8 becomes U+FFFD, which the lexer skips: a finding's columns stay right for the valid text.
    const text = buffer.toString('utf8');
    if (!wholeWord.test(text)) return;
    candidates++;
    const relative = path.relative(options.root, file).split(path.sep).join('/') || path.basename(file);
    const findings = lintText(text, file, options);
    if (findings.length) results.push({ file, relative, findings });
  };
  const workerCount = options.workers ?? (files.length >= PARALLEL_THRESHOLD ? Math.min(4, os.availableParallelism?.() ?? os.cpus().length) : 0);
  if (workerCount <= 0 || files.length < CHUNK) {
    const { hits, skips } = prefilterFiles(files, new RegExp(source), options.maxFileSize);
    for (const [file, reason] of skips) onSkip(file, reason);
    for (const file of hits) lintCandidate(file);
  } else {
    await prefilterInWorkers(files, source, options.maxFileSize, workerCount, options.isCancelled, (hits, skips) => {
      for (const [file, reason] of skips) onSkip(file, reason);
      for (const file of hits) lintCandidate(file);
    });
  }
  results.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return { files: results, scanned: files.length, candidates, skipped };
}

/** Reads each file once and keeps those whose raw bytes match the rules' words (binary and huge files are skipped). */
function prefilterFiles(files: string[], re: RegExp, maxFileSize: number): { hits: string[]; skips: Array<[string, string]> } {
  const hits: string[] = [];
  const skips: Array<[string, string]> = [];
  for (const file of files) {
    let buffer: Buffer;
    try { buffer = fs.readFileSync(file); } catch (error) { skips.push([file, `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]); continue; }
    if (buffer.length > maxFileSize) { skips.push([file, `larger than ${maxFileSize} bytes (${buffer.length})`]); continue; }
    if (!re.test(buffer.toString('latin1'))) continue;
    if (buffer.subarray(0, BINARY_PROBE).includes(0)) { skips.push([file, 'binary (NUL bytes)']); continue; }
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
parentPort.on('message', (message) => {
  const hits = [];
  const skips = [];
  for (const file of message.files) {
    let buffer;
    try { buffer = fs.readFileSync(file); } catch (error) { skips.push([file, 'cannot read (' + (error.code || 'error') + ')']); continue; }
    if (buffer.length > workerData.maxFileSize) { skips.push([file, 'larger than ' + workerData.maxFileSize + ' bytes (' + buffer.length + ')']); continue; }
    if (!re.test(buffer.toString('latin1'))) continue;
    if (buffer.subarray(0, ${BINARY_PROBE}).includes(0)) { skips.push([file, 'binary (NUL bytes)']); continue; }
    hits.push(file);
  }
  parentPort.postMessage({ id: message.id, hits, skips });
});
`;

async function prefilterInWorkers(files: string[], source: string, maxFileSize: number, count: number,
  isCancelled: (() => boolean) | undefined, onChunk: (hits: string[], skips: Array<[string, string]>) => void): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < files.length; i += CHUNK) chunks.push(files.slice(i, i + CHUNK));
  const workers = Array.from({ length: Math.min(count, chunks.length) }, () =>
    new Worker(WORKER_SOURCE, { eval: true, workerData: { source, maxFileSize } }));
  try {
    let next = 0;
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      const send = () => {
        if (next >= chunks.length || isCancelled?.()) { resolve(); return; }
        worker.postMessage({ id: next, files: chunks[next++] });
      };
      worker.on('message', (result: { hits: string[]; skips: Array<[string, string]> }) => { onChunk(result.hits, result.skips); send(); });
      worker.on('error', reject);
      send();
    })));
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
