import { DEFAULT_SETTINGS } from '../../../protocol';
import { defaultCacheDir } from '../base/paths';
import type { KernelIndex } from '../indexing/types';

/**
 * The index a one-shot CLI command reads: the tree's cached index (built when missing) with the default size
 * limit and preferred architecture, in `--cache-dir` or the user's cache folder. One place, so that every command
 * that needs an index (calls, implementations, hover, changes) shares the cache the `index` command writes.
 * Loaded lazily: commands that never need an index do not pay for the indexer's module graph.
 */
export async function treeIndexForCli(root: string, cacheDir: string | undefined): Promise<KernelIndex | undefined> {
  const { buildIndex } = await import('../indexing/indexBuilder');
  const built = await buildIndex({
    root,
    cacheDir: cacheDir ?? defaultCacheDir(),
    maxFileSize: DEFAULT_SETTINGS.maxFileSize,
    preferredArch: DEFAULT_SETTINGS.preferredArch,
  });
  return built.index;
}
