import type { Position } from './types';
import {
  CH_0,
  CH_9,
  CH_BACKSLASH,
  CH_COMMA,
  CH_CR,
  CH_DQUOTE,
  CH_FF,
  CH_HASH,
  CH_LBRACE,
  CH_LBRACKET,
  CH_LF,
  CH_LOWER_A,
  CH_LOWER_Z,
  CH_LPAREN,
  CH_QUOTE,
  CH_RBRACE,
  CH_RBRACKET,
  CH_RPAREN,
  CH_SLASH,
  CH_SPACE,
  CH_STAR,
  CH_TAB,
  CH_UNDERSCORE,
  CH_UPPER_A,
  CH_UPPER_Z,
} from './charCodes';

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
      if (c === CH_LF) this.starts.push(i + 1);
      else if (c === CH_CR) {
        if (text.charCodeAt(i + 1) === CH_LF) i++;
        this.starts.push(i + 1);
      }
    }
  }
  /** Offset of a position (the inverse of `position` for positions inside the text). */
  offsetAt(position: Position): number {
    return (this.starts[position.line] ?? 0) + position.character;
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
  return (
    (code >= CH_LOWER_A && code <= CH_LOWER_Z) || (code >= CH_UPPER_A && code <= CH_UPPER_Z) || code === CH_UNDERSCORE
  );
}
export function isIdentPart(code: number): boolean {
  return isIdentStart(code) || (code >= CH_0 && code <= CH_9);
}

/** Offset just after a quoted literal starting at `i` (stops at the end of the line if unterminated). */
export function skipQuoted(text: string, i: number, quote: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === CH_BACKSLASH) {
      j += 2;
      continue;
    }
    if (c === quote || c === CH_LF) return j + 1;
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
    if (text.charCodeAt(back) === CH_CR) back--;
    if (text.charCodeAt(back) !== CH_BACKSLASH) return eol;
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
    if (code === CH_SLASH && text.charCodeAt(i + 1) === CH_STAR) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 || close >= end ? end : close + 2;
      continue;
    }
    if (code === CH_SLASH && text.charCodeAt(i + 1) === CH_SLASH) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 || eol >= end ? end : eol;
      continue;
    }
    if (code === CH_DQUOTE || code === CH_QUOTE) {
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
    if (code >= CH_0 && code <= CH_9) {
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
    if (c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR || c === CH_BACKSLASH || c === CH_FF) continue;
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
  if (text.charCodeAt(open) !== CH_LPAREN) return undefined;
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
    if (c === CH_DQUOTE || c === CH_QUOTE) {
      i = skipQuoted(text, i, c) - 1;
      continue;
    }
    if (c === CH_SLASH && text.charCodeAt(i + 1) === CH_STAR) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 1;
      continue;
    }
    if (c === CH_LPAREN || c === CH_LBRACKET || c === CH_LBRACE) depth++;
    else if (c === CH_RPAREN || c === CH_RBRACKET || c === CH_RBRACE) {
      depth--;
      if (depth === 0) {
        if (c !== CH_RPAREN) return undefined;
        if (i > open + 1 || args.length > 0) push(i);
        return { args, starts, end: i + 1 };
      }
    } else if (c === CH_COMMA && depth === 1) {
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
    if (c === CH_LF) {
      atLineStart = true;
      continue;
    }
    if (c === CH_SPACE || c === CH_TAB || c === CH_CR || c === CH_FF) continue;
    if (c === CH_HASH && atLineStart) {
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
    if (c === CH_SLASH && text.charCodeAt(i + 1) === CH_STAR) {
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

const IDENTIFIER_WITH_SPLICES = /[A-Za-z_$](?:[\w$]|\\[ \t\f\v]*\r?\n)*/y;

/** The identifier starting at `offset` as the compiler reads it (a name cut by line splices is one name), or ''. */
export function identifierAt(text: string, offset: number): string {
  IDENTIFIER_WITH_SPLICES.lastIndex = offset;
  const match = IDENTIFIER_WITH_SPLICES.exec(text);
  return match ? match[0].replace(/\\[ \t\f\v]*\r?\n/g, '') : '';
}
