/**
 * Builds or refreshes the index of a tree: scan, reuse what the cache has for unchanged files
 * (same size and mtime), extract the rest on worker threads, write the cache back.
 * Used by the language server (in the background, with progress and cancellation) and by the CLI.
 */
import * as crypto from 'crypto';
import { scanTree, scanTreeInSlices, type ScannedFile } from './fileScanner';
import { extractorFingerprint } from '../parsing/extractorFingerprint';
import { defaultWorkerCount, runExtraction, startIndexWorker } from './workerPool';
import type { Worker } from 'worker_threads';
import { IndexDataBuilder, type DerivedTables, type IndexData } from './indexData';
import { sortDefinedNames, sortDefinedNamesOffThread } from './nameOrder';
import { cacheFileFor, readIndexCacheInBackground, writeIndexCache } from './cacheStore';
import { TreeIndex } from './treeIndex';
import { readSourceFile } from './fileExtraction';
import { OccurrenceStoreReader, OccurrenceStoreWriter, removeUnusedStores } from './occurrenceStore';
import { describeSweep, sweepStaleTemporaries } from '../base/tempFiles';
import * as path from 'path';
import { countByReason } from '../base/regularFile';
import * as fs from 'fs';
import type { IndexStats } from './types';

export interface BuildOptions {
  root: string;
  /** Cache folder; undefined disables the persistent cache. */
  cacheDir?: string;
  exclude?: string[];
  maxFileSize: number;
  workers?: number;
  preferredArch?: string;
  /** Ignore the cache and index everything again. */
  rebuild?: boolean;
  /** What extracts the files (default: extractorFingerprint() of the shipped data); part of the cache key. */
  extractorFingerprint?: string;
  /** Up to this many changed files are laid over the cached index instead of rewriting it (default 200). */
  overlayLimit?: number;
  isCancelled?: () => boolean;
  /**
   * `phase`: 'scan' (listing the tree), 'extract' (reading files; percent of files), 'finish' (query tables and
   * the cache write, after every file was read: a percentage would sit at 100 for seconds).
   */
  onProgress?: (message: string, percent: number, phase?: IndexPhase) => void;
  log?: (message: string) => void;
  /** Scan the tree in slices that let the event loop run (the language server answers meanwhile). */
  sliceScan?: boolean;
  /**
   * Return the index as soon as it can answer, without waiting for the cache write and the name sort (the language
   * server): `cacheWritten` settles when both are done; until then workspace-symbol search has exact matches only.
   */
  returnBeforeCacheWrite?: boolean;
  /** The cache file could not be used (damaged, of another format or tree): called before indexing starts. */
  onCacheRejected?: (reason: string) => void;
}

export type IndexPhase = 'scan' | 'extract' | 'finish';

export interface BuildResult {
  index: TreeIndex | undefined;
  cancelled: boolean;
  stats: IndexStats;
  cacheFile?: string;
  cacheBytes?: number;
  /** With `returnBeforeCacheWrite`: bytes written (undefined when nothing was written or the write failed). */
  cacheWritten?: Promise<number | undefined>;
}

/**
 * The cache key: the settings that decide which files are indexed, then (after a dot) what extracts them
 * (extractor version and data, see extractorFingerprint). A cache whose key differs is rebuilt.
 */
function settingsKeyOf(options: Pick<BuildOptions, 'exclude' | 'maxFileSize' | 'extractorFingerprint'>): string {
  const settings = crypto
    .createHash('sha1')
    .update(JSON.stringify({ exclude: [...(options.exclude ?? [])].sort(), maxFileSize: options.maxFileSize }))
    .digest('hex')
    .slice(0, 12);
  return `${settings}.${options.extractorFingerprint ?? extractorFingerprint()}`;
}

