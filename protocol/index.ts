/**
 * The one protocol module shared by the VS Code client and the language server:
 * initialization options, settings, and the custom requests/notifications of Kernel MM Lens, each a typed
 * `RequestType`/`NotificationType` that both sides pass to sendRequest/onRequest (no method string is written
 * anywhere else). Both bundles import this file; it depends only on the LSP protocol types
 * (`vscode-languageserver-protocol`), never on `vscode` or on server internals (test/architecture).
 */
import { NotificationType, RequestType, RequestType0, type Diagnostic } from 'vscode-languageserver-protocol';
import type { AgentToolParams, AgentToolResultWire, ReviewPatchParams, ReviewPatchResult } from './review';

export type * from './review';

/** Sent by the client in `initializationOptions`. Every field is optional so any LSP editor can omit them. */
export interface InitializationOptions {
  /** Folder for the persistent index and the default notes file (VS Code: the extension's workspace storage). */
  cacheDir?: string;
  /**
   * Folder for the index cache when it differs from `cacheDir` (VS Code: the extension's global storage, where the
   * cache of a tree is found again whatever the editor's workspace identity; caches are keyed by the tree's path).
   */
  indexCacheDir?: string;
  /** Initial settings, so the first indexing run does not wait for `workspace/configuration`. */
  settings?: Partial<KernelMmLensSettings>;
  /**
   * false in an untrusted VS Code workspace: the server must not run programs (git blame, b4, lei). Omitted = trusted.
   */
  workspaceTrusted?: boolean;
  /** The editor also runs clangd (VS Code: the clangd extension is installed and enabled). */
  clangd?: ClangdStatus;
  /**
   * Kernel configuration for editors without `workspace/configuration` (same meaning as the `kernelConfig` setting:
   * a path, or "all"). Wins over `settings.kernelConfig`.
   */
  kernelConfig?: string;
  /** Architecture (same meaning as the `arch` setting). Wins over `settings.arch`. */
  arch?: string;
  /**
   * The client shows `kernelMmLens/indexStatus` itself (VS Code's status item): the server then reports no
   * `window/workDoneProgress` for indexing, so the editor does not show the same progress twice.
   */
  showsIndexStatus?: boolean;
}

/** What the client knows of clangd running next to us. */
export interface ClangdStatus {
  active: boolean;
  /** The folder clangd reads compile_commands.json from (its --compile-commands-dir), when set. */
  compileCommandsDir?: string;
}

/** How generic navigation shares the work with clangd: `auto` is `complement` when the client reports clangd. */
export const CLANGD_COEXISTENCE_MODES = ['auto', 'complement', 'both'] as const;
export type ClangdCoexistence = (typeof CLANGD_COEXISTENCE_MODES)[number];

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
  /**
   * Next to clangd: `complement` answers definition, references, highlights, document symbols, completion and
   * signature help only in files clangd has no build for (and keeps whole-tree symbols and call hierarchy);
   * `both` answers everywhere; `auto` is `complement` when the client reports clangd, else `both`.
   */
  clangdCoexistence: ClangdCoexistence;
  /** Lint: kernel version the code is meant for ("" = the tree's version). */
  lintTargetVersion: string;
  /** Lint: per-rule severity override, e.g. {"removed-api": "warning", "removed-api-definition": "off"}. */
  lintSeverity: Record<string, 'error' | 'warning' | 'information' | 'hint' | 'off'>;
  /** Local mail sources: mbox files (.mbox, .mbox.gz), maildirs, .eml files. */
  mailSources: string[];
  /**
   * public-inbox inbox folders, lei externals, or lore URLs (https://lore.kernel.org/all) that `lei q` searches
   * for a symbol's threads. Only an explicit request runs lei ("Search lore externals"); remote URLs only in a
   * trusted workspace. Answers are cached and then part of every thread list.
   */
  loreExternals: string[];
  /** Inlay hints with lock/reference context after tracked calls. */
  inlayHints: boolean;
  /** Code lenses (review-thread counts, lifecycle markers). */
  codeLens: boolean;
  /** Warn when a path returns without releasing what a tracked call took (missing-release rule). */
  missingReleaseCheck: boolean;
  /**
   * Review notes file: "" = the extension's storage (outside the tree); a workspace-relative path shares them with a
   * team.
   */
  notesFile: string;
  /**
   * Kernel configuration whose `#if` branches are live: "" = `.config` at the tree root if there is one, else all
   * configurations; "all" = all configurations (nothing dimmed); else a path (absolute, `~/`, or relative to the
   * tree), plain, `.gz` or `.xz` (Debian's /usr/src/linux-config-*, /proc/config.gz).
   */
  kernelConfig: string;
  /** Architecture whose `arch/` folder is live ("" = the configuration's); other architectures' code is inactive. */
  arch: string;
  /** Dim the code the configuration leaves out (VS Code; other editors paint `textDocument/inactiveRegions`). */
  dimInactiveCode: boolean;
  /** Lint inactive code too (every configuration), instead of only what the configuration compiles. */
  lintAllConfigurations: boolean;
}

