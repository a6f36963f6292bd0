/**
 * The editor's requests on a few large files (issue 17), to see where a server spends its time on them and to
 * compare two builds in one run: for each file, the requests of lspExercise.ts and the server's CPU time while
 * they ran (load-independent, unlike the latencies on a shared machine).
 *
 *   node --import tsx scripts/hardening/largeDocuments.ts --root TREE [--server BIN]... [FILE...]
 *
 * TREE holds the files (a top-level Makefile makes it a kernel tree); FILE defaults to every .c/.h under it. Each
 * --server is a bin/kernel-mm-lens.js (default: this checkout's); with several, they run one after the other on
 * the same files, alternating twice.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { percentile } from '../../server/src/cli/bench/lspDriver';
import { exerciseOverLsp, SLOW_MS, type LspTally } from './lspExercise';

function filesUnder(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(root, child));
    else if (/\.[ch]$/.test(entry.name)) out.push(child);
  }
  return out.sort();
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let root = '';
  const servers: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = argv[++i];
    else if (argv[i] === '--server') servers.push(path.resolve(argv[++i]));
    else files.push(argv[i]);
  }
  if (!root) throw new Error('--root TREE is required');
  if (files.length === 0) files.push(...filesUnder(root));
  if (servers.length === 0) servers.push(path.join(__dirname, '..', '..', 'bin', 'kernel-mm-lens.js'));
  const rounds = servers.length > 1 ? [...servers, ...servers] : servers;
  for (const server of rounds) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-large-docs-'));
    const tally: LspTally = { requests: 0, slow: [], failed: [], crashes: [], times: [] };
    const started = performance.now();
    try {
      await exerciseOverLsp(root, cacheDir, files, tally, { command: [process.execPath, server, 'lsp', '--stdio'] });
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
    const cpu = (tally.perFile ?? []).reduce((sum, f) => sum + f.cpuMs, 0);
    console.log(
      `large: ${server}: ${files.length} files, ${tally.requests} requests in ${((performance.now() - started) / 1000).toFixed(1)} s, ` +
        `server CPU ${(cpu / 1000).toFixed(2)} s; ${tally.crashes.length} crashes, ${tally.failed.length} failed, ` +
        `${tally.slow.length} over ${SLOW_MS / 1000} s; p50 ${percentile(tally.times, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(tally.times, 99).toFixed(0)} ms, max ${Math.max(0, ...tally.times).toFixed(0)} ms; ` +
        `start to first answer ${((tally.startup?.firstAnswerMs ?? 0) / 1000).toFixed(1)} s; load ${os.loadavg()[0].toFixed(1)}`,
    );
    for (const f of tally.perFile ?? [])
      console.log(
        `large:   ${f.file}: CPU ${f.cpuMs.toFixed(0)} ms, slowest ${f.slowestMethod} ${f.slowestMs.toFixed(0)} ms`,
      );
  }
}

main().catch((error: unknown) => {
  console.error(`large: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
