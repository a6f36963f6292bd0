#!/usr/bin/env node
// npm run bench:editor — the editor's start-up on a real kernel tree, measured in a real VS Code (code-server 1.100)
// next to the command line in the same run (issue 21):
//   1. `kernel-mm-lens index --rebuild` from the installed extension's own bundle (the CLI cold index);
//   2. the same tree opened in code-server with an empty extension storage: from the moment the extension shows
//      its status item to "index ready" (the editor cold index), with the status bar sampled every 250 ms
//      (how many progress items show at once, how long "100%" stays);
//   3. a window reload (warm cache): status ready and go to definition of folio_walk_start from mm/ksm.c;
//   4. "Restart Server": what the status bar says while the server restarts.
// Prints one line per measure and `EDITOR_STARTUP {json}`; screenshots and results.json go to
// test/artifacts/startup/. Timings on a shared machine are noisy: read them as same-run ratios.
//
// Options: --tree DIR (default: the installed 6.12 tree), --vsix FILE, --no-build, --keep, --skip-cli,
//          --cli-rounds N (default 2: one before and one after the editor, ratio against their mean),
//          --timeout SEC (default 1200)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Harness, e2eCacheDir, loadPlaywright, sleep, waitFor } from './harness.mjs';
import { Workbench } from './workbench.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts', 'startup');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const tree = path.resolve(
  value('--tree') ??
    path.join(
      process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
      'kernel-mm-lens/trees/linux-source-6.12',
    ),
);
const overallSec = Number(value('--timeout') ?? 1200);
const cliRounds = flag('--skip-cli') ? 0 : Number(value('--cli-rounds') ?? 2);
const T0 = Date.now();
const log = (...m) => console.error(`[startup ${String(Math.round((Date.now() - T0) / 1000)).padStart(4)}s]`, ...m);

if (!fs.existsSync(path.join(tree, 'mm', 'ksm.c'))) {
  console.log(`editor start-up skipped: no kernel tree at ${tree} (bash scripts/install-kernel-trees.sh 6.12)`);
  process.exit(0);
}
const cache = e2eCacheDir();
const codeServer = path.join(cache, 'code-server', 'node_modules', '.bin', 'code-server');
const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';
const playwright = loadPlaywright(cache);
if (!fs.existsSync(codeServer) || !fs.existsSync(chromiumBin) || !playwright) {
  console.log(
    'editor start-up skipped: code-server, chromium or playwright-core missing (bash scripts/install-e2e.sh)',
  );
  process.exit(0);
}
fs.mkdirSync(ARTIFACTS, { recursive: true });
for (const old of fs.readdirSync(ARTIFACTS)) if (old.endsWith('.png')) fs.rmSync(path.join(ARTIFACTS, old));

let vsix = value('--vsix');
if (!vsix) {
  vsix = path.join(ARTIFACTS, 'kernel-mm-lens-startup.vsix');
  log('packaging the extension (production bundles)');
  const r = spawnSync(
    'bash',
    [path.join(ROOT, 'scripts/package.sh'), ...(flag('--no-build') ? ['--no-build'] : []), '-o', vsix],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(2);
  }
}

const harness = new Harness({ codeServer, chromium: chromiumBin, playwright, log, keep: flag('--keep') });
const result = { tree, cores: os.availableParallelism?.() ?? os.cpus().length, cli: [], notes: [] };
let shotNo = 0;
async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, timeout: 10_000 }).catch((e) => log(`screenshot ${name} failed: ${e.message}`));
  return path.relative(ROOT, file);
}