export const SETTINGS_SECTION = 'kernelMmLens';

export const DEFAULT_SETTINGS: KernelMmLensSettings = {
  kernelVersion: '',
  exclude: [],
  maxFileSize: 2 * 1024 * 1024,
  indexWorkers: 0,
  preferredArch: 'x86',
  genericNavigation: true,
  clangdCoexistence: 'auto',
  lintTargetVersion: '',
  lintSeverity: {},
  mailSources: [],
  loreExternals: [],
  inlayHints: true,
  codeLens: true,
  missingReleaseCheck: true,
  notesFile: '',
  kernelConfig: '',
  arch: '',
  dimInactiveCode: true,
  lintAllConfigurations: false,
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
  /** While indexing: listing the tree, reading files (percent of files), or building tables and writing the cache. */
  phase?: 'scanning' | 'reading' | 'finishing';
  /**
   * Ready, but answering from the index cache of the last session while the full index loads (exact and prefix
   * workspace symbols only); absent once the full index answers.
   */
  early?: boolean;
}

export interface RebuildIndexResult {
  files: number;
  symbols: number;
}

/** Client-side commands (VS Code command ids). Hover and code-lens command links are limited to this list. */
export const ClientCommands = {
  rebuildIndex: 'kernelMmLens.rebuildIndex',
  showStatusMenu: 'kernelMmLens.showStatusMenu',
  showThreads: 'kernelMmLens.showThreads',
  /** args: messageId: string, symbol?: string */
  openThread: 'kernelMmLens.openThread',
  /** args: messageId: string */
  openThreadOnLore: 'kernelMmLens.openThreadOnLore',
  whyThisLine: 'kernelMmLens.whyThisLine',
  /** args: symbol?: string. Runs lei on the lore externals (an explicit request), then lists the threads. */
  searchLoreExternals: 'kernelMmLens.searchLoreExternals',
  /** args: {id?: string, symbol?: string, variant?: string} (DiagramParams); opens the lifecycle diagram panel. */
  openDiagram: 'kernelMmLens.openDiagram',
  /** Saves the diagram shown in the active diagram panel as a standalone SVG file. */
  exportDiagramSvg: 'kernelMmLens.exportDiagramSvg',
  lintWorkspace: 'kernelMmLens.lintWorkspace',
  restartServer: 'kernelMmLens.restartServer',
  cancelIndexing: 'kernelMmLens.cancelIndexing',
  setLintTarget: 'kernelMmLens.setLintTarget',
  openSettings: 'kernelMmLens.openSettings',
  showOutput: 'kernelMmLens.showOutput',
  showTrustInfo: 'kernelMmLens.showTrustInfo',
  /** Evaluates the tracked changes again and refreshes the changes view. */
  refreshChanges: 'kernelMmLens.refreshChanges',
  /** args: file: string (tree-relative), line?: number (1-based); opens a change's evidence in the tree. */
  openChangeEvidence: 'kernelMmLens.openChangeEvidence',
  /** From the changes view's context menu (arg: the view's node); opens the change's mail on lore.kernel.org. */
  openChangeOnLore: 'kernelMmLens.openChangeOnLore',
  /** Picks the kernel configuration and architecture (status bar). */
  pickConfiguration: 'kernelMmLens.pickConfiguration',
  /** Picks patch files or a series folder (or takes the open patch) and reviews it against the tree. */
  reviewPatch: 'kernelMmLens.reviewPatch',
  /** args: index?: number (a finding of the last review); opens a draft reply quoting the lines it is about. */
  draftReviewReply: 'kernelMmLens.draftReviewReply',
} as const;

