import * as fs from 'fs';
import * as path from 'path';
import {
  LspDriver,
  locationsOf,
  pathOfUri,
  percentile,
  editorWarmStart,
  type Location,
  type WarmStartResult,
} from './lspDriver';
import { listCFiles, defaultBuildDir, defaultPeersDir } from './treeFiles';
import { archOfPath } from '../../parsing/kernelFiles';
import {
  CtagsIndex,
  preparePeers,
  peerVersions,
  globalDefinitions,
  globalReferences,
  globalSymbols,
  cscopeSymbol,
  cscopeDefinitions,
  cscopeCallers,
  type PeerDatabases,
  type PeerLocation,
} from './peers';
import { drawNameSample, NAME_CATEGORIES, type SampledName, type NameCategory } from './nameSample';
import { cachedScanNames, type Occurrence } from './referenceTruth';
import { clangdTruth, clangdVersion, CLICK_CLASSES, type ClangdTruth, type ClickClass } from './clangdTruth';
import { seededRandom } from './sampling';
import { judgeSemantics, type SemanticAccuracy } from './semanticAccuracy';

/**
 * The navigation-accuracy measurement (docs/accuracy.md): our language server, spawned as an editor spawns it,
 * judged against independent truths on the real tree:
 *   - first definition at clicked positions vs clangd with a real compile database, by click class;
 *   - references (recall/precision) vs the token truth, on a seeded sample of names by category;
 *   - definition found / first answer of the right kind vs ctags (or the generator line for generated names);
 *   - the same names through GNU global and cscope, workspace-symbol top-5, incoming calls vs `cscope -L3`;
 *   - p50/p99 of every request, and the editor warm start (issue 21).
 * Nothing here reads our index: the only contact with the product is the LSP wire.
 */

export interface AccuracyOptions {
  root: string;
  /** Our server's index cache (warm or not: the first run indexes). */
  cacheDir: string;
  buildDir?: string;
  peersDir?: string;
  seed?: number;
  perCategory?: number;
  clangdQuota?: number;
  skipClangd?: boolean;
  skipPeers?: boolean;
  skipWarmStart?: boolean;
  /**
   * Only the workspace-symbol part of the name sample (top-5 of the exact name and of the initials query, and the
   * latency of workspace/symbol over LSP): ctags for the sample, nothing else (no clangd, references, definitions,
   * peers, incoming calls, semantics, warm start).
   */
  workspaceSymbolsOnly?: boolean;
  /**
   * Our server's `kernelConfig` setting: a configuration file, or 'all' (every branch live). Default: the
   * `.config` of the clangd build when there is one, so both answer for the same configuration.
   */
  kernelConfig?: string;
  /** Server command (default: this repository's bin/kernel-mm-lens.js lsp --stdio). */
  command?: string[];
  log?: (line: string) => void;
}

export interface NameResult {
  name: string;
  category: NameCategory;
  /** Where we clicked (file:line:column, 1-based). */
  click: string;
  truthReferences: number;
  ourReferences: number;
  recall: number;
  precision: number;
  definitionFound: boolean;
  firstRightKind: boolean;
  /** Our first definition (file:line, 1-based) and how many we gave. */
  firstDefinition?: string;
  definitions: number;
  workspaceSymbolExact: boolean;
  workspaceSymbolFuzzy?: { query: string; hit: boolean };
  /** Incoming calls: cscope's call-site lines and how many of them we listed. */
  calls?: { cscope: number; ours: number };
}