/** `kernel-mm-lens index --rebuild` with the bundle the extension runs; wall time in ms and the JSON it prints. */
function cliColdIndex(serverJs, cacheDir) {
  fs.rmSync(cacheDir, { recursive: true, force: true });
  spawnSync('sync');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [serverJs, 'index', '--rebuild', '--json', '--cache-dir', cacheDir, tree], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      fs.rmSync(cacheDir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`kernel-mm-lens index exited ${code}`));
      try {
        const stats = JSON.parse(out);
        resolve({ ms, seconds: stats.seconds, files: stats.files });
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** Status-bar texts that belong to us: our item and any progress item the language client shows for the server. */
async function ourStatusItems(wb) {
  const all = await wb.statusBarTexts();
  return all.filter((t) => /MM Lens/.test(t) || /indexing|Kernel MM Lens/i.test(t));
}
const isReady = (t) => /MM Lens[^|]*· [\d.]+[kM]? files/.test(t);

/** Samples the status bar every 250 ms until the ready item shows; returns the timeline. */
async function watchUntilReady(page, wb, label, timeoutMs) {
  const timeline = [];
  const start = performance.now();
  let firstSeen;
  let shotIndexing = false;
  let shotFull = false;
  for (;;) {
    const items = await ourStatusItems(wb);
    const t = performance.now() - start;
    if (items.length && firstSeen === undefined) firstSeen = t;
    const last = timeline[timeline.length - 1];
    const key = JSON.stringify(items);
    if (!last || last.key !== key) timeline.push({ t: Math.round(t), key, items });
    if (!shotIndexing && items.some((i) => /indexing \d+%/.test(i))) {
      shotIndexing = true;
      await shot(page, `${label}-indexing`);
    }
    if (!shotFull && items.some((i) => /100%/.test(i))) {
      shotFull = true;
      await shot(page, `${label}-100-percent`);
    }
    if (items.some(isReady)) return { readyAt: t, firstSeen: firstSeen ?? t, timeline };
    if (t > timeoutMs) throw new Error(`${label}: not ready after ${timeoutMs} ms; last: ${key}`);
    await sleep(250);
  }
}

/** Longest time one status text matching `re` stayed on screen. */
function longestShown(timeline, re, endAt) {
  let longest = 0;
  for (let i = 0; i < timeline.length; i++) {
    if (!timeline[i].items.some((x) => re.test(x))) continue;
    const until = i + 1 < timeline.length ? timeline[i + 1].t : endAt;
    longest = Math.max(longest, until - timeline[i].t);
  }
  return longest;
}

function findFiles(dir, re) {
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (re.test(e.name)) found.push(p);
    }
  };
  try {
    walk(dir);
  } catch {
    /* no logs */
  }
  return found;
}

