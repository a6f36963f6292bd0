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
  WORD_GENERATOR,
  WORD_KEYWORD,
  WORD_TRAILING_ATTRIBUTE,
} from './declarationWords';
import {
  CH_CARET,
  CH_COLON,
  CH_EQUALS,
  CH_LBRACE,
  CH_LBRACKET,
  CH_LPAREN,
  CH_RBRACKET,
  CH_RPAREN,
  CH_SEMICOLON,
  CH_STAR,
} from './charCodes';

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
  /**
   * Index in `decl` of the declared function's name, or -1. A function declarator is `name (` preceded by
   * something that can come before a declarator: a word of the type, `*`, or the `)` of a keyword or known
   * attribute with arguments (`typeof(x) f(`, `__attribute__((x)) f(`). So
   *   - a `name (...)` first in the declaration, or right after another macro's `)`, is a macro invocation
   *     (`module_init(f)` without its semicolon, `SEC("x") __msg("y") int f(void)`), never the name;
   *   - a `name (...)` followed by more of a type and another `name (` (`__diagnose_as(f, 1) size_t strlen(`)
   *     is an attribute-like macro;
   *   - nothing after a top-level `=` is looked at (`x = ATOMIC_INIT(0)`, `y = foo(1)` define no function).
   */
  functionNameIndex(decl: number[]): number {
    let typeBefore = false;
    let depth = 0;
    for (let k = 0; k < decl.length; k++) {
      const t = decl[k];
      if (t < 0) {
        typeBefore = true;
        continue;
      }
      if (this.isChar(t, CH_EQUALS) && depth === 0) return -1;
      const next = k + 1 < decl.length ? decl[k + 1] : -1;
      if (
        this.isIdentifier(t) &&
        next >= 0 &&
        this.isChar(next, CH_LPAREN) &&
        this.isPointerDeclaratorAt(decl, k + 1)
      ) {
        // `type (*name)(...)`, `type (__attr *name)(...)`: the word is the type, the name is inside.
        typeBefore = true;
        continue;
      }
      if (this.isIdentifier(t) && next >= 0 && this.isChar(next, CH_LPAREN)) {
        const close = this.matchingParen(decl, k + 1);
        if (this.isWord(t, WORD_KEYWORD | WORD_ATTRIBUTE_CALL) || !typeBefore) {
          // A keyword or attribute with arguments is part of the type; a macro invocation is not.
          typeBefore = this.isWord(t, WORD_KEYWORD | WORD_ATTRIBUTE_CALL);
          if (close < 0) return -1;
          k = close;
          continue;
        }
        if (close >= 0 && this.isAttributeLikeCall(decl, close)) {
          k = close;
          typeBefore = false;
          continue;
        }
        return k;
      }
      if (this.isChar(t, CH_LPAREN) || this.isChar(t, CH_LBRACKET)) depth++;
      else if (this.isChar(t, CH_RPAREN) || this.isChar(t, CH_RBRACKET)) depth = Math.max(0, depth - 1);
      typeBefore = this.isIdentifier(t) || this.isChar(t, CH_STAR) || this.isChar(t, CH_LPAREN);
    }
    return -1;
  }

  /**
   * The call shape closing at decl[close] is an attribute-like macro: a later `name (` is preceded by more of a
   * type (a word that is no call, or `*`): `__diagnose_as(f, 1) size_t strlen(`, `__msg("x") __log_level(2) int f(`.
   */
  private isAttributeLikeCall(decl: number[], close: number): boolean {
    for (let k = close + 1; k + 1 < decl.length; k++) {
      const t = decl[k];
      if (t < 0) return false;
      if (this.isChar(t, CH_EQUALS) || this.isChar(t, CH_SEMICOLON) || this.isChar(t, CH_LBRACE)) return false;
      if (!this.isIdentifier(t) || !this.isChar(decl[k + 1], CH_LPAREN)) continue;
      const before = decl[k - 1];
      if (
        k - 1 > close &&
        before >= 0 &&
        (this.isChar(before, CH_STAR) || (this.isIdentifier(before) && !this.isWord(before, WORD_TRAILING_ATTRIBUTE)))
      )
        return true;
      const after = this.matchingParen(decl, k + 1);
      if (after < 0) return false;
      k = after;
    }
    return false;
  }

  /**
   * decl[open] is the `(` of a pointer declarator `( [annotations] * ... )` followed by `(` or `[` (a pointer to
   * a function or an array), not an argument or parameter list (`(const char *p)` is followed by neither).
   */
  private isPointerDeclaratorAt(decl: number[], open: number): boolean {
    let k = open + 1;
    while (k < decl.length && decl[k] >= 0 && this.isIdentifier(decl[k]) && !this.isChar(decl[k + 1] ?? -1, CH_LPAREN))
      k++;
    if (k >= decl.length || decl[k] < 0 || !(this.isChar(decl[k], CH_STAR) || this.isChar(decl[k], CH_CARET)))
      return false;
    const close = this.matchingParen(decl, open);
    const after = close >= 0 && close + 1 < decl.length ? decl[close + 1] : -1;
    return after >= 0 && (this.isChar(after, CH_LPAREN) || this.isChar(after, CH_LBRACKET));
  }

  /** A plain name (no annotation, no call) follows decl[close]. */
  isFollowedByName(decl: number[], close: number): boolean {
    const after = close >= 0 && close + 1 < decl.length ? decl[close + 1] : -1;
    return (
      after >= 0 &&
      this.isIdentifier(after) &&
      !this.isWord(after, WORD_KEYWORD | WORD_TRAILING_ATTRIBUTE | WORD_ATTRIBUTE_CALL) &&
      !this.isFollowedByParen(decl, close + 1)
    );
  }

  private isFollowedByParen(decl: number[], k: number): boolean {
    const next = k + 1 < decl.length ? decl[k + 1] : -1;
    return next >= 0 && this.isChar(next, CH_LPAREN);
  }

  /**
   * Indexes of the `NAME (` before decl[limit] that functionNameIndex passes over as macro invocations (first in
   * the declaration or right after another invocation, or attribute-like) and that no data describes (not a
   * keyword, a known attribute or a generator). `type (*name)(...)` is a declarator, not an invocation.
   */
  macroCallIndexes(decl: number[], limit: number): number[] {
    const out: number[] = [];
    let typeBefore = false;
    for (let k = 0; k < limit && k < decl.length; k++) {
      const t = decl[k];
      if (t < 0) {
        typeBefore = true;
        continue;
      }
      if (this.isChar(t, CH_EQUALS)) break;
      const next = k + 1 < decl.length ? decl[k + 1] : -1;
      if (this.isIdentifier(t) && next >= 0 && this.isChar(next, CH_LPAREN)) {
        const close = this.matchingParen(decl, k + 1);
        if (close < 0) break;
        const known = this.isWord(t, WORD_KEYWORD | WORD_ATTRIBUTE_CALL | WORD_GENERATOR);
        const pointerDeclarator = this.isPointerDeclaratorAt(decl, k + 1);
        if (!known && !pointerDeclarator && (!typeBefore || this.isAttributeLikeCall(decl, close))) out.push(k);
        typeBefore =
          this.isWord(t, WORD_KEYWORD | WORD_ATTRIBUTE_CALL) || (typeBefore && !this.isAttributeLikeCall(decl, close));
        k = close;
        continue;
      }
      typeBefore = this.isIdentifier(t) || this.isChar(t, CH_STAR) || this.isChar(t, CH_LPAREN);
    }
    return out;
  }

  /** Words between `(` and `*` of the pointer declarators of a declaration (`(__efiapi *fn)(...)`): annotations. */
  pointerAnnotations(decl: number[]): number[] {
    const out: number[] = [];
    for (let k = 0; k + 1 < decl.length; k++) {
      if (decl[k] < 0 || !this.isChar(decl[k], CH_LPAREN) || !this.isPointerDeclaratorAt(decl, k)) continue;
      for (let m = k + 1; m < decl.length && decl[m] >= 0 && this.isIdentifier(decl[m]); m++) {
        if (!this.isWord(decl[m], WORD_KEYWORD)) out.push(m);
      }
    }
    return out;
  }

  /** Index in `decl` of the first `NAME (` that passes the generator pre-check (at the top level), or -1. */
  generatorIndex(decl: number[]): number {
    let depth = 0;
    for (let k = 0; k + 1 < decl.length; k++) {
      const t = decl[k];
      if (t < 0) continue;
      if (depth === 0 && this.isIdentifier(t) && decl[k + 1] >= 0 && this.isChar(decl[k + 1], CH_LPAREN)) {
        if (this.isWord(t, WORD_GENERATOR) && !this.isWord(t, WORD_KEYWORD)) return k;
      }
      if (this.isChar(t, CH_LPAREN) || this.isChar(t, CH_LBRACKET)) depth++;
      else if (this.isChar(t, CH_RPAREN) || this.isChar(t, CH_RBRACKET)) depth = Math.max(0, depth - 1);
      else if (depth === 0 && this.isChar(t, CH_EQUALS)) return -1;
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
    // Function pointer: ( [annotations] * [const] name ) (...)
    for (let k = 0; k + 2 < segment.length; k++) {
      if (segment[k] >= 0 && this.isChar(segment[k], CH_LPAREN) && this.isPointerDeclaratorAt(segment, k)) {
        let star = k + 1;
        while (!this.isChar(segment[star], CH_STAR) && !this.isChar(segment[star], CH_CARET)) star++;
        for (let m = star + 1; m < segment.length && segment[m] >= 0 && !this.isChar(segment[m], CH_RPAREN); m++) {
          if (this.isIdentifier(segment[m]) && !this.isWord(segment[m], WORD_KEYWORD | WORD_TRAILING_ATTRIBUTE)) {
            let last = m;
            while (m + 1 < segment.length && this.isIdentifier(segment[m + 1])) last = ++m;
            return segment[last];
          }
        }
      }
    }
    // Parenthesised name of a function type: `typedef void (name)(unsigned long)`.
    for (let k = 0; k + 3 < segment.length; k++) {
      const [open, name, close, params] = [segment[k], segment[k + 1], segment[k + 2], segment[k + 3]];
      if (open >= 0 && this.isChar(open, CH_EQUALS)) break; // an initialiser follows: `x = (f)(1)` declares x
      if (open < 0 || name < 0 || close < 0 || params < 0) continue;
      if (
        this.isChar(open, CH_LPAREN) &&
        this.isIdentifier(name) &&
        this.isChar(close, CH_RPAREN) &&
        this.isChar(params, CH_LPAREN)
      ) {
        if (k > 0 && !this.isWord(name, WORD_KEYWORD | WORD_TRAILING_ATTRIBUTE | WORD_ATTRIBUTE_CALL)) return name;
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
