/**
 * The one protocol module shared by the VS Code client and the language server:
 * initialization options, settings, and the custom requests/notifications of Kernel MM Lens.
 * Both bundles import this file; nothing here may depend on `vscode` or on server internals.
 */

/** Sent by the client in `initializationOptions`. Every field is optional so any LSP editor can omit them. */
export interface InitializationOptions {
  /** Folder for the persistent index (VS Code: the extension's workspace storage). */
  cacheDir?: string;
  /** Initial settings, so the first indexing run does not wait for `workspace/configuration`. */
  settings?: Partial<KernelMmLensSettings>;
  /** false in an untrusted VS Code workspace: the server must not run programs (git blame, b4, lei). Omitted = trusted. */
  workspaceTrusted?: boolean;
}

/** Settings under the `kernelMmLens` section. `package.json` declares exactly these keys (tested). */
export interface KernelMmLensSettings {
  /** Kernel version to assume instead of the one read from the top-level Makefile ("6.12"), or "" for auto. */
  kernelVersion: string;
  /** Globs (relative to the workspace root) never indexed, in addition to files.exclude/search.exclude. */
  exclude: string[];
  /** Files larger than this are skipped by the indexer (bytes). */
  maxFileSize: number;
  /** Number of index worker threads; 0 means one per CPU core. */
  indexWorkers: number;
  /** Which architecture's definitions come first after the generic ones. */
  preferredArch: string;
  /** Serve definition/references/symbols/highlight/call hierarchy; turn off when clangd already does. */
  genericNavigation: boolean;
  /** Lint: kernel version the code is meant for ("" = the tree's version). */
  lintTargetVersion: string;
  /** Lint: per-rule severity override, e.g. {"removed-api": "warning", "removed-api-definition": "off"}. */
  lintSeverity: Record<string, 'error' | 'warning' | 'information' | 'hint' | 'off'>;
  /** Local mail sources: mbox files (.mbox, .mbox.gz), maildirs, .eml files. */
  mailSources: string[];
  /** Inlay hints with lock/reference context after tracked calls. */
  inlayHints: boolean;
  /** Code lenses (review-thread counts, lifecycle markers). */
  codeLens: boolean;
}

export const SETTINGS_SECTION = 'kernelMmLens';

export const DEFAULT_SETTINGS: KernelMmLensSettings = {
  kernelVersion: '',
  exclude: [],
  maxFileSize: 2 * 1024 * 1024,
  indexWorkers: 0,
  preferredArch: 'x86',
  genericNavigation: true,
  lintTargetVersion: '',
  lintSeverity: {},
  mailSources: [],
  inlayHints: true,
  codeLens: true,
};

/** Index state, pushed by the server as `kernelMmLens/indexStatus` for status bars. */
export interface IndexStatus {
  state: 'starting' | 'indexing' | 'ready' | 'error';
  /** 0..100 while indexing. */
  percent?: number;
  files?: number;
  symbols?: number;
  references?: number;
  kernelVersion?: string;
  message?: string;
}

export const IndexStatusNotification = 'kernelMmLens/indexStatus';

/** Custom requests. Each entry: method name and param/result types. */
export const Requests = {
  /** Rebuild the whole index from scratch. */
  rebuildIndex: 'kernelMmLens/rebuildIndex',
  /** Current index status. */
  indexStatus: 'kernelMmLens/getIndexStatus',
} as const;

export interface RebuildIndexResult {
  files: number;
  symbols: number;
}

/** Commands the server accepts through `workspace/executeCommand` and hover command links may name. */
export const ServerCommands = {} as const;

/** Client-side commands (VS Code command ids). Hover and code-lens command links are limited to this list. */
export const ClientCommands = {
  rebuildIndex: 'kernelMmLens.rebuildIndex',
  showStatusMenu: 'kernelMmLens.showStatusMenu',
  lintWorkspace: 'kernelMmLens.lintWorkspace',
  restartServer: 'kernelMmLens.restartServer',
  showOutput: 'kernelMmLens.showOutput',
  showTrustInfo: 'kernelMmLens.showTrustInfo',
} as const;
