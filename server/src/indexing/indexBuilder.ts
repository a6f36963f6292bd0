/**
 * Builds or refreshes the index of a tree: scan, reuse what the cache has for unchanged files
 * (same size and mtime), extract the rest on worker threads, write the cache back.
 * Used by the language server (in the background, with progress and cancellation) and by the CLI.
 */
import * as crypto from 'crypto';
import { scanTree, type ScannedFile } from './fileScanner';
import { runExtraction } from './workerPool';
import { IndexDataBuilder, type IndexData } from './indexData';
import { cacheFileFor, readIndexCache, writeIndexCache, CacheError } from './cacheStore';
import { TreeIndex } from './treeIndex';
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
  isCancelled?: () => boolean;
  onProgress?: (message: string, percent: number) => void;
  log?: (message: string) => void;
}

export interface BuildResult {
  index: TreeIndex | undefined;
  cancelled: boolean;
  stats: IndexStats;
  cacheFile?: string;
  cacheBytes?: number;
}

export function settingsKeyOf(options: Pick<BuildOptions, 'exclude' | 'maxFileSize'>): string {
  return crypto.createHash('sha1').update(JSON.stringify({ exclude: [...(options.exclude ?? [])].sort(), maxFileSize: options.maxFileSize })).digest('hex').slice(0, 12);
}

export async function buildIndex(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const settingsKey = settingsKeyOf(options);
  options.onProgress?.('scanning the tree', 0);
  const scan = scanTree(options.root, { exclude: options.exclude, maxFileSize: options.maxFileSize, isCancelled: options.isCancelled }, log);
  const emptyStats = (): IndexStats => ({ files: 0, symbols: 0, references: 0, skipped: scan.skipped.length, seconds: (performance.now() - started) / 1000, fromCache: 0, parsed: 0 });
  if (options.isCancelled?.()) return { index: undefined, cancelled: true, stats: emptyStats() };

  const cacheFile = options.cacheDir ? cacheFileFor(options.cacheDir, options.root) : undefined;
  let previous: IndexData | undefined;
  if (cacheFile && !options.rebuild) {
    try {
      previous = readIndexCache(cacheFile, options.root);
      if (previous.settingsKey !== settingsKey) { log('index cache was built with other exclude/size settings: rebuilding'); previous = undefined; }
    } catch (err) {
      if (err instanceof CacheError && !/ENOENT/.test(err.message)) log(`index cache ${cacheFile} discarded: ${err.message}; rebuilding`);
      previous = undefined;
    }
  }

  const builder = new IndexDataBuilder(scan.files);
  const toExtract: Array<{ index: number; file: string; size: number }> = [];
  let fromCache = 0;
  if (previous) {
    const previousIds = new Map(previous.files.map((file, id) => [file, id]));
    const idMap = new Int32Array(previous.names.size).fill(-1);
    scan.files.forEach((scanned: ScannedFile, index) => {
      const old = previousIds.get(scanned.file);
      if (old !== undefined && previous!.fileSize[old] === scanned.size && previous!.fileMtime[old] === scanned.mtimeMs) {
        builder.addFromPrevious(index, previous!, old, idMap);
        fromCache++;
      } else {
        toExtract.push({ index, file: scanned.file, size: scanned.size });
      }
    });
  } else {
    scan.files.forEach((scanned, index) => toExtract.push({ index, file: scanned.file, size: scanned.size }));
  }
  log(`index: ${scan.files.length} files (${fromCache} unchanged from cache, ${toExtract.length} to read), ${scan.skipped.length} skipped`);

  const { cancelled } = await runExtraction({
    root: options.root,
    files: toExtract,
    maxFileSize: options.maxFileSize,
    workers: options.workers,
    isCancelled: options.isCancelled,
    onBatch: (batch) => builder.addBatch(batch, (file, error) => log(`skipped ${file}: ${error}`)),
    onProgress: (done, total) => options.onProgress?.(`indexing ${done}/${total} files`, total === 0 ? 100 : Math.floor((done * 100) / total)),
  });
  if (cancelled) return { index: undefined, cancelled: true, stats: emptyStats() };

  const data = builder.build(options.root, settingsKey, scan.skipped);
  let cacheBytes: number | undefined;
  if (cacheFile && (toExtract.length > 0 || !previous || data.files.length !== previous.files.length)) {
    try { cacheBytes = writeIndexCache(cacheFile, data); } catch (err) { log(`cannot write the index cache ${cacheFile}: ${(err as Error).message}`); }
  }
  const seconds = (performance.now() - started) / 1000;
  const index = new TreeIndex(data, { preferredArch: options.preferredArch, maxFileSize: options.maxFileSize, stats: { seconds, fromCache, parsed: toExtract.length } });
  return { index, cancelled: false, stats: { ...index.stats(), seconds: (performance.now() - started) / 1000 }, cacheFile, cacheBytes };
}
