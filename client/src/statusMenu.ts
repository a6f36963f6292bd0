/**
 * What the status-bar menu offers: commands that make sense from the status bar in the current situation, under
 * their manifest titles, in groups. Context-only commands (a comment thread's Reply, a code lens's Open Review
 * Thread) are never listed: they need the context VS Code gives them, and run from the status bar they would have
 * nothing to act on. Pure (no `vscode`), so it is unit-tested against the manifest.
 */

export interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

export interface MenuSituation {
  /** The active editor shows a C (or C++) document: the "at the cursor" commands have a symbol to work on. */
  cEditor: boolean;
  /** The workspace is trusted (git-based commands work). */
  trusted: boolean;
  /** A lifecycle diagram panel is open (it can be exported). */
  diagramOpen: boolean;
  /** The index is being built (it can be cancelled). */
  indexing: boolean;
}

export interface MenuItem {
  command: string;
  label: string;
  /** One line on what it does here. */
  detail?: string;
  group: string;
}

/** The commands of the menu, in order, with the situations they need. Every id must be contributed with a title. */
export const STATUS_MENU: ReadonlyArray<{
  command: string;
  group: string;
  detail?: string;
  when?: (s: MenuSituation) => boolean;
}> = [
  { command: 'kernelMmLens.cancelIndexing', group: 'Index', when: (s) => s.indexing },
  { command: 'kernelMmLens.rebuildIndex', group: 'Index', detail: 'Index every file of the tree again' },
  { command: 'kernelMmLens.restartServer', group: 'Index' },
  { command: 'kernelMmLens.showOutput', group: 'Index' },
  {
    command: 'kernelMmLens.lintWorkspace',
    group: 'Lint',
    detail: 'Check every file for removed APIs and list the findings in the Problems view',
  },
  { command: 'kernelMmLens.setLintTarget', group: 'Lint', detail: 'The kernel version the code is meant for' },
  { command: 'kernelMmLens.showThreads', group: 'At the cursor', when: (s) => s.cEditor },
  { command: 'kernelMmLens.whyThisLine', group: 'At the cursor', when: (s) => s.cEditor && s.trusted },
  { command: 'kernelMmLens.openDiagram', group: 'Diagrams' },
  { command: 'kernelMmLens.exportDiagramSvg', group: 'Diagrams', when: (s) => s.diagramOpen },
  { command: 'kernelMmLens.notes.export', group: 'Review notes' },
  { command: 'kernelMmLens.showTrustInfo', group: 'Settings', when: (s) => !s.trusted },
  { command: 'kernelMmLens.openSettings', group: 'Settings' },
];

/**
 * The menu for a situation: listed commands whose condition holds and that are contributed (title from the
 * manifest) and registered by the running extension.
 */
export function statusMenuItems(
  contributed: readonly ManifestCommand[],
  registered: ReadonlySet<string>,
  situation: MenuSituation,
): MenuItem[] {
  const byId = new Map(contributed.map((c) => [c.command, c]));
  const items: MenuItem[] = [];
  for (const entry of STATUS_MENU) {
    const manifest = byId.get(entry.command);
    if (!manifest || !registered.has(entry.command)) continue;
    if (entry.when && !entry.when(situation)) continue;
    items.push({ command: entry.command, label: manifest.title, detail: entry.detail, group: entry.group });
  }
  return items;
}
