import assert from 'node:assert/strict';
import type { Parser, Tree } from 'web-tree-sitter';
import { parseKernelC } from '../../server/src/parsing/kernelSource';
import type { SemanticDocument } from '../../server/src/semantics/typeResolver';

/**
 * Offsets in hand-written test sources: the `nth` whole-word occurrence of `word` on the first line that contains
 * `lineContains` (so a test names a place the way a reader finds it, not by column numbers).
 */
export function offsetOf(text: string, lineContains: string, word: string, nth = 0): number {
  const lineStart = text.indexOf(lineContains);
  assert.ok(lineStart >= 0, `no line contains ${JSON.stringify(lineContains)}`);
  const start = text.lastIndexOf('\n', lineStart) + 1;
  const end = text.indexOf('\n', lineStart);
  const line = text.slice(start, end < 0 ? text.length : end);
  const pattern = new RegExp(`(?<![A-Za-z0-9_])${word}(?![A-Za-z0-9_])`, 'g');
  let match: RegExpExecArray | null = null;
  for (let k = 0; k <= nth; k++) match = pattern.exec(line);
  assert.ok(match, `no occurrence ${nth} of ${word} on the line of ${JSON.stringify(lineContains)}`);
  return start + match.index;
}

/** 0-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Parses `text` as a document, runs `use`, deletes the tree. */
export function withDocument<T>(
  parser: Parser,
  text: string,
  file: string | undefined,
  use: (document: SemanticDocument) => T,
): T {
  const tree: Tree = parseKernelC(parser, text);
  try {
    return use(file === undefined ? { text, tree } : { file, text, tree });
  } finally {
    tree.delete();
  }
}
