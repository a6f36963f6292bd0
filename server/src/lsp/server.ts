import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  createConnection,
  ProposedFeatures,
  TextDocumentSyncKind,
  DidChangeConfigurationNotification,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
  type ClientCapabilities,
  type Connection,
} from 'vscode-languageserver/node';
import {
  DEFAULT_SETTINGS,
  SETTINGS_SECTION,
  IndexStatusNotification,
  Requests,
  type InitializationOptions,
  type KernelMmLensSettings,
  type IndexStatus,
} from '../../../protocol';
import { features } from './features';
import { ClangdCoexistence, gatedConnection } from './clangdCoexistence';
import type { ServerContext } from './context';
import type { KernelIndex } from '../indexing/types';
import { DocumentStore } from './documentStore';
import { IndexService } from './indexService';
import { treeRelativePathOfUri } from './treePaths';
import { preloadShippedData } from './dataPreload';
import { loadCLanguage } from '../parsing/treeSitter';
import { kernelVersionResolver, mergeSettings } from './settings';
import { defaultCacheDir, PACKAGE_VERSION } from '../base/paths';
import { MakefileVersion } from '../base/kernelVersion';
import { describeError } from '../base/errors';
import { TreeChangesService } from './treeChangesService';
import { answerCancelledAtOnce, withRequestPolicy } from './requestPolicy';
import { ConfigurationService } from '../configuration/configurationService';

/** Tree files whose URI is remembered (a kernel tree has about 65k). */
const MAX_CACHED_URIS = 200_000;

export interface ServerOptions {
  cacheDir?: string;
  connection?: Connection;
}

