/**
 * Acceptance run (issue 17): kill -9 during the index cache write of a real tree, then a warm start over LSP.
 * In one run, on a fresh cache folder: a complete cold index (CLI); a warm start over LSP timed to its first
 * definition (the baseline); `index --rebuild` killed with SIGKILL while its temporaries are being written
 * (polled every 20 ms, killed 300 ms after the index temporary appears or the occurrence store's passes 50 MB); the debris counted; a warm start over LSP
 * timed to its first definition again; the debris counted once more. Prints the two warm starts as a ratio
 * (wall-clock on a shared machine: only the same-run ratio means something).
 *
 *   nice -n 10 node --import tsx scripts/hardening/crashRestart.ts [--tree DIR] [--keep]
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspDriver, type Position } from '../../server/src/cli/bench/lspDriver';

const bin = path.join(__dirname, '..', '..', 'bin', 'kernel-mm-lens.js');
const TEMPORARY = /\.\d+(?:\.[A-Za-z0-9]+)?\.tmp$/;
const FILE = 'mm/memory.c';
const CALLEE = 'vm_normal_page';

function temporaries(dir: string): Array<{ file: string; bytes: number }> {
  const out: Array<{ file: string; bytes: number }> = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (TEMPORARY.test(entry.name)) out.push({ file: path.relative(dir, full), bytes: fs.statSync(full).size });
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

function describe(list: Array<{ bytes: number }>): string {
  const mb = list.reduce((sum, item) => sum + item.bytes, 0) / 1e6;
  return `${list.length} temp files, ${mb.toFixed(1)} MB`;
}

/** A call of CALLEE in FILE (not its definition line): where a user would press F12. */
function callSite(tree: string): Position {
  const lines = fs.readFileSync(path.join(tree, FILE), 'utf8').split('\n');
  for (let line = 0; line < lines.length; line++) {
    const at = lines[line].indexOf(`${CALLEE}(`);
    if (at > 0 && /[=(]\s*$/.test(lines[line].slice(0, at))) return { line, character: at + 2 };
  }
  throw new Error(`no call of ${CALLEE} in ${FILE}`);
}

async function firstDefinition(tree: string, cacheDir: string, at: Position): Promise<{ ms: number; found: boolean }> {
  const started = performance.now();
  const driver = await LspDriver.start({ root: tree, cacheDir, timeoutMs: 600_000 });
  try {
    const { result } = await driver.definition(FILE, at);
    const found = Array.isArray(result) ? result.length > 0 : Boolean(result);
    return { ms: performance.now() - started, found };
  } finally {
    await driver.stop();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const treeArg = args.indexOf('--tree');
  const tree =
    treeArg >= 0
      ? args[treeArg + 1]
      : path.join(os.homedir(), '.cache', 'kernel-mm-lens', 'trees', 'linux-source-6.12');
  const keep = args.includes('--keep');
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-crash-restart-'));
  try {
    const at = callSite(tree);
    let started = performance.now();
    const cold = spawnSync(process.execPath, [bin, 'index', '--cache-dir', cacheDir, tree], { encoding: 'utf8' });
    if (cold.status !== 0) throw new Error(`cold index failed: ${cold.stderr}`);
    console.log(`crash: cold index ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const baseline = await firstDefinition(tree, cacheDir, at);
    console.log(
      `crash: warm start to first definition (no crash): ${baseline.ms.toFixed(0)} ms, found ${baseline.found}`,
    );

    started = performance.now();
    const child = spawn(process.execPath, [bin, 'index', '--rebuild', '--cache-dir', cacheDir, tree], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('close', resolve));
    let killedWhile = 'before any temporary appeared (the rebuild ended first)';
    for (;;) {
      if (child.exitCode !== null) break;
      // Killed while the cache is really being written: the index temporary exists, or the occurrence store's has
      // grown past 50 MB (it is opened at the start of the build and filled as files are extracted).
      const seen = temporaries(cacheDir);
      if (seen.some((t) => /index\.bin\./.test(t.file) || t.bytes > 50e6)) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        killedWhile = `writing ${temporaries(cacheDir)
          .map((t) => t.file)
          .join(', ')}`;
        child.kill('SIGKILL');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await exited;
    console.log(
      `crash: kill -9 after ${((performance.now() - started) / 1000).toFixed(1)} s, ${killedWhile}; left: ${describe(temporaries(cacheDir))}`,
    );
    const after = await firstDefinition(tree, cacheDir, at);
    console.log(
      `crash: warm start to first definition after the kill: ${after.ms.toFixed(0)} ms, found ${after.found}`,
    );
    console.log(`crash: after the restart: ${describe(temporaries(cacheDir))}`);
    console.log(`crash: after-kill / no-crash warm start = ${(after.ms / baseline.ms).toFixed(2)}`);
  } finally {
    if (!keep) fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
