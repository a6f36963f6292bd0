import * as fs from 'fs';
import * as path from 'path';

/**
 * Temporary files of cache writes, in one naming scheme: `<final name>.<pid>[.<tag>].tmp` next to the file they
 * become. A write renames its temporary into place when complete and removes it when it fails; a process
 * killed in between (kill -9, OOM killer, power loss) leaves it behind. The next start sweeps them: a
 * temporary whose writer is no longer running is removed; one whose writer still runs (another CLI or server
 * on the same cache folder) is left alone.
 */

const TEMPORARY = /\.(\d+)(?:\.[A-Za-z0-9]+)?\.tmp$/;

/** The temporary name for writing `finalPath` from this process (`tag` separates writers of one process). */
export function temporaryPathFor(finalPath: string, tag?: string): string {
  return `${finalPath}.${process.pid}${tag ? `.${tag}` : ''}.tmp`;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user holds the pid, so it is running.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepResult {
  removed: string[];
  bytes: number;
}

/**
 * Removes the temporaries left in `dir` (and its subfolders, `depth` levels down) by writers that are no longer
 * running. Never follows symbolic links; never throws (a folder that cannot be read is skipped).
 */
export function sweepStaleTemporaries(dir: string, depth = 1): SweepResult {
  const result: SweepResult = { removed: [], bytes: 0 };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return result;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) {
        const inner = sweepStaleTemporaries(full, depth - 1);
        result.removed.push(...inner.removed);
        result.bytes += inner.bytes;
      }
      continue;
    }
    if (!entry.isFile()) continue;
    const owner = TEMPORARY.exec(entry.name);
    if (!owner || isRunning(Number(owner[1]))) continue;
    try {
      const size = fs.lstatSync(full).size;
      fs.unlinkSync(full);
      result.removed.push(full);
      result.bytes += size;
    } catch {
      /* removed meanwhile, or not ours to remove */
    }
  }
  return result;
}

/** One log line for a sweep that removed something, else undefined. */
export function describeSweep(result: SweepResult): string | undefined {
  if (result.removed.length === 0) return undefined;
  const mb = (result.bytes / (1024 * 1024)).toFixed(1);
  return `removed ${result.removed.length} temporary file${result.removed.length === 1 ? '' : 's'} (${mb} MB) left by an interrupted cache write`;
}
