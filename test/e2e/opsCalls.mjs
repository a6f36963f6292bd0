// Issue 24 in code-server: Show Incoming Calls on a driver's migrate_to_ram callback lists do_swap_page, which calls
// it through dev_pagemap_ops (vmf->page->pgmap->ops->migrate_to_ram), the row saying through which field.
import { sleep, waitFor } from './harness.mjs';

const DMEM = 'drivers/gpu/drm/demo/demo_dmem.c';

/** The rows of the References view ("REFERENCES: CALLERS OF" in the side bar), or null while it is not shown. */
async function referencesRows(page) {
  return page.evaluate(() => {
    const bar = document.querySelector('.part.sidebar');
    const title = bar?.querySelector('.composite.title')?.textContent ?? '';
    if (!/references|callers|calls/i.test(title)) return null;
    const rows = [...bar.querySelectorAll('.monaco-list-row')];
    return rows.length ? rows.map((r) => r.textContent.replace(/\s+/g, ' ').trim()) : null;
  });
}

export async function checkIncomingCallsThroughOpsTable({ page, wb, check, shot, lineOf }) {
  await check(
    'incoming calls of a migrate_to_ram callback list do_swap_page via dev_pagemap_ops',
    120_000,
    async () => {
      const line = lineOf(DMEM, /^static vm_fault_t demo_dmem_migrate_to_ram\(/);
      await wb.openFile(DMEM, 'demo_dmem_pagemap_ops');
      await wb.goToLine(line);
      const pos = await waitFor(
        'the callback on screen',
        () => wb.locateWord('demo_dmem_migrate_to_ram', line),
        10_000,
        300,
      );
      await page.mouse.click(pos.x, pos.y);
      await sleep(300);
      await wb.runCommand('Calls: Show Incoming Calls');
      let rows = await waitFor(
        'the References view',
        async () => {
          const r = await referencesRows(page);
          return r?.some((t) => /do_swap_page/.test(t)) ? r : null;
        },
        30_000,
        500,
      ).catch(() => null);
      if (!rows) {
        // The palette may have taken the editor's focus with it: ask again from the editor, by its keybinding.
        await page.mouse.click(pos.x, pos.y);
        await page.keyboard.press('Shift+Alt+H');
        rows = await waitFor(
          'do_swap_page in the call hierarchy',
          async () => {
            const r = await referencesRows(page);
            return r?.some((t) => /do_swap_page/.test(t)) ? r : null;
          },
          45_000,
          500,
        ).catch(async (err) => {
          const panes = await page.evaluate(() =>
            [...document.querySelectorAll('.pane-header')].map((h) => h.textContent.trim()).filter(Boolean),
          );
          const toasts = await page.evaluate(() =>
            [...document.querySelectorAll('.notification-toast')].map((n) => n.textContent.trim()),
          );
          throw new Error(
            `${err.message}; rows ${JSON.stringify(await referencesRows(page))}; panes ${JSON.stringify(panes)}; notifications ${JSON.stringify(toasts)}`,
          );
        });
      }
      await shot(page, 'incoming-calls-ops-table');
      const row = rows.find((t) => /do_swap_page/.test(t));
      if (!/via dev_pagemap_ops\.migrate_to_ram/.test(row)) throw new Error(`row without the field: ${row}`);
      return row;
    },
  );
}
