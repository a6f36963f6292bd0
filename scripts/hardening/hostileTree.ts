/**
 * Acceptance run (issue 17): a hostile kernel tree, built at run time in a temporary folder, then every CLI
 * command and the LSP server asked about it, each with a deadline. The tree holds FIFOs named `Makefile` and
 * `mm/x.c`, links to /dev/zero and /dev/null named as sources, symlink loops (file and folder), a dangling
 * link, a 50 MB header, invalid UTF-8, hostile file names (ANSI/OSC, bidi), files that vanish and appear while
 * indexing, and corrupt and truncated caches; then a kill -9 during the cache write and a restart.
 * Checks: every command answers before its deadline, `index` names every skipped item once with its reason
 * and counts them by reason, no raw control byte reaches the terminal, no temp file survives the restart.
 *
 *   node --import tsx scripts/hardening/hostileTree.ts [--keep]
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspDriver } from '../../server/src/cli/bench/lspDriver';

const bin = path.join(__dirname, '..', '..', 'bin', 'kernel-mm-lens.js');
const COMMAND_DEADLINE_MS = 60_000;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let problems = 0;
function problem(message: string): void {
  problems++;
  console.log(`hostile: PROBLEM ${message}`);
}

/** The skipped items `index` must name, by the file name it must mention. */
const EXPECTED_SKIPS: Record<string, string> = {
  'mm/x.c': 'fifo',
  'mm/zero.c': 'device',
  'include/linux/null.h': 'device',
  'mm/loop-a.c': 'symlink-loop',
  'mm/dangling.c': 'dangling-link',
  'include/linux/huge_generated.h': 'too-large',
  'mm/binary.c': 'binary',
};

function build(root: string): void {
  const write = (rel: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  };
  spawnSync('mkfifo', [path.join(root, 'Makefile')]);
  write(
    'mm/memory.c',
    '/**\n * do_thing - \u001b]0;pwned\u0007 does <img src=x onerror=alert(1)> things\n * @mm: \u202eevil\n */\nint do_thing(struct mm_struct *mm)\n{\n\treturn pmd_devmap(*pmd);\n}\n',
  );
  write('mm/rmap.c', '#include <linux/pfn_t.h>\nint user(void) { return do_thing(0); }\n');
  spawnSync('mkfifo', [path.join(root, 'mm', 'x.c')]);
  fs.symlinkSync('/dev/zero', path.join(root, 'mm', 'zero.c'));
  fs.mkdirSync(path.join(root, 'include', 'linux'), { recursive: true });
  fs.symlinkSync('/dev/null', path.join(root, 'include', 'linux', 'null.h'));
  fs.symlinkSync('loop-b.c', path.join(root, 'mm', 'loop-a.c'));
  fs.symlinkSync('loop-a.c', path.join(root, 'mm', 'loop-b.c'));
  fs.symlinkSync('..', path.join(root, 'mm', 'up'));
  fs.symlinkSync('nowhere.c', path.join(root, 'mm', 'dangling.c'));
  write('include/linux/huge_generated.h', Buffer.alloc(50 * 1024 * 1024, '#define A 1\n'));
  write(
    'mm/invalid_utf8.c',
    Buffer.concat([
      Buffer.from('int valid_before(void);\n'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from('\nint valid_after(void);\n'),
    ]),
  );
  write('mm/binary.c', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
  write('mm/evil\u001b[31mname\u202e.c', 'int evil_name(void) { return pmd_devmap(x); }\n');
  for (let k = 0; k < 300; k++) write(`fs/churn/f${k}.c`, `int churn_${k}(void) { return ${k}; }\n`);
}

/** Deletes and recreates files under fs/churn while something indexes. */
function churn(root: string): () => void {
  let stop = false;
  const loop = () => {
    if (stop) return;
    for (let k = 0; k < 300; k++) {
      const file = path.join(root, 'fs', 'churn', `f${k}.c`);
      try {
        if (k % 2) fs.rmSync(file, { force: true });
        else fs.writeFileSync(file, `int churn_${k}(void) { return ${k}; }\n`.repeat(1 + (k % 7)));
      } catch {
        /* racing ourselves is the point */
      }
    }
    setTimeout(loop, 5);
  };
  loop();
  return () => (stop = true);
}

async function runCli(
  name: string,
  args: string[],
  deadline = COMMAND_DEADLINE_MS,
): Promise<{ code: number | null; out: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      problem(`${name}: no answer in ${deadline / 1000} s (killed)`);
      child.kill('SIGKILL');
    }, deadline);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const bad = RAW_CONTROL.exec(out);
      if (bad) problem(`${name}: raw U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} in its terminal output`);
      // A refusal is fine when it says why: its last line is shown.
      const why = code === 0 ? '' : ` (${out.trim().split('\n').at(-1)?.slice(0, 160) ?? ''})`;
      console.log(`hostile: ${name}: exit ${code} in ${(ms / 1000).toFixed(1)} s${why}`);
      resolve({ code, out });
    });
  });
}

