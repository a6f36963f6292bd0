import type { ClientCapabilities, Connection } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree } from 'web-tree-sitter';
import type { LexicalExtraction } from '../parsing/lexicalTypes';
import type { KernelMmLensSettings } from '../../../protocol';
import type { KernelIndex } from '../indexing/types';
import type { KernelVersion } from '../base/kernelVersion';
import type { TreeChanges } from '../knowledge/changes/treeChanges';
import type { ConfigurationService } from '../configuration/configurationService';

/**
 * Open documents, kept in sync with the editor through incremental LSP edits, each with an
 * incrementally re-parsed tree-sitter tree (owned by the store: callers never delete it).
 */
export interface OpenDocuments {
  get(uri: string): TextDocument | undefined;
  all(): TextDocument[];
  /** Current syntax tree of an open document (parsed on demand, reused until the next edit). */
  tree(uri: string): Promise<Tree | undefined>;
  /** Why the current version of a C document has no tree, once `tree()` gave up on it (documentStore.ts). */
  parseFailure?(uri: string): string | undefined;
  /** The document has a tree, current or edited since (its next parse, if any, is incremental). */
  hasAnyTree?(uri: string): boolean;
  /** The document is C the store parses. */
  isParseable?(uri: string): boolean;
  onDidChangeContent(listener: (document: TextDocument) => void): void;
  onDidClose(listener: (document: TextDocument) => void): void;
  /** A version that had no tree got one later (the idle retry of documentStore.ts). */
  onDidParse?(listener: (document: TextDocument) => void): void;
  /** The document has a current tree: `tree()` answers without parsing. */
  hasTree?(uri: string): boolean;
  /** The one lexical pass over the current version (documentStore.ts), run once whoever asks first. */
  lexicalScan?(uri: string, file?: string): LexicalExtraction | undefined;
  /** Lets that pass go once the extraction has what it needs. */
  releaseLexicalScan?(uri: string): void;
}

/** State every feature shares. Built once per server process by `lsp/server.ts`. */
export interface ServerContext {
  readonly connection: Connection;
  readonly documents: OpenDocuments;
  /** Folder for persistent state (index cache, notes): the client's storage folder, else the user cache. */
  readonly cacheDir: string;
  /** Absolute path of the kernel tree (first workspace folder), if any. */
  readonly root: string | undefined;
  settings(): KernelMmLensSettings;
  /**
   * The kernel version answers are given for: `override` when it parses (the lint's target version), else the
   * `kernelVersion` setting, else the tree's top-level Makefile (read once, re-read when it changes).
   */
  kernelVersion(override?: string): KernelVersion | undefined;
  onSettingsChanged(listener: (settings: KernelMmLensSettings) => void): void;
  /** The index if it is ready, without waiting. */
  currentIndex(): KernelIndex | undefined;
  /** The index once ready; undefined if cancelled first or if there is no tree. */
  waitForIndex(isCancelled?: () => boolean): Promise<KernelIndex | undefined>;
  onIndexReady(listener: (index: KernelIndex) => void): void;
  /**
   * What the tree's code has of the tracked upstream changes (present / absent / partial, with evidence): the
   * single source for "does this tree have change X?". Undefined without a workspace tree.
   */
  treeChanges(): TreeChanges | undefined;
  /** Forget the evidence: the next `treeChanges()` reads the tree again. */
  refreshTreeChanges(): void;
  /** Tree-relative path of a document URI (or undefined outside the tree). */
  relativePathOfUri(uri: string): string | undefined;
  /** file:// URI for a tree-relative path. */
  uriOfRelativePath(file: string): string;
  /**
   * False when generic navigation is left to clangd for this document (setting `clangdCoexistence`): the file is
   * in the compile database of the clangd the client reports.
   */
  answersGenericFor(uri: string): boolean;
  /** The kernel configuration answers are given for (inactive regions, ranking, lint). */
  readonly configuration: ConfigurationService;
  /** What the client announced in `initialize` (empty before). */
  clientCapabilities(): ClientCapabilities;
  /** False when the client says the workspace is untrusted: nothing that runs programs (git) may run. */
  workspaceTrusted(): boolean;
  log(message: string): void;
}
