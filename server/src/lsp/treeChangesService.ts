import type { KernelIndex } from '../indexing/types';
import { formatKernelVersion, type KernelVersion } from '../base/kernelVersion';
import { treeChangesFor, type TreeChanges } from '../knowledge/changes/treeChanges';

/**
 * The server's one answer to "does this tree have change X?": a TreeChanges for the workspace tree, read through
 * the index once it is ready (through the files the probes name before that), kept until the tree, the index,
 * the kernel version or a file on disk changes. Hover status, the changes view and any feature that picks a
 * variant by what the tree has (diagrams, thread labels) ask it.
 */
export class TreeChangesService {
  private cached: { key: string; index: KernelIndex | undefined; changes: TreeChanges } | undefined;
  private stale = false;

  constructor(
    private readonly root: () => string | undefined,
    private readonly index: () => KernelIndex | undefined,
    private readonly version: () => KernelVersion | undefined,
  ) {}

  /** The evidence for the current tree, or undefined without a workspace tree. */
  current(): TreeChanges | undefined {
    const root = this.root();
    if (!root) return undefined;
    const index = this.index();
    const version = this.version();
    const key = `${root}\0${version ? formatKernelVersion(version) : ''}`;
    if (this.cached && !this.stale && this.cached.key === key && this.cached.index === index)
      return this.cached.changes;
    this.stale = false;
    const changes = treeChangesFor(root, { index, version });
    this.cached = { key, index, changes };
    return changes;
  }

  /** Files changed on disk: answers are computed again on next use. */
  invalidate(): void {
    this.stale = true;
  }
}
