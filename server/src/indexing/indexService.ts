import type { Connection } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IndexStatus, KernelMmLensSettings } from '../../../protocol';
import type { KernelIndex } from './types';

// PLACEHOLDER (being written): owns the whole-tree index for the language server.
export class IndexService {
  private index: KernelIndex | undefined;
  private readonly readyListeners: Array<(index: KernelIndex) => void> = [];
  private readonly statusListeners: Array<(status: IndexStatus) => void> = [];
  constructor(private readonly log: (message: string) => void) {}
  configure(_options: { root?: string; cacheDir?: string; settings: KernelMmLensSettings }): void {}
  updateSettings(_settings: KernelMmLensSettings): void {}
  async start(_connection: Connection): Promise<void> {}
  async rebuild(_connection: Connection): Promise<KernelIndex | undefined> { return this.index; }
  current(): KernelIndex | undefined { return this.index; }
  async whenReady(_isCancelled?: () => boolean): Promise<KernelIndex | undefined> { return this.index; }
  onReady(listener: (index: KernelIndex) => void): void { this.readyListeners.push(listener); }
  onStatus(listener: (status: IndexStatus) => void): void { this.statusListeners.push(listener); }
  status(): IndexStatus { return { state: 'starting' }; }
  documentChanged(_document: TextDocument): void {}
  dispose(): void { this.log('index service disposed'); }
}
