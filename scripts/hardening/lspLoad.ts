/**
 * Load run (issue 17): 200 concurrent definition/references/hover requests at positions users click in mm/
 * files of a real tree, 100 of them cancelled right after they are sent. Reports how the cancelled ones were
 * answered (RequestCancelled, and how fast), the latency of the rest (p50/p99/max) and the server's RSS
 * before, at peak and after, sampled from /proc. The server is spawned as an editor spawns it (LspDriver).
 *
 *   node --import tsx scripts/hardening/lspLoad.ts [--tree DIR] [--cache-dir DIR] [--requests N] [--rounds N] [--json FILE]
 *     [--profile DIR]
 *
 * Default tree: the installed linux-source-6.12. The first run builds the index in the cache folder (a warm
 * start after that). Timings are wall-clock on a shared machine: compare them within a run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultServerCommand, LspDriver, percentile, type Position } from '../../server/src/cli/bench/lspDriver';

const REQUEST_CANCELLED = -32800;
const FILES = ['mm/memory.c', 'mm/rmap.c', 'mm/huge_memory.c', 'mm/migrate_device.c', 'mm/gup.c', 'fs/dax.c'];
const METHODS = ['textDocument/definition', 'textDocument/references', 'textDocument/hover'] as const;

interface Options {
  tree: string;
  cacheDir: string;
  requests: number;
  rounds: number;
  json?: string;
  /** Folder for a CPU profile of the server (node --cpu-prof), to see where the time goes. */
  profile?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    tree: path.join(os.homedir(), '.cache', 'kernel-mm-lens', 'trees', 'linux-source-6.12'),
    cacheDir: path.join(os.tmpdir(), 'kernel-mm-lens-load-cache'),
    requests: 200,
    rounds: 3,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--tree') options.tree = value;
    else if (argv[i] === '--cache-dir') options.cacheDir = value;
    else if (argv[i] === '--requests') options.requests = Number(value);
    else if (argv[i] === '--rounds') options.rounds = Number(value);
    else if (argv[i] === '--json') options.json = value;
    else if (argv[i] === '--profile') options.profile = value;
    else throw new Error(`unknown argument ${argv[i]}`);
    i++;
  }
  return options;
}

