/**
 * The shape of a lifecycle diagram file (server/data/diagrams/<id>.yaml), as validated by `schema.ts`.
 * A diagram has one or more variants (e.g. before/after a kernel release); each variant is a small graph of
 * steps (code that runs) and states (what the memory looks like between steps).
 */

/** Where a fact comes from: a review thread (Message-ID) and/or a file of a kernel tree. */
export interface DiagramSource {
  /** Message-ID without angle brackets; the lore link is derived from it. */
  thread?: string;
  subject?: string;
  /** Tree-relative path of the file the fact was checked in. */
  tree?: string;
}

export interface DiagramStep {
  id: string;
  /** `step` (default): code runs; `state`: what the page tables / page look like in between. */
  kind?: 'step' | 'state';
  label: string;
  /** The function doing the step: a catalog symbol, and the jump target. */
  function?: string;
  /** Identifier inside `function` where the step happens (a call, a macro); narrows the jump to that line. */
  at?: string;
  /**
   * Other names of the `at` identifier in other releases (a rename upstream, e.g. the swapops predicates that
   * became softleaf_* in 6.19): tried in order after `at` when the function's body does not use `at`.
   */
  atAlso?: string[];
  locks?: string[];
  /** MMU notifier event sent during the step (`MMU_NOTIFY_EXCLUSIVE`, ...). */
  notifier?: string;
  /** What the review threads said about this step, in our own words. */
  note?: string;
  source: DiagramSource;
}

export interface DiagramTransition {
  from: string;
  to: string;
  label?: string;
}

/**
 * One piece of evidence for a variant. Kernel rules compare versions; the others look at the code of the
 * tree (through the index, or by reading `file` when no index is available).
 */
export type AppliesToRule =
  | { kernel: { min?: string; below?: string } }
  | { function: string; calls: string; file?: string }
  | { function: string; doesNotCall: string; file?: string }
  | { symbolExists: string; file?: string }
  | { symbolMissing: string; file?: string }
  /** The tree has every one of these tracked changes (server/data/changes ids), by their code probes. */
  | { changes: string[] };

export interface DiagramVariant {
  id: string;
  label: string;
  appliesTo: AppliesToRule[];
  steps: DiagramStep[];
  transitions: DiagramTransition[];
}

export interface DiagramChangeItem {
  what: string;
  why: string;
  source: DiagramSource;
}

/** What changed between two variants and why. */
export interface DiagramChanges {
  from: string;
  to: string;
  summary: string;
  items: DiagramChangeItem[];
}

export interface Diagram {
  id: string;
  title: string;
  summary: string;
  /** Newest first; the first variant is the default when nothing else decides. */
  variants: DiagramVariant[];
  changes?: DiagramChanges;
}

/** Lore link of a Message-ID (shown to the user, opened only on an explicit click). */
export function loreUrl(messageId: string): string {
  return `https://lore.kernel.org/all/${encodeURIComponent(messageId)}/`;
}
