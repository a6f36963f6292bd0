/**
 * Owns the whole-tree index inside the language server: builds it in the background after
 * `initialized` (never during `initialize`), reports `window/workDoneProgress` and a status
 * notification, can be cancelled from the editor's progress UI, and keeps it current with
 * edited documents (live overlay) and files changed on disk.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as fs from 'fs';
import type { IndexStatus, KernelMmLensSettings } from '../../../protocol';
import type { KernelIndex } from '../indexing/types';
import { buildIndex } from '../indexing/indexBuilder';
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
  private root: string | undefined;
  private cacheDir: string | undefined;
  private settings: KernelMmLensSettings | undefined;
  private generation = 0;
  private building: Promise<TreeIndex | undefined> | undefined;
  private lastStatus: IndexStatus = { state: 'starting' };
  private readonly readyListeners: Array<(index: KernelIndex) => void> = [];
  private readonly statusListeners: Array<(status: IndexStatus) => void> = [];
  private readonly waiters: Array<(index: TreeIndex | undefined) => void> = [];
  private readonly pendingDocuments = new Map<string, { file: string; text: string }>();
  private readonly debounce = new Map<string, NodeJS.Timeout>();
  private lastStatusSent = 0;
  private editorExcludes: string[] = [];

  constructor(
    private readonly log: (message: string) => void,
    private readonly kernelVersion: () => KernelVersion | undefined = () => undefined,
  ) {}

  configure(options: { root?: string; cacheDir?: string; settings: KernelMmLensSettings }): void {
    this.root = options.root;
    this.cacheDir = options.cacheDir ?? defaultCacheDir();
    this.settings = options.settings;
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
    const progress = connection ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    progress?.begin('Kernel MM Lens', 0, 'indexing the tree', true);
    const kernelVersion = this.kernelVersion();
    const versionText = kernelVersion ? formatKernelVersion(kernelVersion, true) : undefined;
    this.setStatus({ state: 'indexing', percent: 0, kernelVersion: versionText });
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
          isCancelled: () => generation !== this.generation || (progress?.token.isCancellationRequested ?? false),
          onProgress: (message, percent) => {
            progress?.report(percent, message);
            this.setStatus({ state: 'indexing', percent, kernelVersion: versionText, message }, true);
          },
          log: this.log,
        });
        if (generation !== this.generation) return this.index;
        if (result.cancelled || !result.index) {
          this.setStatus({
            state: 'error',
            message: 'indexing cancelled: run "Rebuild index" to start again',
            kernelVersion: versionText,
          });
          this.resolveWaiters(this.index);
          return this.index;
        }
        this.index = result.index;
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

  current(): KernelIndex | undefined {
    return this.index;
  }

  /** The index once ready (immediately if it is), or undefined when cancelled or impossible. */
  whenReady(isCancelled?: () => boolean): Promise<KernelIndex | undefined> {
    if (this.index) return Promise.resolve(this.index);
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
    for (const timer of this.debounce.values()) clearTimeout(timer);
  }

  private relativeFile(uri: string): string | undefined {
    return this.root ? treeRelativePathOfUri(this.root, uri) : undefined;
  }

  private resolveWaiters(index: TreeIndex | undefined): void {
    this.building = undefined;
    for (const waiter of this.waiters.splice(0)) waiter(index);
  }

  private setStatus(status: IndexStatus, throttle = false): void {
    this.lastStatus = status;
    const now = Date.now();
    if (throttle && now - this.lastStatusSent < 250) return;
    this.lastStatusSent = now;
    for (const listener of this.statusListeners) listener(status);
  }
}
