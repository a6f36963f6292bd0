#!/usr/bin/env node
// npm run test:e2e: Kernel MM Lens in a real VS Code (code-server 4.100.x = VS Code 1.100) driven in headless Chromium.
// Packages the .vsix, installs it, opens a copy of test/fixtures/e2e-tree and checks what a user sees.
// Screenshots go to test/artifacts/e2e/. Prints `N passed, N failed`; exit 0 only when every check passed
// (2 = could not set up: missing code-server/chromium, packaging failed).
//
// Options: --no-build (package the current dist/), --vsix FILE (skip packaging), --only SUBSTR (repeatable),
//          --keep (keep the temp folder with logs), --timeout SEC (whole run, default 600), --no-install
// Needs: scripts/install-e2e.sh (run automatically unless --no-install or E2E_NO_INSTALL=1).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Harness, e2eCacheDir, loadPlaywright, sleep, waitFor, tail } from './harness.mjs';
import { Workbench } from './workbench.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts', 'e2e');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'e2e-tree');
const DEMO = 'drivers/gpu/drm/demo/demo_svm.c';
const HOVER_LINE = 20; // ret = make_device_exclusive_range(...)
const DEVMAP_LINE = 29; // if (pmd_devmap(pmd))
// Issue 18: a local of mm/ksm.c and its declaration; the line after which `fw.` is typed (1-based).
const KSM = 'mm/ksm.c';
const ksmLines = fs.readFileSync(path.join(FIXTURE, KSM), 'utf8').split('\n');
const KSM_USE_LINE = ksmLines.findIndex((l) => l.includes('if (folio) {')) + 1;
const KSM_DECLARATION_LINE = ksmLines.findIndex((l) => l.includes('struct folio *folio;')) + 1;
const KSM_CALL_LINE = ksmLines.findIndex((l) => l.includes('folio = folio_walk_start(&fw, vma, addr, 0);')) + 1;

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const values = (name) => argv.flatMap((a, i) => (a === name && argv[i + 1] ? [argv[i + 1]] : []));
const only = values('--only');
const overallSec = Number(values('--timeout')[0] ?? 600);
const T0 = Date.now();
const log = (...m) => console.error(`[e2e ${String(Math.round((Date.now() - T0) / 1000)).padStart(4)}s]`, ...m);

function setupError(message) {
  console.error(`e2e: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(2);
}

// ---------------------------------------------------------------- install and package
const cache = e2eCacheDir();
const codeServer = path.join(cache, 'code-server', 'node_modules', '.bin', 'code-server');
const chromiumBin = process.env.CHROMIUM || '/usr/bin/chromium';
if (!flag('--no-install') && !process.env.E2E_NO_INSTALL) {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/install-e2e.sh'), '--vscode'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 900_000,
  });
  if (r.status !== 0) setupError('scripts/install-e2e.sh --vscode failed (see above)');
}
for (const [what, file] of [
  ['code-server', codeServer],
  ['chromium', chromiumBin],
]) {
  if (!fs.existsSync(file)) setupError(`${what} not found at ${file}: run scripts/install-e2e.sh`);
}
const playwright = loadPlaywright(cache);
if (!playwright) setupError(`playwright-core not found in ${cache}/tools: run scripts/install-e2e.sh --tools`);

fs.mkdirSync(ARTIFACTS, { recursive: true });
for (const old of fs.readdirSync(ARTIFACTS)) if (old.endsWith('.png')) fs.rmSync(path.join(ARTIFACTS, old)); // this run's shots only
let vsix = values('--vsix')[0];
if (!vsix) {
  vsix = path.join(ARTIFACTS, 'kernel-mm-lens-e2e.vsix');
  log('packaging the extension');
  const r = spawnSync(
    'bash',
    [path.join(ROOT, 'scripts/package.sh'), ...(flag('--no-build') ? ['--no-build'] : []), '-o', vsix],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status !== 0) setupError(`packaging failed:\n${r.stderr}`);
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
/** Palette title of a command id as the manifest contributes it, or null. */
function paletteTitle(id) {
  const c = (manifest.contributes?.commands ?? []).find((x) => x.command === id);
  return c ? `${c.category ? `${c.category}: ` : ''}${c.title}` : null;
}

// ---------------------------------------------------------------- checks
const results = [];
/** The ready state of our status bar item: "MM Lens Linux 6.12.0 · 9 files" (not "indexing 9/9 files"). */
const isReadyItem = (t) => /MM Lens[^|]*· [\d.]+[kM]? files/.test(t);
let shotNo = 0;
async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, timeout: 10_000 }).catch((e) => log(`screenshot ${name} failed: ${e.message}`));
  return path.relative(ROOT, file);
}

async function check(name, timeoutMs, body) {
  if (only.length && !only.some((o) => name.includes(o))) return;
  const start = Date.now();
  let timer;
  try {
    const detail = await Promise.race([
      body(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000}s`)), timeoutMs);
      }),
    ]);
    results.push({ name, ok: true, detail, ms: Date.now() - start });
    console.log(`PASS ${name} (${((Date.now() - start) / 1000).toFixed(1)}s)${detail ? `: ${detail}` : ''}`);
  } catch (err) {
    results.push({ name, ok: false, detail: err.message, ms: Date.now() - start });
    console.log(`FAIL ${name} (${((Date.now() - start) / 1000).toFixed(1)}s): ${err.message}`);
  } finally {
    clearTimeout(timer);
  }
}

