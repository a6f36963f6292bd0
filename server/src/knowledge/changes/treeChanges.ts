import type { KernelIndex } from '../../indexing/types';
import { detectKernelVersion, formatKernelVersion, type KernelVersion } from '../../base/kernelVersion';
import { getChangeCatalog } from './changeCatalog';
import { changeLabel, changeTag, evaluateChange } from './changeEvaluation';
import type { ChangeCatalog, ChangeResult, ChangeStatus, TrackedChange } from './changeTypes';
import { FileTreeSource, IndexTreeSource, type ChangeTreeSource } from './treeSource';

/**
 * The single answer to "does this tree have change X?" for every surface: hover status, the `changes` CLI,
 * the VS Code changes view, the thread service's "in this tree" label, diagram variant selection and the MCP
 * `tree_changes` tool. Results are computed on first use and kept until the tree changes (`invalidate`).
 */
export class TreeChanges {
  private readonly results = new Map<string, ChangeResult>();

  constructor(
    readonly source: ChangeTreeSource,
    readonly version: KernelVersion | undefined,
    readonly catalog: ChangeCatalog = getChangeCatalog(),
  ) {}

  /** Whether the answers cover the whole tree (an index) or only the files the probes name. */
  get basis(): 'index' | 'files' {
    return this.source.complete ? 'index' : 'files';
  }

  result(id: string): ChangeResult | undefined {
    const cached = this.results.get(id);
    if (cached) return cached;
    const change = this.catalog.byId(id);
    if (!change) return undefined;
    const result = evaluateChange(change, this.source, this.version);
    this.results.set(id, result);
    return result;
  }

  /** Every tracked change (optionally of one topic), in data order. */
  all(filter: { topic?: string } = {}): ChangeResult[] {
    return this.catalog.changes
      .filter((change) => !filter.topic || change.topics.includes(filter.topic))
      .map((change) => this.result(change.id)!);
  }

  /** The changes that touch a symbol (their `symbols` list it). */
  forSymbol(symbol: string): ChangeResult[] {
    return this.catalog.touching(symbol).map((change) => this.result(change.id)!);
  }

  /** true: present; false: absent or only partly there; undefined: unknown change or nothing could be decided. */
  has(id: string): boolean | undefined {
    const result = this.result(id);
    if (!result || result.status === 'unknown') return undefined;
    return result.status === 'present';
  }

  /** Status of several changes at once (diagram variants ask "all of these?"). */
  statusOf(ids: readonly string[]): Map<string, ChangeStatus | undefined> {
    return new Map(ids.map((id) => [id, this.result(id)?.status]));
  }

  /** true: every one of the changes is present; false: one is absent or partial; undefined: one cannot be told. */
  hasAll(ids: readonly string[]): boolean | undefined {
    let all: boolean | undefined = true;
    for (const id of ids) {
      const has = this.has(id);
      if (has === false) return false;
      if (has === undefined) all = undefined;
    }
    return all;
  }

  /** Forget computed results (the tree changed on disk or the index was rebuilt). */
  invalidate(): void {
    this.results.clear();
  }
}

/**
 * Which of several variants (oldest first) this tree's code matches: the last one whose `changes` are all present
 * (a variant without `changes` is the baseline). Undefined when the evidence cannot decide; callers then fall back
 * to the release number. Diagram variants ("rmap walk" before v2 04/17, "folio_walk" after) use it.
 */
export function pickByEvidence<T extends { changes?: readonly string[] }>(
  changes: TreeChanges,
  variants: readonly T[],
): T | undefined {
  let picked: T | undefined;
  for (const variant of variants) {
    if (!variant.changes?.length) {
      picked ??= variant;
      continue;
    }
    const has = changes.hasAll(variant.changes);
    if (has === undefined) return undefined;
    if (has) picked = variant;
  }
  return picked;
}

/** A tree's changes, from its index when there is one, otherwise from the files the probes name. */
export function treeChangesFor(
  root: string,
  options: { index?: KernelIndex; version?: KernelVersion; catalog?: ChangeCatalog } = {},
): TreeChanges {
  const source = options.index ? new IndexTreeSource(options.index) : new FileTreeSource(root);
  return new TreeChanges(source, options.version ?? detectKernelVersion(root), options.catalog);
}