/** `kernelMmLens/diagram`: pick a diagram by id, or by a symbol one of its steps names (that step is highlighted). */
export interface DiagramParams {
  id?: string;
  symbol?: string;
  /** Variant id; default: the one matching the tree (kernel version and code evidence). */
  variant?: string;
  /** Step id to highlight (code lenses know the exact step); default: the steps showing `symbol`. */
  step?: string;
}

export interface DiagramSourceInfo {
  /** Message-ID of the review thread, without angle brackets. */
  thread?: string;
  subject?: string;
  /** https://lore.kernel.org/all/<Message-ID>/ — open only on an explicit user action. */
  url?: string;
  /** Tree-relative file the fact was checked in. */
  tree?: string;
}

export interface DiagramStepInfo {
  id: string;
  kind: 'step' | 'state';
  label: string;
  function?: string;
  at?: string;
  locks: string[];
  notifier?: string;
  note?: string;
  source: DiagramSourceInfo;
  /** Where the step happens in the tree (the `at` line inside the function, else the definition). */
  location?: {
    uri: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
  };
  /** The step names a function that the tree (or its index) does not contain. */
  missing?: boolean;
  highlighted: boolean;
}

export interface DiagramVariantInfo {
  id: string;
  label: string;
}

export interface DiagramChangeInfo {
  from: string;
  to: string;
  summary: string;
  items: Array<{ what: string; why: string; source: DiagramSourceInfo }>;
}

export interface DiagramResult {
  id: string;
  title: string;
  summary: string;
  variant: string;
  variantLabel: string;
  /**
   * Why this variant was chosen ("make_device_exclusive (mm/rmap.c) calls folio_walk_start; kernel 6.15 is >= 6.15").
   */
  variantReason: string;
  variants: DiagramVariantInfo[];
  /** SVG for inline use in HTML (no namespace, no URL); every step's function name appears as text. */
  svg: string;
  /** The same drawing as a standalone file (with the SVG namespace and a background). */
  standaloneSvg: string;
  mermaid: string;
  steps: DiagramStepInfo[];
  changes?: DiagramChangeInfo;
  /** Other diagrams whose steps name the requested symbol. */
  alternatives: string[];
  /** Those of `alternatives` whose variant for this tree (version and code evidence) shows the symbol. */
  alternativesInTree?: string[];
  /** True when the index was not ready and steps could not be resolved yet. */
  unresolved?: boolean;
}

export interface DiagramListItem {
  id: string;
  title: string;
  summary: string;
  variants: DiagramVariantInfo[];
}

/** How a message relates to a symbol: it changes it (diff), discusses it in a reply, or only names it. */
export type ThreadRelation = 'patch' | 'review' | 'mention';

export interface ThreadsForSymbolParams {
  symbol: string;
}

