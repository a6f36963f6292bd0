/**
 * The conditional directives of a C file (`#if`, `#ifdef`, `#ifndef`, `#elif`, `#elifdef`, `#elifndef`, `#else`,
 * `#endif`), with the lines each one spans and its condition as the preprocessor reads it.
 *
 * The rules are the translation phases', as the bench's token truth applies them (cli/bench/tokenTruth.ts):
 * a backslash-newline (also backslash, blanks, newline) joins lines everywhere, so a directive continued by a
 * splice spans several lines and a `//` comment continued by a splice swallows the next line; comments are one
 * space, and a block comment may run over several lines inside a directive without ending it; a `#` is a
 * directive only as the first token of a logical line (comments before it count as blanks); string and
 * character literals hide what looks like a comment. Lines are counted in the original text (0-based), so a
 * directive's lines are where the editor shows them.
 *
 * One pass over the characters with no allocation per token: this runs on every open file and on the files a
 * ranking or the lint asks about (mm/memory.c has 7,000 lines and 200 conditionals).
 */

export type ConditionalKind = 'if' | 'ifdef' | 'ifndef' | 'elif' | 'elifdef' | 'elifndef' | 'else' | 'endif';

export interface ConditionalDirective {
  kind: ConditionalKind;
  /** First and last original line of the directive (more than one when continued by splices or comments). */
  firstLine: number;
  lastLine: number;
  /** The text after the keyword, splices removed and comments replaced by a space, trimmed. */
  condition: string;
}

const CONDITIONAL_KINDS: ReadonlySet<string> = new Set([
  'if',
  'ifdef',
  'ifndef',
  'elif',
  'elifdef',
  'elifndef',
  'else',
  'endif',
]);

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SLASH = 0x2f;
const STAR = 0x2a;
const HASH = 0x23;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/** What makes a directive line more than its characters up to the line feed. */
const SPECIAL_IN_LINE = /[\\/"'\r]/;

function isWordCode(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f
  );
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0c || code === 0x0b;
}

