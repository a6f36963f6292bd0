import * as path from 'path';
import { readRegularFile } from '../lore/mail/mailReader';
import type { FileDiff, Hunk } from './types';

/**
 * Maps hunks onto the tree the way `git apply` does without fuzz: the hunk's pre-image (context and removed
 * lines) must be found exactly, at the line the header names (moved by the hunks applied before it) or, failing
 * that, at the nearest line where it matches; a hunk found nowhere does not apply, and that is what is reported
 * (no fuzz, no partial match, no guess). A series is applied in order on an overlay of the tree, so patch 5 is
 * mapped onto the files as patches 1-4 left them. The tree itself is never written.
 */

/** Files larger than this are not read from the tree (the lint's default limit). */
const MAX_TREE_FILE_BYTES = 8 * 1024 * 1024;

export interface AppliedHunk {
  hunk: Hunk;
  applies: boolean;
  /** Why it does not apply (one sentence), when it does not. */
  reason?: string;
  /** 1-based post-image line of each hunk line on the new side (context and `+`), by index in `hunk.lines`. */
  newLineOf: Map<number, number>;
  /** 1-based line in the file before this patch of each hunk line on the old side (context and `-`). */
  oldLineOf: Map<number, number>;
  /** 1-based post-image line where the hunk's lines start (removed-only hunks: the line after the removal). */
  at?: number;
}

export interface AppliedFile {
  diff: FileDiff;
  /** Tree-relative path the post-image lives at (the new path; the old one for a deletion). */
  file: string;
  hunks: AppliedHunk[];
  /** Lines of the file before this patch (undefined: not in the tree, or not readable). */
  before?: string[];
  /** Lines after this patch; undefined when the file is deleted or no hunk applied. */
  after?: string[];
}

export class TreeOverlay {
  private readonly files = new Map<string, string[] | null>();

  /** `root` undefined: no tree (a diff reviewed on its own); then no hunk can be placed. */
  constructor(readonly root: string | undefined) {}

  /** Lines of a tree-relative file as the patches applied so far left it; undefined when absent. */
  read(file: string): string[] | undefined {
    if (this.files.has(file)) return this.files.get(file) ?? undefined;
    const lines = this.readFromTree(file);
    this.files.set(file, lines ?? null);
    return lines;
  }

  private readFromTree(file: string): string[] | undefined {
    if (!this.root || !isInsideTree(file)) return undefined;
    const bytes = readRegularFile(path.join(this.root, file), MAX_TREE_FILE_BYTES + 1);
    if (!bytes || bytes.length > MAX_TREE_FILE_BYTES) return undefined;
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  write(file: string, lines: string[] | null): void {
    this.files.set(file, lines);
  }

  /** Applies one file's hunks in order; the overlay keeps the result for the next patches. */
  apply(diff: FileDiff): AppliedFile {
    const target = diff.newPath ?? diff.oldPath ?? '';
    const source = diff.oldPath;
    const before = source ? this.read(source) : undefined;
    const applied: AppliedFile = { diff, file: target, hunks: [], before };
    if (diff.binary) {
      applied.hunks = diff.hunks.map((hunk) => notApplied(hunk, 'a binary change is not reviewed'));
      return applied;
    }
    if (!this.root) {
      applied.hunks = diff.hunks.map((hunk) => notApplied(hunk, 'no kernel tree to map it onto'));
      return applied;
    }
    if (!source) {
      // A new file: it must not exist yet, and its one hunk is its whole content.
      if (this.read(target) !== undefined) {
        applied.hunks = diff.hunks.map((hunk) => notApplied(hunk, `${target} already exists in the tree`));
        return applied;
      }
      const lines: string[] = [];
      applied.hunks = diff.hunks.map((hunk) => {
        const start = lines.length;
        const newLineOf = new Map<number, number>();
        const oldLineOf = new Map<number, number>();
        hunk.lines.forEach((line, index) => {
          if (line.kind === '-') return;
          lines.push(line.text);
          newLineOf.set(index, lines.length);
        });
        return { hunk, applies: true, newLineOf, oldLineOf, at: start + 1 };
      });
      applied.after = lines;
      this.write(target, lines);
      return applied;
    }
    if (!before) {
      applied.hunks = diff.hunks.map((hunk) =>
        notApplied(hunk, `${source} is not in this tree${isInsideTree(source) ? '' : ' (the path leaves the tree)'}`),
      );
      return applied;
    }
    const lines = [...before];
    let delta = 0;
    let anyApplied = false;
    for (const hunk of diff.hunks) {
      const pre = hunk.lines.filter((line) => line.kind !== '+').map((line) => line.text);
      const expected = Math.max(0, hunk.oldStart - 1 + delta);
      const leadingContext = hunk.lines.findIndex((line) => line.kind !== ' ');
      const position = findPreImage(lines, pre, expected, hunk.oldStart <= 1 && leadingContext === 0);
      if (position === undefined) {
        applied.hunks.push(
          notApplied(
            hunk,
            `its ${pre.length} context and removed lines are not found at or near line ${expected + 1} of ${source}`,
          ),
        );
        continue;
      }
      const post: string[] = [];
      const newLineOf = new Map<number, number>();
      const oldLineOf = new Map<number, number>();
      // The pre-image matched at `position` of the edited lines; in the file as it was, that is `position - delta`.
      let oldLine = position - delta;
      hunk.lines.forEach((line, index) => {
        if (line.kind !== '+') oldLineOf.set(index, ++oldLine);
        if (line.kind === '-') return;
        post.push(line.text);
        newLineOf.set(index, position + post.length);
      });
      lines.splice(position, pre.length, ...post);
      delta += post.length - pre.length;
      anyApplied = true;
      applied.hunks.push({ hunk, applies: true, newLineOf, oldLineOf, at: position + 1 });
    }
    if (!diff.newPath) {
      // A deletion: the file is gone after this patch when all of it was removed.
      if (applied.hunks.every((h) => h.applies)) this.write(source, null);
      return applied;
    }
    if (anyApplied) {
      applied.after = lines;
      if (diff.newPath !== source) this.write(source, null);
      this.write(diff.newPath, lines);
    }
    return applied;
  }
}

function notApplied(hunk: Hunk, reason: string): AppliedHunk {
  return { hunk, applies: false, reason, newLineOf: new Map(), oldLineOf: new Map() };
}

/** A tree-relative path that stays inside the tree (no `..`, not absolute). */
export function isInsideTree(file: string): boolean {
  if (!file || path.isAbsolute(file) || file.includes('\0')) return false;
  const normal = path.posix.normalize(file);
  return normal !== '..' && !normal.startsWith('../');
}

/**
 * 0-based line where `pre` matches `lines` exactly, nearest to `expected` (searching both ways, as git apply does);
 * `atStart`: a hunk without leading context at line 1 must match there.
 */
export function findPreImage(lines: string[], pre: string[], expected: number, atStart: boolean): number | undefined {
  const last = lines.length - pre.length;
  if (last < 0) return undefined;
  const matches = (at: number): boolean => {
    for (let i = 0; i < pre.length; i++) if (lines[at + i] !== pre[i]) return false;
    return true;
  };
  if (atStart) return matches(0) ? 0 : undefined;
  const start = Math.min(Math.max(expected, 0), last);
  for (let distance = 0; distance <= Math.max(start, last - start); distance++) {
    if (start - distance >= 0 && matches(start - distance)) return start - distance;
    if (distance > 0 && start + distance <= last && matches(start + distance)) return start + distance;
  }
  return undefined;
}
