import type { Position } from './types';

/**
 * Small text-level helpers for the places tree-sitter cannot help: #define bodies (one opaque
 * `preproc_arg` token), macro argument lists, ERROR regions, and LSP positions.
 */

/** Offsets to LSP positions (UTF-16 columns; "\r\n", "\r" and "\n" all end a line, as in LSP). */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }
  position(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.starts[low] };
  }
}

export function isIdentStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}
export function isIdentPart(code: number): boolean {
  return isIdentStart(code) || (code >= 48 && code <= 57);
}

/** Offset just after a quoted literal starting at `i` (stops at the end of the line if unterminated). */
export function skipQuoted(text: string, i: number, quote: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      j += 2;
      continue;
    }
    if (c === quote || c === 10) return j + 1;
    j++;
  }
  return j;
}

/** Offset of the newline ending the directive that starts at `i` (follows backslash continuations). */
export function skipDirective(text: string, i: number): number {
  for (;;) {
    const eol = text.indexOf('\n', i);
    if (eol < 0) return text.length;
    let back = eol - 1;
    if (text.charCodeAt(back) === 13) back--;
    if (text.charCodeAt(back) !== 92) return eol;
    i = eol + 1;
  }
}

/**
 * Calls `onIdentifier(start, end)` for each identifier in text[start, end) that is code: comments,
 * string and character literals and numbers are skipped.
 */
export function scanIdentifiers(
  text: string,
  start: number,
  end: number,
  onIdentifier: (start: number, end: number) => void,
): void {
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 || close >= end ? end : close + 2;
      continue;
    }
    if (code === 47 && text.charCodeAt(i + 1) === 47) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 || eol >= end ? end : eol;
      continue;
    }
    if (code === 34 || code === 39) {
      i = Math.min(end, skipQuoted(text, i, code));
      continue;
    }
    if (isIdentStart(code)) {
      let j = i + 1;
      while (j < end && isIdentPart(text.charCodeAt(j))) j++;
      onIdentifier(i, j);
      i = j;
      continue;
    }
    if (code >= 48 && code <= 57) {
      while (i < end && isIdentPart(text.charCodeAt(i))) i++;
      continue;
    }
    i++;
  }
}

/** Offset of the next character that is not blank (spaces, tabs, newlines, backslash-newline), or -1. */
export function nextNonBlank(text: string, from: number, limit = text.length): number {
  for (let i = from; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 92 || c === 12) continue;
    return i;
  }
  return -1;
}

export interface MacroArguments {
  /** Raw text of each top-level argument. */
  args: string[];
  /** Start offset of each argument's first non-blank character. */
  starts: number[];
  /** Offset just after the closing parenthesis. */
  end: number;
}

/** Splits `( a, b(c, d), e )` at `open` into top-level arguments. Undefined if unbalanced within `maxLength`. */
export function splitMacroArguments(text: string, open: number, maxLength = 4000): MacroArguments | undefined {
  if (text.charCodeAt(open) !== 40) return undefined;
  const args: string[] = [];
  const starts: number[] = [];
  let depth = 0;
  let argStart = open + 1;
  const limit = Math.min(text.length, open + maxLength);
  const push = (endOfArg: number) => {
    const raw = text.slice(argStart, endOfArg);
    const lead = raw.length - raw.trimStart().length;
    args.push(raw.trim());
    starts.push(argStart + lead);
  };
  for (let i = open; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = skipQuoted(text, i, c) - 1;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 1;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) {
      depth--;
      if (depth === 0) {
        if (c !== 41) return undefined;
        if (i > open + 1 || args.length > 0) push(i);
        return { args, starts, end: i + 1 };
      }
    } else if (c === 44 && depth === 1) {
      push(i);
      argStart = i + 1;
    }
  }
  return undefined;
}

/** [start, end) of every preprocessor directive line (with continuations), in order. */
export function findDirectiveSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      atLineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12) continue;
    if (c === 35 && atLineStart) {
      let end = skipDirective(text, i);
      // A block comment opened on the directive line continues it until the line where it closes.
      for (let open = unclosedComment(text, i, end); open >= 0; open = unclosedComment(text, i, end)) {
        const close = text.indexOf('*/', open + 2);
        if (close < 0) {
          end = text.length;
          break;
        }
        end = skipDirective(text, close + 2);
      }
      spans.push([i, end]);
      i = end - 1;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      // A block comment may hide a '#' or span lines; skip it whole.
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
      continue;
    }
    atLineStart = false;
  }
  return spans;
}

/** Start of a block comment opened in text[start, end) and not closed there (strings ignored), or -1. */
function unclosedComment(text: string, start: number, end: number): number {
  // Searched within the directive only: a search to the end of the file per directive is quadratic.
  const line = text.slice(start, end);
  let i = 0;
  while (i < line.length) {
    const open = line.indexOf('/*', i);
    if (open < 0) return -1;
    const close = line.indexOf('*/', open + 2);
    if (close < 0) return start + open;
    i = close + 2;
  }
  return -1;
}

/** Every block comment, in order (one native pass; comment markers inside strings are rare enough to ignore here). */
export function blockComments(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const pattern = /\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text))
    spans.push([match.index, match.index + match[0].length]);
  return spans;
}

/** Index of the span ending exactly at `end` in sorted, disjoint spans, or -1. */
export function spanEndingAt(spans: Array<[number, number]>, end: number): number {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (spans[mid][1] < end) low = mid + 1;
    else if (spans[mid][1] > end) high = mid - 1;
    else return mid;
  }
  return -1;
}

/** True when `offset` lies inside one of the sorted, disjoint `spans`. */
export function insideSpans(spans: Array<[number, number]>, offset: number): boolean {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (spans[mid][1] <= offset) low = mid + 1;
    else if (spans[mid][0] > offset) high = mid - 1;
    else return true;
  }
  return false;
}
