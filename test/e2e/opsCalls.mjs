// Issue 24 in code-server: Show Incoming Calls on a driver's migrate_to_ram callback lists do_swap_page, which calls
// it through dev_pagemap_ops (vmf->page->pgmap->ops->migrate_to_ram), the row saying through which field.
import { waitFor } from './harness.mjs';

const DMEM = 'drivers/gpu/drm/demo/demo_dmem.c';

export async function checkIncomingCallsThroughOpsTable({ page, wb, check, shot, lineOf }) {
  await check('incoming calls of a migrate_to_ram callback list do_swap_page via dev_pagemap_ops', 90_000, async () => {
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
    await wb.runCommand('Calls: Show Incoming Calls');
    const rows = await waitFor(
      'do_swap_page in the call hierarchy',
      async () => {
        const texts = await page.evaluate(() =>
          [...document.querySelectorAll('.pane-body .monaco-list-row')].map((r) => r.textContent.replace(/\s+/g, ' ')),
        );
        return texts.some((t) => /do_swap_page/.test(t)) ? texts : null;
      },
      60_000,
      500,
    );
    await shot(page, 'incoming-calls-ops-table');
    const row = rows.find((t) => /do_swap_page/.test(t));
    if (!/via dev_pagemap_ops\.migrate_to_ram/.test(row)) throw new Error(`row without the field: ${row}`);
    return row.trim();
  });
}
