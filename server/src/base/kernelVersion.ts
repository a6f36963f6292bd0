import * as fs from 'fs';
import * as path from 'path';
import { openRegularFile } from './regularFile';

/**
 * Kernel versions as the top-level Makefile spells them (VERSION, PATCHLEVEL, SUBLEVEL),
 * and the comparisons hovers and lint need ("removed in 6.17" vs a 6.12 tree).
 */
export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseKernelVersion(text: string | undefined | null): KernelVersion | undefined {
  const match = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/**
 * Reads VERSION/PATCHLEVEL/SUBLEVEL from `<root>/Makefile`; undefined if absent, unreadable or not a regular
 * file (a FIFO named Makefile blocked every request that asked for the version: the open waited for a writer).
 */
function readMakefileVersion(root: string): KernelVersion | undefined {
  const opened = openRegularFile(path.join(root, 'Makefile'));
  if ('skipped' in opened) return undefined;
  let text: string;
  try {
    const buffer = Buffer.alloc(4096); // the version lines are at the very top
    const bytes = fs.readSync(opened.fd, buffer, 0, buffer.length, 0);
    text = buffer.subarray(0, bytes).toString('utf8');
  } catch {
    return undefined;
  } finally {
    fs.closeSync(opened.fd);
  }
  const field = (name: string) => new RegExp(`^${name}\\s*=\\s*(\\d+)\\s*$`, 'm').exec(text)?.[1];
  const major = field('VERSION');
  const minor = field('PATCHLEVEL');
  if (major === undefined || minor === undefined) return undefined;
  return { major: Number(major), minor: Number(minor), patch: Number(field('SUBLEVEL') ?? 0) };
}

/**
 * The version of one tree's top-level Makefile, read once and read again only when the file changes (its size,
 * mtime or inode: one stat per call) or when told (`forget`, on a watched-file event). The language server asks
 * for the version on every hover, lens, hint, lint and diagram request.
 */
export class MakefileVersion {
  private stamp: string | undefined;
  private version: KernelVersion | undefined;

  constructor(private readonly root: () => string | undefined) {}

  current(): KernelVersion | undefined {
    const root = this.root();
    if (!root) return undefined;
    let stamp: string;
    try {
      const stat = fs.statSync(path.join(root, 'Makefile'));
      stamp = `${root}\0${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      stamp = `${root}\0absent`;
    }
    if (stamp !== this.stamp) {
      this.version = readMakefileVersion(root);
      this.stamp = stamp;
    }
    return this.version;
  }

  forget(): void {
    this.stamp = undefined;
  }
}

/** The version to use: an explicit override ("6.15") wins over the Makefile. */
export function detectKernelVersion(root: string | undefined, override?: string): KernelVersion | undefined {
  return parseKernelVersion(override) ?? (root ? readMakefileVersion(root) : undefined);
}

/** Negative if a < b, 0 if equal (major.minor only when `ignorePatch`), positive if a > b. */
export function compareKernelVersions(a: KernelVersion, b: KernelVersion, ignorePatch = true): number {
  return a.major - b.major || a.minor - b.minor || (ignorePatch ? 0 : a.patch - b.patch);
}

export function formatKernelVersion(version: KernelVersion, withPatch = false): string {
  return withPatch ? `${version.major}.${version.minor}.${version.patch}` : `${version.major}.${version.minor}`;
}

/**
 * The nearest folder upwards from `start` (a file or a folder) whose Makefile is a kernel's top-level one
 * (VERSION = / PATCHLEVEL = near its top), or undefined when there is none.
 */
export function findKernelTreeRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (let depth = 0; depth < 64; depth++) {
    if (readMakefileVersion(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}
