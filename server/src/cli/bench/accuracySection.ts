import * as fs from 'fs';
import * as path from 'path';
import type { OptionSpec, ParsedArgs } from '../args';
import { runNavigationAccuracy, type AccuracyReport } from './navigationAccuracy';
import { formatAccuracyReport } from './accuracyReport';
import { benchCacheRoot } from './treeFiles';

/**
 * The "navigation accuracy" section of `kernel-mm-lens bench` and its "editor warm start" line: the options the
 * bench command accepts for it, and one call that runs it and returns what the bench prints and writes to JSON.
 */
export const accuracyOptions: Record<string, OptionSpec> = {
  'skip-accuracy': { help: 'Leave out the navigation-accuracy section and the editor warm start.' },
  'accuracy-only': {
    help: 'Only the navigation-accuracy section and the editor warm start (our index cached in ~/.cache/kernel-mm-lens/bench-accuracy-index).',
  },
  seed: { value: true, help: 'Seed of the accuracy samples: clicked positions and names (default 1).' },
  'index-cache': {
    value: true,
    help: 'Our index cache for --accuracy-only (default ~/.cache/kernel-mm-lens/bench-accuracy-index); one per build you compare.',
  },
  'skip-clangd': { help: 'Leave out the first-definition agreement with clangd.' },
  'workspace-symbols-only': {
    help: 'Of the accuracy section, only workspace symbols of the name sample (top-5 and latency over LSP; needs the ctags file of an earlier run).',
  },
  'skip-peers': { help: 'Leave out the name sample (ctags), GNU global and cscope.' },
  'kernel-config': {
    value: true,
    help: "Our server's kernelConfig during the accuracy run: a configuration file or 'all' (default: the clangd build's .config).",
  },
};

/** One row of the bench's main table: measure, ours, peer, ratio, target. */
export type BenchRow = [string, string, string, string, string];

export interface AccuracySection {
  report: AccuracyReport;
  /** The section's tables, printed after the bench's main table. */
  text: string;
  /** Rows for the bench's main table (the headline figures and the editor warm start). */
  rows: BenchRow[];
}

/** The persistent index cache of `--accuracy-only` runs (the full bench uses its own fresh cache). */
export function accuracyIndexCache(args?: ParsedArgs): string {
  const given = args?.options['index-cache'];
  return typeof given === 'string' ? path.resolve(given) : path.join(benchCacheRoot(), 'bench-accuracy-index');
}

export async function runAccuracySection(
  root: string,
  cacheDir: string,
  args: ParsedArgs,
  say: (line: string) => void,
): Promise<AccuracySection> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const seed = typeof args.options.seed === 'string' ? Number(args.options.seed) : 1;
  if (!Number.isInteger(seed)) throw new Error(`--seed wants an integer, not ${String(args.options.seed)}`);
  const report = await runNavigationAccuracy({
    root,
    cacheDir,
    seed,
    skipClangd: args.options['skip-clangd'] === true,
    skipPeers: args.options['skip-peers'] === true,
    workspaceSymbolsOnly: args.options['workspace-symbols-only'] === true,
    kernelConfig: typeof args.options['kernel-config'] === 'string' ? args.options['kernel-config'] : undefined,
    log: (line) => say(`bench: ${line}`),
  });
  return { report, text: formatAccuracyReport(report), rows: headlineRows(report) };
}