/** Starts the language server on stdio (or on a given connection, for tests). */
export function startLanguageServer(options: ServerOptions = {}): Connection {
  const connection =
    options.connection ?? createConnection(ProposedFeatures.all, process.stdin, process.stdout, answerCancelledAtOnce);
  const log = (message: string) => {
    const line = `[${new Date().toISOString().slice(11, 23)}] ${message}`;
    // Logging must never throw: background work (an index build) can outlive a closed connection.
    try {
      connection.console.log(line);
    } catch {
      try {
        process.stderr.write(`${line}\n`);
      } catch {
        /* nowhere left to say it */
      }
    }
  };
  // Keep the server up whatever a single request does; say what happened instead.
  process.on('uncaughtException', (err) => log(`internal error (server continues): ${describeError(err, true)}`));
  process.on('unhandledRejection', (err) => log(`internal error (server continues): ${describeError(err, true)}`));

  let settings: KernelMmLensSettings = { ...DEFAULT_SETTINGS };
  let root: string | undefined;
  let clientSupportsConfiguration = false;
  let workspaceTrusted = true;
  let cacheDir = options.cacheDir ?? defaultCacheDir();
  const settingsListeners: Array<(s: KernelMmLensSettings) => void> = [];
  const documents = new DocumentStore(connection, log);
  const makefileVersion = new MakefileVersion(() => root);
  const kernelVersion = kernelVersionResolver(() => settings, makefileVersion);
  const indexService = new IndexService(log, () => kernelVersion());
  let clangd: InitializationOptions['clangd'];
  const coexistence = new ClangdCoexistence(
    () => root,
    () => settings,
    () => clangd,
    log,
  );
  const treeChanges = new TreeChangesService(
    () => root,
    () => indexService.current(),
    () => kernelVersion(),
  );
  const configuration = new ConfigurationService(log);
  let clientCapabilities: ClientCapabilities = {};
  /** The configuration follows the settings (and the tree's .config); a switch never re-indexes. */
  const applyConfiguration = (reread = false) =>
    configuration
      .configure({ root, kernelConfig: settings.kernelConfig, arch: settings.arch }, reread)
      .catch((err: unknown) => log(`kernel configuration: ${describeError(err, true)}`));

  const uriCache = new Map<string, string>();
  const ctx: ServerContext = {
    // Features register their handlers here: cancellation, superseding and time budgets apply to all of them.
    connection: withRequestPolicy(connection, { log }),
    documents,
    get root() {
      return root;
    },
    get cacheDir() {
      return cacheDir;
    },
    settings: () => settings,
    kernelVersion,
    onSettingsChanged: (listener) => {
      settingsListeners.push(listener);
    },
    currentIndex: () => indexService.current(),
    waitForIndex: (isCancelled) => indexService.whenReady(isCancelled),
    onIndexReady: (listener) => indexService.onReady(listener),
    treeChanges: () => treeChanges.current(),
    refreshTreeChanges: () => treeChanges.invalidate(),
    relativePathOfUri: (uri) => (root ? treeRelativePathOfUri(root, uri) : undefined),
    uriOfRelativePath: (file) => {
      // Memoised: a references answer names the same files thousands of times, and pathToFileURL per
      // location was a third of the server's time in a load run on 6.12 (91k locations for one name).
      let uri = uriCache.get(file);
      if (uri === undefined) {
        if (uriCache.size >= MAX_CACHED_URIS) uriCache.clear();
        uri = pathToFileURL(path.join(root ?? '/', file)).toString();
        uriCache.set(file, uri);
      }
      return uri;
    },
    workspaceTrusted: () => workspaceTrusted,
    answersGenericFor: (uri) => coexistence.answersFor(ctx.relativePathOfUri(uri)),
    configuration,
    clientCapabilities: () => clientCapabilities,
    log,
  };
  // What generic features see: their document requests answer nothing where clangd answers (complement mode).
  const genericCtx: ServerContext = Object.create(ctx, {
    connection: { value: gatedConnection(connection, (uri) => ctx.answersGenericFor(uri)) },
  }) as ServerContext;

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    settings = mergeSettings(DEFAULT_SETTINGS, init.settings);
    // Editors without workspace/configuration say it here; later settings changes win.
    settings = mergeSettings(settings, { kernelConfig: init.kernelConfig, arch: init.arch });
    clientCapabilities = params.capabilities;
    workspaceTrusted = init.workspaceTrusted !== false;
    clangd = init.clangd && typeof init.clangd === 'object' ? init.clangd : undefined;
    root = rootOf(params);
    uriCache.clear();
    clientSupportsConfiguration = !!params.capabilities.workspace?.configuration;
    cacheDir = init.cacheDir ?? options.cacheDir ?? defaultCacheDir();
    indexService.configure({
      root,
      cacheDir: typeof init.indexCacheDir === 'string' && init.indexCacheDir ? init.indexCacheDir : cacheDir,
      settings,
      clientShowsStatus: init.showsIndexStatus === true,
    });
    // A warm start answers from the cache file right away; the whole index is loaded after `initialized`.
    indexService.openCached();
    // Fail at start-up, clearly, if the grammar cannot load (ABI mismatch, missing wasm).
    await loadCLanguage();
    const capabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      workspace: { workspaceFolders: { supported: true } },
    };
    // Handlers are installed here, once settings are known: generic navigation can be switched off for clangd users.
    for (const feature of features) {
      if (feature.generic && !settings.genericNavigation) continue;
      Object.assign(capabilities, feature.capabilities());
      feature.register(feature.generic && !feature.wholeTree ? genericCtx : ctx);
    }
    log(
      `initialize: root=${root ?? '(none)'}; clangd ${clangd?.active ? 'reported' : 'not reported'}, generic navigation: ${coexistence.mode()}`,
    );
    return { capabilities, serverInfo: { name: 'kernel-mm-lens', version: PACKAGE_VERSION } };
  });

  let stopPreload = (): void => undefined;
  connection.onInitialized(async () => {
    if (clientSupportsConfiguration) {
      void connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch(() => undefined);
      await refreshSettings();
    }
    // Indexing runs in the background; initialize never waits for it.
    void indexService.start(connection);
    void applyConfiguration();
    stopPreload = preloadShippedData(log);
  });

  async function refreshSettings(): Promise<void> {
    if (!clientSupportsConfiguration) return;
    try {
      const [fromClient, filesExclude, searchExclude] = (await connection.workspace.getConfiguration([
        { section: SETTINGS_SECTION },
        { section: 'files.exclude' },
        { section: 'search.exclude' },
      ])) as unknown[];
      settings = mergeSettings(settings, fromClient ?? {});
      // The editor's own excludes apply to the index too (VS Code: files.exclude and search.exclude).
      indexService.updateSettings(settings, [...enabledGlobs(filesExclude), ...enabledGlobs(searchExclude)]);
      void applyConfiguration();
      for (const listener of settingsListeners) listener(settings);
    } catch (err) {
      log(`cannot read settings: ${String(err)}`);
    }
  }
  connection.onDidChangeConfiguration(async (change) => {
    if (clientSupportsConfiguration) await refreshSettings();
    else {
      const pushed = (change.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION];
      if (!pushed) return;
      settings = mergeSettings(settings, pushed);
      void applyConfiguration();
      for (const listener of settingsListeners) listener(settings);
    }
  });

  connection.onRequest(Requests.rebuildIndex, async () => {
    const index = await indexService.rebuild(connection);
    return index ? { files: index.stats().files, symbols: index.stats().symbols } : { files: 0, symbols: 0 };
  });
  connection.onRequest(Requests.indexStatus, (): IndexStatus => indexService.status());
  connection.onRequest(Requests.cancelIndexing, () => indexService.cancel());
  // Status changes come from background work that can outlive a closed connection: never let that throw.
  indexService.onStatus((status) => {
    try {
      void connection.sendNotification(IndexStatusNotification, status).catch(() => undefined);
    } catch {
      /* connection closed */
    }
  });

  documents.onDidChangeContent((document) => indexService.documentChanged(document));
  documents.onDidClose((document) => indexService.documentClosed(document));
  connection.onDidChangeWatchedFiles((params) => {
    const topMakefile = root ? pathToFileURL(path.join(root, 'Makefile')).toString() : undefined;
    if (params.changes.some((change) => change.uri === topMakefile)) makefileVersion.forget();
    for (const change of params.changes) {
      const file = ctx.relativePathOfUri(change.uri);
      if (file !== undefined) configuration.forget(file);
      // `make menuconfig` rewrote the configuration in use (or created the tree's .config).
      if (change.uri.startsWith('file:') && fileURLToPath(change.uri) === (configuration.state().file ?? ''))
        void applyConfiguration(true);
      else if (file === '.config' && settings.kernelConfig.trim() === '') void applyConfiguration(true);
    }
    indexService.filesChanged(params.changes.map((change) => ({ uri: change.uri, deleted: change.type === 3 })));
    treeChanges.invalidate();
  });

  connection.onShutdown(async () => {
    stopPreload();
    // A cache being written is finished first (bounded): else the next start is a cold one.
    await indexService.cacheWriteSettled(30_000);
    indexService.dispose();
  });
  connection.listen();
  return connection;
}

/** Keys set to true in a VS Code exclude map, e.g. { "out": true, "build": false } gives ["out"]. */
function enabledGlobs(map: unknown): string[] {
  if (!map || typeof map !== 'object') return [];
  return Object.entries(map as Record<string, unknown>)
    .filter(([, enabled]) => enabled === true)
    .map(([glob]) => glob);
}

function rootOf(params: InitializeParams): string | undefined {
  const uri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  if (uri && uri.startsWith('file:')) return fileURLToPath(uri);
  return params.rootPath ?? undefined;
}

export type { KernelIndex };
