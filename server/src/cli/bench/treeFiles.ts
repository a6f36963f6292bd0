import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The C files every truth and every peer of the accuracy bench is given: regular `.c`/`.h` files of the tree,
 * walked without following symbolic links (a file reached through a link is the same file under another
 * name), no larger than `maxBytes` (our index skips larger files by default: generated register headers).
 * Sorted, tree-relative, `/`-separated.
 */
export function listCFiles(root: string, maxBytes = 2 * 1024 * 1024): { files: string[]; skippedLarge: string[] } {
  const files: string[] = [];
  const skippedLarge: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), childRel);
      else if (entry.isFile() && /\.[ch]$/.test(entry.name)) {
        let size: number;
        try {
          size = fs.statSync(path.join(dir, entry.name)).size;
        } catch {
          continue;
        }
        (size <= maxBytes ? files : skippedLarge).push(childRel);
      }
    }
  };
  walk(root, '');
  files.sort();
  skippedLarge.sort();
  return { files, skippedLarge };
}

/** Default cache folder of the bench: $XDG_CACHE_HOME/kernel-mm-lens (as the product's). */
export function benchCacheRoot(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'kernel-mm-lens');
}

/** Default build folder of scripts/build-compile-db.sh for a tree. */
export function defaultBuildDir(root: string): string {
  return path.join(benchCacheRoot(), 'builds', `${path.basename(path.resolve(root))}-x86_64`);
}

/** Folder where the peers' databases of a tree are kept (gtags, cscope, ctags). */
export function defaultPeersDir(root: string): string {
  return path.join(benchCacheRoot(), 'peers', path.basename(path.resolve(root)));
}