/** Scans `text` for its conditional directives, in source order. */
export function scanConditionalDirectives(text: string): ConditionalDirective[] {
  const out: ConditionalDirective[] = [];
  if (!text.includes('#')) return out;
  const length = text.length;
  let at = 0;
  let line = 0;
  /** Only blanks and comments since the last logical line break. */
  let lineStart = true;

  /** Length of a line splice at `k` (backslash, blanks, line break), or 0. */
  const spliceAt = (k: number): number => {
    if (text.charCodeAt(k) !== BACKSLASH) return 0;
    let j = k + 1;
    while (j < length && isBlank(text.charCodeAt(j))) j++;
    const code = text.charCodeAt(j);
    if (code === NEWLINE) return j + 1 - k;
    if (code === CARRIAGE_RETURN) return (text.charCodeAt(j + 1) === NEWLINE ? j + 2 : j + 1) - k;
    return 0;
  };
  /** Index of the next logical character at or after `k` (skipping splices, counting their lines). */
  const skipSplices = (k: number): number => {
    for (let splice = spliceAt(k); splice > 0; splice = spliceAt(k)) {
      k += splice;
      line++;
    }
    return k;
  };
  /** Skips a block comment whose `/*` starts at `k`; returns the index after it (or the end). */
  const skipBlockComment = (k: number): number => {
    k += 2;
    while (k < length) {
      const code = text.charCodeAt(k);
      if (code === STAR) {
        const next = skipSplices(k + 1);
        if (text.charCodeAt(next) === SLASH) return next + 1;
        k = next;
        continue;
      }
      if (code === NEWLINE) line++;
      else if (code === CARRIAGE_RETURN && text.charCodeAt(k + 1) !== NEWLINE) line++;
      k++;
    }
    return k;
  };
  /** Skips a `//` comment starting at `k` up to (not including) the line break that ends it. */
  const skipLineComment = (k: number): number => {
    while (k < length) {
      const splice = spliceAt(k);
      if (splice > 0) {
        k += splice;
        line++;
        continue;
      }
      const code = text.charCodeAt(k);
      if (code === NEWLINE || code === CARRIAGE_RETURN) return k;
      k++;
    }
    return k;
  };
  /** Skips a string or character literal whose quote is at `k`; stops at an unspliced line break. */
  const skipLiteral = (k: number): number => {
    const quote = text.charCodeAt(k);
    k++;
    while (k < length) {
      const splice = spliceAt(k);
      if (splice > 0) {
        k += splice;
        line++;
        continue;
      }
      const code = text.charCodeAt(k);
      if (code === quote) return k + 1;
      if (code === NEWLINE || code === CARRIAGE_RETURN) return k; // unterminated: a stray quote
      if (code === BACKSLASH) k++;
      k++;
    }
    return k;
  };
  /** True when `/` at `k` (after splices) starts a comment; returns the comment kind. */
  const commentAt = (k: number): 0 | 1 | 2 => {
    if (text.charCodeAt(k) !== SLASH) return 0;
    const saveLine = line;
    const next = skipSplices(k + 1);
    line = saveLine;
    const code = text.charCodeAt(next);
    return code === STAR ? 1 : code === SLASH ? 2 : 0;
  };
  /** Moves past the `/` and the splices after it to the comment's second character. */
  const commentBody = (k: number): number => skipSplices(k + 1) - 1;

  /** After the `#` at k - 1: blanks, then a whole keyword that is not a conditional one, with no splice in it. */
  const plainOtherDirective = (k: number): boolean => {
    while (k < length && isBlank(text.charCodeAt(k))) k++;
    const start = k;
    while (k < length && isWordCode(text.charCodeAt(k))) k++;
    if (k === start || text.charCodeAt(k) === BACKSLASH) return false;
    return !CONDITIONAL_KINDS.has(text.slice(start, k));
  };
  /** Reads a directive whose `#` is at `k`; returns the index of the line break that ends it (or the end). */
  const readDirective = (k: number): number => {
    const firstLine = line;
    // Most directives are #define and #include (50,000 in a generated register header): when the keyword is plain
    // (no comment or splice before or in it) and not a conditional one, the line is only skipped, its text not built.
    const collect = !plainOtherDirective(k + 1);
    if (!collect) {
      // A line with no splice, comment, literal or carriage return ends at its line feed.
      const end = text.indexOf('\n', k);
      const stop = end < 0 ? length : end;
      if (!SPECIAL_IN_LINE.test(text.slice(k + 1, stop))) return stop;
    }
    const parts: string[] = [];
    let chunkStart = k + 1;
    k++;
    while (k < length) {
      const splice = spliceAt(k);
      if (splice > 0) {
        if (collect) parts.push(text.slice(chunkStart, k));
        k += splice;
        line++;
        chunkStart = k;
        continue;
      }
      const code = text.charCodeAt(k);
      if (code === NEWLINE || code === CARRIAGE_RETURN) break;
      if (code === SLASH) {
        const comment = commentAt(k);
        if (comment !== 0) {
          if (collect) parts.push(text.slice(chunkStart, k), ' ');
          k = comment === 1 ? skipBlockComment(commentBody(k)) : skipLineComment(k);
          chunkStart = k;
          continue;
        }
      }
      if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
        k = skipLiteral(k);
        continue;
      }
      k++;
    }
    if (!collect) return k;
    parts.push(text.slice(chunkStart, k));
    const logical = parts.join('');
    const keyword = /^[ \t\f\v]*([A-Za-z_][A-Za-z0-9_]*)/.exec(logical);
    if (keyword && CONDITIONAL_KINDS.has(keyword[1])) {
      out.push({
        kind: keyword[1] as ConditionalKind,
        firstLine,
        lastLine: line,
        condition: logical.slice(keyword[0].length).trim(),
      });
    }
    return k;
  };

  while (at < length) {
    const code = text.charCodeAt(at);
    if (code === NEWLINE || code === CARRIAGE_RETURN) {
      at += code === CARRIAGE_RETURN && text.charCodeAt(at + 1) === NEWLINE ? 2 : 1;
      line++;
      lineStart = true;
      continue;
    }
    if (isBlank(code)) {
      at++;
      continue;
    }
    const splice = spliceAt(at);
    if (splice > 0) {
      at += splice;
      line++;
      continue;
    }
    if (code === SLASH) {
      const comment = commentAt(at);
      if (comment === 1) {
        at = skipBlockComment(commentBody(at));
        continue; // a comment is a blank: a `#` after it may still start a directive
      }
      if (comment === 2) {
        at = skipLineComment(at);
        continue;
      }
    }
    if (code === HASH && lineStart) {
      at = readDirective(at);
      lineStart = false;
      continue;
    }
    lineStart = false;
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      at = skipLiteral(at);
      continue;
    }
    at++;
  }
  return out;
}
