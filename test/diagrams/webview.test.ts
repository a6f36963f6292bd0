import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import * as esbuild from 'esbuild';
import { loadDiagrams } from '../../server/src/diagrams/loader';
import { buildDiagram } from '../../server/src/diagrams/diagramService';
import { buildDiagramHtml, jsonForScript } from '../../client/src/diagramHtml';
import type { DiagramResult } from '../../protocol';

const repo = path.join(__dirname, '..', '..');
const artifacts = path.join(repo, 'test', 'artifacts', 'diagrams');
const CHROMIUM = '/usr/bin/chromium';
// Page-side expressions are passed as source text: the test runner's transpiler would add helpers to functions.
const ACTIVE_STEP = `document.activeElement && document.activeElement.getAttribute('data-step')`;
const NONCE = 'dGVzdC1ub25jZS0xMjM0NQ==';
const { diagrams } = loadDiagrams();

// A few of the variables VS Code defines in webviews, per theme kind (the page sets them through the CSSOM,
// which the CSP allows, as VS Code does).
const THEMES: Record<string, Record<string, string>> = {
  'vscode-dark': {
    'editor-background': '#1e1e1e',
    'editor-foreground': '#d4d4d4',
    'editorWidget-background': '#252526',
    'textLink-foreground': '#3794ff',
    descriptionForeground: '#9d9d9d',
    'editor-inactiveSelectionBackground': '#3a3d41',
    'editorError-foreground': '#f14c4c',
    focusBorder: '#007fd4',
    'button-background': '#0e639c',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#3a3d41',
    'button-secondaryForeground': '#ffffff',
    'font-family': 'sans-serif',
    'editor-font-family': 'monospace',
  },
  'vscode-high-contrast': {
    'editor-background': '#000000',
    'editor-foreground': '#ffffff',
    'editorWidget-background': '#0c141f',
    'textLink-foreground': '#21a6ff',
    descriptionForeground: '#ffffff',
    'editor-inactiveSelectionBackground': '#000000',
    'editorError-foreground': '#f48771',
    focusBorder: '#f38518',
    contrastBorder: '#6fc3df',
    contrastActiveBorder: '#f38518',
    'button-background': '#000000',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#000000',
    'button-secondaryForeground': '#ffffff',
    'font-family': 'sans-serif',
    'editor-font-family': 'monospace',
  },
};

function sampleResult(): DiagramResult {
  const result = buildDiagram(diagrams, { id: 'device-exclusive', symbol: 'folio_walk_start' });
  // Pretend the tree lacks one function, and put hostile text where data files or mail could.
  result.steps = result.steps.map((step) => (step.id === 'zap' ? { ...step, missing: true } : step));
  result.summary = `${result.summary} <img src=x onerror=alert(1)> https://evil.example/`;
  return result;
}

function html(
  result: DiagramResult,
  scriptUri = 'vscode-webview://x/diagramView.js',
  styleUri = 'vscode-webview://x/diagramView.css',
  cspSource = 'vscode-webview://x',
): string {
  return buildDiagramHtml({ result, cspSource, nonce: NONCE, scriptUri, styleUri });
}

