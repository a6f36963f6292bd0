#!/usr/bin/env node
// npm run test:nvim: the language server used from Neovim's built-in LSP client (Debian's neovim, headless),
// exactly as docs/neovim.md tells users: `node dist/server.js lsp --stdio`. Checks hover, definition and diagnostics
// on a copy of test/fixtures/e2e-tree. Prints `N passed, N failed`; exit 0 only when all passed (2 = setup problem).
// Options: --no-build (use the current dist/), --server FILE (another server bundle), --keep, --no-install, --timeout
// SEC
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'e2e-tree');
const DEMO = 'drivers/gpu/drm/demo/demo_svm.c';
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const timeoutSec = Number(value('--timeout') ?? 180);
const T0 = Date.now();
const log = (...m) => console.error(`[nvim ${String(Math.round((Date.now() - T0) / 1000)).padStart(4)}s]`, ...m);

function setupError(message) {
  console.error(`test:nvim: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(2);
}

// ---------------------------------------------------------------- set-up
const hasNvim = () => spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasNvim() && !flag('--no-install') && !process.env.E2E_NO_INSTALL) {
  spawnSync('bash', [path.join(ROOT, 'scripts/install-e2e.sh'), '--nvim'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 600_000,
  });
}
if (!hasNvim()) setupError('nvim not found: apt-get install neovim (or scripts/install-e2e.sh --nvim)');
const nvimVersion = spawnSync('nvim', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];

let server = value('--server') ? path.resolve(value('--server')) : path.join(ROOT, 'dist', 'server.js');
if (!value('--server') && !flag('--no-build')) {
  log('building dist/');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) setupError(`build failed:\n${r.stderr}`);
}
if (!fs.existsSync(server)) setupError(`${server} does not exist (npm run build)`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-nvim-'));
const tree = path.join(tmp, 'linux');
fs.cpSync(FIXTURE, tree, { recursive: true });
const demoLines = fs.readFileSync(path.join(tree, DEMO), 'utf8').split('\n');
const hoverLine = demoLines.findIndex((l) => l.includes('make_device_exclusive_range('));
const hoverCol = demoLines[hoverLine].indexOf('make_device_exclusive_range') + 5;
const outFile = path.join(tmp, 'result.jsonl');
// Issue 18: a local of mm/ksm.c, and where to type `fw.` and `folio_walk_start(&fw, vma, `.
const SEM = 'mm/ksm.c';
const semLines = fs.readFileSync(path.join(tree, SEM), 'utf8').split('\n');
const localLine = semLines.findIndex((l) => l.includes('if (folio) {'));
const localCol = semLines[localLine].indexOf('folio') + 2;
const insertAfter = semLines.findIndex((l) => l.includes('folio = folio_walk_start(&fw, vma, addr, 0);'));
const folioDeclaration = semLines.findIndex((l) => l.includes('struct folio *folio;'));

// ---------------------------------------------------------------- run nvim
function runNvim() {
  return new Promise((resolve) => {
    const xdg = (name) => path.join(tmp, 'xdg', name);
    const child = spawn(
      'nvim',
      ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${path.join(ROOT, 'test/e2e/nvim/lsp-check.lua')}`],
      {
        cwd: tree,
        detached: true, // its own process group: the server it starts goes with it on timeout
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          // nvim's lsp.log/shada and the server's index cache stay in the temp folder
          XDG_STATE_HOME: xdg('state'),
          XDG_DATA_HOME: xdg('data'),
          XDG_CACHE_HOME: xdg('cache'),
          XDG_CONFIG_HOME: xdg('config'),
          KML_ROOT: tree,
          KML_SERVER: server,
          KML_FILE: DEMO,
          KML_OUT: outFile,
          KML_HOVER_LINE: String(hoverLine),
          KML_HOVER_COL: String(hoverCol),
          KML_LINT_TARGET: '6.17',
          KML_WAIT_MS: String(Math.max(10, timeoutSec / 4) * 1000),
          KML_SEM_FILE: SEM,
          KML_LOCAL_LINE: String(localLine),
          KML_LOCAL_COL: String(localCol),
          KML_INSERT_AFTER: String(insertAfter),
        },
      },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => {
      log(`nvim still running after ${timeoutSec}s: ending its process group`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutSec * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* group already empty */
      }
      resolve({ code: code ?? signal, output });
    });
  });
}

log(`${nvimVersion}; server ${path.relative(ROOT, server) || server}`);
const run = await runNvim();
const records = {};
try {
  for (const line of fs.readFileSync(outFile, 'utf8').split('\n').filter(Boolean)) {
    const { kind, value: v } = JSON.parse(line);
    records[kind] = v;
  }
} catch (err) {
  log(`no result file (${err.message}); nvim exited ${run.code}:\n${run.output.slice(-2000)}`);
}