/** Deterministic positions on identifiers (every 7th identifier of each file, as many as needed). */
function samplePositions(tree: string, count: number): Array<{ file: string; position: Position }> {
  const perFile: Array<Array<{ file: string; position: Position }>> = [];
  for (const file of FILES) {
    const absolute = path.join(tree, file);
    if (!fs.existsSync(absolute)) continue;
    const lines = fs.readFileSync(absolute, 'utf8').split('\n');
    const found: Array<{ file: string; position: Position }> = [];
    let seen = 0;
    lines.forEach((line, lineNumber) => {
      if (/^\s*(\*|\/\*|\/\/|#)/.test(line)) return;
      for (const match of line.matchAll(/\b[A-Za-z_][A-Za-z0-9_]{3,}\b/g)) {
        if (seen++ % 7 === 0) found.push({ file, position: { line: lineNumber, character: match.index + 1 } });
      }
    });
    perFile.push(found);
  }
  const out: Array<{ file: string; position: Position }> = [];
  for (let k = 0; out.length < count; k++) {
    const list = perFile[k % perFile.length];
    const pick = list[(Math.floor(k / perFile.length) * 13) % list.length];
    out.push(pick);
  }
  return out;
}

/** CPU time (user + system) the process has used, in ms: independent of how busy the machine is. */
function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

interface RoundResult {
  cancelledAsked: number;
  cancelledAnsweredCancelled: number;
  cancelledAnsweredWithResult: number;
  cancelledMaxMs: number;
  completed: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  wallMs: number;
  /** CPU the server used for the round (the machine is shared: wall times include waiting for a core). */
  serverCpuMs: number;
  /** p50/p99 of the answered requests per method, and the largest answer (JSON characters). */
  byMethod: Record<string, { count: number; p50: number; p99: number; largest: number }>;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
}

async function round(driver: LspDriver, positions: Array<{ file: string; position: Position }>): Promise<RoundResult> {
  const pid = driver.pid;
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 50);
  const started = performance.now();
  const cpuBefore = cpuMs(pid);
  const sent = positions.map(({ file, position }, k) => {
    const method = METHODS[k % METHODS.length];
    const params: Record<string, unknown> = { textDocument: { uri: driver.open(file) }, position };
    if (method === 'textDocument/references') params.context = { includeDeclaration: true };
    return { cancel: k % 2 === 1, method, ...driver.begin(method, params, 60_000) };
  });
  // Cancel every second request at once, as an editor does when the user moves on.
  for (const request of sent) if (request.cancel) driver.cancel(request.id);
  const answers = await Promise.all(sent.map((request) => request.answer));
  const wallMs = performance.now() - started;
  const serverCpuMs = cpuMs(pid) - cpuBefore;
  clearInterval(sampler);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rssAfter = rssMb(pid);
  const kept = answers.filter((_, k) => !sent[k].cancel);
  const cancelled = answers.filter((_, k) => sent[k].cancel);
  const keptMs = kept.filter((a) => !a.error).map((a) => a.ms);
  const byMethod: RoundResult['byMethod'] = {};
  for (const method of METHODS) {
    const answered = answers.filter((a, k) => !sent[k].cancel && !a.error && sent[k].method === method);
    const ms = answered.map((a) => a.ms);
    byMethod[method.replace('textDocument/', '')] = {
      count: answered.length,
      p50: percentile(ms, 50),
      p99: percentile(ms, 99),
      largest: Math.max(0, ...answered.map((a) => JSON.stringify(a.result ?? null).length)),
    };
  }
  return {
    cancelledAsked: cancelled.length,
    cancelledAnsweredCancelled: cancelled.filter((a) => a.error?.code === REQUEST_CANCELLED).length,
    cancelledAnsweredWithResult: cancelled.filter((a) => !a.error).length,
    cancelledMaxMs: Math.max(0, ...cancelled.map((a) => a.ms)),
    completed: keptMs.length,
    failed: kept.length - keptMs.length,
    p50: percentile(keptMs, 50),
    p99: percentile(keptMs, 99),
    max: Math.max(0, ...keptMs),
    wallMs,
    serverCpuMs,
    byMethod,
    rssBefore,
    rssPeak: Math.max(rssPeak, rssAfter),
    rssAfter,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!fs.existsSync(path.join(options.tree, 'mm'))) throw new Error(`${options.tree} is not a kernel tree`);
  const positions = samplePositions(options.tree, options.requests);
  const driver = await LspDriver.start({
    root: options.tree,
    cacheDir: options.cacheDir,
    timeoutMs: 1_800_000,
    settings: { genericNavigation: true },
    command: options.profile
      ? [process.execPath, '--cpu-prof', `--cpu-prof-dir=${options.profile}`, ...defaultServerCommand().slice(1)]
      : undefined,
  });
  const results: RoundResult[] = [];
  try {
    const status = await driver.waitForIndex(1_800_000);
    console.log(
      `load: index ready (${JSON.stringify(status.files ?? '?')} files) after ${((performance.now() - driver.spawnedAt) / 1000).toFixed(1)} s`,
    );
    // A warm start checks the tree in the background after 'ready': measure the load, not that.
    const idleSince = performance.now();
    for (let quick = 0; quick < 5 && performance.now() - idleSince < 180_000;) {
      const { ms } = await driver.custom('kernelMmLens/getIndexStatus');
      quick = ms < 20 ? quick + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`load: server idle after ${((performance.now() - idleSince) / 1000).toFixed(1)} s more`);
    // The files are open before the user clicks: their diagnostics (a parse and the missing-release analysis)
    // are done, and one request of each kind has loaded what is loaded lazily (catalog, data).
    const files = [...new Set(positions.map((p) => p.file))];
    const diagnosed = new Set<string>();
    driver.onNotification('textDocument/publishDiagnostics', (params) =>
      diagnosed.add((params as { uri: string }).uri),
    );
    for (const file of files) driver.open(file);
    for (const deadline = performance.now() + 60_000; performance.now() < deadline;) {
      if (files.every((file) => diagnosed.has(driver.uriOf(file)))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const method of METHODS)
      await driver.begin(
        method,
        {
          textDocument: { uri: driver.open(positions[0].file) },
          position: positions[0].position,
          context: { includeDeclaration: true },
        },
        120_000,
      ).answer;
    for (let r = 0; r < options.rounds; r++) {
      const result = await round(driver, positions);
      results.push(result);
      console.log(
        `load: round ${r + 1}: ${result.cancelledAsked} cancelled -> ${result.cancelledAnsweredCancelled} answered RequestCancelled ` +
          `(${result.cancelledAnsweredWithResult} with a result, slowest ${result.cancelledMaxMs.toFixed(0)} ms); ` +
          `${result.completed} answered (${result.failed} failed): p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms, ` +
          `max ${result.max.toFixed(0)} ms; all in ${(result.wallMs / 1000).toFixed(1)} s (server CPU ${(result.serverCpuMs / 1000).toFixed(2)} s); RSS ${result.rssBefore.toFixed(0)} -> peak ` +
          `${result.rssPeak.toFixed(0)} -> ${result.rssAfter.toFixed(0)} MB`,
      );
      for (const [method, m] of Object.entries(result.byMethod))
        console.log(
          `load:   ${method}: ${m.count} answered, p50 ${m.p50.toFixed(0)} ms, p99 ${m.p99.toFixed(0)} ms, largest answer ${(m.largest / 1e6).toFixed(1)} MB`,
        );
    }
  } finally {
    await driver.stop();
  }
  const growth = results.length > 0 ? results[results.length - 1].rssAfter - results[0].rssBefore : 0;
  console.log(`load: RSS growth over ${results.length} rounds: ${growth.toFixed(0)} MB`);
  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ options, results, growthMb: growth }, null, 2));
}

main().catch((error: unknown) => {
  console.error(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
