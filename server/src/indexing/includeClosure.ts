/**
 * The files a C file sees: itself and every header it includes, directly or through other headers, resolved the
 * way a kernel build resolves them for one architecture. Go to Definition uses it to tell the definition the
 * compiler would use (a macro of a header the file includes) from same-named ones the file cannot see (the
 * user-space half of `include/linux/raid/pq.h`, a `#define` private to another `.c` file, a sample program).
 *
 * Resolution without a build (no -I list): `"x.h"` is looked up next to the including file first; `<x.h>` (and
 * `"x.h"` not found there) in `include/`, `arch/<arch>/include/`, `include/uapi/`, `arch/<arch>/include/uapi/`,
 * in that order; `<asm/x.h>` that the architecture does not have is the `include/asm-generic/x.h` its generated
 * wrapper (Kbuild's generic-y) includes. Conditional inclusion is not evaluated: every `#include` counts.
 *
 * Cost (6.12, x86, load average ~30 on the shared 2-core machine, one run): mm/memory.c sees 781 headers, fs/dax.c
 * 724, mm/numa.c 523. The first closure read from a cold disk took 674 ms, a new one over headers already read
 * 11-45 ms (a stat per header). So each header's include lines are kept, and a file's closure is kept for the same
 * include lines until headersChanged() says a header changed (the language server calls it on every changed or
 * edited header). A kept header is checked against its mtime when a new closure needs it at most every
 * RECHECK_MS: the stats of those checks were most of a new file's closure, and most of Go to Definition's time
 * after the whole-document parse, on the bench's clicks over 6.12 (docs/benchmark.md). A header saved without a
 * file event (an editor that does not watch files) is thus seen within RECHECK_MS.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A file that includes thousands of headers is not a C file a user reads; stop there. */
const MAX_FILES = 5000;
/** Only the start of a header is read for its include lines beyond this size (generated tables). */
const MAX_READ = 4 << 20;

const INCLUDE_LINE = /^[ \t]*#[ \t]*include(?:_next)?[ \t]*([<"])([^>"\n]+)[>"]/gm;

interface CachedIncludes {
  mtimeMs: number;
  includes: Array<{ quoted: boolean; header: string }>;
  /** When the mtime was last compared (performance.now()), and in which generation of headersChanged(). */
  checkedAt: number;
  generation: number;
}

/** A kept header's mtime is compared again after this long (and after every headersChanged()). */
const RECHECK_MS = 10_000;
let generation = 0;
/** Stats made by includesOfFile (for tests). */
export const includeStats = { stats: 0 };

/** Include lines of a header, by absolute path. */
const includeCache = new Map<string, CachedIncludes>();
/** Whether a tree file exists, by absolute path. */
const existsCache = new Map<string, boolean>();
/**
 * Include lines resolved (by root, architecture, the folder for `"x.h"`, and the header): a closure resolves the same
 * lines of hundreds of headers again for every new file, a path join and a look-up per candidate folder each.
 */
const resolvedCache = new Map<string, string | undefined>();
const MAX_RESOLVED = 200_000;
/** Closures by root, file, architecture and the file's include lines. */
const closureCache = new Map<string, Set<string>>();
const MAX_CACHED_CLOSURES = 64;

/** A header changed, appeared or vanished: closures and what exists are computed again. */
export function headersChanged(): void {
  closureCache.clear();
  existsCache.clear();
  resolvedCache.clear();
  generation++;
}

export function includesOfText(text: string): Array<{ quoted: boolean; header: string }> {
  const out: Array<{ quoted: boolean; header: string }> = [];
  // Line splices inside an include line are rare enough to ignore; comments before '#' are not.
  for (const match of text.matchAll(INCLUDE_LINE)) out.push({ quoted: match[1] === '"', header: match[2].trim() });
  return out;
}

