import type { Edit, Point, Tree } from 'web-tree-sitter';

/**
 * The edit arithmetic of the open documents (documentStore.ts): tree-sitter edits for LSP changes, the masking
 * difference between two masked texts, and when an edit leaves the lexical macro invocations of the last pass valid.
 */

/** A lexical pass at least every this many edits, whatever they are. */
const MAX_REUSED_EDITS = 64;

/** Characters whose typing or deletion can change the lexical structure a body edit must leave alone. */
const STRUCTURAL = /[{}"'/*\\#\r\n]/;

/**
 * The entry's lexical macro invocations after replacing old[startIndex, oldEndIndex) with `inserted`, when the edit
 * cannot change them (see the class comment); undefined when the lexical pass must run again. The edit must lie in
 * a function body of the current tree (under a `compound_statement` of a `function_definition`, in no preprocessor
 * node, in no ERROR node around the function) and neither the removed nor the inserted text, nor the characters around the edit, may be
 * structural. Invocations after the edit are shifted; one overlapping it (impossible in a body) drops them all.
 */
export function reusableAfter(
  entry: { macroCalls?: Array<[number, number]>; tree?: Tree; reusedEdits: number },
  old: string,
  startIndex: number,
  oldEndIndex: number,
  inserted: string,
): Array<[number, number]> | undefined {
  const calls = entry.macroCalls;
  if (!calls || !entry.tree || entry.reusedEdits >= MAX_REUSED_EDITS) return undefined;
  if (STRUCTURAL.test(inserted) || STRUCTURAL.test(old.slice(startIndex, oldEndIndex))) return undefined;
  if (STRUCTURAL.test(old.charAt(startIndex - 1)) || STRUCTURAL.test(old.charAt(oldEndIndex))) return undefined;
  if (!inFunctionBody(entry.tree, startIndex, oldEndIndex)) return undefined;
  const delta = inserted.length - (oldEndIndex - startIndex);
  const shifted: Array<[number, number]> = [];
  for (const [start, end] of calls) {
    if (end <= startIndex) shifted.push([start, end]);
    else if (start >= oldEndIndex) shifted.push([start + delta, end + delta]);
    else return undefined;
  }
  entry.reusedEdits++;
  return shifted;
}

/**
 * [start, end) lies inside the body of a function definition, outside any preprocessor node; ERROR nodes are
 * accepted only inside that body (half-typed code: `d->` before the member is typed), not around the function.
 */
function inFunctionBody(tree: Tree, start: number, end: number): boolean {
  // The nodes from the root down to the smallest one spanning the range, read with a cursor: walking up with
  // `node.parent` costs the node's depth per step in tree-sitter (each parent is found again from the root), which
  // made an edit 18,000 blocks deep quadratic (issue 17).
  const path: Array<{ type: string; start: number; end: number; isError: boolean }> = [];
  const cursor = tree.walk();
  try {
    for (;;) {
      path.push({
        type: cursor.nodeType,
        start: cursor.startIndex,
        end: cursor.endIndex,
        isError: cursor.nodeType === 'ERROR',
      });
      if (!cursor.gotoFirstChild()) break;
      let spanning = false;
      do {
        if (cursor.endIndex < end) continue;
        spanning = cursor.startIndex <= start;
        break;
      } while (cursor.gotoNextSibling());
      if (!spanning) break;
    }
  } finally {
    cursor.delete();
  }
  if (path.some((node) => node.type.startsWith('preproc'))) return false;
  // The innermost function body around the range; above it no ERROR node (below it, half-typed code is fine).
  for (let k = path.length - 1; k > 0; k--) {
    const node = path[k];
    if (node.type !== 'compound_statement' || path[k - 1].type !== 'function_definition') continue;
    if (start <= node.start || end >= node.end) return false; // on the braces themselves
    return !path.slice(0, k).some((above) => above.isError);
  }
  return false;
}

/** Tree-sitter point of an offset: rows count '\n' only (as tree-sitter does), columns in UTF-16 units. */
export function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** The tree-sitter edit for replacing old[startIndex, oldEndIndex) with `inserted`. */
export function editFor(old: string, startIndex: number, oldEndIndex: number, inserted: string): Edit {
  const startPosition = pointAt(old, startIndex);
  const oldEndPosition = pointAt(old, oldEndIndex);
  const lastNewline = inserted.lastIndexOf('\n');
  let newlines = 0;
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) newlines++;
  const newEndPosition =
    lastNewline < 0
      ? { row: startPosition.row, column: startPosition.column + inserted.length }
      : { row: startPosition.row + newlines, column: inserted.length - lastNewline - 1 };
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + inserted.length,
    startPosition,
    oldEndPosition,
    newEndPosition,
  };
}

/** An edit covering every place where two equally long masked texts differ, or undefined if equal. */
export function maskingEdit(before: string, after: string): Edit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < after.length && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = after.length;
  while (end > start && before.charCodeAt(end - 1) === after.charCodeAt(end - 1)) end--;
  const startPosition = pointAt(after, start);
  const endPosition = pointAt(after, end);
  return {
    startIndex: start,
    oldEndIndex: end,
    newEndIndex: end,
    startPosition,
    oldEndPosition: endPosition,
    newEndPosition: endPosition,
  };
}
