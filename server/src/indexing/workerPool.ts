/**
 * Runs the bulk extraction on worker threads, so the language server's main thread keeps answering
 * while a 60k-file tree is read. Batches are sized by bytes, handed out on demand (the slowest worker
 * never holds the run back), and the run can be cancelled between batches.
 */
import { Worker } from 'worker_threads';
import * as os from 'os';
import { indexWorkerPath } from '../base/paths';
import type { WorkerRequest, WorkerResponse } from './indexWorker';
import type { PackedBatch } from './batchPacker';

export interface ExtractionJob {
  root: string;
  /** Workers started ahead (while the tree was scanned); more are started if the count asks for them. */
  prestarted?: Worker[];
  files: Array<{ index: number; file: string; size: number }>;
  maxFileSize: number;
  workers?: number;
  isCancelled?: () => boolean;
  /** Called with each finished batch, in completion order. */
  onBatch(batch: PackedBatch): void;
  onProgress?(doneFiles: number, totalFiles: number): void;
  /** Called once every batch has been handed out (the last ones are still being read). */
  onAllDispatched?(): void;
}

const BATCH_BYTES = 6_000_000;
const BATCH_MAX_FILES = 1500;

export function defaultWorkerCount(setting = 0): number {
  if (setting > 0) return Math.min(setting, 16);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 8));
}

function makeBatches(files: ExtractionJob['files']): ExtractionJob['files'][] {
  const batches: ExtractionJob['files'][] = [];
  let current: ExtractionJob['files'] = [];
  let bytes = 0;
  for (const file of files) {
    current.push(file);
    bytes += file.size >= 0 ? file.size : 16_384; // not stat'ed: a kernel file's average
    if (bytes >= BATCH_BYTES || current.length >= BATCH_MAX_FILES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A worker running the index worker script (extraction batches, name sorting). */
export function startIndexWorker(): Worker {
  const script = indexWorkerPath();
  if (!script.endsWith('.ts')) return new Worker(script);
  // Running from TypeScript sources (tests): register tsx's CommonJS loader inside the worker first.
  return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script)});`, { eval: true });
}

/** Resolves when every batch is done (or the job was cancelled); rejects only if workers cannot start. */
export function runExtraction(job: ExtractionJob): Promise<{ cancelled: boolean }> {
  const batches = makeBatches(job.files);
  const workerCount = Math.min(defaultWorkerCount(job.workers), Math.max(1, batches.length));
  let next = 0;
  let done = 0;
  let doneFiles = 0;
  let finished = false;
  const workers: Worker[] = [];
  return new Promise((resolve, reject) => {
    const finish = (result: { cancelled: boolean } | Error) => {
      if (finished) return;
      finished = true;
      // Settle once the workers are gone: their heaps are freed before the caller builds its tables.
      void Promise.allSettled(workers.map((worker) => worker.terminate())).then(() => {
        if (result instanceof Error) reject(result);
        else resolve(result);
      });
    };
    // Prestarted workers this job does not use are stopped with the others.
    for (const extra of job.prestarted?.slice(batches.length === 0 ? 0 : workerCount) ?? []) workers.push(extra);
    if (batches.length === 0) {
      finish({ cancelled: false });
      return;
    }
    const dispatch = (worker: Worker) => {
      if (job.isCancelled?.()) {
        finish({ cancelled: true });
        return;
      }
      if (next >= batches.length) return;
      const id = next++;
      if (next === batches.length) job.onAllDispatched?.();
      const request: WorkerRequest = {
        id,
        root: job.root,
        files: batches[id].map(({ index, file }) => ({ index, file })),
        maxFileSize: job.maxFileSize,
      };
      worker.postMessage(request);
    };
    for (let w = 0; w < workerCount; w++) {
      let worker: Worker;
      // A prestarted worker that died meanwhile (threadId -1) is replaced.
      const ahead = job.prestarted?.[w];
      try {
        worker = ahead && ahead.threadId !== -1 ? ahead : startIndexWorker();
      } catch (err) {
        finish(new Error(`cannot start index worker: ${(err as Error).message}`));
        return;
      }
      workers.push(worker);
      worker.on('message', (response: WorkerResponse) => {
        if (finished) return;
        if (response.failure) {
          finish(new Error(`index worker failed: ${response.failure}`));
          return;
        }
        // Feed the worker before merging its batch: it has the next one queued while this thread works.
        if (done + 1 < batches.length) dispatch(worker);
        try {
          job.onBatch(response.batch!);
        } catch (err) {
          finish(err as Error);
          return;
        }
        done++;
        doneFiles += batches[response.id].length;
        job.onProgress?.(doneFiles, job.files.length);
        if (done === batches.length) finish({ cancelled: false });
      });
      worker.on('error', (err) => finish(new Error(`index worker crashed: ${err.message}`)));
      worker.on('exit', (code) => {
        if (!finished && code !== 0) finish(new Error(`index worker exited with code ${code}`));
      });
      // Two batches in flight per worker: it never waits for the main thread between batches.
      dispatch(worker);
      dispatch(worker);
    }
  });
}
