/**
 * Owns the whole-tree index inside the language server. With a cache from an earlier session it answers at
 * once from the cache file itself (indexing/cacheLookup.ts, opened during `initialize`), while the whole cache is
 * read, checked and compared with the tree in the background; then the full index takes over. Without one it
 * builds the index in the background after `initialized`. It reports a status notification (and, for editors
 * that have no status item of ours, `window/workDoneProgress`, cancellable from the editor's progress UI), and
 * keeps the index current with edited documents (live overlay) and files changed on disk.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as fs from 'fs';
import type { IndexStatus, KernelMmLensSettings } from '../../../protocol';
import type { KernelIndex } from '../indexing/types';
import { buildIndex, type IndexPhase } from '../indexing/indexBuilder';
import { CacheLookupIndex } from '../indexing/cacheLookup';
import { cacheFileFor } from '../indexing/cacheStore';
import type { TreeIndex } from '../indexing/treeIndex';
import { defaultCacheDir } from '../base/paths';
import { formatKernelVersion, type KernelVersion } from '../base/kernelVersion';
import { readSourceFile } from '../indexing/fileExtraction';
import { isIndexedFile } from '../parsing/kernelFiles';
import { describeError } from '../base/errors';
import { treeRelativePathOfUri } from './treePaths';
import { headersChanged } from '../indexing/includeClosure';

export interface FileChange {
  uri: string;
  deleted: boolean;
}

export class IndexService {
  private index: TreeIndex | undefined;
  /** Answers from the cache file until `index` is there (warm start). */
  private early: CacheLookupIndex | undefined;
  /** The client shows the status notification itself: no workDoneProgress for indexing. */
  private clientShowsStatus = false;
  /** Generation whose build the user cancelled (status menu "Cancel Indexing"). */
  private cancelledGeneration = -1;
  private root: string | undefined;
  private cacheDir: string | undefined;
  private settings: KernelMmLensSettings | undefined;
  private generation = 0;
  private building: Promise<TreeIndex | undefined> | undefined;
  private lastStatus: IndexStatus = { state: 'starting' };
  private readonly readyListeners: Array<(index: KernelIndex) => void> = [];
  private readonly statusListeners: Array<(status: IndexStatus) => void> = [];
  private readonly waiters: Array<(index: KernelIndex | undefined) => void> = [];
  private readonly fullWaiters: Array<(index: KernelIndex | undefined) => void> = [];
  private readonly pendingDocuments = new Map<string, { file: string; text: string }>();
  private readonly debounce = new Map<string, NodeJS.Timeout>();
  private lastStatusSent = 0;
  private editorExcludes: string[] = [];

  constructor(
    private readonly log: (message: string) => void,
    private readonly kernelVersion: () => KernelVersion | undefined = () => undefined,
  ) {}

  configure(options: {
    root?: string;
    cacheDir?: string;
    settings: KernelMmLensSettings;
    clientShowsStatus?: boolean;
  }): void {
    this.root = options.root;
    this.cacheDir = options.cacheDir ?? defaultCacheDir();
    this.settings = options.settings;
    this.clientShowsStatus = options.clientShowsStatus ?? false;
  }

  /**
   * Warm start: opens the tree's cache for look-ups (a header read, a few milliseconds) so that requests are
   * answered before the whole cache is read. Does nothing without a usable cache.
   */
  openCached(): void {
    const root = this.root;
    const settings = this.settings;
    if (!root || !this.cacheDir || this.index || this.early) return;
    const cacheFile = cacheFileFor(this.cacheDir, root);
    if (!fs.existsSync(cacheFile)) return;
    const started = performance.now();
    try {
      this.early = CacheLookupIndex.open(cacheFile, root, {
        preferredArch: settings?.preferredArch,
        maxFileSize: settings?.maxFileSize,
        fullIndex: () => this.whenFull(),
      });
    } catch (err) {
      this.log(`index cache not used for early answers: ${describeError(err)}`);
      return;
    }
    const stats = this.early.stats();
    this.log(
      `answering from the index cache (${stats.files} files, opened in ${(performance.now() - started).toFixed(0)} ms) while it is read and checked`,
    );
    const version = this.kernelVersion();
    this.setStatus({
      state: 'ready',
      files: stats.files,
      symbols: stats.symbols,
      references: stats.references,
      kernelVersion: version ? formatKernelVersion(version, true) : undefined,
      message: 'from the cache of the last session; checking the tree for changes',
      early: true,
    });
    this.resolveWaiters(this.early, false);
  }

  /** The cache write the last build left running (the index is handed out before it). */
  private cacheWrite: Promise<unknown> | undefined;

  /**
   * Waits, at most `limitMs`, for the cache write of the last build: a server shut down right after indexing (an
   * editor closed, the bench's priming run) otherwise leaves a half-written temporary file and no cache.
   */
  async cacheWriteSettled(limitMs: number): Promise<void> {
    const writing = this.cacheWrite;
    if (!writing) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      writing.catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, limitMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Drops the early index (damaged cache, or the full index took over). */
  private dropEarly(): void {
    this.early?.close();
    this.early = undefined;
  }

  /** New settings; `editorExcludes` are the editor's own exclude globs (files.exclude, search.exclude). */
  updateSettings(settings: KernelMmLensSettings, editorExcludes: string[] = this.editorExcludes): void {
    const before = this.settings;
    this.editorExcludes = editorExcludes;
    this.settings = { ...settings, exclude: [...new Set([...settings.exclude, ...editorExcludes])] };
    settings = this.settings;
    if (
      before &&
      this.index &&
      (JSON.stringify(before.exclude) !== JSON.stringify(settings.exclude) ||
        before.maxFileSize !== settings.maxFileSize)
    ) {
      this.log('index settings changed: re-indexing');
      void this.rebuild(undefined, false);
    }
  }

  start(connection: Connection): Promise<TreeIndex | undefined> {
    return this.run(connection, false);
  }

  rebuild(connection: Connection | undefined, fromScratch = true): Promise<TreeIndex | undefined> {
    return this.run(connection, fromScratch);
  }

  private async run(connection: Connection | undefined, fromScratch: boolean): Promise<TreeIndex | undefined> {
    const root = this.root;
    const settings = this.settings;
    if (!root || !settings) {
      this.setStatus({ state: 'error', message: 'no workspace folder: open a kernel tree folder to index it' });
      this.resolveWaiters(undefined);
      return undefined;
    }
    if (!fs.existsSync(root)) {
      this.setStatus({ state: 'error', message: `workspace folder ${root} does not exist` });
      this.resolveWaiters(undefined);
      return undefined;
    }
    const generation = ++this.generation;
    const progress =
      connection && !this.clientShowsStatus
        ? await connection.window.createWorkDoneProgress().catch(() => undefined)
        : undefined;
    progress?.begin('Kernel MM Lens', 0, 'indexing the tree', true);
    const kernelVersion = this.kernelVersion();
    const versionText = kernelVersion ? formatKernelVersion(kernelVersion, true) : undefined;
    // An early index keeps answering (and the status keeps saying so) until the work below needs to re-read files.
    if (!this.early || fromScratch) this.setStatus({ state: 'indexing', percent: 0, kernelVersion: versionText });
    const task = (async () => {
      try {
        const result = await buildIndex({
          root,
          cacheDir: this.cacheDir,
          exclude: settings.exclude,
          maxFileSize: settings.maxFileSize,
          workers: settings.indexWorkers,
          preferredArch: settings.preferredArch,
          rebuild: fromScratch,
          isCancelled: () =>
            generation !== this.generation ||
            this.cancelledGeneration === generation ||
            (progress?.token.isCancellationRequested ?? false),
          onProgress: (message: string, percent: number, phase?: IndexPhase) => {
            progress?.report(percent, message);
            // Scanning for changes behind an early index is not "indexing" for the user.
            if (this.early && !fromScratch && phase === 'scan') return;
            this.setStatus(
              { state: 'indexing', percent, kernelVersion: versionText, message, phase: statusPhase(phase) },
              phase !== 'finish',
            );
          },
          log: this.log,
          sliceScan: true,
          returnBeforeCacheWrite: true,
          onCacheRejected: (reason) => {
            if (!this.early) return;
            this.log(`the early answers from the cache stop: ${reason}`);
            this.dropEarly();
          },
        });
        this.cacheWrite = result.cacheWritten;
        void result.cacheWritten?.then((bytes) => {
          if (bytes) this.log(`index cache written (${(bytes / 1e6).toFixed(1)} MB)`);
        });
        if (generation !== this.generation) return this.index;
        if (result.cancelled || !result.index) {
          const still = this.current();
          if (still) {
            const stats = still.stats();
            this.setStatus({
              state: 'ready',
              files: stats.files,
              symbols: stats.symbols,
              references: stats.references,
              kernelVersion: versionText,
              message: 'indexing cancelled: answers come from the index of before; "Rebuild Index" starts again',
            });
          } else {
            this.setStatus({
              state: 'error',
              message: 'indexing cancelled: run "Rebuild Index" to start again',
              kernelVersion: versionText,
            });
          }
          this.resolveWaiters(this.index);
          return this.index;
        }
        this.index = result.index;
        this.dropEarly();
        for (const { file, text } of this.pendingDocuments.values()) this.index.setDocumentText(file, text);
        this.pendingDocuments.clear();
        const stats = result.stats;
        this.log(
          `index ready: ${stats.files} files, ${stats.symbols} symbols, ${stats.references} references in ${stats.seconds.toFixed(1)} s (${stats.fromCache} from cache)`,
        );
        this.setStatus({
          state: 'ready',
          files: stats.files,
          symbols: stats.symbols,
          references: stats.references,
          kernelVersion: versionText,
        });
        this.resolveWaiters(this.index);
        for (const listener of this.readyListeners) listener(this.index);
        // The workspace-symbol tables (a pass over every defined name) are built now rather than by the first search.
        const ready = this.index;
        void ready.prepareSymbolSearch();
        return this.index;
      } catch (err) {
        this.log(`indexing failed: ${describeError(err, true)}`);
        this.setStatus({
          state: 'error',
          message: `indexing failed: ${describeError(err)}`,
          kernelVersion: versionText,
        });
        this.resolveWaiters(this.index);
        return this.index;
      } finally {
        progress?.done();
      }
    })();
    this.building = task;
    return task;
  }

  /** Stops the build in progress (between batches); true when there was one. */
  cancel(): boolean {
    if (!this.building) return false;
    this.cancelledGeneration = this.generation;
    this.log('indexing cancelled by the user');
    return true;
  }

  current(): KernelIndex | undefined {
    return this.index ?? this.early;
  }

  /** The full in-memory index once loaded (references, edited documents), or undefined when it cannot be had. */
  whenFull(): Promise<KernelIndex | undefined> {
    if (this.index) return Promise.resolve(this.index);
    if (!this.building && this.lastStatus.state === 'error') return Promise.resolve(undefined);
    return new Promise((resolve) => this.fullWaiters.push(resolve));
  }

  /** The index once ready (immediately if it is), or undefined when cancelled or impossible. */
  whenReady(isCancelled?: () => boolean): Promise<KernelIndex | undefined> {
    const ready = this.current();
    if (ready) return Promise.resolve(ready);
    if (this.lastStatus.state === 'error' && !this.building) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let settled = false;
      const settle = (index: KernelIndex | undefined) => {
        if (!settled) {
          settled = true;
          clearInterval(timer);
          resolve(index);
        }
      };
      const timer = setInterval(() => {
        if (isCancelled?.()) settle(undefined);
      }, 100);
      this.waiters.push(settle);
    });
  }

  onReady(listener: (index: KernelIndex) => void): void {
    this.readyListeners.push(listener);
    if (this.index) listener(this.index);
  }

  onStatus(listener: (status: IndexStatus) => void): void {
    this.statusListeners.push(listener);
  }

  status(): IndexStatus {
    return this.lastStatus;
  }

  /** An edited document: re-indexed from its text shortly after typing pauses. */
  documentChanged(document: TextDocument): void {
    const file = this.relativeFile(document.uri);
    if (!file) return;
    const existing = this.debounce.get(document.uri);
    if (existing) clearTimeout(existing);
    this.debounce.set(
      document.uri,
      setTimeout(() => {
        this.debounce.delete(document.uri);
        const text = document.getText();
        if (this.index) this.index.setDocumentText(file, text);
        else this.pendingDocuments.set(file, { file, text });
      }, 150),
    );
  }

  /** A closed document: its file on disk counts again. */
  documentClosed(document: TextDocument): void {
    const file = this.relativeFile(document.uri);
    if (!file) return;
    const pending = this.debounce.get(document.uri);
    if (pending) clearTimeout(pending);
    this.debounce.delete(document.uri);
    this.pendingDocuments.delete(file);
    this.index?.documentClosed(file);
  }

  /** Files changed on disk (workspace/didChangeWatchedFiles). */
  filesChanged(changes: FileChange[]): void {
    // Which headers a file sees (Go to Definition's order) follows the headers on disk.
    if (changes.some((change) => change.uri.endsWith('.h'))) headersChanged();
    if (!this.index) return;
    for (const change of changes) {
      const file = this.relativeFile(change.uri);
      if (!file || !isIndexedFile(file)) continue;
      if (change.deleted) {
        this.index.removeFile(file);
        continue;
      }
      const read = readSourceFile(this.index.absolutePath(file), this.settings?.maxFileSize ?? 2 * 1024 * 1024);
      if ('text' in read) this.index.updateFile(file, read.text);
      else this.log(`not re-indexed ${file}: ${read.error}`);
    }
  }

  dispose(): void {
    this.generation++;
    this.dropEarly();
    for (const timer of this.debounce.values()) clearTimeout(timer);
  }

  private relativeFile(uri: string): string | undefined {
    return this.root ? treeRelativePathOfUri(this.root, uri) : undefined;
  }

  /** `final`: the build is over (the full index or nothing); else an early index answers meanwhile. */
  private resolveWaiters(index: KernelIndex | undefined, final = true): void {
    if (final) {
      this.building = undefined;
      for (const waiter of this.fullWaiters.splice(0)) waiter(this.index);
    }
    for (const waiter of this.waiters.splice(0)) waiter(index ?? this.early);
  }

  private setStatus(status: IndexStatus, throttle = false): void {
    this.lastStatus = status;
    const now = Date.now();
    if (throttle && now - this.lastStatusSent < 250) return;
    this.lastStatusSent = now;
    for (const listener of this.statusListeners) listener(status);
  }
}

function statusPhase(phase: IndexPhase | undefined): IndexStatus['phase'] {
  return phase === 'finish' ? 'finishing' : phase === 'scan' ? 'scanning' : phase === 'extract' ? 'reading' : undefined;
}