// ---------------------------------------------------------------- checks
const results = [];
function check(name, fn) {
  try {
    const detail = fn();
    results.push(true);
    console.log(`PASS ${name}${detail ? `: ${detail}` : ''}`);
  } catch (err) {
    results.push(false);
    console.log(`FAIL ${name}: ${err.message}`);
  }
}
const hoverText = (h) => {
  if (!h || typeof h !== 'object') return '';
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return c?.value ?? '';
};

check('the server initializes over stdio', () => {
  if (records.error) throw new Error(records.error);
  if (records.initialized !== true) throw new Error(`not initialized; nvim exited ${run.code}`);
  return `nvim ${records.nvim}`;
});
check('hover on make_device_exclusive_range', () => {
  const text = hoverText(records.hover);
  if (!text.includes('make_device_exclusive_range'))
    throw new Error(`hover was ${JSON.stringify(records.hover)?.slice(0, 300)}`);
  return text.replace(/\s+/g, ' ').slice(0, 120);
});
check('definition of make_device_exclusive_range is in mm/rmap.c', () => {
  const defs = records.definition;
  const list = Array.isArray(defs) ? defs : defs ? [defs] : [];
  const uris = list.map((d) => d.uri ?? d.targetUri).filter(Boolean);
  const hit = list.find((d) => String(d.uri ?? d.targetUri).endsWith('/mm/rmap.c'));
  if (!hit) throw new Error(`definition was ${JSON.stringify(defs)?.slice(0, 300)}`);
  const line = (hit.range ?? hit.targetSelectionRange ?? hit.targetRange).start.line;
  const text = fs.readFileSync(path.join(tree, 'mm/rmap.c'), 'utf8').split('\n')[line] ?? '';
  if (!text.includes('make_device_exclusive_range')) throw new Error(`points at line ${line + 1}: ${text}`);
  return `${uris.length} location(s), mm/rmap.c:${line + 1}`;
});
check('diagnostics: the pmd_devmap() use is reported', () => {
  const diags = records.diagnostics ?? [];
  const hit = diags.find((d) => /pmd_devmap/.test(d.message));
  if (!hit) throw new Error(`diagnostics were ${JSON.stringify(diags).slice(0, 300)}`);
  if (demoLines[hit.lnum]?.includes('pmd_devmap') !== true)
    throw new Error(`reported on line ${hit.lnum + 1}, which has no pmd_devmap`);
  return `line ${hit.lnum + 1}: ${hit.message.slice(0, 100)}`;
});

check('definition of a local opens its own declaration, and only it', () => {
  const defs = records.local_definition;
  const list = Array.isArray(defs) ? defs : defs ? [defs] : [];
  if (list.length !== 1) throw new Error(`definition was ${JSON.stringify(defs)?.slice(0, 300)}`);
  const hit = list[0];
  const line = (hit.range ?? hit.targetSelectionRange).start.line;
  if (!String(hit.uri ?? hit.targetUri).endsWith(`/${SEM}`) || line !== folioDeclaration)
    throw new Error(
      `points at ${hit.uri ?? hit.targetUri}:${line + 1}, the declaration is line ${folioDeclaration + 1}`,
    );
  return `${SEM}:${line + 1}`;
});
check('completion after `fw.` lists the fields of struct folio_walk and nothing else', () => {
  const answer = records.member_completion;
  const items = Array.isArray(answer) ? answer : (answer?.items ?? []);
  const labels = items.map((i) => i.label);
  for (const field of ['page', 'level', 'pte', 'pmd'])
    if (!labels.includes(field)) throw new Error(`no ${field} in ${JSON.stringify(labels).slice(0, 300)}`);
  if (items.some((i) => i.kind !== 5))
    throw new Error(`not only fields: ${JSON.stringify(items.map((i) => [i.label, i.kind]))}`);
  return labels.join(', ');
});
check('signature help inside `folio_walk_start(&fw, vma, ` has the third parameter active', () => {
  const help = records.signature_help;
  const signature = help?.signatures?.[help.activeSignature ?? 0];
  if (!signature) throw new Error(`signature help was ${JSON.stringify(help)?.slice(0, 300)}`);
  const [start, end] = signature.parameters[0].label;
  if (signature.label.slice(start, end) !== 'struct folio_walk *fw') throw new Error(`label ${signature.label}`);
  if (help.activeParameter !== 2) throw new Error(`active parameter ${help.activeParameter}`);
  return signature.label;
});

if (flag('--keep')) log(`kept ${tmp}`);
else fs.rmSync(tmp, { recursive: true, force: true });
const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed (${((Date.now() - T0) / 1000).toFixed(1)}s)`);
process.exit(passed === results.length ? 0 : 1);