async function notifications(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.notifications-toasts .notification-list-item')].map((n) =>
      n.innerText.replace(/\s+/g, ' ').trim(),
    ),
  );
}

/** Text of the visible rows of the "Upstream Changes in This Tree" view (label and description). */
async function changesViewRows(page) {
  return page.evaluate(() => {
    const pane = [...document.querySelectorAll('.pane')].find((p) =>
      /Upstream Changes in This Tree/i.test(p.querySelector('.pane-header')?.textContent ?? ''),
    );
    if (!pane) return [];
    return [...pane.querySelectorAll('.monaco-list-row')].map((r) => r.innerText.replace(/\s+/g, ' ').trim());
  });
}

async function clearNotifications(page) {
  await page
    .evaluate(() =>
      document
        .querySelectorAll('.notifications-toasts .codicon-notifications-clear, .notifications-toasts .codicon-close')
        .forEach((b) => b.click()),
    )
    .catch(() => undefined);
}

const harness = new Harness({ codeServer, chromium: chromiumBin, playwright, log, keep: flag('--keep') });
const extraHarnesses = []; // the Restricted Mode session
let finished = false;
async function finish(code) {
  if (finished) return;
  finished = true;
  for (const h of [harness, ...extraHarnesses]) await h.cleanup().catch((e) => log(`cleanup: ${e.message}`));
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  fs.writeFileSync(
    path.join(ARTIFACTS, 'results.json'),
    JSON.stringify({ results, blockedRequests: [...new Set(harness.blocked)], totalMs: Date.now() - T0 }, null, 2),
  );
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed === 0 && passed > 0 ? 0 : 1));
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => {
    results.push({ name: 'run', ok: false, detail: `got ${signal}` });
    void finish(1);
  });
setTimeout(() => {
  log(`overall timeout of ${overallSec}s`);
  results.push({ name: 'run', ok: false, detail: 'overall timeout' });
  void finish(1);
}, overallSec * 1000).unref();