async function main() {
  const folder = tree;
  harness.writeSettings({ '[c]': { 'editor.tabSize': 8, 'editor.insertSpaces': false } });
  log('installing the vsix');
  await harness.installVsix(vsix);
  const extensionDir = fs.readdirSync(harness.extensionsDir).find((d) => d.startsWith('kernel-mm-lens.'));
  const serverJs = path.join(harness.extensionsDir, extensionDir, 'dist', 'server.js');
  const cliCache = path.join(harness.tmp, 'cli-cache');

  if (cliRounds > 0) {
    log('CLI cold index (before the editor)');
    result.cli.push(await cliColdIndex(serverJs, cliCache));
    log(`CLI cold index: ${(result.cli[0].ms / 1000).toFixed(1)} s`);
  }

  await harness.startCodeServer(folder);
  const page = await harness.startBrowser();
  const wb = new Workbench(page, log);
  const loadStart = performance.now();
  await harness.loadWorkbench();
  log('workbench loaded; waiting for the cold index');
  const cold = await watchUntilReady(page, wb, 'cold', 900_000);
  await shot(page, 'cold-ready');
  result.editorCold = {
    ms: cold.readyAt - cold.firstSeen,
    fromPageLoadMs: cold.readyAt + (performance.now() - loadStart - cold.readyAt),
    maxStatusItemsAtOnce: Math.max(...cold.timeline.map((x) => x.items.length)),
    hundredPercentMs: longestShown(cold.timeline, /100%/, cold.readyAt),
    timeline: cold.timeline.map(({ t, items }) => ({ t, items })),
  };
  log(
    `editor cold index: ${(result.editorCold.ms / 1000).toFixed(1)} s; ${result.editorCold.maxStatusItemsAtOnce} status item(s) at once; "100%" shown ${(result.editorCold.hundredPercentMs / 1000).toFixed(1)} s`,
  );

  if (cliRounds > 1) {
    log('CLI cold index (after the editor)');
    result.cli.push(await cliColdIndex(serverJs, cliCache));
  }

  // Warm: reload the window (the extension host restarts, the server is spawned again with the cache written above).
  log('reloading the window (warm start)');
  await wb.runCommand('Developer: Reload Window');
  await sleep(1500);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  const warm = await watchUntilReady(page, wb, 'warm', 300_000);
  result.editorWarm = {
    readyMs: warm.readyAt - warm.firstSeen,
    timeline: warm.timeline.map(({ t, items }) => ({ t, items })),
  };
  await wb.openFile('mm/ksm.c', 'ksm');
  const line = fs
    .readFileSync(path.join(tree, 'mm/ksm.c'), 'utf8')
    .split('\n')
    .findIndex((l) => /folio_walk_start\(/.test(l));
  await wb.goToLine(line + 1);
  const pos = await wb.locateWord('folio_walk_start', line + 1);
  if (pos) {
    await page.mouse.click(pos.x, pos.y);
    const askedAt = performance.now();
    await page.keyboard.press('F12');
    const tab = await waitFor(
      'pagewalk.c to open',
      async () => ((await wb.activeTabLabel()) ?? '').match(/pagewalk\.c/)?.[0],
      30_000,
      100,
    ).catch(() => null);
    result.editorWarm.definitionMs = tab ? performance.now() - askedAt : null;
    await shot(page, 'warm-definition');
  }
  log(`editor warm start: ready after ${(result.editorWarm.readyMs / 1000).toFixed(1)} s`);

  // Restart Server: what does the status bar say meanwhile?
  log('restarting the server');
  await wb.runCommand('Kernel MM Lens: Restart Server');
  const seen = [];
  let restartShot = false;
  const restartStart = performance.now();
  while (performance.now() - restartStart < 60_000) {
    const items = await ourStatusItems(wb);
    const key = items.join(' || ');
    if (seen[seen.length - 1]?.key !== key) seen.push({ t: Math.round(performance.now() - restartStart), key });
    if (!restartShot && items.some((i) => !isReady(i))) {
      restartShot = true;
      await shot(page, 'restart');
    }
    if (items.some(isReady) && performance.now() - restartStart > 1500) break;
    await sleep(100);
  }
  result.restart = { timeline: seen, showedError: seen.some((s) => /error|not running/i.test(s.key)) };
}

const timer = setTimeout(() => {
  log(`overall timeout of ${overallSec}s`);
  void done(1);
}, overallSec * 1000);
let finished = false;
async function done(code) {
  if (finished) return;
  finished = true;
  clearTimeout(timer);
  // the extension's log (server phases, timings) is kept next to the screenshots
  for (const file of findFiles(path.join(harness.userDataDir, 'logs'), /Kernel MM Lens\.log$/))
    fs.copyFileSync(file, path.join(ARTIFACTS, 'server.log'));
  await harness.cleanup().catch((e) => log(`cleanup: ${e.message}`));
  const cliMean = result.cli.length ? result.cli.reduce((s, r) => s + r.ms, 0) / result.cli.length : undefined;
  if (cliMean && result.editorCold) result.coldRatio = result.editorCold.ms / cliMean;
  fs.writeFileSync(path.join(ARTIFACTS, 'results.json'), JSON.stringify(result, null, 2));
  const s = (ms) => (ms === undefined || ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);
  console.log(`CLI cold index (kernel-mm-lens index --rebuild): ${result.cli.map((r) => s(r.ms)).join(', ') || '-'}`);
  console.log(`editor cold index (status item shown -> ready): ${s(result.editorCold?.ms)}`);
  if (result.coldRatio) console.log(`editor / CLI: ${result.coldRatio.toFixed(2)}x (target <= 1.2x)`);
  console.log(`progress items at once while indexing: ${result.editorCold?.maxStatusItemsAtOnce ?? '-'}`);
  console.log(`"100%" shown for: ${s(result.editorCold?.hundredPercentMs)}`);
  console.log(
    `editor warm start: ready ${s(result.editorWarm?.readyMs)}, F12 -> pagewalk.c ${s(result.editorWarm?.definitionMs)}`,
  );
  console.log(`restart: ${result.restart?.showedError ? 'showed an error' : 'no error shown'}`);
  console.log(
    `EDITOR_STARTUP ${JSON.stringify({ coldRatio: result.coldRatio, cli: result.cli, editorCold: result.editorCold && { ...result.editorCold, timeline: undefined }, editorWarm: result.editorWarm && { ...result.editorWarm, timeline: undefined }, restart: result.restart })}`,
  );
  process.exit(code);
}
main().then(
  () => done(0),
  async (err) => {
    log(`FAILED: ${err.stack || err}`);
    if (harness.page) await shot(harness.page, 'failure');
    await done(1);
  },
);
