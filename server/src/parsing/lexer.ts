/**
 * A fast, allocation-light C lexer for the whole-tree pass and for lint.
 *
 * tree-sitter parses about 7 MB/s per core, far too slow to read a 1.2 GB kernel tree on every cold start,
 * so bulk indexing works on this token stream instead (tree-sitter is used for open documents).
 * Tokens are stored column-wise in typed arrays. Comments (except kernel-doc `/**` comments) and the
 * contents of string and character literals never produce identifier tokens, so "only real code counts".
 * Offsets and columns are UTF-16 code units, like LSP positions.
 */
import { FNV_OFFSET_BASIS, FNV_PRIME, SECOND_HASH_MULTIPLIER } from './nameHash';
import {
  ASCII_LIMIT,
  ASCII_LOWER_CASE_BIT,
  CH_0,
  CH_9,
  CH_BACKSLASH,
  CH_CR,
  CH_DOLLAR,
  CH_DOT,
  CH_DQUOTE,
  CH_FF,
  CH_HASH,
  CH_LF,
  CH_LOWER_A,
  CH_LOWER_E,
  CH_LOWER_P,
  CH_LOWER_Z,
  CH_LT,
  CH_MINUS,
  CH_PLUS,
  CH_QUOTE,
  CH_SLASH,
  CH_SPACE,
  CH_STAR,
  CH_TAB,
  CH_UNDERSCORE,
  CH_UPPER_A,
  CH_UPPER_Z,
  CH_VT,
} from './charCodes';

/**
 * Token kinds. Their order is a rule the extractors rely on: the kinds of code tokens (identifier, number,
 * string, char, punctuation) come first and end with Punct, so `kind <= LAST_CODE_TOKEN_KIND` tells a code token
 * from a doc comment or a preprocessor token in one comparison. A new code kind goes before Punct, any other kind
 * after DirectiveEnd; test/parsing/lexer.test.ts checks the order.
 */
export const TokenKind = {
  Identifier: 1,
  Number: 2,
  String: 3,
  Char: 4,
  Punct: 5,
  /** A `/** ... *\/` kernel-doc comment (other comments are skipped). */
  DocComment: 6,
  /** `#name` at the start of a line: the token spans `#` through the directive name. */
  Directive: 7,
  /** `<linux/pfn_t.h>` or `"local.h"` after `#include`. */
  HeaderName: 8,
  /** Zero-width token at the end of a preprocessor directive (after line continuations). */
  DirectiveEnd: 9,
} as const;
/** Kinds up to this one are code tokens (see TokenKind). */
export const LAST_CODE_TOKEN_KIND = TokenKind.Punct;

/** Token is part of a preprocessor directive line (`#if`, `#define` body, ...). */
export const FLAG_PREPROCESSOR = 1;
/** Token is inside an `#if 0` block: not compiled code. */
export const FLAG_DEAD = 2;
/**
 * An identifier cut by a line splice (`foo\<newline>bar` is the name `foobar`): its text holds the splice, its
 * hashes are those of the name; `tokenText` gives the name. Rare (none in 6.12), so a slow path.
 */
export const FLAG_SPLICED = 4;

/**
 * Identifiers longer than this are not names anyone looks up: the lexer emits them as an opaque code token
 * (TokenKind.Number: it keeps its place in the syntax but names nothing) and counts them in
 * `overlongIdentifiers`, so the extractors neither index nor define them. The longest identifier in the 6.12 tree has
 * 152 characters; a mutated corpus with names of 10-200 kB spent ~50 s and ~0.6 GB of name text on them
 * (issue 17).
 */
export const MAX_IDENTIFIER_LENGTH = 1024;

export interface TokenStream {
  readonly text: string;
  readonly count: number;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly line: Uint32Array;
  /** Single-character punctuation: its character code (so tests need no string); 0 for other tokens. */
  readonly char: Uint8Array;
  /** Identifiers: FNV-1a of the name (as NameTable hashes it) and a second, independent hash. */
  readonly hash: Int32Array;
  readonly hash2: Int32Array;
  /** Offset of the first character of each line. */
  readonly lineStarts: Uint32Array;
  readonly lineCount: number;
  /** Identifiers longer than MAX_IDENTIFIER_LENGTH, emitted as opaque Number tokens. */
  readonly overlongIdentifiers: number;
  column(token: number): number;
  tokenText(token: number): string;
  /** Position (0-based line, UTF-16 column) of an arbitrary offset. */
  positionAt(offset: number): { line: number; character: number };
}