/** One message named in a thread entry (a version's reply, a discussion's message). */
export interface ThreadMessageRef {
  messageId: string;
  subject: string;
  author: string;
  /** ISO 8601, or "" when unknown. */
  date: string;
  /** lore link, "" for a made-up Message-ID of mail that had none. */
  url: string;
  /** How the message relates to the symbol; absent when it is listed only because it answers the version. */
  relation?: ThreadRelation;
  /** The message is in the local mail (openable in the editor). */
  local: boolean;
}

/** One posted version of a patch (or of a series' cover letter). */
export interface ThreadVersionEntry extends ThreadMessageRef {
  version: number;
  /** Cover letter of the posting, when known. */
  coverMessageId?: string;
  /** `git patch-id --stable` of its diff, when it carries one (mail only). */
  patchId?: string;
  /** Replies at any depth that answer this version, oldest first. */
  replies: ThreadMessageRef[];
}

/** Whether the tree has the change a patch makes, from the code evidence of the tracked changes (never a version). */
export interface InTreeInfo {
  status: 'present' | 'partial' | 'absent' | 'unknown';
  /** Id of the tracked change (server/data/changes) whose probes decided it. */
  changeId: string;
  /** One line of the tree that shows it (tree-relative file, 1-based line). */
  evidence?: { file: string; line?: number; text?: string };
  /** One sentence: "in this tree (mm/huge_memory.c:1234)". */
  text: string;
}

/**
 * One entry of a symbol's review threads (also the CLI's `threads --json` element): one patch across its
 * versions, a series (its cover letter) across versions, or a discussion outside any series. The flat fields
 * describe the latest version; `versions` folds the earlier ones, each with the replies it got. The count a
 * code lens shows is the number of entries; every surface reads the same list.
 */
export interface ThreadListEntry {
  /** Without angle brackets. */
  messageId: string;
  subject: string;
  author: string;
  /** ISO 8601, or "" when unknown. */
  date: string;
  /** https://lore.kernel.org/all/<Message-ID>/ */
  url: string;
  relation: ThreadRelation;
  /**
   * Relation `patch` and a version's diff adds or removes the name (it is on removed lines and not on added ones, or
   * the reverse), not only changes lines that use it; such entries rank first.
   */
  addsOrRemoves?: boolean;
  /** "bundled", "catalog" or the path of the mail file/maildir the message came from. */
  source: string;
  /** Series name and version when known ("mm: fixes for device-exclusive entries (hmm)", 2). */
  series?: string;
  version?: number;
  /** Message-ID of the thread root, when known. */
  rootMessageId?: string;
  /** One-line summary of the point the message made (bundled index) or the first prose line (mail). */
  summary?: string;
  /** True when the thread's messages are available locally (openable in the editor). */
  local: boolean;
  kind?: 'patch' | 'series' | 'thread';
  /** Title without the subject's prefixes (patches, series); the subject for a discussion. */
  title?: string;
  /** Latest version first; versions[0] is the message the flat fields describe. Empty for a discussion. */
  versions?: ThreadVersionEntry[];
  /** For a discussion: its messages that are about the symbol. */
  messages?: ThreadMessageRef[];
  /** The symbol's catalog entry cites this thread. */
  cited?: boolean;
  inTree?: InTreeInfo;
}

/** `kernelMmLens/searchLoreExternals`: an explicit request to run lei on the `loreExternals` for a symbol. */
export interface SearchLoreExternalsParams {
  symbol: string;
  /** Tree-relative file the symbol is in, to narrow lei's diff terms (`dfn:`). */
  file?: string;
}

export interface SearchLoreExternalsResult {
  /** One sentence for the user: what was searched, how long it took, or why nothing ran. */
  message: string;
  /** The symbol's thread list after the search (the same as `threadsForSymbol` now answers). */
  entries: ThreadListEntry[];
}

export interface ThreadDocumentParams {
  messageId: string;
  /** Focus the first reply that mentions this symbol. */
  symbol?: string;
}