export interface Ratio {
  hit: number;
  total: number;
}
export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface AccuracyReport {
  root: string;
  seed: number;
  tools: { clangd?: string; ctags?: string; global?: string; cscope?: string };
  /** Our server's `kernelConfig` setting during the run ('all': every branch live). */
  kernelConfig?: string;
  /** Only workspace symbols were judged (`--workspace-symbols-only`): the other name measures are empty. */
  workspaceSymbolsOnly?: boolean;
  skipped: string[];
  excluded: string[];
  files: { c: number; skippedLarge: number };
  seconds: Record<string, number>;
  clangd?: {
    positions: number;
    asked: number;
    unresolved: number;
    seed: number;
    /**
     * First-right rate weighted by how often users' clicks land on each class (the natural mix of the sampled
     * files, clangdTruth's `seen`): sum over classes of share x first-right rate.
     */
    asUsersClick?: { firstRight: number; mix: Record<string, number>; mixSample: number };
    byClass: Record<string, { n: number; first: number; any: number; none: number; only: number }>;
    /**
     * Locals and parameters (issue 18): our references equal to clangd's in the file (`exact`), and all of ours
     * inside the enclosing function's lines (`inScope`, of `withScope` positions whose function clangd named).
     */
    scopedReferences: Record<'local' | 'parameter', { n: number; exact: number; inScope: number; withScope: number }>;
    /** judged: false when ctags was not loaded (--skip-peers): the rule needs ctags' definitions. */
    declarationOnly: { n: number; first: number; judged: boolean };
    /**
     * CONFIG_ symbols clangd resolved to the build's generated autoconf.h (not a file of the tree): right when our
     * first location is the symbol's `config` entry in a Kconfig file, where the line of autoconf.h comes from.
     */
    kconfigRule?: { n: number; first: number };
    misses: Array<{
      file: string;
      line: number;
      character: number;
      name: string;
      class: ClickClass;
      clangd: string;
      ours: string;
    }>;
  };
  names?: {
    count: number;
    perCategory: number;
    byCategory: Record<
      string,
      {
        n: number;
        refRecall: Ratio;
        refPrecision: Ratio;
        defFound: Ratio;
        firstRightKind: Ratio;
        wsExact: Ratio;
        wsFuzzy: Ratio;
      }
    >;
    references: {
      ours: { recall: Ratio; precision: Ratio; lineRecall: Ratio; linePrecision: Ratio; outsideC: number };
      global?: { recall: Ratio; precision: Ratio };
      cscope?: { recall: Ratio; precision: Ratio };
    };
    definitions: {
      ours: { found: Ratio; firstRightKind: Ratio };
      global?: { found: Ratio; firstRightKind: Ratio };
      cscope?: { found: Ratio; firstRightKind: Ratio };
    };
    workspaceSymbol: { exact: Ratio; fuzzy: Ratio; fuzzyMisses: string[] };
    incomingCalls?: { recall: Ratio; names: number; kvfreeMs?: number };
    worst: Array<{
      name: string;
      category: NameCategory;
      recall: number;
      precision: number;
      truth: number;
      ours: number;
    }>;
    /** Every judged name, for whoever fixes a miss (JSON only). */
    perName: NameResult[];
    /** Sampled names with no occurrence left to click once exclusions apply (not judged). */
    skippedNames: string[];
  };
  latency: Record<string, Latency>;
  /** Completion and signature help on the tree's own code, and the acceptance probes of issue 18. */
  semantics?: SemanticAccuracy;
  warmStart?: WarmStartResult;
  indexReadyMs?: number;
}

const ratio = (hit: number, total: number): Ratio => ({ hit, total });
const add = (r: Ratio, hit: number, total: number) => {
  r.hit += hit;
  r.total += total;
};
const key = (file: string, line: number, character?: number) =>
  character === undefined ? `${file}:${line}` : `${file}:${line}:${character}`;

