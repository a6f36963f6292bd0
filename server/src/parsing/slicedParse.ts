import type { Parser, Tree } from 'web-tree-sitter';
import { chunkedInput, ParseTimeoutError } from './kernelSource';

/**
 * A tree-sitter parse cut into slices with the event loop turning between them (issue 17). A parse is one wasm
 * call: a 900 KiB mutated header held the language server's only thread for 0.5-1.9 s per parse, and every request
 * behind it (a `$/cancelRequest` included) waited. tree-sitter resumes a parse its progress callback halted when
 * `parse` is called again with the same input and old tree (web-tree-sitter's `Parser.reset` documents it), so the
 * parse runs PARSE_SLICE_MS at a time and other messages are read in between. Checked on the 16 slowest files of
 * the mutated corpus and on mm/memory.c and kernel/sched/core.c: the sliced tree equals the one-call tree, node
 * for node.
 *
 * Between slices the caller's `isStale` decides whether the parse still matters: the document changed or closed
 * (its old tree may be edited or deleted then, so the halted parse must never resume: the parser is reset).
 */

/** How long one slice may hold the thread. */
export const PARSE_SLICE_MS = 25;

export interface SlicedParseOptions {
  /** Total CPU time the slices may take; past it the parse is abandoned with ParseTimeoutError. */
  budgetMs: number;
  sliceMs?: number;
  /** Asked before every slice after the first: true abandons the parse (result `stale`). */
  isStale: () => boolean;
}

export type SlicedParseResult = { tree: Tree; ms: number; slices: number } | { stale: true };

/** Lets the event loop run: queued requests, cancellations and edits are read before the caller continues. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Parses `masked` (see kernelSource.ts) reusing `oldTree` when given, in slices. The caller deletes the tree; the
 * parser is left ready for another document whatever the outcome.
 */
export async function parseInSlices(
  parser: Parser,
  masked: string,
  oldTree: Tree | null,
  options: SlicedParseOptions,
): Promise<SlicedParseResult> {
  const sliceMs = options.sliceMs ?? PARSE_SLICE_MS;
  const input = chunkedInput(masked);
  let spent = 0;
  let slices = 0;
  for (;;) {
    if (slices > 0) {
      await yieldToEventLoop();
      if (options.isStale()) {
        parser.reset();
        return { stale: true };
      }
    }
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const deadline = started + Math.min(sliceMs, Math.max(0, options.budgetMs - spent));
    const tree = parser.parse(input, oldTree, {
      // The runtime halts the parse when the callback returns true (its d.ts says void).
      progressCallback: (() => performance.now() > deadline) as unknown as () => void,
    });
    // The budget counts CPU time, not wall time: on a loaded machine a slice waits for a core, and a wall-clock
    // budget took the tree away from ordinary files whenever the load went up (the slice length stays wall time:
    // it is about how long other messages wait).
    const cpu = process.cpuUsage(cpuBefore);
    spent += Math.min(performance.now() - started, (cpu.user + cpu.system) / 1000);
    slices++;
    if (tree) return { tree, ms: spent, slices };
    if (spent >= options.budgetMs) {
      parser.reset();
      throw new ParseTimeoutError(`parse took longer than ${options.budgetMs} ms (${slices} slices)`);
    }
  }
}