export interface ThreadOutlineEntry {
  messageId: string;
  /** Message-ID of the parent, if any. */
  parentId?: string;
  author: string;
  subject: string;
  date: string;
  /** 0-based line of the message's header block in `text`. */
  line: number;
  /** 0-based last line of the message in `text`. */
  endLine: number;
  depth: number;
}

export interface ThreadDocumentResult {
  found: boolean;
  /** Plain text for the `kernel-thread` language (mail text is untrusted: never rendered as HTML/Markdown). */
  text: string;
  outline: ThreadOutlineEntry[];
  /** 0-based line to reveal: the reply mentioning the symbol, else the requested message. */
  focusLine?: number;
  url: string;
  /** Line ranges an editor shows folded at first: the other versions of the patch, after the opened thread. */
  folds?: Array<{ startLine: number; endLine: number }>;
}

export interface BlameLineParams {
  uri: string;
  /** 0-based line. */
  line: number;
}

export interface BlameCommit {
  sha: string;
  subject: string;
  author: string;
  authorEmail: string;
  date: string;
}

export interface BlameLineResult {
  commit?: BlameCommit;
  thread?: ThreadListEntry;
  /**
   * How the thread was found. `enclosing-function`: the tree has no git history (a Debian source tree), so these
   * are the review threads of the function around the line (`threads`), and `message` says so.
   */
  via?: 'link-trailer' | 'message-id-trailer' | 'patch-id' | 'subject-author' | 'enclosing-function';
  /** With `enclosing-function`: that function's thread list. */
  threads?: ThreadListEntry[];
  /** Plain-language outcome ("no review thread found for commit abc123: …"). */
  message: string;
}

/** Review notes over LSP (`Requests.notes*`). A note is anchored to a symbol + code fingerprint, not only a line. */
export interface NoteReplyWire {
  id: string;
  author: string;
  created: string;
  body: string;
  bodyMarkdown: string;
}

export interface NoteWire {
  id: string;
  author: string;
  created: string;
  updated: string;
  status: 'open' | 'resolved';
  body: string;
  /** Body as Markdown: user text escaped, Message-IDs as lore links, `symbol()` as go-to command links. */
  bodyMarkdown: string;
  symbol?: string;
  replies: NoteReplyWire[];
  /** Where the note's code is now; orphaned notes keep their last known place and text. */
  state: 'anchored' | 'orphaned';
  uri?: string;
  file: string;
  line: number;
  lastKnownText: string;
}

export interface NotesListParams {
  uri?: string;
}
export interface NotesAddParams {
  uri: string;
  line: number;
  body: string;
  symbol?: string;
  author?: string;
}
export interface NotesReplyParams {
  id: string;
  body: string;
  author?: string;
}
export interface NotesResolveParams {
  id: string;
  resolved: boolean;
}
export interface NotesDeleteParams {
  id: string;
}
export interface NotesExportParams {
  format: 'markdown' | 'reply';
}
export interface NotesDeleteResult {
  deleted: string;
}
export interface NotesExportResult {
  text: string;
}
export interface NotesListResult {
  notes: NoteWire[];
  notesFile: string;
  problem?: string;
}

/** `kernelMmLens/lintWorkspace` result: LSP diagnostics per file URI, plus what was scanned and skipped. */
export interface LintWorkspaceResult {
  files: Array<{ uri: string; diagnostics: Diagnostic[] }>;
  scanned: number;
  skipped: number;
  findings: number;
  /** The run was cancelled: `files` covers only what was checked until then. */
  cancelled?: boolean;
}

/**
 * `kernelMmLens/lintWorkspace` params. With a `workDoneToken` the server reports `$/progress` on it (the client shows
 * it and cancels through the request); without one the server creates its own cancellable `window/workDoneProgress`.
 */
export interface LintWorkspaceParams {
  workDoneToken?: string | number;
}

/**
 * One tracked upstream change as the tree's code has it: the one JSON shape of `kernel-mm-lens changes --json`,
 * the `kernelMmLens/treeChanges` request (the changes view) and the MCP `tree_changes` tool. Documented in
 * docs/changes.md; fields are only ever added.
 */