async function main() {
  // a copy, so the run never writes into the repository
  const folder = path.join(harness.tmp, 'linux');
  fs.cpSync(FIXTURE, folder, { recursive: true });
  // Local mail with three versions of one patch (issue 20: the thread view folds the other versions).
  const mailFile = path.join(harness.tmp, 'mail', 'demo-devmap-versions.mbox');
  fs.mkdirSync(path.dirname(mailFile), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'lore', 'demo-devmap-versions.mbox'), mailFile);
  harness.writeSettings({
    'kernelMmLens.mailSources': [mailFile],
    // the tree says 6.12; a driver being forward-ported to 6.17 must not use pmd_devmap() any more
    'kernelMmLens.lintTargetVersion': '6.17',
    '[c]': { 'editor.tabSize': 8, 'editor.insertSpaces': false, 'editor.detectIndentation': false },
    // for diagnosis, e.g. E2E_SETTINGS='{"kernelMmLens.trace.server":"verbose"}' with --keep
    ...(process.env.E2E_SETTINGS ? JSON.parse(process.env.E2E_SETTINGS) : {}),
  });
  log('installing the vsix');
  await harness.installVsix(vsix);
  await harness.startCodeServer(folder);
  const page = await harness.startBrowser();
  await harness.loadWorkbench();
  log('workbench loaded');
  const wb = new Workbench(page, log);
  await wb.openFile(DEMO, 'make_device_exclusive_range');

  await check('status bar reports the index', 90_000, async () => {
    const texts = await waitFor(
      'a Kernel MM Lens status bar item saying the index is ready',
      async () => {
        const all = await wb.statusBarTexts();
        return all.find(isReadyItem) ? all : null;
      },
      80_000,
      500,
    ).catch(async (err) => {
      throw new Error(
        `${err.message}; items: ${JSON.stringify((await wb.statusBarTexts()).filter((t) => /Lens/.test(t)))}`,
      );
    });
    const item = texts.find(isReadyItem);
    if (!/6\.12/.test(item)) throw new Error(`status bar does not show the detected kernel version 6.12: ${item}`);
    await shot(page, 'status-bar');
    return item;
  });

  await check('status bar menu lists the commands', 30_000, async () => {
    const item = await page.$('.part.statusbar .statusbar-item:has-text("MM Lens")');
    if (!item) throw new Error('no status bar item');
    await item.click();
    const rows = await waitFor(
      'the command menu',
      async () => {
        const r = await wb.quickPickRows();
        return r.length ? r : null;
      },
      10_000,
    );
    await shot(page, 'status-menu');
    await page.keyboard.press('Escape');
    for (const want of ['Rebuild Index', 'Lint Whole Workspace', 'Restart Server']) {
      if (!rows.some((r) => r.includes(want))) throw new Error(`menu lacks "${want}": ${JSON.stringify(rows)}`);
    }
    return `${rows.length} commands`;
  });

  await check('hover on make_device_exclusive_range explains it and gives its version status', 60_000, async () => {
    await wb.goToLine(HOVER_LINE);
    const hover = await wb.hover(
      'make_device_exclusive_range',
      HOVER_LINE,
      (t) =>
        /make_device_exclusive_range/.test(t) && /6\.15/.test(t) && /(removed|replaced)/i.test(t) && t.length > 120,
      45_000,
      { contentOnly: true },
    ); // the hover's own text, not the lint problem shown in the same widget
    await shot(page, 'hover-make-device-exclusive-range');
    await page.mouse.move(5, 450);
    if (!hover.ok)
      throw new Error(
        `no hover text (besides the lint problem) with the explanation and "removed/replaced in 6.15": ${JSON.stringify(hover.text.slice(0, 400))}`,
      );
    // The hover leads with what only we know: status for this tree with the code evidence (the fixture's mm/rmap.c
    // has the 6.15 hugetlb rejection backported), replacement and caller duties, all before the kernel-doc.
    const lines = hover.text.split('\n').filter((l) => l.trim());
    const head = lines.slice(0, 8).join('\n');
    for (const want of [
      /Status for this tree \(6\.12\):/,
      /Backported in this tree \(6\.12\): .*reject hugetlb folios in folio_make_device_exclusive\(\)/,
      /Replacement:/,
      /Caller must hold:/,
    ])
      if (!want.test(head))
        throw new Error(`the hover's first lines lack ${want}: ${JSON.stringify(head.slice(0, 600))}`);
    if (/&gt;|&lt;|mailto:/.test(hover.text)) throw new Error('entities or mailto: links in the hover');
    return lines.slice(0, 3).join(' / ').slice(0, 200);
  });

  await check('changes view lists the tracked changes with their status and evidence', 60_000, async () => {
    await wb.runCommand('Focus on Upstream Changes in This Tree View');
    const rows = await waitFor(
      'the changes view rows with the backported v2 02/17',
      async () => {
        const texts = await changesViewRows(page);
        return texts.some((t) => /v2 02\/17 mm\/rmap: reject hugetlb folios/.test(t)) ? texts : null;
      },
      45_000,
      500,
    );
    // Room for the screenshot: fold the file tree and widen the side bar (the view keeps the focus).
    await page.evaluate(() => {
      const files = [...document.querySelectorAll('.pane-header.expanded')].find((h) =>
        /^linux$/i.test(h.querySelector('h3.title')?.textContent?.trim() ?? ''),
      );
      if (files) files.click();
    });
    const edge = await page.evaluate(() => {
      const bar = document.querySelector('.part.sidebar')?.getBoundingClientRect();
      return bar ? { x: bar.right, y: bar.top + bar.height / 2 } : null;
    });
    if (edge) {
      await page.mouse.move(edge.x, edge.y);
      await page.mouse.down();
      await page.mouse.move(edge.x + 320, edge.y, { steps: 8 });
      await page.mouse.up();
    }
    await sleep(500);
    await shot(page, 'changes-view');
    const row = rows.find((t) => /v2 02\/17/.test(t));
    if (!/present · backported · mainline 6\.15 · mm\/rmap\.c:\d+/.test(row))
      throw new Error(`v2 02/17 row does not say present, backported, with its evidence line: ${row}`);
    const message = await page.evaluate(() =>
      [...document.querySelectorAll('.pane')]
        .find((p) => /Upstream Changes in This Tree/i.test(p.querySelector('.pane-header')?.textContent ?? ''))
        ?.querySelector('.message')
        ?.textContent?.trim(),
    );
    if (!/^Linux 6\.12(\.0)?: \d+ present/.test(message ?? ''))
      throw new Error(`no summary line above the changes: ${message}`);
    return `${rows.length} rows; "${message}"; ${row.replace(/\s+/g, ' ').slice(0, 140)}`;
  });

  let underlined = false;
  await check('pmd_devmap() use is underlined', 45_000, async () => {
    await wb.goToLine(DEVMAP_LINE);
    const kinds = await waitFor(
      'a squiggle under pmd_devmap',
      async () => {
        const s = await wb.squigglesOn('pmd_devmap', DEVMAP_LINE);
        return s && s.length ? s : null;
      },
      40_000,
      500,
    );
    underlined = true;
    const hover = await wb.hover('pmd_devmap', DEVMAP_LINE, (t) => /pmd_devmap/.test(t), 8_000);
    await shot(page, 'lint-pmd-devmap');
    await page.mouse.move(5, 450);
    return `${kinds.join(',')}${hover.ok ? `; "${hover.text.split('\n')[0].slice(0, 120)}"` : ''}`;
  });

  await check('the quick fix rewrites the pmd_devmap() line', 45_000, async () => {
    // the server's lint fixes need the index (it answers [] before): wait like a user who sees "indexing"
    await waitFor('the index to be ready', async () => (await wb.statusBarTexts()).some(isReadyItem), 60_000, 500);
    await wb.goToLine(DEVMAP_LINE);
    await waitFor(
      'a diagnostic on pmd_devmap (no quick fix without one)',
      async () => ((await wb.squigglesOn('pmd_devmap', DEVMAP_LINE)) ?? []).length > 0,
      underlined ? 5_000 : 30_000,
      500,
    );
    const before = await wb.lineText(DEVMAP_LINE);
    const actions = await wb.openQuickFixes('pmd_devmap', DEVMAP_LINE);
    await shot(page, 'quick-fix-menu');
    const fixIndex = actions.findIndex((a) => !/^(\[disabled\]|learn more|disable|configure|fix using)/i.test(a));
    if (fixIndex < 0) throw new Error(`no quick fix offered; menu: ${JSON.stringify(actions)}`);
    const fix = actions[fixIndex];
    // the tree is 6.12, linted for 6.17: the fix is a forward-port and its title names the premise it relies on
    if (!/for 6\.17 and later/.test(fix)) throw new Error(`the fix title does not name its premise: ${fix}`);
    await wb.chooseQuickFix(fixIndex);
    const after = await waitFor(
      'the line to change',
      async () => {
        const text = await wb.lineText(DEVMAP_LINE);
        return text !== null && text !== before ? text : null;
      },
      10_000,
    );
    await shot(page, 'quick-fix-applied');
    if (/pmd_devmap\s*\(/.test(after)) throw new Error(`line still calls pmd_devmap(): ${after.trim()}`);
    await page.keyboard.press('Control+Z');
    return `"${fix}": ${before.trim()} -> ${after.trim()}`;
  });

  await check('lint whole workspace lists an unopened file in the Problems view', 60_000, async () => {
    await clearNotifications(page);
    await wb.runCommand(paletteTitle('kernelMmLens.lintWorkspace'));
    const rows = await waitFor(
      'huge_memory.c in the Problems view',
      async () => {
        const r = await wb.problemRows();
        if (r.some((x) => /huge_memory\.c/.test(x))) return r;
        const errors = (await notifications(page)).filter((n) => /failed/i.test(n));
        if (errors.length) throw new Error(errors.join(' | '));
        return null;
      },
      50_000,
      500,
    );
    await shot(page, 'problems-view');
    return rows.slice(0, 3).join(' | ').slice(0, 200);
  });

  await check('F12 on a local opens its own declaration', 60_000, async () => {
    await waitFor('the index to be ready', async () => (await wb.statusBarTexts()).some(isReadyItem), 60_000, 500);
    await wb.openFile(KSM, 'get_mergeable_page');
    await wb.goToLine(KSM_USE_LINE);
    const pos = await waitFor('the local folio on screen', () => wb.locateWord('folio', KSM_USE_LINE), 10_000, 300);
    await page.mouse.click(pos.x, pos.y);
    await page.keyboard.press('F12');
    const line = await waitFor(
      `the cursor on line ${KSM_DECLARATION_LINE}`,
      async () => {
        const cursor = (await wb.statusBarTexts()).map((t) => /Ln (\d+), Col \d+/.exec(t)).find(Boolean);
        const at = cursor ? Number(cursor[1]) : 0;
        return at === KSM_DECLARATION_LINE ? at : null;
      },
      20_000,
      300,
    );
    // One definition: the editor jumps, no "Definitions (14)" peek of same-named struct members.
    const peek = await page.$('.peekview-widget');
    if (peek && (await peek.isVisible())) throw new Error('a peek view of several definitions opened');
    await shot(page, 'local-definition');
    return `${KSM}:${line}: ${(await wb.lineText(line))?.trim()}`;
  });

  await check('completion after `fw.` lists the fields of struct folio_walk', 60_000, async () => {
    await wb.openFile(KSM, 'get_mergeable_page');
    await wb.goToLine(KSM_CALL_LINE);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('fw.', { delay: 60 });
    const labels = await waitFor(
      'the suggest widget with fields',
      () =>
        page.evaluate(() => {
          const widget = document.querySelector('.editor-widget.suggest-widget');
          if (!widget || getComputedStyle(widget).display === 'none' || !widget.classList.contains('visible'))
            return null;
          const rows = [...widget.querySelectorAll('.monaco-list-row')].map(
            (r) => r.querySelector('.label-name')?.textContent?.trim() ?? '',
          );
          return rows.length ? rows : null;
        }),
      20_000,
      300,
    );
    await shot(page, 'member-completion');
    await page.keyboard.press('Escape');
    for (let k = 0; k < 4; k++) await page.keyboard.press('Control+Z');
    for (const field of ['page', 'level', 'pte', 'pmd'])
      if (!labels.includes(field)) throw new Error(`no ${field} in the list: ${labels.join(', ')}`);
    if (labels.some((l) => /folio_walk_start|get_mergeable_page/.test(l)))
      throw new Error(`functions in a member list: ${labels.join(', ')}`);
    return labels.join(', ');
  });

  await check('the lifecycle diagram view renders', 60_000, async () => {
    const title = paletteTitle('kernelMmLens.openDiagram');
    if (!title) throw new Error('command kernelMmLens.openDiagram is not contributed yet (diagram feature not wired)');
    await wb.goToLine(HOVER_LINE);
    await wb.runCommand(title);
    await sleep(1000);
    const rows = await wb.quickPickRows();
    if (rows.length) await page.keyboard.press('Enter'); // a picker of diagrams: take the first (most relevant) one
    // the Problems panel from the previous check would cover half of the diagram
    await page
      .click('.part.panel .codicon-panel-close, .part.panel .title-actions .codicon-close', { timeout: 2000 })
      .catch(() => undefined);
    const views = await waitFor(
      'a webview with an SVG diagram',
      async () => {
        const v = (await wb.webviewContents('svg g, svg rect, svg path')).filter((x) => x.count >= 3);
        return v.length ? v : null;
      },
      45_000,
      1000,
    );
    await sleep(500);
    await shot(page, 'diagram-view');
    return `${views[0].count} SVG elements; "${views[0].text.split('\n')[0].slice(0, 80)}"`;
  });

  await check('a review thread opens', 60_000, async () => {
    const title = paletteTitle('kernelMmLens.showThreads');
    if (!title) throw new Error('command kernelMmLens.showThreads is not contributed');
    // back to the C file's group (the diagram panel, beside it, has the focus)
    await wb.runCommand('View: Focus First Editor Group');
    await wb.openFile(DEMO, 'make_device_exclusive_range');
    await wb.goToLine(HOVER_LINE);
    const pos = await wb.locateWord('make_device_exclusive_range', HOVER_LINE);
    if (pos) await page.mouse.click(pos.x, pos.y);
    const tabBefore = await wb.activeTabLabel();
    await clearNotifications(page);
    await wb.runCommand(title);
    const rows = await waitFor(
      'the list of threads',
      async () => {
        const r = await wb.quickPickRows();
        if (r.length) return r;
        const tab = await wb.activeTabLabel();
        return tab && tab !== tabBefore ? ['(opened directly)'] : null;
      },
      20_000,
      300,
    ).catch(async (err) => {
      throw new Error(`${err.message}; notifications: ${JSON.stringify(await notifications(page))}`);
    });
    await shot(page, 'threads-list');
    if (rows[0] !== '(opened directly)') await page.keyboard.press('Enter');
    const text = await waitFor(
      'a thread document',
      async () => {
        const tab = await wb.activeTabLabel();
        if (!tab || tab === tabBefore) return null;
        const body = await page.evaluate(
          () => document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ?? '',
        );
        const web = (await wb.webviewContents('body')).map((w) => w.text).join('\n');
        const all = `${body}\n${web}`;
        return /Subject:|From:|\[PATCH/.test(all) ? `${tab}: ${all.replace(/\s+/g, ' ').slice(0, 120)}` : null;
      },
      20_000,
      500,
    );
    await shot(page, 'thread-document');
    return `${rows.length} thread(s); ${text}`;
  });

  await check(
    'a patch posted in three versions is one entry, its thread view folds the other versions',
    60_000,
    async () => {
      // A clean layout: the diagram panel and the previous thread document otherwise compete for the focus.
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile(DEMO, 'pmd_devmap');
      await wb.goToLine(DEVMAP_LINE);
      const pos = await wb.locateWord('pmd_devmap', DEVMAP_LINE);
      if (pos) await page.mouse.click(pos.x, pos.y);
      const tabBefore = await wb.activeTabLabel();
      await clearNotifications(page);
      await wb.runCommand(paletteTitle('kernelMmLens.showThreads'));
      const rows = await waitFor(
        'the thread list with the demo patch',
        async () => {
          const r = await wb.quickPickRows();
          return r.some((row) => row.includes('drm/demo')) ? r : null;
        },
        30_000,
        300,
      );
      const demo = rows.filter((row) => row.includes('drm/demo: drop the pmd_devmap() check'));
      if (demo.length !== 1) throw new Error(`expected one entry for the three versions: ${JSON.stringify(rows)}`);
      if (!/v3, 2 earlier versions/.test(demo[0])) throw new Error(`no folded versions in the row: ${demo[0]}`);
      await page.keyboard.type('drm/demo');
      await sleep(300);
      await shot(page, 'threads-versions');
      await page.keyboard.press('Enter');
      await waitFor(
        'the thread document',
        async () => {
          const tab = await wb.activeTabLabel();
          return tab && tab !== tabBefore ? tab : null;
        },
        20_000,
        300,
      );
      // The other versions come after the opened thread: scroll (the cursor stays, so nothing unfolds) to see them.
      const editorBox = await page.locator('.editor-group-container.active .monaco-editor .view-lines').boundingBox();
      if (editorBox) await page.mouse.move(editorBox.x + editorBox.width / 2, editorBox.y + editorBox.height / 2);
      const folded = await waitFor(
        'the other versions folded in the thread document',
        async () => {
          await page.mouse.wheel(0, 1500);
          return page.evaluate(() => {
            const editor = document.querySelector('.editor-group-container.active .monaco-editor');
            const lines = [...(editor?.querySelectorAll('.view-line') ?? [])].map((l) => l.textContent ?? '');
            const headers = lines.filter((l) => /^#+ Version v[12] /.test(l.replace(/\u00a0/g, ' ')));
            const collapsed = editor?.querySelectorAll('.codicon-folding-collapsed, .inline-folded').length ?? 0;
            return headers.length === 2 && collapsed > 0 ? { collapsed, headers } : null;
          });
        },
        20_000,
        700,
      ).catch(async (err) => {
        await shot(page, 'thread-versions-not-folded');
        throw err;
      });
      await shot(page, 'thread-versions-folded');
      return `${folded.collapsed} folded region(s): ${folded.headers.join(' | ').slice(0, 160)}`;
    },
  );

  await harness.cleanup();
  await restrictedModeChecks();

  const blocked = [...new Set([...harness.blocked, ...extraHarnesses.flatMap((h) => h.blocked)])];
  if (blocked.length) log(`blocked requests (not 127.0.0.1): ${blocked.join(', ')}`);
}

/** A second VS Code session with workspace trust on: the folder opens in Restricted Mode. */
async function restrictedModeChecks() {
  if (only.length && !only.some((o) => 'restricted mode'.includes(o) || o.includes('restricted'))) return;
  const h = new Harness({ codeServer, chromium: chromiumBin, playwright, log, keep: flag('--keep') });
  extraHarnesses.push(h);
  const folder = path.join(h.tmp, 'linux');
  fs.cpSync(FIXTURE, folder, { recursive: true });
  h.writeSettings({
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
  });
  await h.installVsix(vsix);
  await h.startCodeServer(folder, { trust: true });
  const page = await h.startBrowser();
  await h.loadWorkbench();
  const wb = new Workbench(page, log);
  await wb.openFile(DEMO, 'make_device_exclusive_range');

  await check('restricted mode: the extension says what is disabled', 60_000, async () => {
    const note = await waitFor(
      'the Restricted Mode notification',
      async () => (await notifications(page)).find((n) => /Restricted Mode/.test(n)),
      45_000,
      500,
    );
    await shot(page, 'restricted-mode');
    if (!/git/.test(note)) throw new Error(`the notification does not say that git is off: ${note}`);
    return note.slice(0, 160);
  });

  await check('restricted mode: hovers still work, "why is this line" does not run git', 60_000, async () => {
    await wb.goToLine(HOVER_LINE);
    const hover = await wb.hover(
      'make_device_exclusive_range',
      HOVER_LINE,
      (t) => /make_device_exclusive_range/.test(t) && /6\.15/.test(t),
      45_000,
      { contentOnly: true },
    );
    await page.mouse.move(5, 450);
    if (!hover.ok) throw new Error(`no hover in Restricted Mode: ${JSON.stringify(hover.text.slice(0, 200))}`);
    await clearNotifications(page);
    await wb.runCommand(paletteTitle('kernelMmLens.whyThisLine'));
    const said = await waitFor(
      'a message about trust',
      async () => (await notifications(page)).find((n) => /trust/i.test(n)),
      15_000,
      300,
    );
    await shot(page, 'restricted-why-this-line');
    return said.slice(0, 160);
  });
  await h.cleanup();
}

main().then(
  () => finish(),
  async (err) => {
    log(`FAILED: ${err.stack || err}`);
    results.push({ name: 'setup', ok: false, detail: err.message });
    if (harness.page) await shot(harness.page, 'setup-failure');
    if (harness.codeServerRec) log(`code-server log tail:\n${tail(harness.codeServerRec.logFile, 30)}`);
    await finish(1);
  },
);