function tempFilesIn(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tmp|\.temp|~$|\.partial/.test(entry.name)) found.push(full);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found;
}

function cacheFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.push(full);
    }
  };
  walk(dir);
  return found;
}

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-hostile-tree-'));
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-hostile-cache-'));
  try {
    build(root);
    // 1. Index while files vanish and appear; every skipped item named once, counts by reason.
    const stopChurn = churn(root);
    const index = await runCli('index --verbose', ['index', '--verbose', '--cache-dir', cacheDir, root]);
    stopChurn();
    for (const [file, reason] of Object.entries(EXPECTED_SKIPS)) {
      const lines = index.out.split('\n').filter((line) => line.includes(file));
      if (lines.length !== 1) problem(`index: ${file} named ${lines.length} times (want once, with reason ${reason})`);
    }
    if (!/skipped .*fifo/i.test(index.out)) problem('index: no count of skipped items by reason');
    const json = await runCli('index --json', ['index', '--json', '--cache-dir', cacheDir, root]);
    try {
      const report = JSON.parse(json.out) as { skippedByReason?: Record<string, number> };
      console.log(`hostile: skipped by reason: ${JSON.stringify(report.skippedByReason)}`);
    } catch {
      problem('index --json: output is not JSON');
    }
    // 2. Every command answers.
    await runCli('lint', ['lint', root]);
    await runCli('lint --format json', ['lint', '--format', 'json', root]);
    await runCli('hover', ['hover', `${path.join(root, 'mm', 'rmap.c')}:2:28`, '--cache-dir', cacheDir]);
    await runCli('hover (kernel-doc)', ['hover', `${path.join(root, 'mm', 'memory.c')}:5:6`, '--cache-dir', cacheDir]);
    await runCli('threads', ['threads', 'pmd_devmap']);
    await runCli('threads --json', ['threads', 'pmd_devmap', '--json']);
    await runCli('diagram', ['diagram', 'device-exclusive', '--tree', root]);
    await runCli('catalog', ['catalog']);
    await runCli('notes export', ['notes', 'export', '--tree', root, '--cache-dir', cacheDir]);
    // 3. Corrupt and truncated caches: the next run notices and rebuilds.
    for (const damage of ['truncate', 'garbage'] as const) {
      for (const file of cacheFiles(cacheDir)) {
        const size = fs.statSync(file).size;
        if (damage === 'truncate') fs.truncateSync(file, Math.floor(size / 3));
        else {
          const fd = fs.openSync(file, 'r+');
          fs.writeSync(fd, Buffer.alloc(Math.min(4096, size), 0xa5), 0, Math.min(4096, size), Math.floor(size / 2));
          fs.closeSync(fd);
        }
      }
      const again = await runCli(`index after a ${damage}d cache`, ['index', '--cache-dir', cacheDir, root]);
      if (again.code !== 0) problem(`index after a ${damage}d cache: exit ${again.code}`);
    }
    // 4. LSP: the server answers on the hostile tree.
    const driver = await LspDriver.start({ root, cacheDir, timeoutMs: 20_000 });
    try {
      await driver.waitForIndex(120_000);
      for (const [name, ask] of [
        ['hover', () => driver.hover('mm/rmap.c', { line: 1, character: 28 })],
        ['definition', () => driver.definition('mm/rmap.c', { line: 1, character: 28 })],
        ['codeLens', () => driver.codeLens('mm/memory.c')],
        [
          'inlayHint',
          () => driver.inlayHint('mm/memory.c', { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }),
        ],
        ['workspaceSymbol', () => driver.workspaceSymbol('evil')],
      ] as const) {
        try {
          const { ms } = await ask();
          console.log(`hostile: lsp ${name}: ${ms.toFixed(0)} ms`);
        } catch (error) {
          problem(`lsp ${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      await driver.stop();
    }
    // 5. kill -9 during the cache write, then a restart: no temp file survives.
    const killCache = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-hostile-kill-'));
    for (const delayMs of [150, 300, 600]) {
      const child = spawn(process.execPath, [bin, 'index', '--rebuild', '--cache-dir', killCache, root], {
        stdio: 'ignore',
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
    }
    const left = tempFilesIn(killCache);
    console.log(`hostile: after kill -9: ${left.length} temp files`);
    await runCli('index after kill -9', ['index', '--cache-dir', killCache, root]);
    const survived = tempFilesIn(killCache);
    if (survived.length > 0) problem(`temp files survived the restart: ${survived.join(', ')}`);
    fs.rmSync(killCache, { recursive: true, force: true });
  } finally {
    if (!keep) {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  console.log(`hostile: ${problems === 0 ? 'all commands answered, nothing leaked' : `${problems} problems`}`);
  process.exitCode = problems === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`hostile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