export async function runNavigationAccuracy(options: AccuracyOptions): Promise<AccuracyReport> {
  const log = options.log ?? (() => undefined);
  const root = fs.realpathSync(options.root);
  const seed = options.seed ?? 1;
  const perCategory = options.perCategory ?? 28;
  const buildDir = options.buildDir ?? defaultBuildDir(root);
  const peersDir = options.peersDir ?? defaultPeersDir(root);
  const versions = peerVersions();
  const buildConfig = path.join(buildDir, '.config');
  const kernelConfig = options.kernelConfig ?? (fs.existsSync(buildConfig) ? buildConfig : 'all');
  const report: AccuracyReport = {
    root,
    seed,
    tools: { ...versions, clangd: clangdVersion() },
    kernelConfig,
    skipped: [],
    seconds: {},
    latency: {},
    excluded: [
      'tokens inside #if 0 / #elif 0 groups',
      'tokens of a local variable or parameter of the same name (another entity: from its declaration in a function to the end of its block)',
      'macro parameter names (in their #define)',
      'directive names (define, ifdef, include …)',
      '#include header names, comments, string and character literals (not identifiers)',
      'files larger than 2 MB (our index skips them by default)',
      'files reached only through a symbolic link',
      'our locations outside .c/.h files (counted apart)',
    ],
    files: { c: 0, skippedLarge: 0 },
  };
  const wsOnly = options.workspaceSymbolsOnly === true;
  if (wsOnly) {
    report.workspaceSymbolsOnly = true;
    report.skipped.push(
      '--workspace-symbols-only: workspace symbols of the name sample only (no clangd, references, definitions, peers, calls, semantics, warm start)',
    );
  }
  const timed = async <T>(label: string, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      report.seconds[label] = (performance.now() - start) / 1000;
    }
  };

  const { files, skippedLarge } = listCFiles(root);
  report.files = { c: files.length, skippedLarge: skippedLarge.length };
  const cFileSet = new Set(files);

  // Peers and the name sample (ctags is needed for the sample; global and cscope are optional columns).
  let peers: PeerDatabases | undefined;
  let ctags: CtagsIndex | undefined;
  if (options.skipPeers) report.skipped.push('peers (--skip-peers): no name sample, no ctags/global/cscope columns');
  else if (wsOnly && fs.existsSync(path.join(peersDir, 'tags')))
    ctags = await timed('ctagsLoad', () => CtagsIndex.load(path.join(peersDir, 'tags')));
  else if (!versions.ctags)
    report.skipped.push('universal-ctags not installed (scripts/install-peers.sh): no name sample, no peer columns');
  else {
    peers = await timed('peerDatabases', () => preparePeers(root, files, peersDir, log));
    if (!peers.available.global) report.skipped.push('GNU global not installed: no global column');
    if (!peers.available.cscope) report.skipped.push('cscope not installed: no cscope column, no incoming-call recall');
    ctags = await timed('ctagsLoad', () => CtagsIndex.load(path.join(peersDir, 'tags')));
  }
  let sample: SampledName[] = [];
  let truth = new Map<string, Occurrence[]>();
  if (ctags) {
    sample = await timed('nameSample', () => drawNameSample(root, files, ctags, { seed, perCategory }));
    log(`accuracy: ${sample.length} names sampled (seed ${seed}); token truth of the whole tree for them ...`);
    truth = await timed('tokenTruth', () =>
      cachedScanNames(
        path.join(peersDir, `token-truth-seed-${seed}-n${perCategory}.json`),
        root,
        files,
        sample.map((s) => s.name),
      ),
    );
  }

  let clangd: ClangdTruth | undefined;
  if (options.skipClangd || wsOnly) report.skipped.push('clangd (--skip-clangd)');
  else if (!report.tools.clangd)
    report.skipped.push('clangd not installed (scripts/install-peers.sh): no clangd agreement');
  else if (!fs.existsSync(path.join(buildDir, 'compile_commands.json')))
    report.skipped.push(`no compile database in ${buildDir} (scripts/build-compile-db.sh): no clangd agreement`);
  else
    clangd = await timed('clangdTruth', () =>
      clangdTruth({ root, buildDir, seed, quota: options.clangdQuota ?? 40, log }),
    );

  log('accuracy: starting our language server as an editor does ...');
  // The configuration clangd's build was made with: definitions compiled in it come first (issue 24's ranking).
  const server = await LspDriver.start({
    root,
    cacheDir: options.cacheDir,
    command: options.command,
    timeoutMs: 600_000,
    settings: { kernelConfig },
  });
  try {
    await server.waitForIndex(1_800_000);
    report.indexReadyMs = performance.now() - server.spawnedAt;
    log(`accuracy: our index ready after ${(report.indexReadyMs / 1000).toFixed(1)} s`);
    // Judged on the full index: the early one (the cache of the last session, seconds) has no fuzzy symbols, and
    // how many requests it answers depends on the machine's load.
    await server.waitForIndex(1_800_000, true);
    if (clangd) report.clangd = await timed('clangdAgreement', () => judgeClangd(server, root, clangd, ctags));
    if (sample.length > 0)
      report.names = await timed('names', () =>
        judgeNames(server, root, sample, truth, cFileSet, peers, ctags, seed, log, wsOnly),
      );
    if (wsOnly) return report;
    report.semantics = await timed('semantics', () =>
      judgeSemantics(
        server,
        root,
        files.filter((file) => /^mm\/[^/]+\.c$/.test(file) || file === 'fs/dax.c'),
        { seed, log },
      ),
    );
    // Latencies of the other requests users make on the files of the clangd sample (or a few mm files).
    await timed('otherRequests', () =>
      probeOtherRequests(
        server,
        clangd?.files.slice(0, 20) ?? files.filter((file) => /^mm\/[^/]+\.c$/.test(file)).slice(0, 20),
      ),
    );
  } finally {
    for (const [method, values] of server.timings)
      report.latency[method] = {
        count: values.length,
        p50: percentile(values, 50),
        p99: percentile(values, 99),
        max: Math.max(...values),
      };
    await server.stop();
  }
  if (!options.skipWarmStart && !wsOnly) {
    log('accuracy: editor warm start (median of 3 spawns) ...');
    try {
      report.warmStart = await editorWarmStart({ root, cacheDir: options.cacheDir, command: options.command });
    } catch (err) {
      report.skipped.push(`editor warm start failed: ${(err as Error).message}`);
    }
  }
  return report;
}

