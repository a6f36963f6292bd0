import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { identifierTokens, C_KEYWORDS, type TruthToken } from './tokenTruth';
import { LspDriver, locationsOf, pathOfUri, type Location, type Position } from './lspDriver';
import { seededRandom, shuffled } from './sampling';

/**
 * clangd truth: go-to-definition answers of clangd with the compile database of a real build
 * (scripts/build-compile-db.sh), on positions sampled the way users click them, cached as JSON.
 *
 * - clangd runs with `--background-index`: without it, a call to a function defined in another translation
 *   unit resolves only to its prototype in a header. The index is built once (its shards stay in
 *   `<build>/.cache/clangd/index`) and the sampling waits until clangd reports the end of its
 *   `backgroundIndexProgress`.
 * - Positions: identifier tokens (tokenTruth) of `mm/*.c` and `fs/dax.c` files that are in the compile database,
 *   outside `#if 0`, outside directives (a click inside a `#define` body has no single answer), keywords
 *   excluded. Files are visited in a seeded order; in each file candidates are tried in a seeded order.
 * - Class of a position (what the user clicked): from clangd's hover (`### <kind> \`name\``) and the token's
 *   context: local, parameter, member, type, macro, function, global, enumConstant. Each class is filled to
 *   its quota (stratified sample); positions clangd cannot resolve are counted and dropped.
 * - Declaration-only: when clangd's definition lands on a declaration (a function prototype ending in `;`,
 *   or an `extern` variable), the real definition is in a translation unit outside the compile database.
 *   The position is kept with `declarationOnly: true` and is judged by a different rule (judgeDefinition).
 */

/** Bumped when the sampling or the classification changes: cached truths of other versions are not read. */
export const CLANGD_TRUTH_VERSION = 3;
/** Candidates per file asked regardless of quotas in the first round (the natural mix, `seen`). */
const NATURAL_PER_FILE = 4;

export type ClickClass = 'local' | 'parameter' | 'member' | 'type' | 'macro' | 'function' | 'global' | 'enumConstant';
export const CLICK_CLASSES: readonly ClickClass[] = [
  'local',
  'parameter',
  'member',
  'type',
  'macro',
  'function',
  'global',
  'enumConstant',
];

export interface ClangdTruthPosition {
  /** Tree-relative file and 0-based position of the clicked token's first character. */
  file: string;
  line: number;
  character: number;
  name: string;
  class: ClickClass;
  /** Token context: 'member' after -> or ., 'call' before (, 'tag' after struct/union/enum, else 'plain'. */
  context: 'member' | 'call' | 'tag' | 'plain';
  /** clangd's hover kind (`function`, `variable`, `param`, `field`, `macro`, `struct`, `type-alias`, …). */
  hoverKind: string;
  /** clangd's first definition: tree-relative file (or absolute when outside the tree) and position. */
  definition: { file: string; line: number; character: number };
  /** clangd only knew a declaration (the definition lives in a translation unit outside the compile database). */
  declarationOnly: boolean;
  /**
   * Locals and parameters only: clangd's references (includeDeclaration) in the clicked file, and the line span
   * of the enclosing function from clangd's document symbols (issue 18: references stay in the function).
   */
  references?: Array<{ line: number; character: number }>;
  scope?: { startLine: number; endLine: number };
}

export interface ClangdTruth {
  tree: string;
  clangdVersion: string;
  seed: number;
  /** Wanted positions per class (the sample may hold fewer when the files have too few). */
  quota: number;
  positions: ClangdTruthPosition[];
  /** Candidates asked and dropped: clangd had no definition, or the class was already full. */
  asked: number;
  unresolved: number;
  /**
   * How often each class came up among the resolved candidates, before quotas: the natural mix of what a
   * click lands on, used to weigh the per-class results into one "as users click" figure.
   */
  seen: Record<ClickClass, number>;
  seconds: { backgroundIndex: number; sampling: number };
  files: string[];
}

export interface ClangdTruthOptions {
  /** Kernel source tree. */
  root: string;
  /** Folder holding compile_commands.json (also where the truth JSON is cached). */
  buildDir: string;
  seed?: number;
  /** Positions wanted per class (default 40; 8 classes give 320). */
  quota?: number;
  /** Candidates tried per file before moving to the next one (default 24). */
  perFile?: number;
  /** Ignore a cached truth and sample again. */
  refresh?: boolean;
  log?: (line: string) => void;
}

