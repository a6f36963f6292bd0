/**
 * Helpers for tests: a real index over a small fixture tree, built in-process without a cache.
 */
import { buildIndex } from './indexBuilder';
import type { TreeIndex } from './treeIndex';

export async function buildIndexForTests(
  root: string,
  options: { preferredArch?: string; exclude?: string[] } = {},
): Promise<TreeIndex> {
  const result = await buildIndex({
    root,
    maxFileSize: 2 * 1024 * 1024,
    workers: 1,
    preferredArch: options.preferredArch,
    exclude: options.exclude,
  });
  if (!result.index) throw new Error(`could not index ${root}`);
  return result.index;
}