/** What a symbol's hover says about the tracked changes that touch it in this tree. */
export interface SymbolChangeSummary {
  /** One sentence, or undefined when no tracked change touches the symbol. Plain text, symbols in backticks. */
  text?: string;
  backported: ChangeResult[];
  missing: ChangeResult[];
  present: ChangeResult[];
  absent: ChangeResult[];
  partial: ChangeResult[];
}

/**
 * "Backported in this tree (6.12): v2 01/17 …, v2 02/17 …; not in this tree: v2 03/17 … (mainline 6.15)."
 * The mainline release stays as context; what the tree has comes from its code.
 */
export function summarizeForSymbol(changes: TreeChanges, symbol: string): SymbolChangeSummary {
  const results = changes.forSymbol(symbol).filter((result) => result.status !== 'unknown');
  const summary: SymbolChangeSummary = {
    backported: results.filter((r) => r.versionRelation === 'backport'),
    missing: results.filter((r) => r.versionRelation === 'missing'),
    present: results.filter((r) => r.status === 'present'),
    absent: results.filter((r) => r.status === 'absent'),
    partial: results.filter((r) => r.status === 'partial'),
  };
  if (results.length === 0) return summary;
  const here = changes.version ? formatKernelVersion(changes.version) : undefined;
  const list = (items: ChangeResult[]) =>
    items.map((r) => `${quoteLabel(r.change)}${releaseNote(r.change)}`).join('; ');
  const parts: string[] = [];
  const fullBackports = summary.backported.filter((r) => r.status === 'present');
  const partialBackports = summary.backported.filter((r) => r.status === 'partial');
  if (fullBackports.length) parts.push(`Backported in this tree${here ? ` (${here})` : ''}: ${list(fullBackports)}`);
  if (partialBackports.length) {
    parts.push(
      `partly backported: ${partialBackports.map((r) => `${quoteLabel(r.change)} (${probeSplit(r)})`).join('; ')}`,
    );
  }
  const notHere = summary.absent.filter((r) => !summary.backported.includes(r));
  if (notHere.length) parts.push(`${parts.length ? 'not' : 'Not'} in this tree: ${compactList(notHere, list)}`);
  const missingPresentElsewhere = summary.missing.filter((r) => r.status === 'partial');
  if (missingPresentElsewhere.length)
    parts.push(
      `only partly here: ${missingPresentElsewhere.map((r) => `${quoteLabel(r.change)} (${probeSplit(r)})`).join('; ')}`,
    );
  const asExpected = summary.present.filter((r) => r.versionRelation !== 'backport');
  if (parts.length === 0 && asExpected.length) parts.push(`In this tree: ${list(asExpected)}`);
  summary.text = parts.length ? `${parts.join('; ')}.` : undefined;
  return summary;
}

/**
 * More than two changes the tree lacks, all with a series tag: the tags only, grouped by release ("v2 03/17,
 * v2 04/17, v2 17/17 (mainline 6.15)"), so the hover's first block stays short; the subjects are listed below it.
 */
function compactList(items: ChangeResult[], full: (items: ChangeResult[]) => string): string {
  const tags = items.map((r) => changeTag(r.change).trim());
  if (items.length <= 2 || tags.some((tag) => !tag)) return full(items);
  const byRelease = new Map<string, string[]>();
  items.forEach((r, i) => {
    const release = releaseNote(r.change).trim();
    byRelease.set(release, [...(byRelease.get(release) ?? []), tags[i]]);
  });
  return [...byRelease].map(([release, group]) => `${group.join(', ')} ${release}`).join('; ');
}

function quoteLabel(change: TrackedChange): string {
  return `"${changeLabel(change)}"`;
}

function releaseNote(change: TrackedChange): string {
  if (change.release.version) return ` (mainline ${change.release.version})`;
  return ' (not in a mainline release yet)';
}

/** "hugetlb folios rejected: yes; PFN swap PTEs handled in page_vma_mapped: no". */
function probeSplit(result: ChangeResult): string {
  return result.probes
    .filter((probe) => probe.outcome !== 'unknown')
    .map((probe) => `${probe.label}: ${probe.outcome === 'holds' ? 'yes' : 'no'}`)
    .join(', ');
}