export function headlineRows(report: AccuracyReport): BenchRow[] {
  const rows: BenchRow[] = [];
  const pct = (hit: number, total: number) => (total > 0 ? `${((100 * hit) / total).toFixed(1)}%` : '-');
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  if (report.clangd?.asUsersClick) {
    const first = report.clangd.asUsersClick.firstRight;
    rows.push([
      'first definition = clangd, as users click',
      `${(100 * first).toFixed(1)}%`,
      'clangd',
      '-',
      'see navigation accuracy',
    ]);
  }
  const names = report.names;
  if (names) {
    const refs = names.references.ours;
    if (!report.workspaceSymbolsOnly)
      rows.push([
        'references recall / precision (token truth)',
        `${(refs.recall.hit / Math.max(1, refs.recall.total)).toFixed(4)} / ${(refs.precision.hit / Math.max(1, refs.precision.total)).toFixed(4)}`,
        'token truth',
        '-',
        `>= 0.997 / 0.999: ${verdict(refs.recall.hit >= 0.997 * refs.recall.total && refs.precision.hit >= 0.999 * refs.precision.total)}`,
      ]);
    const found = names.definitions.ours.found;
    const first = names.definitions.ours.firstRightKind;
    if (!report.workspaceSymbolsOnly)
      rows.push([
        'definition found / first of right kind',
        `${pct(found.hit, found.total)} / ${pct(first.hit, first.total)}`,
        names.definitions.cscope
          ? `cscope ${pct(names.definitions.cscope.found.hit, names.definitions.cscope.found.total)}`
          : '-',
        '-',
        `>= 99.5% / 98%: ${verdict(found.hit >= 0.995 * found.total && first.hit >= 0.98 * first.total)}`,
      ]);
    const ws = names.workspaceSymbol;
    rows.push([
      'workspace symbol top-5 (exact / initials)',
      `${pct(ws.exact.hit, ws.exact.total)} / ${pct(ws.fuzzy.hit, ws.fuzzy.total)}`,
      '-',
      '-',
      `>= 95% incl. initials: ${verdict(ws.exact.hit >= 0.95 * ws.exact.total && ws.fuzzy.hit >= 0.95 * ws.fuzzy.total)}`,
    ]);
    if (names.incomingCalls?.kvfreeMs !== undefined)
      rows.push([
        'incoming calls of kvfree (ms)',
        names.incomingCalls.kvfreeMs.toFixed(0),
        '-',
        '-',
        `<= 100 ms: ${verdict(names.incomingCalls.kvfreeMs <= 100)}`,
      ]);
  }
  const locals = report.clangd?.byClass;
  const scoped = report.clangd?.scopedReferences;
  if (locals && scoped) {
    const n = (locals.local?.n ?? 0) + (locals.parameter?.n ?? 0);
    const only = (locals.local?.only ?? 0) + (locals.parameter?.only ?? 0);
    const inScope = (scoped.local?.inScope ?? 0) + (scoped.parameter?.inScope ?? 0);
    const withScope = (scoped.local?.withScope ?? 0) + (scoped.parameter?.withScope ?? 0);
    rows.push([
      'locals+params: only the declaration / refs in function',
      `${pct(only, n)} / ${pct(inScope, withScope)}`,
      'clangd',
      '-',
      `>= 95%: ${verdict(only >= 0.95 * n && inScope >= 0.95 * withScope)}`,
    ]);
  }
  const semantics = report.semantics;
  if (semantics) {
    const probes = semantics.probes.filter((p) => p.ok).length;
    rows.push([
      'issue 18 probes (local folio, fw.page, fw. completion, sig. help)',
      `${probes}/${semantics.probes.length}`,
      '-',
      '-',
      verdict(probes === semantics.probes.length && probes > 0),
    ]);
    const p99 = Math.max(
      ...['textDocument/completion', 'textDocument/signatureHelp'].map((m) => semantics.latency[m]?.p99 ?? NaN),
    );
    if (Number.isFinite(p99))
      rows.push(['completion / signature help p99 (ms)', p99.toFixed(1), '-', '-', `<= 50 ms: ${verdict(p99 <= 50)}`]);
  }
  if (report.warmStart) {
    const seconds = report.warmStart.median / 1000;
    rows.push([
      `editor warm start (s, median of ${report.warmStart.runs.length})`,
      seconds.toFixed(2),
      '-',
      '-',
      `<= 2 s: ${verdict(seconds <= 2)}`,
    ]);
  }
  return rows;
}