/** Identifier start: [A-Za-z_$]; identifier part adds digits. */
const IDENT_START = new Uint8Array(ASCII_LIMIT);
const IDENT_PART = new Uint8Array(ASCII_LIMIT);
for (let c = 0; c < ASCII_LIMIT; c++) {
  const isAlpha =
    (c >= CH_UPPER_A && c <= CH_UPPER_Z) ||
    (c >= CH_LOWER_A && c <= CH_LOWER_Z) ||
    c === CH_UNDERSCORE ||
    c === CH_DOLLAR;
  IDENT_START[c] = isAlpha ? 1 : 0;
  IDENT_PART[c] = isAlpha || (c >= CH_0 && c <= CH_9) ? 1 : 0;
}

/**
 * Two-character operators kept as one punctuation token (the rest are single characters), keyed by c1 * ASCII_LIMIT +
 * c2.
 */
const TWO_CHAR_OPERATORS = new Uint8Array(ASCII_LIMIT * ASCII_LIMIT);
for (const op of [
  '->',
  '++',
  '--',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '##',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
]) {
  TWO_CHAR_OPERATORS[op.charCodeAt(0) * ASCII_LIMIT + op.charCodeAt(1)] = 1;
}

class Growable {
  kind: Uint8Array;
  flags: Uint8Array;
  start: Uint32Array;
  end: Uint32Array;
  line: Uint32Array;
  char: Uint8Array;
  hash: Int32Array;
  hash2: Int32Array;
  count = 0;
  constructor(capacity: number) {
    this.kind = new Uint8Array(capacity);
    this.hash = new Int32Array(capacity);
    this.hash2 = new Int32Array(capacity);
    this.char = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.start = new Uint32Array(capacity);
    this.end = new Uint32Array(capacity);
    this.line = new Uint32Array(capacity);
  }
  push(kind: number, flags: number, start: number, end: number, line: number): void {
    if (this.count === this.kind.length) this.grow();
    const i = this.count++;
    this.kind[i] = kind;
    this.flags[i] = flags;
    this.start[i] = start;
    this.end[i] = end;
    this.line[i] = line;
    this.char[i] = 0;
  }
  pushIdentifier(flags: number, start: number, end: number, line: number, hash: number, hash2: number): void {
    if (this.count === this.kind.length) this.grow();
    const i = this.count++;
    this.kind[i] = TokenKind.Identifier;
    this.flags[i] = flags;
    this.start[i] = start;
    this.end[i] = end;
    this.line[i] = line;
    this.char[i] = 0;
    this.hash[i] = hash;
    this.hash2[i] = hash2;
  }
  pushChar(code: number, flags: number, start: number, line: number): void {
    if (this.count === this.kind.length) this.grow();
    const i = this.count++;
    this.kind[i] = TokenKind.Punct;
    this.flags[i] = flags;
    this.start[i] = start;
    this.end[i] = start + 1;
    this.line[i] = line;
    this.char[i] = code;
  }
  private grow(): void {
    const size = this.kind.length * 2 + 16;
    const copy = <T extends Uint8Array | Uint32Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.kind = copy(this.kind, (n) => new Uint8Array(n));
    this.char = copy(this.char, (n) => new Uint8Array(n));
    this.hash = copy(this.hash, (n) => new Int32Array(n));
    this.hash2 = copy(this.hash2, (n) => new Int32Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.start = copy(this.start, (n) => new Uint32Array(n));
    this.end = copy(this.end, (n) => new Uint32Array(n));
    this.line = copy(this.line, (n) => new Uint32Array(n));
  }
}

class LineTable {
  starts: Uint32Array;
  count = 1; // line 0 starts at offset 0
  constructor(capacity: number) {
    this.starts = new Uint32Array(capacity);
  }
  add(offset: number): void {
    if (this.count === this.starts.length) {
      const next = new Uint32Array(this.starts.length * 2);
      next.set(this.starts);
      this.starts = next;
    }
    this.starts[this.count++] = offset;
  }
}

interface Conditional {
  wasDead: boolean;
  opensDeadBlock: boolean;
}

/** Tracks `#if 0` blocks across a directive; returns whether code after it is dead. */
function updateConditionals(
  conditionals: Conditional[],
  dead: boolean,
  name: string,
  text: string,
  afterName: number,
): boolean {
  switch (name) {
    case 'if':
    case 'ifdef':
    case 'ifndef': {
      const opensDeadBlock = name === 'if' && isLiteralZeroCondition(text, afterName);
      conditionals.push({ wasDead: dead, opensDeadBlock });
      return dead || opensDeadBlock;
    }
    case 'else':
    case 'elif':
    case 'elifdef':
    case 'elifndef': {
      const top = conditionals.length > 0 ? conditionals[conditionals.length - 1] : undefined;
      if (top?.opensDeadBlock) {
        top.opensDeadBlock = false;
        return top.wasDead;
      }
      return dead;
    }
    case 'endif': {
      const top = conditionals.pop();
      return top ? top.wasDead : dead;
    }
    default:
      return dead;
  }
}

/**
 * Token and line arrays reused from one file to the next by the bulk pass: allocating (and zeroing) them per
 * file came to gigabytes over a kernel tree. A stream made with a scratch is valid until its next use.
 */
export class TokenScratch {
  readonly tokens = new Growable(1 << 16);
  readonly lines = new LineTable(1 << 12);
}

export function tokenize(text: string, scratch?: TokenScratch): TokenStream {
  const n = text.length;
  const tokens = scratch ? scratch.tokens : new Growable(Math.max(64, (n / 5) | 0));
  const lines = scratch ? scratch.lines : new LineTable(Math.max(64, (n >> 5) | 0));
  tokens.count = 0;
  lines.count = 1;
  lines.starts[0] = 0;
  let currentLine = 0;

  let i = 0;
  let atLineStart = true;
  let inDirective = false;
  let dead = false;
  const conditionals: Conditional[] = [];
  let expectHeaderName = false;
  let overlongIdentifiers = 0;

  // Flags of tokens at the current point; recomputed whenever inDirective or dead change.
  let flags = 0;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CH_LF) {
      if (inDirective) {
        tokens.push(TokenKind.DirectiveEnd, flags, i, i, currentLine);
        inDirective = false;
        expectHeaderName = false;
        flags = dead ? FLAG_DEAD : 0;
      }
      i++;
      lines.add(i);
      currentLine++;
      atLineStart = true;
      continue;
    }
    if (c === CH_SPACE || c === CH_TAB || c === CH_CR || c === CH_FF || c === CH_VT) {
      // Runs of blanks (indentation) in a tight loop rather than one trip round the main loop each.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d !== CH_SPACE && d !== CH_TAB) break;
        i++;
      }
      continue;
    }
    if (c === CH_BACKSLASH) {
      // Line splice (translation phase 2): the directive (or statement) goes on on the next line.
      const after = spliceEnd(text, i, n);
      if (after >= 0) {
        i = after;
        lines.add(i);
        currentLine++;
        continue;
      }
      i++;
      continue;
    }
    if (c === CH_SLASH && i + 1 < n) {
      let open = i + 1;
      let next = text.charCodeAt(open);
      if (next === CH_BACKSLASH) {
        // `/` and `*` (or `/`) of a comment opener may be cut by splices: rare, checked only then.
        let after = open;
        while (after < n && text.charCodeAt(after) === CH_BACKSLASH) {
          const spliced = spliceEnd(text, after, n);
          if (spliced < 0) break;
          after = spliced;
        }
        const opener = text.charCodeAt(after);
        if (after > open && (opener === CH_STAR || opener === CH_SLASH)) {
          for (let k = open; k < after; k++) {
            if (text.charCodeAt(k) === CH_LF) {
              lines.add(k + 1);
              currentLine++;
            }
          }
          open = after;
          next = opener;
        }
      }
      if (next === CH_STAR) {
        // One pass finds the end and the line breaks (an indexOf per line was a third of the lexer's time).
        const isDoc = text.charCodeAt(open + 1) === CH_STAR && text.charCodeAt(open + 2) !== CH_SLASH && !inDirective;
        const startLine = currentLine;
        let k = open + 1;
        let endOffset = n; // unterminated comment: runs to the end of the file
        for (; k < n; k++) {
          const d = text.charCodeAt(k);
          if (d === CH_LF) {
            lines.add(k + 1);
            currentLine++;
          } else if (d === CH_STAR) {
            const e = text.charCodeAt(k + 1);
            if (e === CH_SLASH) {
              endOffset = k + 2;
              break;
            }
            if (e === CH_BACKSLASH) {
              // `*` and `/` cut by splices still close the comment.
              let after = k + 1;
              for (let spliced = spliceEnd(text, after, n); spliced >= 0; spliced = spliceEnd(text, after, n)) {
                after = spliced;
                lines.add(after);
                currentLine++;
              }
              if (after > k + 1 && text.charCodeAt(after) === CH_SLASH) {
                endOffset = after + 1;
                break;
              }
              k = after - 1;
            }
          }
        }
        if (isDoc) tokens.push(TokenKind.DocComment, flags, i, endOffset, startLine);
        i = endOffset;
        continue;
      }
      if (next === CH_SLASH) {
        // A `//` comment ends at the first newline that no splice removes.
        let lf = text.indexOf('\n', open + 1);
        while (lf > 0 && endsWithSplice(text, lf)) {
          lines.add(lf + 1);
          currentLine++;
          lf = text.indexOf('\n', lf + 1);
        }
        i = lf < 0 ? n : lf;
        continue;
      }
    }

    const startLine = currentLine;
    if (c === CH_HASH && atLineStart && !inDirective) {
      // Preprocessor directive: `#`, optional blanks, a name.
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === CH_SPACE || text.charCodeAt(j) === CH_TAB)) j++;
      const nameStart = j;
      while (j < n && text.charCodeAt(j) < ASCII_LIMIT && IDENT_PART[text.charCodeAt(j)]) j++;
      const name = text.slice(nameStart, j);
      inDirective = true;
      atLineStart = false;
      const wasDead = dead;
      dead = updateConditionals(conditionals, dead, name, text, j);
      // The directive token itself is dead only when the whole conditional is (so #else of #if 0 is live).
      tokens.push(TokenKind.Directive, (wasDead && dead ? FLAG_DEAD : 0) | FLAG_PREPROCESSOR, i, j, startLine);
      expectHeaderName = name === 'include' || name === 'include_next';
      flags = FLAG_PREPROCESSOR | (dead ? FLAG_DEAD : 0);
      i = j;
      continue;
    }
    atLineStart = false;

    if (c < ASCII_LIMIT && IDENT_START[c]) {
      // Two hashes of the name on the way (the index looks names up by them without re-reading the text).
      let h = Math.imul(FNV_OFFSET_BASIS ^ c, FNV_PRIME);
      let h2 = c;
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d >= ASCII_LIMIT || !IDENT_PART[d]) break;
        h = Math.imul(h ^ d, FNV_PRIME);
        h2 = (Math.imul(h2, SECOND_HASH_MULTIPLIER) + d) | 0;
        j++;
      }
      let identifierFlags = flags;
      if (j < n && text.charCodeAt(j) === CH_BACKSLASH && spliceContinues(text, j, n)) {
        // An identifier cut by a line splice: the slow path hashes the name across it and counts the lines.
        j = splicedIdentifierEnd(text, i, n, lines);
        currentLine += splicedLines;
        h = splicedHash;
        h2 = splicedHash2;
        identifierFlags |= FLAG_SPLICED;
      }
      // Encoding prefixes of literals (L"x", u8"x") belong to the literal, not the identifier stream.
      const after = j < n ? text.charCodeAt(j) : 0;
      if ((after === CH_DQUOTE || after === CH_QUOTE) && j - i <= 2 && /^(L|u|U|u8)$/.test(text.slice(i, j))) {
        i = j;
        continue;
      }
      if (j - i > MAX_IDENTIFIER_LENGTH) {
        tokens.push(TokenKind.Number, flags, i, j, startLine);
        overlongIdentifiers++;
      } else {
        tokens.pushIdentifier(identifierFlags, i, j, startLine, h, h2);
      }
      i = j;
      continue;
    }
    if (
      (c >= CH_0 && c <= CH_9) ||
      (c === CH_DOT && i + 1 < n && text.charCodeAt(i + 1) >= CH_0 && text.charCodeAt(i + 1) <= CH_9)
    ) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d < ASCII_LIMIT && (IDENT_PART[d] || d === CH_DOT || d === CH_QUOTE)) {
          j++;
          continue;
        }
        // Exponent signs: 1e+5, 0x1p-3.
        const prev = text.charCodeAt(j - 1) | ASCII_LOWER_CASE_BIT;
        if ((d === CH_PLUS || d === CH_MINUS) && (prev === CH_LOWER_E || prev === CH_LOWER_P)) {
          j++;
          continue;
        }
        if (d === CH_BACKSLASH && spliceContinues(text, j, n)) {
          // A number cut by a line splice goes on after it (its second half is no identifier).
          for (let spliced = spliceEnd(text, j, n); spliced >= 0; spliced = spliceEnd(text, j, n)) {
            j = spliced;
            lines.add(j);
            currentLine++;
          }
          continue;
        }
        break;
      }
      tokens.push(TokenKind.Number, flags, i, j, startLine);
      i = j;
      continue;
    }
    if (c === CH_DQUOTE || c === CH_QUOTE) {
      const j = skipQuoted(text, i, c);
      if (quotedSplices > 0) {
        // Splices inside the literal (long messages, inline asm): their lines still count.
        for (let k = i; k < j; k++) {
          if (text.charCodeAt(k) === CH_LF) {
            lines.add(k + 1);
            currentLine++;
          }
        }
      }
      tokens.push(
        expectHeaderName && c === CH_DQUOTE
          ? TokenKind.HeaderName
          : c === CH_DQUOTE
            ? TokenKind.String
            : TokenKind.Char,
        flags,
        i,
        j,
        startLine,
      );
      expectHeaderName = false;
      i = j;
      continue;
    }
    if (c === CH_LT && expectHeaderName) {
      const lf = text.indexOf('\n', i);
      const close = text.indexOf('>', i);
      if (close > 0 && (lf < 0 || close < lf)) {
        tokens.push(TokenKind.HeaderName, flags, i, close + 1, startLine);
        expectHeaderName = false;
        i = close + 1;
        continue;
      }
    }
    if (c >= ASCII_LIMIT || c < CH_SPACE) {
      i++;
      continue;
    } // stray bytes (U+FFFD from invalid UTF-8, control characters)
    // Punctuation.
    if (c === CH_DOT && text.startsWith('...', i)) {
      tokens.push(TokenKind.Punct, flags, i, i + 3, startLine);
      i += 3;
      continue;
    }
    const c2 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (c2 < ASCII_LIMIT && TWO_CHAR_OPERATORS[c * ASCII_LIMIT + c2]) {
      tokens.push(TokenKind.Punct, flags, i, i + 2, startLine);
      i += 2;
      continue;
    }
    tokens.pushChar(c, flags, i, startLine);
    i++;
  }
  if (inDirective) tokens.push(TokenKind.DirectiveEnd, flags, n, n, currentLine);

  return new TokenArrays(text, tokens, lines, overlongIdentifiers);
}