export function clangdVersion(): string | undefined {
  const run = spawnSync('clangd', ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return undefined;
  return /clangd version ([\w.~+-]+)/.exec(run.stdout)?.[1] ?? run.stdout.split('\n')[0].trim();
}

export function clangdTruthCachePath(options: ClangdTruthOptions, version: string): string {
  const tree = path.basename(path.resolve(options.root));
  return path.join(
    options.buildDir,
    `clangd-truth-v${CLANGD_TRUTH_VERSION}-${tree}-clangd-${version}-seed-${options.seed ?? 1}-q${options.quota ?? 40}.json`,
  );
}

/** Loads the cached truth for (tree, clangd version, seed, quota) or computes and caches it. */
export async function clangdTruth(options: ClangdTruthOptions): Promise<ClangdTruth> {
  const version = clangdVersion();
  if (!version) throw new Error('clangd is not installed (scripts/install-peers.sh)');
  const cachePath = clangdTruthCachePath(options, version);
  if (!options.refresh && fs.existsSync(cachePath)) {
    try {
      return JSON.parse(fs.readFileSync(cachePath, 'utf8')) as ClangdTruth;
    } catch {
      /* corrupt cache: sample again */
    }
  }
  const truth = await sampleClangdTruth(options, version);
  fs.writeFileSync(cachePath, `${JSON.stringify(truth, null, 1)}\n`);
  return truth;
}

/** Tree-relative `mm/*.c` and `fs/dax.c` files of the compile database. */
export function sampledFiles(root: string, buildDir: string): string[] {
  const entries = JSON.parse(fs.readFileSync(path.join(buildDir, 'compile_commands.json'), 'utf8')) as Array<{
    file: string;
    directory: string;
  }>;
  const realRoot = fs.realpathSync(root);
  const files = new Set<string>();
  for (const entry of entries) {
    const absolute = path.resolve(entry.directory, entry.file);
    const rel = path
      .relative(realRoot, fs.existsSync(absolute) ? fs.realpathSync(absolute) : absolute)
      .split(path.sep)
      .join('/');
    if (/^mm\/[^/]+\.c$/.test(rel) || rel === 'fs/dax.c') files.add(rel);
  }
  return [...files].sort();
}

async function sampleClangdTruth(options: ClangdTruthOptions, version: string): Promise<ClangdTruth> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? 1;
  const quota = options.quota ?? 40;
  const perFile = options.perFile ?? 24;
  const root = fs.realpathSync(options.root);
  const files = sampledFiles(root, options.buildDir);
  if (files.length === 0) throw new Error(`no mm/*.c or fs/dax.c in ${options.buildDir}/compile_commands.json`);
  const clangd = await LspDriver.start({
    root,
    cacheDir: options.buildDir,
    command: [
      'nice',
      '-n',
      '10',
      'clangd',
      `--compile-commands-dir=${options.buildDir}`,
      '--background-index',
      '-j=2',
      '--header-insertion=never',
      '--log=error',
      '--limit-results=0',
    ],
    initializationOptions: {},
    workDoneProgress: true,
    timeoutMs: 300_000,
  });
  try {
    const indexStart = performance.now();
    let indexDone = false;
    let lastPercent = -1;
    clangd.onNotification('$/progress', (raw) => {
      const params = raw as { token?: string; value?: { kind?: string; percentage?: number; message?: string } } | null;
      if (params?.token !== 'backgroundIndexProgress') return;
      if (params.value?.kind === 'end') indexDone = true;
      const percent = params.value?.percentage;
      if (typeof percent === 'number' && percent >= lastPercent + 10) {
        lastPercent = percent;
        log(`clangd background index: ${percent}% ${params.value?.message ?? ''}`);
      }
    });
    // The compile database is read when the first file is opened; the background index starts then.
    clangd.open(files[0]);
    const deadline = performance.now() + 3 * 3600_000;
    let sawProgress = false;
    while (!indexDone && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      sawProgress ||= lastPercent >= 0;
      // A fully cached index may report nothing at all: after 20 s without any progress, go on.
      if (!sawProgress && performance.now() - indexStart > 20_000) break;
    }
    const backgroundIndex = (performance.now() - indexStart) / 1000;
    log(`clangd background index ready after ${backgroundIndex.toFixed(0)} s`);

    const samplingStart = performance.now();
    const random = seededRandom(seed);
    const counts = new Map<ClickClass, number>(CLICK_CLASSES.map((c) => [c, 0]));
    const positions: ClangdTruthPosition[] = [];
    let asked = 0;
    let unresolved = 0;
    const seen = Object.fromEntries(CLICK_CLASSES.map((c) => [c, 0])) as Record<ClickClass, number>;
    const full = () => CLICK_CLASSES.every((c) => counts.get(c)! >= quota);
    // Rounds over the files, each taking at most perFile candidates per file, until every class is full.
    const order = shuffled(files, random);
    const candidatesOf = new Map<string, Array<{ token: TruthToken; context: ClangdTruthPosition['context'] }>>();
    for (let round = 0; round < 8 && !full(); round++) {
      for (const file of order) {
        if (full()) break;
        let candidates = candidatesOf.get(file);
        if (!candidates) {
          candidates = shuffled(clickableTokens(fs.readFileSync(path.join(root, file), 'utf8')), random);
          candidatesOf.set(file, candidates);
        }
        if (candidates.length === 0) continue;
        clangd.open(file);
        let symbols: DocumentSymbol[] | undefined;
        let taken = 0;
        // The first candidates of each file in the first round are asked whatever their likely class: they
        // measure the natural mix of classes (`seen`), unbiased by the quotas.
        let natural = round === 0 ? NATURAL_PER_FILE : 0;
        while (taken < perFile && candidates.length > 0 && !full()) {
          const { token, context } = candidates.pop()!;
          const unbiased = natural-- > 0;
          // Skip candidates whose likely class is already full (saves clangd round trips).
          if (!unbiased && !mayStillBeNeeded(token, context, counts, quota)) continue;
          taken++;
          asked++;
          const position: Position = { line: token.line, character: token.character };
          const [definition, hover] = await Promise.all([
            clangd.definition(file, position),
            clangd.hover(file, position),
          ]);
          const target = locationsOf(definition.result)[0];
          const hoverText = hoverTextOf(hover.result);
          if (!target || !hoverText) {
            unresolved++;
            continue;
          }
          const hoverKind = /^#+\s*([\w -]+?)\s+`/m.exec(hoverText)?.[1] ?? 'unknown';
          const cls = classify(hoverKind, hoverText, context, token.name);
          if (cls && unbiased) seen[cls]++;
          if (!cls || counts.get(cls)! >= quota) continue;
          counts.set(cls, counts.get(cls)! + 1);
          const targetFile = relativeToTree(root, pathOfUri(target.uri));
          const sampled: ClangdTruthPosition = {
            file,
            line: token.line,
            character: token.character,
            name: token.name,
            class: cls,
            context,
            hoverKind,
            definition: { file: targetFile, line: target.range.start.line, character: target.range.start.character },
            declarationOnly: isDeclarationOnly(root, targetFile, target, cls),
          };
          if (cls === 'local' || cls === 'parameter') {
            const references =
              (await clangd.references(file, { line: token.line, character: token.character })).result ?? [];
            sampled.references = references
              .filter((loc) => relativeToTree(root, pathOfUri(loc.uri)) === file)
              .map((loc) => ({ line: loc.range.start.line, character: loc.range.start.character }));
            symbols ??= flattenSymbols(
              (
                await clangd.timedRequest<DocumentSymbol[] | null>('textDocument/documentSymbol', {
                  textDocument: { uri: clangd.open(file) },
                })
              ).result ?? [],
            );
            const enclosing = symbols.filter(
              (sym) =>
                sym.kind === FUNCTION_SYMBOL && sym.range.start.line <= token.line && token.line <= sym.range.end.line,
            );
            const innermost = enclosing.sort(
              (a, b) => a.range.end.line - a.range.start.line - (b.range.end.line - b.range.start.line),
            )[0];
            if (innermost) sampled.scope = { startLine: innermost.range.start.line, endLine: innermost.range.end.line };
          }
          positions.push(sampled);
        }
        clangd.close(file);
      }
      log(`clangd truth: round ${round + 1}: ${[...counts].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    }
    return {
      tree: path.basename(root),
      clangdVersion: version,
      seed,
      quota,
      positions,
      asked,
      unresolved,
      seen,
      files,
      seconds: { backgroundIndex, sampling: (performance.now() - samplingStart) / 1000 },
    };
  } finally {
    await clangd.stop();
  }
}

/** LSP DocumentSymbol, as far as the scope of a local needs it (SymbolKind.Function is 12). */
interface DocumentSymbol {
  name: string;
  kind: number;
  range: { start: Position; end: Position };
  children?: DocumentSymbol[];
  /** SymbolInformation (a server that ignores hierarchicalDocumentSymbolSupport) has a location instead. */
  location?: { range: { start: Position; end: Position } };
}
const FUNCTION_SYMBOL = 12;

function flattenSymbols(symbols: DocumentSymbol[]): DocumentSymbol[] {
  return symbols
    .flatMap((sym) => [{ ...sym, range: sym.range ?? sym.location?.range }, ...flattenSymbols(sym.children ?? [])])
    .filter((sym) => sym.range !== undefined);
}

/** Identifier tokens a user may click in a .c file: outside #if 0 and directives, not keywords. */
export function clickableTokens(text: string): Array<{ token: TruthToken; context: ClangdTruthPosition['context'] }> {
  const all = identifierTokens(text);
  const out: Array<{ token: TruthToken; context: ClangdTruthPosition['context'] }> = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let k = 0; k < all.length; k++) {
    const token = all[k];
    if (token.inIfZero || token.directive !== undefined || C_KEYWORDS.has(token.name) || token.endLine !== token.line)
      continue;
    const line = lines[token.line];
    const before = line.slice(0, token.character).trimEnd();
    const after = line.slice(token.endCharacter).trimStart();
    const previous = all[k - 1];
    let context: ClangdTruthPosition['context'] = 'plain';
    if (before.endsWith('->') || (before.endsWith('.') && !before.endsWith('..'))) context = 'member';
    else if (
      previous &&
      previous.line === token.line &&
      ['struct', 'union', 'enum'].includes(previous.name) &&
      /(struct|union|enum)\s*$/.test(before)
    )
      context = 'tag';
    else if (after.startsWith('(')) context = 'call';
    out.push({ token, context });
  }
  return out;
}

/** Class of a clicked position from clangd's hover kind and the token context; undefined: not a class we sample. */
export function classify(
  hoverKind: string,
  hoverText: string,
  context: ClangdTruthPosition['context'],
  name: string,
): ClickClass | undefined {
  const kind = hoverKind.toLowerCase();
  if (kind === 'macro') return 'macro';
  if (kind === 'field') return 'member';
  if (kind === 'param' || kind === 'parameter') return 'parameter';
  if (kind === 'enumerator' || kind === 'enum constant' || kind === 'enum-constant') return 'enumConstant';
  if (kind === 'function' || kind === 'static-method' || kind === 'method') return 'function';
  if (['struct', 'union', 'enum', 'type-alias', 'type alias', 'typedef', 'class'].includes(kind)) return 'type';
  if (kind === 'variable' || kind === 'static-property') {
    // clangd prints the enclosing function of a local (`// In get_mergeable_page`); globals have none.
    return /^\/\/ In [A-Za-z_]\w*$/m.test(hoverText) ? 'local' : 'global';
  }
  void context;
  void name;
  return undefined;
}

function mayStillBeNeeded(
  token: TruthToken,
  context: ClangdTruthPosition['context'],
  counts: Map<ClickClass, number>,
  quota: number,
): boolean {
  const open = (c: ClickClass) => counts.get(c)! < quota;
  if (context === 'member') return open('member');
  if (context === 'tag') return open('type');
  if (context === 'call') return open('function') || open('macro');
  if (/^[A-Z][A-Z0-9_]*$/.test(token.name)) return open('macro') || open('enumConstant') || open('global');
  return open('local') || open('parameter') || open('global') || open('type') || open('function') || open('macro');
}

function hoverTextOf(hover: { contents: unknown } | null): string | undefined {
  // MarkupContent, MarkedString or MarkedString[] (LSP allows all three).
  type Marked = string | { value?: string };
  const contents = hover?.contents as Marked | Marked[] | undefined;
  if (!contents) return undefined;
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents))
    return contents.map((part) => (typeof part === 'string' ? part : (part.value ?? ''))).join('\n');
  return typeof contents.value === 'string' ? contents.value : undefined;
}

function relativeToTree(root: string, file: string): string {
  const real = fs.existsSync(file) ? fs.realpathSync(file) : file;
  const rel = path.relative(root, real);
  return rel.startsWith('..') || path.isAbsolute(rel) ? real : rel.split(path.sep).join('/');
}

/**
 * Whether clangd's definition is only a declaration: for a function, the text from the name to the first `;` or
 * `{` at parenthesis depth 0 ends with `;` (a prototype); for a global, the declaration line says `extern`.
 */
export function isDeclarationOnly(root: string, targetFile: string, target: Location, cls: ClickClass): boolean {
  if (cls !== 'function' && cls !== 'global') return false;
  const file = path.isAbsolute(targetFile) ? targetFile : path.join(root, targetFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const lines = text.split(/\r\n|\n|\r/);
  if (cls === 'global') return /\bextern\b/.test(lines[target.range.start.line] ?? '');
  let depth = 0;
  for (let line = target.range.start.line; line < Math.min(lines.length, target.range.start.line + 40); line++) {
    const from = line === target.range.start.line ? target.range.start.character : 0;
    for (const ch of lines[line].slice(from)) {
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (depth === 0 && ch === ';') return true;
      else if (depth === 0 && ch === '{') return false;
    }
  }
  return false;
}