function includesOfFile(absolute: string): CachedIncludes['includes'] | undefined {
  const now = performance.now();
  const cached = includeCache.get(absolute);
  if (cached && cached.generation === generation && now - cached.checkedAt < RECHECK_MS) return cached.includes;
  let stat: fs.Stats;
  try {
    includeStats.stats++;
    stat = fs.statSync(absolute);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) return undefined;
  if (cached && cached.mtimeMs === stat.mtimeMs) {
    cached.checkedAt = now;
    cached.generation = generation;
    return cached.includes;
  }
  let text: string;
  try {
    const fd = fs.openSync(absolute, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(stat.size, MAX_READ));
      const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
      text = buffer.subarray(0, read).toString('latin1');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const includes = includesOfText(text);
  includeCache.set(absolute, { mtimeMs: stat.mtimeMs, includes, checkedAt: now, generation });
  return includes;
}

function exists(root: string, file: string): boolean {
  const absolute = path.join(root, file);
  let known = existsCache.get(absolute);
  if (known === undefined) {
    try {
      known = fs.statSync(absolute).isFile();
    } catch {
      known = false;
    }
    existsCache.set(absolute, known);
  }
  return known;
}

/** The tree file an include names, seen from `fromFile` (tree-relative), or undefined. */
export function resolveIncludeFor(
  root: string,
  fromFile: string,
  include: { quoted: boolean; header: string },
  arch: string,
): string | undefined {
  // `<x.h>` resolves alike from every file; `"x.h"` alike from every file of one folder.
  const key = include.quoted
    ? `${root}\0${arch}\0${fromFile.slice(0, fromFile.lastIndexOf('/') + 1)}\0"${include.header}`
    : `${root}\0${arch}\0<${include.header}`;
  if (resolvedCache.has(key)) return resolvedCache.get(key);
  const resolved = resolveUncached(root, fromFile, include, arch);
  if (resolvedCache.size >= MAX_RESOLVED) resolvedCache.clear();
  resolvedCache.set(key, resolved);
  return resolved;
}

function resolveUncached(
  root: string,
  fromFile: string,
  include: { quoted: boolean; header: string },
  arch: string,
): string | undefined {
  const header = include.header;
  if (header.startsWith('/') || header.includes('\0')) return undefined;
  const candidates: string[] = [];
  if (include.quoted) {
    const slash = fromFile.lastIndexOf('/');
    candidates.push(path.posix.normalize(`${slash < 0 ? '' : fromFile.slice(0, slash + 1)}${header}`));
  }
  candidates.push(
    `include/${header}`,
    `arch/${arch}/include/${header}`,
    `include/uapi/${header}`,
    `arch/${arch}/include/uapi/${header}`,
  );
  if (header.startsWith('asm/')) {
    const rest = header.slice(4);
    candidates.push(`include/asm-generic/${rest}`, `include/uapi/asm-generic/${rest}`);
  }
  for (const candidate of candidates) if (!candidate.startsWith('..') && exists(root, candidate)) return candidate;
  return undefined;
}

/**
 * `file` (tree-relative) and every tree file it includes, transitively, for `arch` (the asking file's own
 * architecture when it lies under `arch/<a>/`). `text` is the file's current text (an unsaved buffer), else
 * the file is read.
 */
export function includeClosure(root: string, file: string, arch: string, text?: string): ReadonlySet<string> {
  const ownArch = /^arch\/([^/]+)\//.exec(file)?.[1] ?? arch;
  const first = text !== undefined ? includesOfText(text) : includesOfFile(path.join(root, file));
  const key = JSON.stringify([root, file, ownArch, first]);
  const cached = closureCache.get(key);
  if (cached) return cached;
  const seen = new Set<string>([file]);
  const queue: Array<{ from: string; includes: CachedIncludes['includes'] }> = [];
  if (first) queue.push({ from: file, includes: first });
  while (queue.length > 0 && seen.size < MAX_FILES) {
    const { from, includes } = queue.pop()!;
    for (const include of includes) {
      const target = resolveIncludeFor(root, from, include, ownArch);
      if (!target || seen.has(target)) continue;
      seen.add(target);
      const next = includesOfFile(path.join(root, target));
      if (next) queue.push({ from: target, includes: next });
    }
  }
  if (closureCache.size >= MAX_CACHED_CLOSURES) closureCache.delete(closureCache.keys().next().value!);
  closureCache.set(key, seen);
  return seen;
}