export interface ChangeJson {
  id: string;
  /** Message-ID of the mail that carried the change (the patch, or the series cover when the patch is not recorded). */
  messageId: string | null;
  /** Mainline commit subject. */
  subject: string;
  /** Subject of `messageId` as posted, tags included. */
  mailSubject: string | null;
  /** "v2 02/17" when known. */
  tag: string | null;
  /** First mainline release, or null while pending. */
  release: string | null;
  releaseBasis: 'verified' | 'inferred' | 'pending';
  commit: string | null;
  series: string | null;
  topics: string[];
  symbols: string[];
  status: 'present' | 'absent' | 'partial' | 'unknown';
  /** The code against the release number: a backport, a change the release should have, or as expected. */
  versionRelation: 'backport' | 'missing' | 'as-expected' | 'unknown';
  evidence: ChangeEvidenceJson | null;
  probes: Array<{
    label: string;
    outcome: 'holds' | 'fails' | 'unknown';
    detail: string;
    evidence: ChangeEvidenceJson | null;
  }>;
  /** https://lore.kernel.org/all/<messageId>/ */
  lore: string | null;
}

export interface ChangeEvidenceJson {
  /** Tree-relative path. */
  file: string;
  /** 1-based; null when the evidence is a whole file or an absence. */
  line: number | null;
  text: string | null;
}

export interface ChangesReport {
  tree: string;
  kernelVersion: string | null;
  /** "index": absences are absences from the whole tree; "files": from the files the probes name. */
  basis: 'index' | 'files';
  changes: ChangeJson[];
}

/** `kernelMmLens/treeChanges`: every tracked change (optionally of one topic) with its status for the tree. */
export interface TreeChangesParams {
  topic?: string;
  /** Evaluate again from the files on disk instead of answering from the cache. */
  refresh?: boolean;
}
/** The kernel configuration answers are given for (`kernelMmLens/configurationStatus`). */
export interface ConfigurationStatus {
  /** 'config': a configuration file is in use; 'all': every `#if` branch is live. */
  mode: 'config' | 'all';
  /** Absolute path of the configuration file in use. */
  file?: string;
  /** Architecture whose `arch/` folder is live; undefined = every architecture. */
  arch?: string;
  archFrom?: 'setting' | 'config';
  /** Number of symbols the configuration sets. */
  symbols?: number;
  /** Why the configuration asked for is not in use (unreadable file, ...). */
  problem?: string;
}

/** What the configuration picker offers (`kernelMmLens/configurationChoices`). */
export interface ConfigurationChoices {
  /** Configuration files found: the tree's `.config`, Debian's /usr/src/linux-config-*, /proc/config.gz. */
  configs: Array<{ file: string; label: string; description?: string }>;
  /** The tree's `arch/` folders. */
  arches: string[];
}

/** clangd's protocol extension: the server pushes the inactive (preprocessed-out) regions of a document. */
export interface InactiveRegionsParams {
  textDocument: { uri: string };
  regions: Array<{ start: { line: number; character: number }; end: { line: number; character: number } }>;
}

/** Sent to clients announcing `textDocument.inactiveRegionsCapabilities.inactiveRegions` (clangd's wire name). */
export const InactiveRegionsNotification = new NotificationType<InactiveRegionsParams>('textDocument/inactiveRegions');

/** Pushed when the configuration in use changes (status bars). */
export const ConfigurationStatusNotification = new NotificationType<ConfigurationStatus>(
  'kernelMmLens/configurationStatus',
);

/** Pushed by the server whenever the index state changes (status bars). */
export const IndexStatusNotification = new NotificationType<IndexStatus>('kernelMmLens/indexStatus');

