// UI side of the end-to-end harness: what a user does in VS Code (quick open, command palette, hover, quick fix),
// expressed against the DOM of the 1.100 workbench. Every wait has a timeout.
import { sleep, waitFor } from './harness.mjs';

const cssEscape = (s) => s.replace(/["\\]/g, '\\$&');

export class Workbench {
  constructor(page, log) {
    this.page = page;
    this.log = log;
  }

  async focus() {
    await this.page.click('.monaco-workbench .part.statusbar', { position: { x: 5, y: 5 } }).catch(() => undefined);
  }

  /** Ctrl+P, type the path, Enter on the row naming the file; waits until the editor shows `expectText`. */
  async openFile(rel, expectText) {
    const base = rel.split('/').pop();
    await this.focus();
    let opened = false;
    for (let attempt = 1; attempt <= 3 && !opened; attempt++) {
      await this.page.keyboard.press('Control+P');
      const input = await this.page
        .waitForSelector('.quick-input-widget .quick-input-box input', { state: 'visible', timeout: 10_000 })
        .catch(() => null);
      if (!input) continue;
      await this.page.keyboard.type(rel, { delay: 5 });
      // Enter opens the *focused* row. Before the typed filter is applied, the list still shows the recently opened
      // editors (the active one focused), which may name the file too: pressing Enter then reopens the active editor.
      // So wait until the list answers what was typed and its focused row is the file.
      const row = await waitFor(
        `quick open focusing ${rel}`,
        () =>
          this.page.evaluate(
            ({ rel, base }) => {
              const widget = document.querySelector('.quick-input-widget');
              if (!widget || widget.querySelector('.quick-input-box input')?.value !== rel) return null;
              const focused = widget.querySelector('.quick-input-list .monaco-list-row.focused');
              return focused?.getAttribute('aria-label')?.includes(base) ? true : null;
            },
            { rel, base },
          ),
        15_000,
        200,
      ).catch(() => null);
      if (row) {
        await this.page.keyboard.press('Enter');
        opened = true;
      } else {
        await this.page.keyboard.press('Escape');
        await sleep(500);
      }
    }
    if (!opened) throw new Error(`quick open did not find ${rel}`);
    await waitFor(
      `editor showing ${base}`,
      () =>
        this.page.evaluate((text) => {
          const lines = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
          return !!lines && lines.textContent.replace(/\u00a0/g, ' ').includes(text);
        }, expectText),
      30_000,
    ).catch(async (err) => {
      const seen = await this.page
        .evaluate(() => ({
          tab: document.querySelector('.editor-group-container.active .tab.active')?.getAttribute('aria-label'),
          focus: document.activeElement?.className?.toString().slice(0, 80),
          quickOpen: [...document.querySelectorAll('.quick-input-widget')].some(
            (w) => getComputedStyle(w).display !== 'none',
          ),
        }))
        .catch(() => null);
      throw new Error(`${err.message}; saw ${JSON.stringify(seen)}`);
    });
  }

  /** F1, type the command title, Enter. Throws when the palette has no such command. */
  async runCommand(title, { timeoutMs = 10_000 } = {}) {
    await this.focus(); // a focused webview would swallow F1
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await this.page.waitForSelector('.quick-input-widget .quick-input-box input', {
      state: 'visible',
      timeout: 10_000,
    });
    await this.page.keyboard.type(title, { delay: 5 });
    const row = await this.page
      .waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${cssEscape(title)}"]`, { timeout: timeoutMs })
      .catch(() => null);
    if (!row) {
      await this.page.keyboard.press('Escape');
      throw new Error(`command "${title}" is not in the command palette`);
    }
    await row.click();
  }

  /** Visible rows of an open quick pick (label text), or [] when none is open. */
  async quickPickRows() {
    return this.page.evaluate(() => {
      const widget = document.querySelector('.quick-input-widget');
      if (!widget || getComputedStyle(widget).display === 'none') return [];
      return [...widget.querySelectorAll('.quick-input-list .monaco-list-row')].map(
        (r) => r.getAttribute('aria-label') || r.textContent || '',
      );
    });
  }

  /** Screen position of `word` (its middle character) on 1-based `line` of the active editor. */
  async locateWord(word, line) {
    return this.page.evaluate(
      ({ word, line }) => {
        const editor = document.querySelector('.editor-group-container.active .monaco-editor');
        if (!editor) return null;
        const lines = [...editor.querySelectorAll('.view-lines .view-line')];
        let candidates = lines;
        if (line) {
          const number = [...editor.querySelectorAll('.margin .line-numbers')].find(
            (n) => Number.parseInt(n.textContent, 10) === line,
          );
          if (!number) return null;
          const top = number.getBoundingClientRect().top;
          candidates = lines.filter((l) => Math.abs(l.getBoundingClientRect().top - top) < 3);
        }
        const re = new RegExp(`(^|[^A-Za-z0-9_])(${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?![A-Za-z0-9_])`);
        for (const l of candidates) {
          const m = re.exec(l.textContent);
          if (!m) continue;
          const start = m.index + m[1].length;
          const rectOf = (from, to) => {
            const walker = document.createTreeWalker(l, NodeFilter.SHOW_TEXT);
            let offset = 0,
              node,
              range = document.createRange(),
              started = false;
            while ((node = walker.nextNode())) {
              const len = node.textContent.length;
              if (!started && from < offset + len) {
                range.setStart(node, from - offset);
                started = true;
              }
              if (started && to <= offset + len) {
                range.setEnd(node, to - offset);
                return range.getBoundingClientRect();
              }
              offset += len;
            }
            return null;
          };
          const whole = rectOf(start, start + word.length);
          const mid = rectOf(start + Math.floor(word.length / 2), start + Math.floor(word.length / 2) + 1);
          if (!whole || !mid) return null;
          return {
            x: mid.left + mid.width / 2,
            y: mid.top + mid.height / 2,
            left: whole.left,
            right: whole.right,
            top: whole.top,
            bottom: whole.bottom,
          };
        }
        return null;
      },
      { word, line },
    );
  }

  /** Scrolls so that `line` is visible (Ctrl+G), leaving the cursor there. */
  async goToLine(line) {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+G');
    await this.page.waitForSelector('.quick-input-widget .quick-input-box input', {
      state: 'visible',
      timeout: 10_000,
    });
    await this.page.keyboard.type(String(line));
    await this.page.keyboard.press('Enter');
    await sleep(300);
  }

  /** Texts of the visible hovers; with `contentOnly`, without the problem (marker) rows and the action bar. */
  async visibleHoverTexts(contentOnly = false) {
    return this.page.evaluate(
      (contentOnly) =>
        [...document.querySelectorAll('.monaco-hover')]
          .filter((h) => {
            const r = h.getBoundingClientRect();
            const cs = getComputedStyle(h);
            return (
              r.width > 0 &&
              r.height > 0 &&
              cs.visibility !== 'hidden' &&
              cs.display !== 'none' &&
              !h.closest('.hidden')
            );
          })
          .map((h) => {
            if (!contentOnly) return h.innerText.trim();
            const rows = [...h.querySelectorAll('.hover-row')].filter(
              (row) => !row.classList.contains('status-bar') && !row.querySelector('.marker'),
            );
            return rows
              .map((row) => row.innerText.trim())
              .join('\n')
              .trim();
          }),
      contentOnly,
    );
  }

  /** Moves the mouse onto the word until a hover satisfying `accept` shows; returns its text or the last texts seen. */
  async hover(word, line, accept, timeoutMs, { contentOnly = false } = {}) {
    const end = Date.now() + timeoutMs;
    let last = [];
    while (Date.now() < end) {
      const pos = await this.locateWord(word, line);
      if (!pos) {
        await sleep(300);
        continue;
      }
      // move away first so Monaco asks again (a hover asked before activation stays empty)
      await this.page.mouse.move(pos.x, Math.max(0, pos.y - 200), { steps: 2 });
      await sleep(100);
      await this.page.mouse.move(pos.x - 3, pos.y, { steps: 3 });
      await this.page.mouse.move(pos.x, pos.y, { steps: 2 });
      const until = Math.min(end, Date.now() + 5000);
      while (Date.now() < until) {
        last = await this.visibleHoverTexts(contentOnly);
        const hit = last.find(accept);
        if (hit) return { ok: true, text: hit };
        await sleep(200);
      }
    }
    return { ok: false, text: last.join('\n---\n') };
  }

  /** Squiggly decorations (error/warning/info) that overlap `word` on `line`. */
  async squigglesOn(word, line) {
    const pos = await this.locateWord(word, line);
    if (!pos) return null;
    return this.page.evaluate((pos) => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      return [...editor.querySelectorAll('.view-overlays [class*="squiggly-"]')]
        .filter((d) => {
          const r = d.getBoundingClientRect();
          return r.width > 0 && r.left < pos.right && r.right > pos.left && r.top < pos.bottom && r.bottom > pos.top;
        })
        .map((d) => [...d.classList].find((c) => c.startsWith('squiggly-')));
    }, pos);
  }

  /** Text of a 1-based line as rendered (the line must be visible). */
  async lineText(line) {
    return this.page.evaluate((line) => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      const number = [...editor.querySelectorAll('.margin .line-numbers')].find(
        (n) => Number.parseInt(n.textContent, 10) === line,
      );
      if (!number) return null;
      const top = number.getBoundingClientRect().top;
      const l = [...editor.querySelectorAll('.view-lines .view-line')].find(
        (x) => Math.abs(x.getBoundingClientRect().top - top) < 3,
      );
      return l ? l.textContent.replace(/\u00a0/g, ' ') : null;
    }, line);
  }

  /** Clicks into the word, opens the quick-fix menu (Ctrl+.) and returns the offered action labels. */
  async openQuickFixes(word, line) {
    const pos = await this.locateWord(word, line);
    if (!pos) throw new Error(`${word} not visible on line ${line}`);
    await this.page.mouse.click(pos.x, pos.y);
    await sleep(200);
    await this.page.keyboard.press('Control+.');
    const menu = await waitFor(
      'quick-fix menu',
      () =>
        this.page.evaluate(() => {
          const rows = [...document.querySelectorAll('.action-widget .monaco-list-row.action')];
          // a disabled action (the server explaining why it has no fix) is listed with its state
          if (rows.length)
            return rows.map(
              (r) =>
                `${r.classList.contains('option-disabled') || r.getAttribute('aria-disabled') === 'true' ? '[disabled] ' : ''}${r.getAttribute('aria-label') || r.textContent.trim()}`,
            );
          // "No code actions available" and similar editor messages
          const message = document.querySelector('.monaco-editor-overlaymessage .message');
          return message && message.textContent.trim() ? { message: message.textContent.trim() } : null;
        }),
      10_000,
    );
    if (!Array.isArray(menu)) throw new Error(`the editor says: ${menu.message}`);
    return menu;
  }

  /** Runs the index-th action of the open quick-fix menu (as listed by openQuickFixes) with the keyboard,
   *  as a user does: the menu has focus on its first action. */
  async chooseQuickFix(index) {
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
  }

  async activeTabLabel() {
    return this.page.evaluate(
      () => document.querySelector('.editor-group-container.active .tab.active')?.getAttribute('aria-label') ?? null,
    );
  }

  async statusBarTexts() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('.part.statusbar .statusbar-item')].map(
        (i) =>
          `${i.innerText.trim()} | ${i.getAttribute('aria-label') ?? i.querySelector('[aria-label]')?.getAttribute('aria-label') ?? ''}`,
      ),
    );
  }

  async problemRows() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('.markers-panel .monaco-list-row')].map(
        (r) => r.getAttribute('aria-label') || r.textContent.trim(),
      ),
    );
  }

  /** Frames of webviews whose document matches `selector`, with their text. */
  async webviewContents(selector) {
    const found = [];
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame()) continue;
      const info = await frame
        .evaluate((sel) => {
          const el = document.querySelector(sel);
          return el
            ? { text: document.body.innerText.slice(0, 2000), count: document.querySelectorAll(sel).length }
            : null;
        }, selector)
        .catch(() => null);
      if (info) found.push({ url: frame.url(), ...info });
    }
    return found;
  }
}