class TokenArrays implements TokenStream {
  readonly count: number;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly line: Uint32Array;
  readonly char: Uint8Array;
  readonly hash: Int32Array;
  readonly hash2: Int32Array;
  readonly lineStarts: Uint32Array;
  readonly lineCount: number;
  constructor(
    readonly text: string,
    tokens: Growable,
    lines: LineTable,
    readonly overlongIdentifiers: number,
  ) {
    this.count = tokens.count;
    this.char = tokens.char;
    this.hash = tokens.hash;
    this.hash2 = tokens.hash2;
    this.kind = tokens.kind;
    this.flags = tokens.flags;
    this.start = tokens.start;
    this.end = tokens.end;
    this.line = tokens.line;
    this.lineStarts = lines.starts;
    this.lineCount = lines.count;
  }
  column(token: number): number {
    return this.start[token] - this.lineStarts[this.line[token]];
  }
  tokenText(token: number): string {
    const raw = this.text.slice(this.start[token], this.end[token]);
    return this.flags[token] & FLAG_SPLICED ? textWithoutSplices(raw) : raw;
  }
  positionAt(offset: number): { line: number; character: number } {
    let lo = 0,
      hi = this.lineCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.lineStarts[lo] };
  }
}

/** Line splices skipped by the last skipQuoted call (so its caller counts their lines only when there are any). */
let quotedSplices = 0;

