// The status-bar menu: only commands that make sense from the status bar, under their titles, never a
// context-only command (those throw or do nothing without the comment thread / code lens that runs them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS_MENU, statusMenuItems, type ManifestCommand, type MenuSituation } from '../../client/src/statusMenu';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const contributed: ManifestCommand[] = manifest.contributes.commands;
const hiddenFromPalette = new Set<string>(
  (manifest.contributes.menus.commandPalette as Array<{ command: string; when?: string }>)
    .filter((entry) => entry.when === 'false')
    .map((entry) => entry.command),
);
const all = new Set(contributed.map((c) => c.command));
const everywhere: MenuSituation = { cEditor: true, trusted: true, diagramOpen: true, indexing: true };
const nowhere: MenuSituation = { cEditor: false, trusted: false, diagramOpen: false, indexing: false };

test('every menu command is contributed with a title, and none is a context-only command', () => {
  for (const entry of STATUS_MENU) {
    const command = contributed.find((c) => c.command === entry.command);
    assert.ok(command, `${entry.command} is not contributed`);
    assert.ok(command.title && !command.title.includes('kernelMmLens'), `${entry.command} has no readable title`);
    assert.ok(!hiddenFromPalette.has(entry.command), `${entry.command} is context-only (hidden from the palette)`);
  }
});

test('the comment-thread and code-lens commands never reach the menu', () => {
  const labels = statusMenuItems(contributed, all, everywhere).map((item) => item.command);
  for (const id of [
    'kernelMmLens.notes.create',
    'kernelMmLens.notes.reply',
    'kernelMmLens.notes.resolve',
    'kernelMmLens.notes.reopen',
    'kernelMmLens.notes.delete',
    'kernelMmLens.notes.goToSymbol',
    'kernelMmLens.openThread',
    'kernelMmLens.openThreadOnLore',
    'kernelMmLens.showStatusMenu',
  ])
    assert.ok(!labels.includes(id), id);
});

test('commands that need an editor, a diagram, an index run or trust show only then', () => {
  const here = statusMenuItems(contributed, all, everywhere).map((item) => item.command);
  const bare = statusMenuItems(contributed, all, nowhere).map((item) => item.command);
  for (const id of [
    'kernelMmLens.showThreads',
    'kernelMmLens.whyThisLine',
    'kernelMmLens.exportDiagramSvg',
    'kernelMmLens.cancelIndexing',
  ]) {
    assert.ok(here.includes(id), `${id} missing where it applies`);
    assert.ok(!bare.includes(id), `${id} listed where it does nothing`);
  }
  assert.ok(bare.includes('kernelMmLens.showTrustInfo') && !here.includes('kernelMmLens.showTrustInfo'));
  for (const id of ['kernelMmLens.rebuildIndex', 'kernelMmLens.lintWorkspace', 'kernelMmLens.openSettings'])
    assert.ok(bare.includes(id) && here.includes(id), id);
});

test('labels are the manifest titles; commands the extension did not register are left out', () => {
  const items = statusMenuItems(contributed, new Set(['kernelMmLens.rebuildIndex']), nowhere);
  assert.deepEqual(
    items.map((item) => item.label),
    [contributed.find((c) => c.command === 'kernelMmLens.rebuildIndex')!.title],
  );
});