/** Tree-relative file of a location (absolute when outside the tree). */
function fileOf(root: string, location: Location): string {
  const file = pathOfUri(location.uri);
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/**
 * Judging rule (clangd): our FIRST location is right when it is in clangd's file on clangd's line. When clangd
 * only knew a declaration (declarationOnly), our first location is right when it is a ctags definition of the
 * name (function or variable) in generic code or under arch/x86 (the compile database's architecture).
 */
async function judgeClangd(
  server: LspDriver,
  root: string,
  truth: ClangdTruth,
  ctags: CtagsIndex | undefined,
): Promise<NonNullable<AccuracyReport['clangd']>> {
  const byClass: NonNullable<AccuracyReport['clangd']>['byClass'] = {};
  for (const c of CLICK_CLASSES) byClass[c] = { n: 0, first: 0, any: 0, none: 0, only: 0 };
  const scopedReferences: NonNullable<AccuracyReport['clangd']>['scopedReferences'] = {
    local: { n: 0, exact: 0, inScope: 0, withScope: 0 },
    parameter: { n: 0, exact: 0, inScope: 0, withScope: 0 },
  };
  const declarationOnly = { n: 0, first: 0, judged: ctags !== undefined };
  const kconfigRule = { n: 0, first: 0 };
  const misses: NonNullable<AccuracyReport['clangd']>['misses'] = [];
  let openFile: string | undefined;
  for (const p of truth.positions) {
    // One file open at a time, as when a user clicks through files: what is open must not change the answer.
    if (openFile !== undefined && openFile !== p.file) server.close(openFile);
    openFile = p.file;
    const answer = locationsOf((await server.definition(p.file, { line: p.line, character: p.character })).result);
    await server.hover(p.file, { line: p.line, character: p.character });
    const places = answer.map((loc) => ({ file: fileOf(root, loc), line: loc.range.start.line }));
    let right: (place: { file: string; line: number }) => boolean;
    if (p.declarationOnly) {
      const definitions = (ctags?.definitions(p.name) ?? []).filter(
        (d) => (d.kind === 'function' || d.kind === 'variable') && (archOfPath(d.file) ?? 'x86') === 'x86',
      );
      right = (place) => definitions.some((d) => d.file === place.file && d.line === place.line);
      declarationOnly.n++;
      if (places.length > 0 && right(places[0])) declarationOnly.first++;
      continue;
    }
    right = (place) => place.file === p.definition.file && place.line === p.definition.line;
    const fromAutoconf =
      p.name.startsWith('CONFIG_') && /(^|\/)include\/generated\/autoconf\.h$/.test(p.definition.file);
    if (fromAutoconf) {
      right = (place) => isKconfigEntry(root, place, p.name.slice('CONFIG_'.length));
      kconfigRule.n++;
      if (places.length > 0 && right(places[0])) kconfigRule.first++;
    }
    const stats = byClass[p.class];
    stats.n++;
    if (places.length === 0) stats.none++;
    if (places.length > 0 && right(places[0])) stats.first++;
    else
      misses.push({
        file: p.file,
        line: p.line,
        character: p.character,
        name: p.name,
        class: p.class,
        clangd: `${p.definition.file}:${p.definition.line + 1}`,
        ours: places.length ? `${places[0].file}:${places[0].line + 1} (${places.length} answers)` : 'none',
      });
    if (places.some(right)) stats.any++;
    if (places.length === 1 && right(places[0])) stats.only++;
    if ((p.class === 'local' || p.class === 'parameter') && p.references) {
      const scoped = scopedReferences[p.class];
      const ours = (await server.references(p.file, { line: p.line, character: p.character }, true)).result ?? [];
      const oursKeys = new Set(
        ours.map((loc) => `${fileOf(root, loc)}:${loc.range.start.line}:${loc.range.start.character}`),
      );
      const clangdKeys = new Set(p.references.map((r) => `${p.file}:${r.line}:${r.character}`));
      scoped.n++;
      if (oursKeys.size === clangdKeys.size && [...clangdKeys].every((k) => oursKeys.has(k))) scoped.exact++;
      if (p.scope) {
        const { startLine, endLine } = p.scope;
        scoped.withScope++;
        if (
          ours.every(
            (loc) =>
              fileOf(root, loc) === p.file && loc.range.start.line >= startLine && loc.range.start.line <= endLine,
          )
        )
          scoped.inScope++;
      }
    }
  }
  if (openFile !== undefined) server.close(openFile);
  let asUsersClick: NonNullable<AccuracyReport['clangd']>['asUsersClick'];
  const mixSample = truth.seen ? Object.values(truth.seen).reduce((a, b) => a + b, 0) : 0;
  if (truth.seen && mixSample > 0) {
    const mix: Record<string, number> = {};
    let firstRight = 0;
    for (const c of CLICK_CLASSES) {
      mix[c] = truth.seen[c] / mixSample;
      const stats = byClass[c];
      if (stats.n > 0) firstRight += mix[c] * (stats.first / stats.n);
    }
    asUsersClick = { firstRight, mix, mixSample };
  }
  return {
    positions: truth.positions.length,
    asked: truth.asked,
    unresolved: truth.unresolved,
    seed: truth.seed,
    asUsersClick,
    byClass,
    scopedReferences,
    declarationOnly,
    kconfigRule,
    misses,
  };
}

/** The line `place` of a Kconfig file of the tree declares the symbol: `config NAME` or `menuconfig NAME`. */
export function isKconfigEntry(root: string, place: { file: string; line: number }, symbol: string): boolean {
  if (!/(^|\/)Kconfig[^/]*$/.test(place.file)) return false;
  let lines = kconfigLines.get(place.file);
  if (!lines) {
    try {
      lines = fs.readFileSync(path.join(root, place.file), 'utf8').split(/\r\n|\n|\r/);
    } catch {
      lines = [];
    }
    kconfigLines.set(place.file, lines);
  }
  return new RegExp(`^\\s*(menu)?config\\s+${symbol}\\s*$`).test(lines[place.line] ?? '');
}
const kconfigLines = new Map<string, string[]>();

async function judgeNames(
  server: LspDriver,
  root: string,
  sample: SampledName[],
  truth: Map<string, Occurrence[]>,
  cFiles: Set<string>,
  peers: PeerDatabases | undefined,
  ctags: CtagsIndex | undefined,
  seed: number,
  log: (line: string) => void,
  workspaceSymbolsOnly = false,
): Promise<NonNullable<AccuracyReport['names']>> {
  const random = seededRandom(seed ^ 0x5eed);
  const byCategory: NonNullable<AccuracyReport['names']>['byCategory'] = {};
  for (const c of NAME_CATEGORIES)
    byCategory[c] = {
      n: 0,
      refRecall: ratio(0, 0),
      refPrecision: ratio(0, 0),
      defFound: ratio(0, 0),
      firstRightKind: ratio(0, 0),
      wsExact: ratio(0, 0),
      wsFuzzy: ratio(0, 0),
    };
  const ours = {
    recall: ratio(0, 0),
    precision: ratio(0, 0),
    lineRecall: ratio(0, 0),
    linePrecision: ratio(0, 0),
    outsideC: 0,
  };
  const globalRefs = peers?.available.global ? { recall: ratio(0, 0), precision: ratio(0, 0) } : undefined;
  const cscopeRefs = peers?.available.cscope ? { recall: ratio(0, 0), precision: ratio(0, 0) } : undefined;
  const defs = {
    ours: { found: ratio(0, 0), firstRightKind: ratio(0, 0) },
    global: globalRefs ? { found: ratio(0, 0), firstRightKind: ratio(0, 0) } : undefined,
    cscope: cscopeRefs ? { found: ratio(0, 0), firstRightKind: ratio(0, 0) } : undefined,
  };
  const ws = { exact: ratio(0, 0), fuzzy: ratio(0, 0), fuzzyMisses: [] as string[] };
  const calls = cscopeRefs
    ? ({ recall: ratio(0, 0), names: 0 } as { recall: Ratio; names: number; kvfreeMs?: number })
    : undefined;
  const worst: NonNullable<AccuracyReport['names']>['worst'] = [];
  const perName: NameResult[] = [];
  const skippedNames: string[] = [];

  let done = 0;
  for (const entry of sample) {
    const occurrences = truth.get(entry.name) ?? [];
    const judged = occurrences.filter((o) => !o.excluded);
    const definitionKeys = new Set(entry.definitions.map((d) => key(d.file, d.line)));
    const stats = byCategory[entry.category];
    // Click where a user would: a seeded use of the name in a .c file if any, else in a header, else the
    // definition; a use is not on a line where ctags (any kind) or the category's truth defines the name.
    const anyDefinition = new Set([
      ...definitionKeys,
      ...(ctags?.definitions(entry.name) ?? []).map((d) => key(d.file, d.line)),
    ]);
    // The use must look like the category in its context: a struct tag after `struct`, the other categories
    // neither after `->`/`.` (a member of the same name) nor after struct/union/enum.
    const fits = (o: Occurrence) => (entry.category === 'struct' ? o.context === 'tag' : o.context === undefined);
    const uses = judged.filter((o) => !anyDefinition.has(key(o.file, o.line)));
    const fitting = uses.filter(fits);
    const candidates = fitting.length > 0 ? fitting : uses;
    const preferred = candidates.filter((o) => o.file.endsWith('.c'));
    const pool = preferred.length > 0 ? preferred : candidates.length > 0 ? candidates : judged;
    if (pool.length === 0) {
      log(`accuracy: ${entry.name}: no occurrence in the token truth; skipped`);
      skippedNames.push(entry.name);
      continue;
    }
    stats.n++;
    const click = pool[Math.floor(random() * pool.length)];
    const position = { line: click.line, character: click.character };

    // Workspace symbol: the exact name, and a fuzzy query (initials of the words, then the whole last word).
    const top5 = async (query: string) =>
      ((await server.workspaceSymbol(query)).result ?? []).slice(0, 5).some((s) => s.name === entry.name);
    const exact = (await top5(entry.name)) ? 1 : 0;
    add(ws.exact, exact, 1);
    add(stats.wsExact, exact, 1);
    const fuzzyQuery = fuzzyQueryOf(entry.name);
    let fuzzyHit = 0;
    if (fuzzyQuery) {
      fuzzyHit = (await top5(fuzzyQuery)) ? 1 : 0;
      add(ws.fuzzy, fuzzyHit, 1);
      add(stats.wsFuzzy, fuzzyHit, 1);
      if (!fuzzyHit) ws.fuzzyMisses.push(`${fuzzyQuery} -> ${entry.name}`);
    }
    const workspaceSymbol = {
      workspaceSymbolExact: exact === 1,
      workspaceSymbolFuzzy: fuzzyQuery ? { query: fuzzyQuery, hit: fuzzyHit === 1 } : undefined,
    };
    if (workspaceSymbolsOnly) {
      const click1 = `${click.file}:${click.line + 1}:${click.character + 1}`;
      perName.push({
        name: entry.name,
        category: entry.category,
        click: click1,
        truthReferences: 0,
        ourReferences: 0,
        recall: 0,
        precision: 0,
        definitionFound: false,
        firstRightKind: false,
        definitions: 0,
        ...workspaceSymbol,
      });
      if (++done % 50 === 0) log(`accuracy: ${done}/${sample.length} names judged`);
      continue;
    }

    // Definitions.
    const definitionAnswer = locationsOf((await server.definition(click.file, position)).result).map((loc) => ({
      file: fileOf(root, loc),
      line: loc.range.start.line,
    }));
    const isTruthDefinition = (place: { file: string; line: number }) =>
      definitionKeys.has(key(place.file, place.line));
    const found = definitionAnswer.some(isTruthDefinition) ? 1 : 0;
    // A definition of the name in the clicked file itself (ctags: any kind, members are not listed) is also right
    // first: at file scope, a file's own static function, macro or type is what its tokens refer to.
    const sameFileDefinitions = new Set(
      (ctags?.definitions(entry.name) ?? []).filter((d) => d.file === click.file).map((d) => key(d.file, d.line)),
    );
    const rightFirst = (place: { file: string; line: number }) =>
      isTruthDefinition(place) || sameFileDefinitions.has(key(place.file, place.line));
    const first = definitionAnswer.length > 0 && rightFirst(definitionAnswer[0]) ? 1 : 0;
    add(defs.ours.found, found, 1);
    add(stats.defFound, found, 1);
    add(defs.ours.firstRightKind, first, 1);
    add(stats.firstRightKind, first, 1);

    // References, token level and line level.
    const referenceAnswer = locationsOf((await server.references(click.file, position, true)).result);
    const excludedKeys = new Set(occurrences.filter((o) => o.excluded).map((o) => key(o.file, o.line, o.character)));
    const truthKeys = new Set(judged.map((o) => key(o.file, o.line, o.character)));
    const oursKeys = new Set<string>();
    for (const loc of referenceAnswer) {
      const file = fileOf(root, loc);
      if (!cFiles.has(file)) {
        ours.outsideC++;
        continue;
      }
      const k = key(file, loc.range.start.line, loc.range.start.character);
      if (!excludedKeys.has(k)) oursKeys.add(k);
    }
    const hits = [...oursKeys].filter((k) => truthKeys.has(k)).length;
    add(ours.recall, hits, truthKeys.size);
    add(ours.precision, hits, oursKeys.size);
    add(stats.refRecall, hits, truthKeys.size);
    add(stats.refPrecision, hits, oursKeys.size);
    const truthLines = new Set(judged.map((o) => key(o.file, o.line)));
    const excludedOnlyLines = new Set(
      occurrences
        .filter((o) => o.excluded)
        .map((o) => key(o.file, o.line))
        .filter((k) => !truthLines.has(k)),
    );
    const oursLines = new Set([...oursKeys].map((k) => k.slice(0, k.lastIndexOf(':'))));
    add(ours.lineRecall, [...truthLines].filter((k) => oursLines.has(k)).length, truthLines.size);
    add(ours.linePrecision, [...oursLines].filter((k) => truthLines.has(k)).length, oursLines.size);
    const recall = truthKeys.size ? hits / truthKeys.size : 1;
    const precision = oursKeys.size ? hits / oursKeys.size : 1;
    if (recall < 1 || precision < 1)
      worst.push({
        name: entry.name,
        category: entry.category,
        recall,
        precision,
        truth: truthKeys.size,
        ours: oursKeys.size,
      });

    // Peers, line level (global and cscope answer by line).
    const peerLines = (list: PeerLocation[]) =>
      new Set(
        list
          .filter((p) => cFiles.has(p.file))
          .map((p) => key(p.file, p.line))
          .filter((k) => !excludedOnlyLines.has(k)),
      );
    if (peers && globalRefs && defs.global) {
      const definitionsOfGlobal = globalDefinitions(peers, entry.name);
      const all = peerLines([
        ...definitionsOfGlobal,
        ...globalReferences(peers, entry.name),
        ...globalSymbols(peers, entry.name),
      ]);
      add(globalRefs.recall, [...truthLines].filter((k) => all.has(k)).length, truthLines.size);
      add(globalRefs.precision, [...all].filter((k) => truthLines.has(k)).length, all.size);
      add(defs.global.found, definitionsOfGlobal.some(isTruthDefinition) ? 1 : 0, 1);
      add(defs.global.firstRightKind, definitionsOfGlobal.length > 0 && rightFirst(definitionsOfGlobal[0]) ? 1 : 0, 1);
    }
    if (peers && cscopeRefs && defs.cscope) {
      const all = peerLines(cscopeSymbol(peers, entry.name));
      add(cscopeRefs.recall, [...truthLines].filter((k) => all.has(k)).length, truthLines.size);
      add(cscopeRefs.precision, [...all].filter((k) => truthLines.has(k)).length, all.size);
      const definitionsOfCscope = cscopeDefinitions(peers, entry.name);
      add(defs.cscope.found, definitionsOfCscope.some(isTruthDefinition) ? 1 : 0, 1);
      add(defs.cscope.firstRightKind, definitionsOfCscope.length > 0 && rightFirst(definitionsOfCscope[0]) ? 1 : 0, 1);
    }

    const result: NameResult = {
      name: entry.name,
      category: entry.category,
      click: `${click.file}:${click.line + 1}:${click.character + 1}`,
      truthReferences: truthKeys.size,
      ourReferences: oursKeys.size,
      recall,
      precision,
      definitionFound: found === 1,
      firstRightKind: first === 1,
      firstDefinition: definitionAnswer[0] ? `${definitionAnswer[0].file}:${definitionAnswer[0].line + 1}` : undefined,
      definitions: definitionAnswer.length,
      ...workspaceSymbol,
    };
    perName.push(result);

    // Incoming calls vs cscope -L3, for function names: recall of cscope's call-site lines.
    if (peers && calls && ['function', 'staticMulti', 'exported', 'syscall'].includes(entry.category)) {
      const callers = cscopeCallers(peers, entry.name).filter((c) => cFiles.has(c.file));
      if (callers.length > 0) {
        const items = (await server.prepareCallHierarchy(click.file, position)).result ?? [];
        const oursCallLines = new Set<string>();
        for (const item of items) {
          for (const call of (await server.incomingCalls(item)).result ?? []) {
            const file = fileOf(root, { uri: call.from.uri, range: call.from.range });
            for (const range of call.fromRanges) oursCallLines.add(key(file, range.start.line));
          }
        }
        const cscopeLines = new Set(callers.map((c) => key(c.file, c.line)));
        const listed = [...cscopeLines].filter((k) => oursCallLines.has(k)).length;
        add(calls.recall, listed, cscopeLines.size);
        calls.names++;
        result.calls = { cscope: cscopeLines.size, ours: listed };
      }
    }
    // One file open at a time: what is open must not change answers about other files (issue 16, item 4).
    server.close(click.file);
    if (++done % 50 === 0) log(`accuracy: ${done}/${sample.length} names judged`);
  }
  // Issue 16's fixed probe: incoming calls of kvfree (about 800 callers).
  if (calls && !workspaceSymbolsOnly) {
    const file = 'mm/util.c';
    const text = fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8').split('\n') : [];
    const line = text.findIndex((l) => /^void kvfree\(/.test(l));
    if (line >= 0) {
      const items = (await server.prepareCallHierarchy(file, { line, character: 5 })).result ?? [];
      if (items[0]) calls.kvfreeMs = (await server.incomingCalls(items[0])).ms;
      server.close(file);
    }
  }
  worst.sort((a, b) => a.recall * a.precision - b.recall * b.precision);
  return {
    count: perName.length,
    perCategory: Math.max(...Object.values(byCategory).map((c) => c.n)),
    byCategory,
    references: { ours, global: globalRefs, cscope: cscopeRefs },
    definitions: defs,
    workspaceSymbol: ws,
    incomingCalls: calls,
    worst: worst.slice(0, 25),
    perName,
    skippedNames,
  };
}

/** `folio_walk_start` -> `fwstart`: initials of all words but the last, then the last word; undefined for 1 or > 4 words. */
export function fuzzyQueryOf(name: string): string | undefined {
  const words = name.split('_').filter(Boolean);
  // One word has no initials; past four words the query is more riddle than what users type.
  if (words.length < 2 || words.length > 4) return undefined;
  return `${words
    .slice(0, -1)
    .map((w) => w[0])
    .join('')}${words[words.length - 1]}`.toLowerCase();
}

async function probeOtherRequests(server: LspDriver, files: string[]): Promise<void> {
  for (const file of files) {
    const lines = fs.readFileSync(path.join(server.options.root, file), 'utf8').split(/\r\n|\n|\r/);
    await server.codeLens(file).catch(() => undefined);
    await server
      .inlayHint(file, { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } })
      .catch(() => undefined);
    await server
      .timedRequest('textDocument/documentSymbol', { textDocument: { uri: server.open(file) } })
      .catch(() => undefined);
    // Completion and signature help where a user types: after the first `->` and inside the first call of the file.
    const member = lines.findIndex((l) => l.includes('->'));
    if (member >= 0)
      await server
        .completion(file, { line: member, character: lines[member].indexOf('->') + 2 })
        .catch(() => undefined);
    const call = lines.findIndex((l) => /^\t+\w+\(\w/.test(l));
    if (call >= 0)
      await server.signatureHelp(file, { line: call, character: lines[call].indexOf('(') + 1 }).catch(() => undefined);
    server.close(file);
  }
}