/**
 * End offset (exclusive) of a string or char literal starting at `start`; stops at a newline that no splice
 * removes (an unterminated literal ends with its line). Splices come first (translation phase 2): `\\` then
 * a newline is a splice even right after another backslash.
 */
function skipQuoted(text: string, start: number, quote: number): number {
  const n = text.length;
  quotedSplices = 0;
  let j = start + 1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === CH_BACKSLASH) {
      const spliced = spliceEnd(text, j, n);
      if (spliced >= 0) {
        quotedSplices++;
        j = spliced;
        continue;
      }
      // An escape: the backslash and the character it escapes (which splices may separate from it).
      j++;
      for (let after = spliceEnd(text, j, n); after >= 0; after = spliceEnd(text, j, n)) {
        quotedSplices++;
        j = after;
      }
      if (j < n && text.charCodeAt(j) !== CH_LF) j++;
      continue;
    }
    if (d === quote) return j + 1;
    if (d === CH_LF) return j; // unterminated literal: stop at the end of the line
    j++;
  }
  return n;
}

/**
 * If a line splice starts at `at` (a backslash, blanks, an optional carriage return and a newline: GCC and
 * clang accept blanks before the newline), the offset after it; otherwise -1.
 */
export function spliceEnd(text: string, at: number, n: number): number {
  if (text.charCodeAt(at) !== CH_BACKSLASH) return -1;
  let j = at + 1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d !== CH_SPACE && d !== CH_TAB && d !== CH_FF && d !== CH_VT) break;
    j++;
  }
  if (j < n && text.charCodeAt(j) === CH_CR) j++;
  return j < n && text.charCodeAt(j) === CH_LF ? j + 1 : -1;
}

