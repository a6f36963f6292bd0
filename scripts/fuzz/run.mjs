#!/usr/bin/env node
// Coverage-guided fuzzing of the parsers and renderers with Jazzer.js (libFuzzer in-process, edge coverage
// and comparison feedback from its Babel instrumentation). `npm run fuzz` runs every target for a fixed time;
// `--smoke` is the short seeded run that npm test makes (fixed seed and run count, so it is repeatable).
//
//   node scripts/fuzz/run.mjs [--seconds N] [--runs N] [--seed N] [--smoke] [TARGET...]
//
// Targets are test/fuzz/targets/<name>.ts (each exports fuzz(data: Buffer)); seeds are hand-written files in
// test/fixtures/fuzz/<name>/seeds/. Each target is bundled with esbuild into test/artifacts/fuzz/ (git-ignored)
// so Jazzer instruments our code and the parsers it calls in one file. A full run keeps its growing corpus in
// test/artifacts/fuzz/corpus/<name>/ (never committed); a crash or timeout input is copied to
// test/fixtures/fuzz/<name>/regressions/, where test/fuzz/replay.test.ts replays it in every npm test from
// then on: minimise it (see README), fix the bug, commit the input with the fix.
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareJazzer } from './jazzerCompat.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const targetsDir = join(root, 'test', 'fuzz', 'targets');
const fixturesDir = join(root, 'test', 'fixtures', 'fuzz');
const workDir = join(root, 'test', 'artifacts', 'fuzz');

/** Per-target input size limit (libFuzzer -max_len): C files get room for nesting and long lines. */
const MAX_LEN = { cExtractor: 65536, lintScanner: 32768, mailParser: 65536 };
const DEFAULT_MAX_LEN = 16384;

function parseArgs(argv) {
  const options = { seconds: 120, runs: 0, seed: 0, smoke: false, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') options.smoke = true;
    else if (arg === '--seconds') options.seconds = Number(argv[++i]);
    else if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--seed') options.seed = Number(argv[++i]);
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.targets.push(arg);
  }
  if (options.smoke) {
    // Repeatable: the same seed and number of inputs every time; the time is only a ceiling.
    // Jazzer instruments each bundle first (40 s and more per target on a loaded 2-core machine), so the run
    // itself stays short: 3,000 inputs and 30 s each made the four targets hit the test's 300 s limit under load.
    options.seed ||= 1;
    options.runs ||= 1000;
    options.seconds = Math.min(options.seconds, 15);
  }
  return options;
}

export function allTargets() {
  return readdirSync(targetsDir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => basename(name, '.ts'))
    .sort();
}

async function bundle(target) {
  mkdirSync(workDir, { recursive: true });
  const outfile = join(workDir, `${target}.cjs`);
  await esbuild.build({
    entryPoints: [join(targetsDir, `${target}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
    mainFields: ['main', 'module'],
  });
  return outfile;
}

/** Runs Jazzer on one target; resolves to { target, ok, seconds, crash?, summary }. */
function fuzzTarget(target, bundled, env, options) {
  const seeds = join(fixturesDir, target, 'seeds');
  // The working corpus: a temporary copy of the seeds for a smoke run, a kept folder for full runs.
  const corpus = options.smoke ? mkdtempSync(join(tmpdir(), `kmml-fuzz-${target}-`)) : join(workDir, 'corpus', target);
  mkdirSync(corpus, { recursive: true });
  if (existsSync(seeds)) cpSync(seeds, corpus, { recursive: true });
  const artifacts = mkdtempSync(join(tmpdir(), `kmml-fuzz-artifacts-${target}-`));
  const libFuzzer = [
    `-max_total_time=${options.seconds}`,
    `-max_len=${MAX_LEN[target] ?? DEFAULT_MAX_LEN}`,
    `-artifact_prefix=${artifacts}/`,
    '-rss_limit_mb=2048',
    '-print_final_stats=1',
  ];
  if (options.runs) libFuzzer.push(`-runs=${options.runs}`);
  if (options.seed) libFuzzer.push(`-seed=${options.seed}`);
  const jazzer = join(dirname(require.resolve('@jazzer.js/core/package.json')), 'dist', 'cli.js');
  const args = [jazzer, bundled, corpus, '--sync', '--timeout=10000', '--', ...libFuzzer];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output += chunk.toString('utf8');
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code, signal) => {
      const seconds = (Date.now() - started) / 1000;
      const found = readdirSync(artifacts).filter((name) => /^(crash|timeout|oom|leak)-/.test(name));
      let crash;
      if (found.length > 0) {
        const regressions = join(fixturesDir, target, 'regressions');
        mkdirSync(regressions, { recursive: true });
        crash = join(regressions, found[0]);
        copyFileSync(join(artifacts, found[0]), crash);
      }
      rmSync(artifacts, { recursive: true, force: true });
      if (options.smoke) rmSync(corpus, { recursive: true, force: true });
      const stats = /stat::number_of_executed_units:\s*(\d+)/.exec(output)?.[1];
      const coverage = [...output.matchAll(/cov: (\d+) ft: (\d+)/g)].at(-1);
      const summary = `${stats ?? '?'} inputs, ${seconds.toFixed(1)} s${coverage ? `, cov ${coverage[1]} ft ${coverage[2]}` : ''}`;
      const ok = !crash && code === 0;
      resolve({ target, ok, seconds, crash, summary, output: ok ? '' : output.slice(-6000), code: code ?? signal });
    });
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const targets = options.targets.length > 0 ? options.targets : allTargets();
  for (const target of targets)
    if (!existsSync(join(targetsDir, `${target}.ts`))) throw new Error(`no fuzz target ${target}`);
  const jazzer = prepareJazzer(root);
  if (!jazzer.ok) {
    console.log(`fuzz: Jazzer.js cannot run here: ${jazzer.reason}`);
    process.exit(options.smoke ? 3 : 1);
  }
  console.log(
    `fuzz: ${jazzer.note}; ${targets.length} targets, ${options.smoke ? `seed ${options.seed}, ${options.runs} inputs each` : `${options.seconds} s each`}`,
  );
  let failed = 0;
  for (const target of targets) {
    const bundled = await bundle(target);
    const result = await fuzzTarget(target, bundled, jazzer.env, options);
    console.log(`fuzz: ${target}: ${result.ok ? 'ok' : 'FAILED'} (${result.summary})`);
    if (!result.ok) {
      failed++;
      console.log(result.output);
      if (result.crash) {
        const bytes = readFileSync(result.crash);
        console.log(
          `fuzz: ${target}: input saved as ${result.crash} (${bytes.length} bytes, base64 ${bytes.toString('base64').slice(0, 400)})`,
        );
      }
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`fuzz: ${error.stack ?? error}`);
    process.exit(1);
  });
}