describe('diagram webview HTML', () => {
  it('has a strict CSP with the nonce, a nonce on the script, and no remote URL', () => {
    const page = html(sampleResult());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1].replace(/&#39;/g, "'");
    assert.equal(
      csp,
      `default-src 'none'; img-src vscode-webview://x data:; style-src vscode-webview://x 'nonce-${NONCE}'; script-src 'nonce-${NONCE}';`,
    );
    const scripts = [...page.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [
      ' type="application/json" id="kml-data"',
      ` nonce="${NONCE}" src="vscode-webview://x/diagramView.js"`,
    ]);
    assert.doesNotMatch(page, /https?:\/\//i);
    assert.doesNotMatch(page, /<img|onerror=alert\(1\)>|\sstyle=/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('keeps the data island inert', () => {
    assert.equal(
      jsonForScript({ a: '</script><script>alert(1)</script>' }),
      '{"a":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}',
    );
    assert.throws(
      () =>
        buildDiagramHtml({
          result: sampleResult(),
          cspSource: 'x',
          nonce: "x' 'unsafe-inline",
          scriptUri: 's',
          styleUri: 'c',
        }),
      /invalid nonce/,
    );
  });
});

// A real browser: Debian's chromium driven by playwright-core (scripts/install-chromium.sh installs it).
describe(
  'diagram webview in headless chromium',
  { skip: fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (run scripts/install-chromium.sh)` },
  () => {
    let browser: any;
    let pageFile = '';
    const result = sampleResult();

    before(async () => {
      fs.mkdirSync(artifacts, { recursive: true });
      // The same bundle the build makes (dist/media), built here so the test needs no prior build.
      await esbuild.build({
        entryPoints: { diagramView: path.join(repo, 'media', 'src', 'diagramView.ts') },
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2020',
        outdir: artifacts,
        logLevel: 'warning',
      });
      pageFile = path.join(artifacts, 'device-exclusive.html');
      fs.writeFileSync(
        pageFile,
        html(
          result,
          pathToFileURL(path.join(artifacts, 'diagramView.js')).href,
          pathToFileURL(path.join(artifacts, 'diagramView.css')).href,
          'file:',
        ),
      );
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
    });

    after(async () => {
      await browser?.close();
    });

    async function openPage(theme: string, state?: unknown) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message: { type(): string; text(): string }) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error: Error) => problems.push(error.message));
      // The VS Code webview API, faked: records posted messages and keeps state like the real one. Passed as
      // source text: a function would be serialised with the test transpiler's helpers, unknown to the page.
      await page.addInitScript({
        content: `
      window.__posted = [];
      window.__state = ${JSON.stringify(state ?? null)} ?? undefined;
      window.acquireVsCodeApi = function () {
        return {
          postMessage: function (message) { window.__posted.push(message); },
          getState: function () { return window.__state; },
          setState: function (next) { window.__state = next; },
        };
      };
      document.addEventListener('DOMContentLoaded', function () {
        document.body.classList.add(${JSON.stringify(theme)});
        var colours = ${JSON.stringify(THEMES[theme])};
        for (var name in colours) document.documentElement.style.setProperty('--vscode-' + name, colours[name]);
      });
    `,
      });
      await page.goto(pathToFileURL(pageFile).href);
      await page.waitForSelector('.kml-node');
      return { page, problems };
    }

    it('shows every step with its function, opens a step on click, navigates with the keyboard', async () => {
      const { page, problems } = await openPage('vscode-dark');
      const steps = await page.evaluate(
        `Array.from(document.querySelectorAll('.kml-node')).map((n) => ({ id: n.getAttribute('data-step'), text: n.textContent }))`,
      );
      assert.deepEqual(
        steps.map((s: { id: string }) => s.id),
        result.steps.map((s) => s.id),
      );
      for (const step of result.steps) {
        if (step.function)
          assert.ok(
            steps.find((s: { id: string }) => s.id === step.id)!.text.includes(`${step.function}()`),
            step.function,
          );
      }
      // The step the user came from is highlighted and focused on load.
      assert.equal(await page.evaluate(ACTIVE_STEP), 'folio-walk-recheck');

      await page.click('.kml-node[data-step="revoke"]');
      assert.deepEqual(await page.evaluate('window.__posted'), [{ type: 'open', step: 'revoke' }]);
      const details = await page.textContent('#kml-details');
      assert.match(details, /remove_device_exclusive_entry\(\)/);
      assert.match(details, /MMU_NOTIFY_CLEAR with no owner/);
      assert.match(details, /Source: \[PATCH v2 5\/5\]/);

      await page.keyboard.press('ArrowDown');
      assert.equal(await page.evaluate(ACTIVE_STEP), 'restore');
      await page.keyboard.press('Enter');
      await page.click('#kml-details .kml-thread');
      await page.click('.kml-variant[data-variant="rmap-walk-legacy"]');
      await page.click('#kml-export');
      assert.deepEqual(await page.evaluate('window.__posted'), [
        { type: 'open', step: 'revoke' },
        { type: 'open', step: 'restore' },
        { type: 'openThread', step: 'restore' },
        { type: 'variant', variant: 'rmap-walk-legacy' },
        { type: 'export' },
      ]);
      assert.deepEqual(await page.evaluate('window.__state'), {
        id: 'device-exclusive',
        variant: 'folio-walk-6.15',
        selected: 'restore',
      });

      // Theme CSS applied (dark body class, VS Code variables undefined here so the computed stroke comes from CSS, not
      // the attribute).
      assert.equal(
        await page.evaluate(`getComputedStyle(document.querySelector('.kml-step:not(.kml-highlight) .kml-box')).fill`),
        'rgb(37, 37, 38)',
        'step boxes take the editor widget colour of the dark theme',
      );
      assert.equal(
        await page.evaluate(`getComputedStyle(document.querySelector('.kml-highlight .kml-box')).strokeWidth`),
        '3px',
      );
      assert.deepEqual(problems, []);
      await page.screenshot({ path: path.join(artifacts, 'device-exclusive-dark.png') });
      await page.close();
    });

    it('fits the width on open, zooms with the buttons and Ctrl+wheel, keeps the selected step in view', async () => {
      const { page, problems } = await openPage('vscode-dark');
      const geometry = `(() => {
        const pane = document.getElementById('kml-diagram').getBoundingClientRect();
        const svg = document.querySelector('#kml-diagram svg');
        const side = document.querySelector('.kml-side').getBoundingClientRect();
        const node = document.querySelector('.kml-node.kml-selected');
        const box = node ? node.getBoundingClientRect() : null;
        return { paneLeft: pane.left, paneTop: pane.top, paneRight: pane.right, paneBottom: pane.bottom,
          paneWidth: document.getElementById('kml-diagram').clientWidth, svgWidth: Number(svg.getAttribute('width')),
          sideLeft: side.left, sideTop: side.top, zoom: document.getElementById('kml-zoom-level').textContent,
          selected: box && { left: box.left, top: box.top, right: box.right, bottom: box.bottom } };
      })()`;
      const open = await page.evaluate(geometry);
      assert.ok(
        open.svgWidth <= open.paneWidth && open.svgWidth >= open.paneWidth * 0.9,
        `fitted to the pane: ${open.svgWidth} of ${open.paneWidth} px`,
      );
      assert.ok(open.sideLeft >= open.paneRight, 'the details pane is beside the diagram, not over it');
      await page.click('#kml-zoom-in');
      const zoomed = await page.evaluate(geometry);
      assert.ok(Math.abs(zoomed.svgWidth - open.svgWidth * 1.25) <= 2, `${zoomed.svgWidth} after zoom in`);
      assert.match(zoomed.zoom, /^\d+%$/);
      await page.mouse.move(open.paneLeft + 100, open.paneTop + 100);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -300);
      await page.keyboard.up('Control');
      const wheeled = await page.evaluate(geometry);
      assert.ok(wheeled.svgWidth > zoomed.svgWidth * 1.5, `Ctrl+wheel zooms in: ${wheeled.svgWidth}`);
      // the last step, far down and right of a zoomed diagram, is scrolled into the pane when selected
      await page.focus('.kml-node[data-step="folio-walk-recheck"]');
      await page.keyboard.press('End');
      const last = await page.evaluate(geometry);
      assert.ok(last.selected, 'a step is selected');
      assert.ok(
        last.selected.top >= last.paneTop - 1 &&
          last.selected.bottom <= last.paneBottom + 1 &&
          last.selected.left >= last.paneLeft - 1 &&
          last.selected.right <= last.paneRight + 1,
        `selected step inside the pane: ${JSON.stringify(last)}`,
      );
      assert.ok(last.selected.right <= last.sideLeft, 'and not under the details');
      assert.equal((await page.evaluate('window.__state')).scale > 1, true, 'the zoom is kept in the state');
      assert.deepEqual(problems, []);
      await page.screenshot({ path: path.join(artifacts, 'device-exclusive-zoomed.png') });
      await page.close();
    });

    it('restores the selected step from the saved state after the webview was hidden', async () => {
      const { page, problems } = await openPage('vscode-high-contrast', {
        id: 'device-exclusive',
        variant: 'folio-walk-6.15',
        selected: 'swapout',
      });
      assert.equal(await page.evaluate(ACTIVE_STEP), 'swapout');
      assert.match(await page.textContent('#kml-details'), /try_to_unmap_one\(\)/);
      assert.deepEqual(problems, []);
      await page.screenshot({ path: path.join(artifacts, 'device-exclusive-high-contrast.png') });
      await page.close();
    });
  },
);
