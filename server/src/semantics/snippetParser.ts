import type { Parser, Tree } from 'web-tree-sitter';
import { createCParser } from '../parsing/treeSitter';
import { parseKernelC } from '../parsing/kernelSource';

/**
 * The semantic services parse small pieces of C on demand: a struct's definition out of a header (its lines
 * only, not the header), a declaration the index kept as one line of text, a macro's body, and whole files
 * that are not open (the CLI, results in closed files). One parser for the process, loaded once; every tree is
 * deleted before `withParsedText` returns.
 */

let shared: Promise<Parser> | undefined;

/** The process's snippet parser (never deleted: it lives as long as the server). */
export function snippetParser(): Promise<Parser> {
  shared ??= createCParser();
  return shared;
}

/** Texts larger than this are not parsed on demand (a generated header, hostile input). */
export const MAX_SNIPPET_LENGTH = 4 * 1024 * 1024;
const SNIPPET_TIMEOUT_MS = 1500;

/**
 * Parses `text` (attribute macros masked, as for open documents), calls `use` with the tree and deletes it.
 * Undefined when the text is too large or the parse times out.
 */
export function withParsedText<T>(
  parser: Parser,
  text: string,
  use: (tree: Tree) => T,
  timeoutMs = SNIPPET_TIMEOUT_MS,
): T | undefined {
  if (text.length > MAX_SNIPPET_LENGTH) return undefined;
  let tree: Tree | undefined;
  try {
    tree = parseKernelC(parser, text, timeoutMs);
  } catch {
    return undefined;
  }
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