/** The newline at `lf` ends a line that a splice continues (a backslash and blanks before it). */
function endsWithSplice(text: string, lf: number): boolean {
  let k = lf - 1;
  if (text.charCodeAt(k) === CH_CR) k--;
  for (;;) {
    const d = text.charCodeAt(k);
    if (d !== CH_SPACE && d !== CH_TAB && d !== CH_FF && d !== CH_VT) break;
    k--;
  }
  return k >= 0 && text.charCodeAt(k) === CH_BACKSLASH;
}

/** After the splices starting at `at`, an identifier character follows (the token goes on). */
function spliceContinues(text: string, at: number, n: number): boolean {
  let j = at;
  for (let after = spliceEnd(text, j, n); after >= 0; after = spliceEnd(text, j, n)) j = after;
  if (j === at || j >= n) return false;
  const d = text.charCodeAt(j);
  return d < 128 && IDENT_PART[d] === 1;
}

let splicedHash = 0;
let splicedHash2 = 0;
let splicedLines = 0;

/**
 * End of an identifier starting at `start` that splices cut, hashed over the name without them (results in
 * splicedHash/splicedHash2; the line starts inside it are added to `lines`, their count in splicedLines).
 */
function splicedIdentifierEnd(text: string, start: number, n: number, lines: LineTable): number {
  let h = 0x811c9dc5;
  let h2 = 0;
  let first = true;
  splicedLines = 0;
  let j = start;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === CH_BACKSLASH) {
      if (!spliceContinues(text, j, n)) break;
      for (let after = spliceEnd(text, j, n); after >= 0; after = spliceEnd(text, j, n)) {
        j = after;
        lines.add(j);
        splicedLines++;
      }
      continue;
    }
    if (d >= 128 || !IDENT_PART[d]) break;
    h = Math.imul(h ^ d, 0x01000193);
    h2 = first ? d : (Math.imul(h2, 0x5bd1e995) + d) | 0;
    first = false;
    j++;
  }
  splicedHash = h;
  splicedHash2 = h2;
  return j;
}

