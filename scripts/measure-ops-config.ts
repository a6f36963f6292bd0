/**
 * Issue 24 measurements on a real tree with an index cache already built (one `kernel-mm-lens index` run):
 *   1. editor warm start (spawn to the first correct definition, median of 3) and p50/p99 of hover, definition,
 *      call hierarchy and workspace symbols, without a configuration and with one (ops tables are always on), in
 *      the same run, so that the two can be read as a ratio on a loaded machine;
 *   2. the call hierarchy of the editor against `kernel-mm-lens calls --json` for a few names (the same edges).
 * Run: node --import tsx scripts/measure-ops-config.ts --root TREE --cache-dir DIR [--config FILE] [--samples N]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspDriver, editorWarmStart, median, percentile, pathOfUri } from '../server/src/cli/bench/lspDriver';

const argv = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const root = path.resolve(option('root')!);
const cacheDir = path.resolve(option('cache-dir')!);
const config = option('config', '/usr/src/linux-config-6.12/config.amd64_none_amd64.xz')!;
const samples = Number(option('samples', '40'));
const repo = path.join(__dirname, '..');
const command = [process.execPath, path.join(repo, 'dist', 'server.js'), 'lsp', '--stdio'];
const FILES = ['mm/memory.c', 'mm/rmap.c', 'mm/migrate_device.c', 'mm/hmm.c', 'lib/test_hmm.c', 'fs/dax.c'];
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Call positions `name(` in a file, spread over it. */
function callPositions(file: string, count: number) {
  const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
  const all: Array<{ line: number; character: number; name: string }> = [];
  lines.forEach((text, line) => {
    if (/^\s*(\*|\/\/|#)/.test(text)) return;
    for (const m of text.matchAll(/\b([a-z_][a-z0-9_]{3,})\s*\(/g))
      if (!/^(if|for|while|switch|return|sizeof)$/.test(m[1])) all.push({ line, character: m.index + 1, name: m[1] });
  });
  const step = Math.max(1, Math.floor(all.length / count));
  return all.filter((_, k) => k % step === 0).slice(0, count);
}

function summary(values: number[]) {
  return { n: values.length, p50: Math.round(median(values)), p99: Math.round(percentile(values, 99)) };
}

async function latencies(settings: Record<string, unknown>) {
  const driver = await LspDriver.start({ root, cacheDir, settings, command, timeoutMs: 300_000 });
  const times: Record<string, number[]> = {
    hover: [],
    definition: [],
    prepare: [],
    outgoing: [],
    incoming: [],
    symbols: [],
  };
  try {
    await driver.waitForIndex(1_800_000);
    for (const file of FILES) {
      driver.open(file);
      for (const at of callPositions(file, Math.ceil(samples / FILES.length))) {
        const position = { line: at.line, character: at.character };
        times.hover.push((await driver.hover(file, position)).ms);
        times.definition.push((await driver.definition(file, position)).ms);
      }
    }
    for (const [file, name] of [
      ['mm/memory.c', 'do_swap_page'],
      ['mm/memory.c', '__do_fault'],
      ['lib/test_hmm.c', 'dmirror_devmem_fault'],
      ['mm/hmm.c', 'hmm_range_fault'],
      ['fs/dax.c', 'dax_iomap_fault'],
    ]) {
      const item = await prepare(driver, file, name, times);
      if (!item) continue;
      times.outgoing.push((await driver.outgoingCalls(item)).ms);
      times.incoming.push((await driver.incomingCalls(item)).ms);
    }
    for (const query of ['migrate_to_ram', 'folio_walk_start', 'do_swap', 'memremap_pages', 'hmm_range'])
      times.symbols.push((await driver.workspaceSymbol(query)).ms);
  } finally {
    await driver.stop(60_000);
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, summary(v)]));
}

async function prepare(driver: LspDriver, file: string, name: string, times?: Record<string, number[]>) {
  const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => new RegExp(`^\\S.*\\b${name}\\(`).test(l));
  if (line < 0) return undefined;
  driver.open(file);
  const answer = await driver.prepareCallHierarchy(file, { line, character: lines[line].indexOf(name) + 1 });
  times?.prepare.push(answer.ms);
  return answer.result?.[0];
}

interface WireItem {
  name: string;
  uri: string;
  detail?: string;
  selectionRange: { start: { line: number } };
}
interface WireCall {
  from?: WireItem;
  to?: WireItem;
  fromRanges: Array<{ start: { line: number } }>;
}
interface CliCall {
  function: { name: string; file: string; line: number };
  via?: string;
  inactive?: string;
  calls: Array<{ line: number }>;
}

