// Issue 24 in code-server: with a kernel configuration applied, mm/memory.c is dimmed where the configuration says
// so. The configuration (test/fixtures/e2e-config/device-private-off.config, CONFIG_DEVICE_PRIVATE not set) is set
// through the workspace setting `kernelMmLens.kernelConfig` for this check only: the other checks run on "all
// configurations" (no .config in the fixture tree), and the setting is taken away again before the next check.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, waitFor } from './harness.mjs';

const MEMORY = 'mm/memory.c';
const CONFIG_FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'e2e-config',
  'device-private-off.config',
);
const CONFIG_NAME = path.basename(CONFIG_FIXTURE);

/**
 * For each 1-based line number on screen in the active editor: whether its text is dimmed, i.e. every non-blank
 * piece of text of the line is drawn with an opacity below 1 (what a decoration with `opacity` gives), with the
 * decoration classes seen. Lines not on screen are missing from the answer.
 */
async function lineOpacities(page, lines) {
  return page.evaluate((wanted) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!editor) return {};
    const viewLines = [...editor.querySelectorAll('.view-lines .view-line')];
    const answer = {};
    for (const line of wanted) {
      const number = [...editor.querySelectorAll('.margin .line-numbers')].find(
        (n) => Number.parseInt(n.textContent, 10) === line,
      );
      if (!number) continue;
      const top = number.getBoundingClientRect().top;
      const viewLine = viewLines.find((l) => Math.abs(l.getBoundingClientRect().top - top) < 3);
      if (!viewLine) continue;
      const pieces = [...viewLine.querySelectorAll('span')].filter(
        (s) => s.children.length === 0 && s.textContent.trim() !== '',
      );
      // the opacity a piece is painted with: its own times its ancestors' up to the line
      const opacityOf = (el) => {
        let o = 1;
        for (let e = el; e && e !== viewLine.parentElement; e = e.parentElement)
          o *= Number.parseFloat(getComputedStyle(e).opacity);
        return o;
      };
      const opacities = pieces.map(opacityOf);
      answer[line] = {
        text: viewLine.textContent.trim(),
        dimmed: pieces.length > 0 && opacities.every((o) => o < 0.99),
        partly: opacities.some((o) => o < 0.99),
        minOpacity: Math.min(...opacities),
        classes: [...new Set(pieces.flatMap((s) => [...s.classList]).filter((c) => c.startsWith('ced-')))],
      };
    }
    return answer;
  }, lines);
}

/** 1-based numbers of the lines strictly between two fixture lines. */
const between = (from, to) => Array.from({ length: to - from - 1 }, (_, i) => from + 1 + i);

export async function checkInactiveCodeDimmed({ page, wb, check, shot, lineOf, folder, tmp }) {
  await check('mm/memory.c is dimmed where the kernel configuration says so', 120_000, async () => {
    const ifdef = lineOf(MEMORY, /^#ifdef CONFIG_DEVICE_PRIVATE/);
    const orElse = lineOf(MEMORY, /^#else/);
    const endif = lineOf(MEMORY, /^#endif/);
    const liveCall = lineOf(MEMORY, /->migrate_to_ram\(vmf\)/);
    if (!(ifdef > 0 && ifdef < orElse && orElse < endif && liveCall > 0))
      throw new Error(`fixture ${MEMORY}: no #ifdef CONFIG_DEVICE_PRIVATE/#else/#endif block`);
    const inactive = between(ifdef, orElse);
    const active = [...between(orElse, endif), liveCall];

    const config = path.join(tmp, CONFIG_NAME); // outside the tree: the tree keeps no .config
    fs.copyFileSync(CONFIG_FIXTURE, config);
    const settingsDir = path.join(folder, '.vscode');
    fs.mkdirSync(settingsDir, { recursive: true });
    fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ 'kernelMmLens.kernelConfig': config }));
    const configItem = async (re) => (await wb.statusBarTexts()).find((t) => re.test(t)) ?? null;
    let passed = false;
    try {
      const item = await waitFor(
        'the configuration in the status bar',
        () => configItem(/device-private-off/),
        30_000,
        300,
      );
      await wb.openFile(MEMORY, 'demo_fault_is_device_private');
      await wb.goToLine(orElse);
      let seen;
      await waitFor(
        'the #ifdef CONFIG_DEVICE_PRIVATE branch dimmed',
        async () => {
          seen = await lineOpacities(page, [...inactive, ...active]);
          return inactive.every((l) => seen[l]?.dimmed) ? seen : null;
        },
        45_000,
        500,
      ).catch((err) => {
        throw new Error(`${err.message}; lines ${JSON.stringify(seen)}`);
      });
      await sleep(500); // a late repaint would dim more than it should: look once more
      seen = await lineOpacities(page, [...inactive, ...active]);
      await shot(page, 'inactive-code-dimmed');
      const notDimmed = inactive.filter((l) => !seen[l]?.dimmed);
      if (notDimmed.length)
        throw new Error(`inactive lines not dimmed: ${JSON.stringify(notDimmed.map((l) => seen[l] ?? l))}`);
      const wronglyDimmed = active.filter((l) => !seen[l] || seen[l].partly);
      if (wronglyDimmed.length)
        throw new Error(
          `live lines dimmed or not on screen: ${JSON.stringify(wronglyDimmed.map((l) => seen[l] ?? l))}`,
        );
      const sample = seen[inactive[0]];
      passed = true;
      return `lines ${inactive[0]}-${inactive.at(-1)} dimmed (opacity ${sample.minOpacity}, ${sample.classes.join(' ')}), lines ${active.join(',')} not; ${item.split(' | ')[0]}`;
    } finally {
      // back to all configurations for the checks after this one
      fs.rmSync(settingsDir, { recursive: true, force: true });
      await waitFor('"all configs" in the status bar again', () => configItem(/all configs/), 30_000, 300).catch(
        (err) => {
          if (passed) throw err; // else the first failure is the one to report
        },
      );
    }
  });
}