/** The text of a token; an identifier cut by splices without them (its name). */
function textWithoutSplices(raw: string): string {
  return raw.replace(/\\[ \t\f\v]*\r?\n/g, '');
}

/** `#if 0` (optionally followed by a comment): the block is not compiled. */
function isLiteralZeroCondition(text: string, from: number): boolean {
  let lf = text.indexOf('\n', from);
  if (lf < 0) lf = text.length;
  return /^[ \t]*0[ \t]*(\/[*/].*)?\r?$/.test(text.slice(from, lf));
}

/** C keywords and GCC spellings that are never symbols of the tree. */
export const C_KEYWORDS: ReadonlySet<string> = new Set([
  'auto',
  'break',
  'case',
  'char',
  'const',
  'continue',
  'default',
  'do',
  'double',
  'else',
  'enum',
  'extern',
  'float',
  'for',
  'goto',
  'if',
  'inline',
  'int',
  'long',
  'register',
  'restrict',
  'return',
  'short',
  'signed',
  'sizeof',
  'static',
  'struct',
  'switch',
  'typedef',
  'union',
  'unsigned',
  'void',
  'volatile',
  'while',
  '_Bool',
  '_Complex',
  '_Alignas',
  '_Alignof',
  '_Atomic',
  '_Generic',
  '_Noreturn',
  '_Static_assert',
  '_Thread_local',
  '__inline',
  '__inline__',
  '__volatile__',
  '__restrict',
  '__restrict__',
  'asm',
  '__asm__',
  '__asm',
  'typeof',
  '__typeof__',
  '__typeof',
  '__extension__',
  '__signed__',
  '__const',
  '__const__',
  'alignof',
  '__alignof__',
  'static_assert',
  'defined',
]);