/** One edge as both surfaces say it. */
const edge = (name: string, file: string, line: number, via: string | undefined, inactive: boolean, sites: number[]) =>
  `${name} ${file}:${line} ${via ?? 'direct'}${inactive ? ' inactive' : ''} at ${sites.join(',')}`;

async function parity(settings: Record<string, unknown>) {
  const cases: Array<[string, string, 'incoming' | 'outgoing']> = [
    ['mm/memory.c', 'do_swap_page', 'outgoing'],
    ['lib/test_hmm.c', 'dmirror_devmem_fault', 'incoming'],
    ['drivers/gpu/drm/nouveau/nouveau_dmem.c', 'nouveau_dmem_migrate_to_ram', 'incoming'],
    ['mm/hmm.c', 'hmm_range_fault', 'incoming'],
    ['fs/dax.c', 'dax_iomap_fault', 'outgoing'],
  ];
  const driver = await LspDriver.start({ root, cacheDir, settings, command, timeoutMs: 300_000 });
  const results: Array<Record<string, unknown>> = [];
  try {
    await driver.waitForIndex(1_800_000);
    for (const [file, name, direction] of cases) {
      const item = await prepare(driver, file, name);
      if (!item) {
        results.push({ name, direction, problem: 'no item' });
        continue;
      }
      const answer = direction === 'incoming' ? await driver.incomingCalls(item) : await driver.outgoingCalls(item);
      const lsp = ((answer.result as WireCall[] | null) ?? []).map((call) => {
        const target = (direction === 'incoming' ? call.from : call.to)!;
        return edge(
          target.name,
          path.relative(root, pathOfUri(target.uri)),
          target.selectionRange.start.line + 1,
          /via (\S+)/.exec(target.detail ?? '')?.[1],
          /^inactive: /.test(target.detail ?? ''),
          call.fromRanges.map((r) => r.start.line + 1),
        );
      });
      const cliArgs = ['calls', name, '--root', root, '--cache-dir', cacheDir, '--json', '--file', file];
      if (typeof settings.kernelConfig === 'string') cliArgs.push('--config', settings.kernelConfig);
      if (direction === 'outgoing') cliArgs.push('--outgoing');
      const started = Date.now();
      const run = spawnSync(process.execPath, [path.join(repo, 'dist', 'server.js'), ...cliArgs], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const cli =
        run.status === 0
          ? (JSON.parse(run.stdout) as { calls: CliCall[] }).calls.map((c) =>
              edge(
                c.function.name,
                c.function.file,
                c.function.line,
                c.via,
                !!c.inactive,
                c.calls.map((site) => site.line),
              ),
            )
          : [`cli failed: ${run.stderr.slice(0, 300)}`];
      const same = JSON.stringify(lsp) === JSON.stringify(cli);
      results.push({
        name,
        direction,
        edges: lsp.length,
        indirect: lsp.filter((e) => !/ direct/.test(e)).length,
        inactive: lsp.filter((e) => / inactive/.test(e)).length,
        same,
        cliMs: Date.now() - started,
        lspMs: Math.round(answer.ms),
        ...(same ? {} : { onlyLsp: lsp.filter((e) => !cli.includes(e)), onlyCli: cli.filter((e) => !lsp.includes(e)) }),
        sample: lsp.filter((e) => !/ direct/.test(e)).slice(0, 6),
      });
    }
  } finally {
    await driver.stop(60_000);
  }
  return results;
}

async function main() {
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  const report: Record<string, unknown> = { root, config, samples, loadBefore: load() };
  for (const [label, settings] of [
    ['all configurations', { kernelConfig: 'all' }],
    ['configuration', { kernelConfig: config }],
  ] as const) {
    log(`${label}: warm start`);
    const warm = await editorWarmStart({ root, cacheDir, settings: { ...settings }, command, runs: 3 });
    log(`${label}: latencies`);
    report[label] = {
      warmStartMs: Math.round(warm.median),
      warmRuns: warm.runs.map(Math.round),
      latencies: await latencies({ ...settings }),
      load: load(),
    };
    log(`${label}: ${JSON.stringify(report[label])}`);
  }
  log('parity: editor call hierarchy vs kernel-mm-lens calls (configuration on)');
  report.parity = await parity({ kernelConfig: config });
  report.loadAfter = load();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
