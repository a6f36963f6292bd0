/**
 * One name's references across the files that mention it: the files in path order with the asking file first, each
 * read from the occurrence store when its block can be trusted, else re-read from its text; at most `limit`
 * references; turns for other requests on long lists. The full index (treeIndex.ts) and the warm-start index
 * (cacheLookup.ts, before the full one is read) share this loop, so both give the same answer in the same order.
 */
import { extractText } from './fileExtraction';
import { isKconfigFile } from '../parsing/kernelFiles';
import type { QueryOptions, Reference } from './types';

/** The files of a references answer in its order: path order, the asking file (options.firstFile) first. */
export function referenceFileOrder(files: Iterable<string>, firstFile: string | undefined): string[] {
  const ordered = [...new Set(files)].sort();
  const first = firstFile !== undefined ? ordered.indexOf(firstFile) : -1;
  if (first > 0) ordered.unshift(...ordered.splice(first, 1));
  return ordered;
}

/** Where one file's references come from. */
export interface ReferenceSources {
  /** From the occurrence store; undefined when the file has no block that can be trusted. */
  stored(file: string): Reference[] | undefined;
  /** Re-read from the file's text (an edited file, a file without a block); undefined when it cannot be read. */
  relexed(file: string): Reference[] | undefined;
}

/** The references of `name` in `file`'s text: `CONFIG_X` is spelled `X` in Kconfig files. */
export function referencesInText(file: string, text: string, name: string): Reference[] | undefined {
  const wanted = isKconfigFile(file) && name.startsWith('CONFIG_') ? name.slice(7) : name;
  return extractText(file, text, new Set([wanted])).references;
}

export async function referencesInFiles(
  ordered: readonly string[],
  sources: ReferenceSources,
  options: QueryOptions,
): Promise<Reference[]> {
  const results: Reference[] = [];
  let relexed = 0;
  let stored = 0;
  let sinceTurn = 0;
  for (const file of ordered) {
    if (options.isCancelled?.()) break;
    const fromStore = sources.stored(file);
    if (fromStore) {
      for (const reference of fromStore) results.push(reference);
      if (options.limit && results.length >= options.limit) return results.slice(0, options.limit);
      // Let other requests (and cancellation) through on long lists.
      // Every 2,000 locations or 512 files, whichever comes first: a name with 90k uses in 3k files held the
      // thread for a third of a second between turns, delaying every cancellation that came meanwhile.
      sinceTurn += fromStore.length;
      if (++stored % 512 === 0 || sinceTurn >= 2000) {
        sinceTurn = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      continue;
    }
    for (const reference of sources.relexed(file) ?? []) {
      results.push(reference);
      if (options.limit && results.length >= options.limit) return results;
    }
    if (++relexed % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}
