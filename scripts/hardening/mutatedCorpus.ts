/**
 * Acceptance run (issue 17): N mutated C files derived from the real mm/, fs/ and include/ files of a kernel
 * tree (default 10,000, generated into a temporary folder at run time, never committed) are indexed by the
 * CLI, then a sample of them (default 500) is exercised over LSP as an editor would: document symbols, hover,
 * inlay hints, code lens, definition and the pushed diagnostics. Counts crashes, failed requests and requests
 * slower than 5 s; prints one line per problem and a summary.
 *
 *   nice -n 10 node --import tsx scripts/hardening/mutatedCorpus.ts [--tree DIR] [--count N] [--lsp N] [--seed N] [--keep]
 *     [--generate-only]   (writes the mutated files, keeps them and stops: to reproduce one file's problem)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { percentile } from '../../server/src/cli/bench/lspDriver';
import { exerciseOverLsp, SLOW_MS, type LspTally } from './lspExercise';
import { mutate, Random } from './mutations';

interface Options {
  tree: string;
  count: number;
  lsp: number;
  seed: number;
  keep: boolean;
  generateOnly: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    tree: path.join(os.homedir(), '.cache', 'kernel-mm-lens', 'trees', 'linux-source-6.12'),
    count: 10_000,
    lsp: 500,
    seed: 17,
    keep: false,
    generateOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--keep') options.keep = true;
    else if (argv[i] === '--generate-only') options.generateOnly = options.keep = true;
    else if (argv[i] === '--tree') options.tree = argv[++i];
    else if (argv[i] === '--count') options.count = Number(argv[++i]);
    else if (argv[i] === '--lsp') options.lsp = Number(argv[++i]);
    else if (argv[i] === '--seed') options.seed = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return options;
}

function sourceFiles(tree: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(tree, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && /\.[ch]$/.test(entry.name)) out.push(child);
    }
  };
  for (const top of ['mm', 'fs', 'include']) walk(top);
  return out.sort();
}

/** Writes the mutated tree; returns its files and how often each mutation was applied. */
function generate(options: Options, out: string): { files: string[]; mutationCounts: Map<string, number> } {
  const random = new Random(options.seed);
  const sources = sourceFiles(options.tree);
  fs.writeFileSync(path.join(out, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION =\n');
  const files: string[] = [];
  const mutationCounts = new Map<string, number>();
  for (let k = 0; k < options.count; k++) {
    const source = random.pick(sources);
    const donor = fs.readFileSync(path.join(options.tree, random.pick(sources)));
    const { bytes, applied } = mutate(fs.readFileSync(path.join(options.tree, source)), donor, random);
    for (const name of applied) mutationCounts.set(name, (mutationCounts.get(name) ?? 0) + 1);
    const rel = `${source.split('/')[0]}/m${String(Math.floor(k / 1000)).padStart(2, '0')}/${String(k).padStart(5, '0')}-${path.basename(source)}`;
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), bytes);
    files.push(rel);
  }
  return { files, mutationCounts };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-mutated-tree-'));
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-mutated-cache-'));
  try {
    let started = performance.now();
    const { files, mutationCounts } = generate(options, out);
    console.log(
      `mutated: ${files.length} files written in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${options.seed}) to ${out}`,
    );
    console.log(`mutated: mutations applied: ${[...mutationCounts].map(([name, n]) => `${name} ${n}`).join(', ')}`);
    if (options.generateOnly) return;

    started = performance.now();
    const bin = path.join(__dirname, '..', '..', 'bin', 'kernel-mm-lens.js');
    const index = spawnSync(process.execPath, [bin, 'index', '--cache-dir', cacheDir, '--json', out], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 1_800_000,
    });
    const indexSeconds = (performance.now() - started) / 1000;
    if (index.status !== 0) {
      console.log(
        `index: FAILED (exit ${index.status ?? index.signal}) after ${indexSeconds.toFixed(1)} s\n${index.stderr.slice(-4000)}`,
      );
      process.exitCode = 1;
      return;
    }
    const report = JSON.parse(index.stdout) as Record<string, unknown>;
    console.log(
      `index: ok in ${indexSeconds.toFixed(1)} s: ${JSON.stringify({ files: report.files, skipped: report.skipped, skippedByReason: report.skippedByReason, peakRssMb: report.peakRssMb })}`,
    );

    const random = new Random(options.seed + 1);
    const sample = files.filter(() => random.below(files.length) < options.lsp).slice(0, options.lsp);
    const tally: LspTally = { requests: 0, slow: [], failed: [], crashes: [], times: [] };
    started = performance.now();
    await exerciseOverLsp(out, cacheDir, sample, tally);
    if (tally.startup)
      console.log(
        `lsp: warm start on the corpus cache: index ready ${(tally.startup.indexReadyMs / 1000).toFixed(1)} s, ` +
          `first answer ${(tally.startup.firstAnswerMs / 1000).toFixed(1)} s after spawn`,
      );
    for (const slow of tally.slow) console.log(`lsp: SLOW ${slow.method} ${slow.file} ${slow.ms.toFixed(0)} ms`);
    for (const failed of tally.failed.slice(0, 50))
      console.log(`lsp: FAILED ${failed.method} ${failed.file}: ${failed.error}`);
    console.log(
      `lsp: ${sample.length} files, ${tally.requests} requests in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `${tally.crashes.length} crashes, ${tally.failed.length} failed, ${tally.slow.length} over ${SLOW_MS / 1000} s; ` +
        `p50 ${percentile(tally.times, 50).toFixed(0)} ms, p99 ${percentile(tally.times, 99).toFixed(0)} ms, max ${Math.max(0, ...tally.times).toFixed(0)} ms; ` +
        `load ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join('/')}`,
    );
    if (tally.crashes.length + tally.failed.length + tally.slow.length > 0) process.exitCode = 1;
  } finally {
    if (!options.keep) {
      fs.rmSync(out, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(`mutated: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
