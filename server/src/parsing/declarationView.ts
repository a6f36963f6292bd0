/**
 * Reading C declarations from a token stream: which `name (` is a function's name, which identifier of a
 * declarator is the declared name, and matching parentheses, all over lists of token indices in which
 * negative entries mark brace bodies the extractor already consumed.
 */
import { TokenKind, type TokenStream } from './lexer';
import {
  classifyWord,
  WORD_AGGREGATE,
  WORD_ATTRIBUTE_CALL,
  WORD_KEYWORD,
  WORD_TRAILING_ATTRIBUTE,
} from './declarationWords';
import { CH_COLON, CH_EQUALS, CH_LBRACKET, CH_LPAREN, CH_RBRACKET, CH_RPAREN, CH_STAR } from './charCodes';

/**
 * Where word classes are remembered per name (the bulk pass's collector: per batch, by name id), so a
 * declaration's keyword and attribute tests need no substring, Set lookup or regex for each token.
 */
export interface WordClassMemo {
  idOfToken(tokens: TokenStream, i: number): number;
  wordClass(id: number): number;
  setWordClass(id: number, cls: number): void;
}

/** Marker in a declaration token list for a brace body already consumed (`struct {...}` or `= {...}`). */
export const BODY_MARKER = -1;
/** Marker for a consumed initializer body (`= { ... }`). */
export const INITIALIZER_MARKER = -2;

export class DeclarationView {
  constructor(
    private readonly tokens: TokenStream,
    private readonly memo?: WordClassMemo,
    private readonly isGenerator?: (word: string) => boolean,
  ) {}

  /** Classes of token i (WORD_* flags of declarationWords.ts); 0 for anything but an identifier. */
  wordClass(i: number): number {
    if (i < 0 || this.tokens.kind[i] !== TokenKind.Identifier) return 0;
    const memo = this.memo;
    if (!memo) return classifyWord(this.textOf(i), this.isGenerator);
    const id = memo.idOfToken(this.tokens, i);
    let cls = memo.wordClass(id);
    if (cls === 0) {
      cls = classifyWord(this.textOf(i), this.isGenerator);
      memo.setWordClass(id, cls);
    }
    return cls;
  }
  isWord(i: number, classes: number): boolean {
    return (this.wordClass(i) & classes) !== 0;
  }

  /** Single-character punctuation test without creating strings (the hot path of the whole-tree pass). */
  isChar(i: number, code: number): boolean {
    return this.tokens.char[i] === code;
  }
  isIdentifier(i: number): boolean {
    return i >= 0 && this.tokens.kind[i] === TokenKind.Identifier;
  }
  textOf(i: number): string {
    return this.tokens.tokenText(i);
  }
  isAggregateKeyword(i: number): boolean {
    return this.isWord(i, WORD_AGGREGATE);
  }
  /** Index in `decl` of the function name: the first `name (` that is not an attribute macro. */
  functionNameIndex(decl: number[]): number {
    for (let k = 0; k + 1 < decl.length; k++) {
      const t = decl[k];
      if (t < 0 || !this.isIdentifier(t) || decl[k + 1] < 0 || !this.isChar(decl[k + 1], CH_LPAREN)) continue;
      if (this.isWord(t, WORD_KEYWORD | WORD_ATTRIBUTE_CALL)) {
        k = Math.max(k, this.matchingParen(decl, k + 1));
        continue;
      }
      return k;
    }
    return -1;
  }
  matchingParen(decl: number[], openIndex: number): number {
    let depth = 0;
    for (let k = openIndex; k < decl.length; k++) {
      const t = decl[k];
      if (t < 0) continue;
      if (this.isChar(t, CH_LPAREN)) depth++;
      else if (this.isChar(t, CH_RPAREN) && --depth === 0) return k;
    }
    return -1;
  }
  /** `int (*handler)(int)`: the parenthesised name is a pointer declarator, not a function. */
  isFunctionPointerDeclarator(decl: number[], nameIndex: number): boolean {
    return (
      nameIndex > 1 &&
      decl[nameIndex - 1] >= 0 &&
      this.isChar(decl[nameIndex - 1], CH_STAR) &&
      decl[nameIndex - 2] >= 0 &&
      this.isChar(decl[nameIndex - 2], CH_LPAREN)
    );
  }
  /** Token of the declared name in one declarator (first segment also holds the type), or -1. */
  declaratorName(segment: number[], hasType: boolean): number {
    // Function pointer: ( * [const] name ) (...)
    for (let k = 0; k + 2 < segment.length; k++) {
      if (
        segment[k] >= 0 &&
        this.isChar(segment[k], CH_LPAREN) &&
        segment[k + 1] >= 0 &&
        this.isChar(segment[k + 1], CH_STAR)
      ) {
        for (let m = k + 2; m < segment.length && segment[m] >= 0 && !this.isChar(segment[m], CH_RPAREN); m++) {
          if (this.isIdentifier(segment[m]) && !this.isWord(segment[m], WORD_KEYWORD | WORD_TRAILING_ATTRIBUTE)) {
            let last = m;
            while (m + 1 < segment.length && this.isIdentifier(segment[m + 1])) last = ++m;
            return segment[last];
          }
        }
      }
    }
    let candidate = -1;
    let candidates = 0;
    let depth = 0;
    // After a consumed body (`struct {...} name`) only what follows the body can be the declarator.
    const bodyAt = segment.lastIndexOf(BODY_MARKER);
    if (bodyAt >= 0) candidates = 1;
    for (let k = bodyAt + 1; k < segment.length; k++) {
      const t = segment[k];
      if (t < 0) continue;
      if (this.isChar(t, CH_LPAREN) || this.isChar(t, CH_LBRACKET)) {
        depth++;
        continue;
      }
      if (this.isChar(t, CH_RPAREN) || this.isChar(t, CH_RBRACKET)) {
        depth--;
        continue;
      }
      if (depth > 0) continue;
      if (this.isChar(t, CH_EQUALS) || this.isChar(t, CH_COLON)) break;
      if (!this.isIdentifier(t)) continue;
      if (this.isWord(t, WORD_KEYWORD | WORD_TRAILING_ATTRIBUTE)) continue;
      const next = k + 1 < segment.length ? segment[k + 1] : -1;
      if (next >= 0 && this.isChar(next, CH_LPAREN)) continue; // attribute macro with arguments
      candidate = t;
      candidates++;
    }
    // With the type in the segment there must be a type name before the declarator (`struct foo;` has none).
    const hasAggregateType =
      segment.some((t) => t === BODY_MARKER) || segment.some((t) => t >= 0 && this.isAggregateKeyword(t));
    if (hasType && candidates < 2 && !hasAggregateType && !segment.some((t) => t >= 0 && this.isWord(t, WORD_KEYWORD)))
      return -1;
    if (hasType && hasAggregateType && !segment.includes(BODY_MARKER)) {
      // `struct foo;` or `struct foo bar;`: the aggregate's tag is not the declarator.
      const tagIndex = segment.findIndex((t) => t >= 0 && this.isAggregateKeyword(t));
      if (candidate >= 0 && segment.indexOf(candidate) === tagIndex + 1) return -1;
    }
    return candidate;
  }
}