/**
 * Custom requests, typed by params and result. To add one: define its params/result interfaces above, add an
 * entry here, handle it in a server feature (`ctx.connection.onRequest(Requests.x, handler)`) and call it from
 * the client (`client.sendRequest(Requests.x, params)`): both sides then agree on the types at compile time.
 */
export const Requests = {
  /** Rebuild the whole index from scratch. */
  rebuildIndex: new RequestType0<RebuildIndexResult, void>('kernelMmLens/rebuildIndex'),
  /** Current index status. */
  indexStatus: new RequestType0<IndexStatus, void>('kernelMmLens/getIndexStatus'),
  /** Stop the index build in progress; true when one was running. */
  cancelIndexing: new RequestType0<boolean, void>('kernelMmLens/cancelIndexing'),
  /** Lint the whole workspace for removed APIs: findings grouped by file. */
  lintWorkspace: new RequestType<LintWorkspaceParams, LintWorkspaceResult, void>('kernelMmLens/lintWorkspace'),
  /** Review threads of a symbol, bundled index + local mail, ranked. */
  threadsForSymbol: new RequestType<ThreadsForSymbolParams, ThreadListEntry[], void>('kernelMmLens/threadsForSymbol'),
  /** One thread rendered as plain text for a read-only `kernel-thread` document. */
  threadDocument: new RequestType<ThreadDocumentParams, ThreadDocumentResult, void>('kernelMmLens/threadDocument'),
  /** git blame of one line → commit → review thread. */
  blameLine: new RequestType<BlameLineParams, BlameLineResult, void>('kernelMmLens/blameLine'),
  /** Runs lei on the configured lore externals for a symbol (an explicit user request; remote ones if trusted). */
  searchLoreExternals: new RequestType<SearchLoreExternalsParams, SearchLoreExternalsResult, void>(
    'kernelMmLens/searchLoreExternals',
  ),
  /** One lifecycle diagram, laid out and resolved against the tree. */
  diagram: new RequestType<DiagramParams, DiagramResult, void>('kernelMmLens/diagram'),
  /** Every lifecycle diagram (id, title, variants). */
  listDiagrams: new RequestType0<DiagramListItem[], void>('kernelMmLens/listDiagrams'),
  /** Review notes (server/src/notes). */
  notesList: new RequestType<NotesListParams, NotesListResult, void>('kernelMmLens/notes/list'),
  notesAdd: new RequestType<NotesAddParams, NoteWire, void>('kernelMmLens/notes/add'),
  notesReply: new RequestType<NotesReplyParams, NoteWire, void>('kernelMmLens/notes/reply'),
  notesResolve: new RequestType<NotesResolveParams, NoteWire, void>('kernelMmLens/notes/resolve'),
  notesDelete: new RequestType<NotesDeleteParams, NotesDeleteResult, void>('kernelMmLens/notes/delete'),
  notesExport: new RequestType<NotesExportParams, NotesExportResult, void>('kernelMmLens/notes/export'),
  /** Tracked upstream changes with present/absent/partial for the workspace tree (null without a tree). */
  treeChanges: new RequestType<TreeChangesParams, ChangesReport | null, void>('kernelMmLens/treeChanges'),
  /** The kernel configuration in use. */
  configurationStatus: new RequestType0<ConfigurationStatus, void>('kernelMmLens/getConfigurationStatus'),
  /** Configuration files and architectures the picker offers. */
  configurationChoices: new RequestType0<ConfigurationChoices, void>('kernelMmLens/configurationChoices'),
  /** Review patch files or a series folder against the tree (the engine behind `kernel-mm-lens review`). */
  reviewPatch: new RequestType<ReviewPatchParams, ReviewPatchResult, void>('kernelMmLens/reviewPatch'),
  /** Run one agent tool (the MCP server's tools, server/src/agentTools) against the server's index and mail. */
  agentTool: new RequestType<AgentToolParams, AgentToolResultWire, void>('kernelMmLens/agentTool'),
} as const;
