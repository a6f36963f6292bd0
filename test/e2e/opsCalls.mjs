// Issue 24 in code-server: Show Incoming Calls on a driver's migrate_to_ram callback lists do_swap_page, which calls
// it through dev_pagemap_ops (vmf->page->pgmap->ops->migrate_to_ram), the row saying through which field; Show
// Outgoing Calls on do_swap_page lists every migrate_to_ram implementation of the fixture tree (two drivers).
import { sleep, waitFor } from './harness.mjs';

const DMEM = 'drivers/gpu/drm/demo/demo_dmem.c';
const MEMORY = 'mm/memory.c';
/** The migrate_to_ram implementations of test/fixtures/e2e-tree (each stored into a dev_pagemap_ops table). */
const IMPLEMENTATIONS = ['demo_dmem_migrate_to_ram', 'demo_hmm_devmem_fault'];

/**
 * The rows of the References view ("REFERENCES: CALLERS OF" / "REFERENCES: CALLS FROM" in the side bar), or null
 * while it is not shown (or, with `titlePattern`, while its title does not match).
 */
async function referencesRows(page, titlePattern = 'references|callers|calls') {
  return page.evaluate((pattern) => {
    const bar = document.querySelector('.part.sidebar');
    const title = bar?.querySelector('.composite.title')?.textContent ?? '';
    if (!new RegExp(pattern, 'i').test(title)) return null;
    const rows = [...bar.querySelectorAll('.monaco-list-row')];
    return rows.length ? rows.map((r) => r.textContent.replace(/\s+/g, ' ').trim()) : null;
  }, titlePattern);
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

export async function checkOutgoingCallsThroughOpsTable({ page, wb, check, shot, lineOf }) {
  await check(
    'outgoing calls of do_swap_page list the migrate_to_ram implementations via dev_pagemap_ops',
    120_000,
    async () => {
      const line = lineOf(MEMORY, /^vm_fault_t do_swap_page\(/);
      await wb.openFile(MEMORY, 'do_swap_page');
      await wb.goToLine(line);
      const pos = await waitFor('do_swap_page on screen', () => wb.locateWord('do_swap_page', line), 10_000, 300);
      // Every implementation under the root, in the outgoing view (its title says "calls from"): the incoming view
      // of the check before also shows demo_dmem_migrate_to_ram, as its root.
      const allShown = async () => {
        const rows = await referencesRows(page, 'calls from|outgoing');
        return rows && IMPLEMENTATIONS.every((name) => rows.some((t) => t.includes(name))) ? rows : null;
      };
      // "Calls: Show Outgoing Calls" turns the hierarchy already in the view around (it showed what the callback of
      // the check before calls): open the hierarchy of do_swap_page from the editor first, then turn it to outgoing.
      await page.mouse.click(pos.x, pos.y);
      await sleep(300);
      await wb.runCommand('Calls: Show Call Hierarchy');
      await waitFor(
        'the call hierarchy of do_swap_page',
        async () => (await referencesRows(page))?.[0]?.startsWith('do_swap_page') || null,
        30_000,
        500,
      ).catch(async (err) => {
        throw new Error(`${err.message}; rows ${JSON.stringify(await referencesRows(page))}`);
      });
      await wb.runCommand('Calls: Show Outgoing Calls');
      const rows = await waitFor('the migrate_to_ram implementations under do_swap_page', allShown, 45_000, 500).catch(
        async (err) => {
          const title = await page.evaluate(
            () => document.querySelector('.part.sidebar .composite.title')?.textContent ?? '',
          );
          throw new Error(
            `${err.message}; title ${JSON.stringify(title)}; rows ${JSON.stringify(await referencesRows(page))}`,
          );
        },
      );
      await shot(page, 'outgoing-calls-ops-table');
      for (const name of IMPLEMENTATIONS) {
        const row = rows.find((t) => t.includes(name));
        if (!/via dev_pagemap_ops\.migrate_to_ram/.test(row)) throw new Error(`row without the field: ${row}`);
      }
      return rows.filter((t) => IMPLEMENTATIONS.some((name) => t.includes(name))).join(' | ');
    },
  );
}