export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const settingsKey = settingsKeyOf(options);
  options.onProgress?.('scanning the tree', 0, 'scan');
  const cacheFile = options.cacheDir ? cacheFileFor(options.cacheDir, options.root) : undefined;
  // What a killed build left (temporaries of the cache and the occurrence store): removed before anything else.
  if (cacheFile) {
    const swept = describeSweep(sweepStaleTemporaries(path.dirname(cacheFile), 0));
    if (swept) log(`index cache: ${swept}`);
  }
  // The cache is read on another thread while this one scans the tree; the scan stats files only when
  // there is a cache to compare with (otherwise the workers learn size and mtime as they read).
  // (The scan is synchronous on purpose: promise-based stats measured slower, 1.6-2.1 s against 1.0 s for 60k files.)
  const cacheFileExists = cacheFile !== undefined && !options.rebuild && fs.existsSync(cacheFile);
  const cacheRead = cacheFileExists
    ? readIndexCacheInBackground(cacheFile, options.root).then(
        (data) => ({ data }),
        (err: unknown) => ({ err }),
      )
    : undefined;
  // A cold build starts its workers now: they load their code while the tree is scanned.
  const prestarted = cacheFileExists ? [] : startWorkers(defaultWorkerCount(options.workers), log);
  const scanOptions = {
    exclude: options.exclude,
    maxFileSize: options.maxFileSize,
    isCancelled: options.isCancelled,
    statFiles: cacheFileExists,
  };
  const scan = options.sliceScan
    ? await scanTreeInSlices(options.root, scanOptions, log)
    : scanTree(options.root, scanOptions, log);
  const emptyStats = (): IndexStats => ({
    files: 0,
    symbols: 0,
    references: 0,
    skipped: scan.skipped.length,
    skippedByReason: countByReason(scan.skipped.map((skip) => skip.reason)),
    seconds: (performance.now() - started) / 1000,
    fromCache: 0,
    parsed: 0,
  });
  const read = await cacheRead;
  const stopPrestarted = () => {
    for (const worker of prestarted) void worker.terminate();
  };
  if (options.isCancelled?.()) {
    stopPrestarted();
    return { index: undefined, cancelled: true, stats: emptyStats() };
  }
  let previous: IndexData | undefined;
  if (read && 'data' in read) {
    previous = read.data;
    // Stores of builds killed before their index was written, and of older builds: only this index's is used.
    const freed = removeUnusedStores(cacheFile!, previous.occurrenceStore?.path);
    if (freed > 0) log(`index cache: removed ${(freed / 1e6).toFixed(1)} MB of occurrence stores no index uses`);
    if (previous.settingsKey !== settingsKey) {
      const [settings] = settingsKey.split('.');
      log(
        previous.settingsKey.split('.')[0] !== settings
          ? 'index cache was built with other exclude/size settings: rebuilding'
          : 'index cache was built by another extractor or with other name-generator/attribute data: re-extracting every file',
      );
      previous = undefined;
    }
  } else if (read) {
    const reason = (read.err as Error)?.message ?? String(read.err);
    log(`index cache ${cacheFile} discarded: ${reason}; rebuilding`);
    options.onCacheRejected?.(reason);
  }

  const toExtract: Array<{ index: number; file: string; size: number }> = [];
  const unchanged: Array<{ index: number; previousFile: number }> = [];
  let deleted: string[] = [];
  if (previous) {
    const previousIds = new Map(previous.files.map((file, id) => [file, id]));
    scan.files.forEach((scanned: ScannedFile, index) => {
      const old = previousIds.get(scanned.file);
      previousIds.delete(scanned.file);
      if (old !== undefined && previous.fileSize[old] === scanned.size && previous.fileMtime[old] === scanned.mtimeMs)
        unchanged.push({ index, previousFile: old });
      else toExtract.push({ index, file: scanned.file, size: scanned.size });
    });
    deleted = [...previousIds.keys()];
  } else {
    scan.files.forEach((scanned, index) => toExtract.push({ index, file: scanned.file, size: scanned.size }));
  }
  const fromCache = unchanged.length;
  log(
    `index: ${scan.files.length} files (${fromCache} unchanged from cache, ${toExtract.length} to read, ${deleted.length} gone), ${scan.skipped.length} skipped`,
  );

  // Warm start: the cached index as it is, with the few changed files laid over it (re-read on each start
  // until a larger refresh rewrites the cache). No copy of the big arrays, no rebuild of the tables.
  if (previous && toExtract.length + deleted.length <= (options.overlayLimit ?? 200)) {
    const index = new TreeIndex(previous, {
      preferredArch: options.preferredArch,
      maxFileSize: options.maxFileSize,
      log,
    });
    for (const file of deleted) index.removeFile(file);
    const skippedNow = [...scan.skipped];
    for (const { file } of toExtract) {
      if (options.isCancelled?.()) return { index: undefined, cancelled: true, stats: emptyStats() };
      const read = readSourceFile(path.join(options.root, file), options.maxFileSize);
      if ('error' in read) {
        log(`skipped ${file}: ${read.error}`);
        skippedNow.push({ file, reason: read.error });
        index.removeFile(file);
        continue;
      }
      index.updateFile(file, read.text);
    }
    index.setRunSkipped(skippedNow);
    const seconds = (performance.now() - started) / 1000;
    index.setRunStats({ seconds, fromCache, parsed: toExtract.length });
    return { index, cancelled: false, stats: { ...index.stats(), seconds }, cacheFile };
  }

  // Occurrence blocks are written while batches arrive (only with a cache folder: the store lives next to it).
  let writer: OccurrenceStoreWriter | undefined;
  if (cacheFile) {
    try {
      writer = new OccurrenceStoreWriter(cacheFile);
    } catch (err) {
      log(`cannot write the occurrence store: ${(err as Error).message}; references will be re-read from the sources`);
    }
  }
  const builder = new IndexDataBuilder(scan.files, previous, writer);
  let extraction: { cancelled: boolean };
  // A cold build sorts its names on a worker thread at the end: it is started while the last batches are read.
  let sortWorker: Worker | undefined;
  const startSortWorker = () => {
    if (previous || sortWorker) return;
    try {
      sortWorker = startIndexWorker();
      sortWorker.on('error', (err) => log(`name sort worker failed while starting: ${err.message}`));
      sortWorker.unref(); // idle until the sort: never what keeps the process alive
    } catch {
      sortWorker = undefined; // the sort starts its own
    }
  };
  const phaseStart = performance.now();
  const scanSeconds = (phaseStart - started) / 1000;
  try {
    if (previous) {
      const source =
        previous.occurrenceStore && writer ? new OccurrenceStoreReader(previous.occurrenceStore, log) : undefined;
      source?.acquire();
      try {
        for (const { index, previousFile } of unchanged) builder.addFromPrevious(index, previous, previousFile, source);
      } finally {
        source?.release();
      }
    }
    extraction = await runExtraction({
      root: options.root,
      prestarted,
      files: toExtract,
      maxFileSize: options.maxFileSize,
      workers: options.workers,
      isCancelled: options.isCancelled,
      onBatch: (batch) =>
        builder.addBatch(
          batch,
          (file, error) => log(`skipped ${file}: ${error}`),
          (file, limit) => log(`indexed ${file} in part: ${limit}`),
        ),
      onAllDispatched: startSortWorker,
      onProgress: (done, total) =>
        options.onProgress?.(
          `indexing ${done}/${total} files`,
          total === 0 ? 100 : Math.floor((done * 100) / total),
          'extract',
        ),
    });
  } catch (err) {
    writer?.abort();
    void sortWorker?.terminate();
    throw err;
  }
  if (extraction.cancelled) {
    writer?.abort();
    void sortWorker?.terminate();
    return { index: undefined, cancelled: true, stats: emptyStats() };
  }

  const extractSeconds = (performance.now() - phaseStart) / 1000;
  const buildStart = performance.now();
  options.onProgress?.('building the query tables and writing the cache', 100, 'finish');
  let occurrenceStore;
  try {
    occurrenceStore = writer?.commit();
  } catch (err) {
    log(`cannot write the occurrence store: ${(err as Error).message}`);
    writer?.abort();
  }
  const data = builder.build(options.root, settingsKey, scan.skipped, occurrenceStore);
  // A cold build sorts millions of names on another thread, while this one
  // derives the query tables and libuv's threads write the cache: the tables go out last, when ready.
  const merged = previous ? sortDefinedNames(data, previous) : undefined;
  const sorting = merged
    ? { count: merged.length, ready: Promise.resolve(merged) }
    : sortDefinedNamesOffThread(data, log, sortWorker);
  let announceDerived: (tables: DerivedTables) => void = () => undefined;
  const derived = new Promise<DerivedTables>((resolve) => {
    announceDerived = resolve;
  });
  const writing =
    cacheFile && (toExtract.length > 0 || !previous || data.files.length !== previous.files.length)
      ? writeIndexCache(cacheFile, data, { sortedNames: sorting, derived }).then(
          (bytes) => {
            // The new index is in place: the stores of earlier builds are no longer anyone's.
            removeUnusedStores(cacheFile, data.occurrenceStore?.path);
            return bytes;
          },
          (err: unknown) => {
            log(`cannot write the index cache ${cacheFile}: ${(err as Error).message}`);
            return undefined;
          },
        )
      : undefined;
  const sortedAt = performance.now();
  // The index derives its query tables here, so the cache stores them and a warm start skips that work.
  const index = new TreeIndex(data, { preferredArch: options.preferredArch, maxFileSize: options.maxFileSize, log });
  announceDerived(data.derived!);
  const derivedAt = performance.now();
  const since = (from: number, to = performance.now()) => ((to - from) / 1000).toFixed(2);
  // Names sorted (a refresh merges them at once): workspace-symbol prefix search works from then on.
  const namesSorted = sorting.ready.then((names) => {
    data.sortedNames = names;
  });
  index.namesSortedWhen(namesSorted);
  const finished = (async () => {
    const cacheBytes = await writing;
    await namesSorted;
    log(
      `index: phases scan ${scanSeconds.toFixed(2)} s, extraction ${extractSeconds.toFixed(2)} s, tables and cache ${since(buildStart)} s ` +
        `(query tables ${since(sortedAt, derivedAt)} s while the cache is written, then the rest of the write and the name sort ${since(derivedAt)} s); ` +
        `${builder.namesReceived} batch names interned into ${data.names.size}`,
    );
    return cacheBytes;
  })();
  const runStats = () => {
    const seconds = (performance.now() - started) / 1000;
    index.setRunStats({ seconds, fromCache, parsed: toExtract.length });
    return { ...index.stats(), seconds };
  };
  if (options.returnBeforeCacheWrite) {
    // The caller answers from here on; the name sort and the cache write finish behind it.
    return { index, cancelled: false, stats: runStats(), cacheFile, cacheWritten: finished };
  }
  const cacheBytes = await finished;
  return { index, cancelled: false, stats: runStats(), cacheFile, cacheBytes };
}

function startWorkers(count: number, log: (message: string) => void): Worker[] {
  const workers: Worker[] = [];
  try {
    for (let k = 0; k < count; k++) {
      const worker = startIndexWorker();
      // Until the job takes it over, a failure only means it gets replaced (see runExtraction).
      worker.on('error', (err) => log(`index worker failed while starting: ${err.message}`));
      workers.push(worker);
    }
  } catch (err) {
    log(`cannot start index workers ahead: ${(err as Error).message}`);
  }
  return workers;
}
