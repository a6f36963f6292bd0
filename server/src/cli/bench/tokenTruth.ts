/**
 * Token truth: every identifier token of a C file outside comments, string literals, character literals
 * and `#include` header names, with its position in the ORIGINAL file (0-based line, UTF-16 column).
 *
 * It is the yardstick the navigation-accuracy bench measures our references against, so it is written to be
 * obviously correct rather than fast, and shares nothing with the product's lexer (docs/accuracy.md):
 *
 *   1. Translation phase 2 first, over the whole file: every backslash-newline (also backslash, blanks,
 *      newline, which GCC and clang accept with a warning) is deleted, giving the "logical" text, and an
 *      array maps each logical character back to its original offset. Splices therefore work everywhere:
 *      in strings, character literals, `//` comments, directives and identifiers.
 *   2. Phase 3 on the logical text with one sticky regular expression per token class, tried in order
 *      (comment, string, character, pp-number, identifier, newline, blank, any other character). An
 *      unterminated string or character literal is one stray quote (as compilers do, with a warning).
 *   3. A line-structure pass: a `#` first on a line starts a directive, which ends at the next newline token
 *      (a newline inside a block comment does not end it). It records `#if 0` regions and macro parameters.
 *
 * Identifiers inside pp-numbers (`0x1fULL`, `1e10`) are not identifiers. Keywords are identifiers at this
 * level: callers filter them when they want (C_KEYWORDS).
 */

export interface TruthToken {
  /** The identifier as the compiler sees it (splices removed). */
  name: string;
  /** Start in the original file: 0-based line and UTF-16 column. */
  line: number;
  character: number;
  /** End (exclusive) in the original file; on another line when a splice cuts the identifier. */
  endLine: number;
  endCharacter: number;
  /** Inside a group that `#if 0` (or `#elif 0`) disables, the `#if 0` line itself excluded. */
  inIfZero: boolean;
  /** A parameter name of a function-like `#define` (in its parameter list or its body; `__VA_ARGS__` too). */
  macroParameter: boolean;
  /** The directive keyword itself (`define` in `#define`, `ifdef`, `include`, …). */
  directiveName: boolean;
  /** The directive this token is part of (`define`, `if`, `error`, …), undefined outside directives. */
  directive?: string;
  /** The name defined by this `#define` (the first identifier after `define`). */
  macroDefinition: boolean;
  /**
   * A local variable or parameter of this name (another entity than a file-scope one): its declaration inside a
   * function body or a function's parameter list, and its uses until the end of the block that declares it.
   */
  localVariable: boolean;
}

/** C11 keywords plus the GNU spellings the kernel uses; identifiers at the token level, never references. */
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
  '_Alignas',
  '_Alignof',
  '_Atomic',
  '_Bool',
  '_Complex',
  '_Generic',
  '_Imaginary',
  '_Noreturn',
  '_Static_assert',
  '_Thread_local',
  'asm',
  '__asm__',
  '__asm',
  'typeof',
  '__typeof__',
  '__typeof',
  '__attribute__',
  '__attribute',
  '__inline',
  '__inline__',
  '__volatile__',
  '__volatile',
  '__const',
  '__const__',
  '__restrict',
  '__restrict__',
  '__signed__',
  '__signed',
  '__extension__',
  '__builtin_offsetof',
  '__auto_type',
  '__label__',
  '__alignof__',
  '__alignof',
  'bool',
  'true',
  'false',
  'static_assert',
  'alignas',
  'alignof',
  'thread_local',
  'nullptr',
  'typeof_unqual',
  'constexpr',
]);

export interface TokenTruthOptions {
  /** Only tokens with these names are returned (the scan is the same; this only bounds memory). */
  names?: ReadonlySet<string>;
}

/** Translation phase 2: the text without its line splices, and the original offset of every logical character. */
export function removeLineSplices(text: string): { logical: string; originalOffset: Int32Array } {
  const splice = /\\[ \t\f\v]*(\r\n|\n|\r)/g;
  const parts: string[] = [];
  const originalOffset = new Int32Array(text.length + 1);
  let logicalLength = 0;
  let copiedUpTo = 0;
  const copy = (from: number, to: number) => {
    parts.push(text.slice(from, to));
    for (let k = from; k < to; k++) originalOffset[logicalLength++] = k;
  };
  for (let match = splice.exec(text); match; match = splice.exec(text)) {
    copy(copiedUpTo, match.index);
    copiedUpTo = match.index + match[0].length;
  }
  copy(copiedUpTo, text.length);
  originalOffset[logicalLength] = text.length;
  return { logical: parts.join(''), originalOffset: originalOffset.subarray(0, logicalLength + 1) };
}

/** Offsets of the first character of every original line (a line ends at \n, \r\n or a lone \r). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  const newline = /\r\n|\n|\r/g;
  for (let match = newline.exec(text); match; match = newline.exec(text)) starts.push(match.index + match[0].length);
  return starts;
}

function positionOf(starts: number[], offset: number): { line: number; character: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - starts[low] };
}

type LexKind = 'comment' | 'string' | 'char' | 'number' | 'ident' | 'newline' | 'blank' | 'header' | 'other';
interface Lexeme {
  kind: LexKind;
  start: number;
  end: number;
}

// Each class is a sticky regex on the logical text. Order matters: a comment before `/`, a prefixed string or
// character literal (L"", u8"", U'') before an identifier, a pp-number before `.`.
const LEX_RULES: Array<[LexKind, RegExp]> = [
  ['comment', /\/\*[\s\S]*?(\*\/|$)|\/\/[^\r\n]*/y],
  ['string', /(?:u8|[uUL])?"(?:[^"\\\r\n]|\\[\s\S])*"/y],
  ['char', /(?:u8|[uUL])?'(?:[^'\\\r\n]|\\[\s\S])*'/y],
  ['number', /\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_$.])*/y],
  ['ident', /[A-Za-z_$][0-9A-Za-z_$]*/y],
  ['newline', /\r\n|\n|\r/y],
  ['blank', /[ \t\f\v]+/y],
  ['other', /[\s\S]/y],
];
const HEADER_NAME = /<[^>\r\n]*>/y;

/** Phase 3: the lexemes of the logical text. `header` only right after `#include`/`#include_next`/`#import`. */
function lex(logical: string): Lexeme[] {
  const out: Lexeme[] = [];
  let at = 0;
  // Where the current line stands, for header names: 0 line start, 1 after `#`, 2 after `# include`, 3 other.
  let lineState = 0;
  while (at < logical.length) {
    if (lineState === 2) {
      HEADER_NAME.lastIndex = at;
      const header = HEADER_NAME.exec(logical);
      if (header) {
        out.push({ kind: 'header', start: at, end: HEADER_NAME.lastIndex });
        at = HEADER_NAME.lastIndex;
        lineState = 3;
        continue;
      }
    }
    let matched = false;
    for (const [kind, rule] of LEX_RULES) {
      rule.lastIndex = at;
      if (!rule.test(logical) || rule.lastIndex === at) continue;
      const lexeme = { kind, start: at, end: rule.lastIndex };
      out.push(lexeme);
      at = rule.lastIndex;
      matched = true;
      if (kind === 'newline') lineState = 0;
      else if (kind === 'blank' || kind === 'comment') {
        /* does not change the line state */
      } else if (lineState === 0 && kind === 'other' && logical[lexeme.start] === '#') lineState = 1;
      else if (
        lineState === 1 &&
        kind === 'ident' &&
        /^(include|include_next|import)$/.test(logical.slice(lexeme.start, lexeme.end))
      )
        lineState = 2;
      else lineState = 3;
      break;
    }
    if (!matched) throw new Error(`tokenTruth: no rule matched at logical offset ${at}`); // unreachable: 'other' takes any character
  }
  return out;
}

interface Conditional {
  parentDead: boolean;
  dead: boolean;
  zeroBranch: boolean;
}

/** Every identifier token of a C source text (see the module comment for the rules). */
export function identifierTokens(text: string, options: TokenTruthOptions = {}): TruthToken[] {
  const { logical, originalOffset } = removeLineSplices(text);
  const starts = lineStarts(text);
  const lexemes = lex(logical);
  const result: TruthToken[] = [];
  const conditionals: Conditional[] = [];
  const isDead = () => conditionals.length > 0 && conditionals[conditionals.length - 1].dead;

  let k = 0;
  const significant = (from: number): number => {
    let j = from;
    while (j < lexemes.length && (lexemes[j].kind === 'blank' || lexemes[j].kind === 'comment')) j++;
    return j;
  };
  const textOf = (lexeme: Lexeme) => logical.slice(lexeme.start, lexeme.end);
  const emit = (lexeme: Lexeme, flags: Partial<TruthToken>) => {
    const name = textOf(lexeme);
    if (options.names && !options.names.has(name)) return;
    const start = positionOf(starts, originalOffset[lexeme.start]);
    // End: one past the original offset of the last logical character.
    const end = positionOf(starts, originalOffset[lexeme.end - 1] + 1);
    result.push({
      name,
      line: start.line,
      character: start.character,
      endLine: end.line,
      endCharacter: end.character,
      inIfZero: isDead(),
      macroParameter: false,
      directiveName: false,
      macroDefinition: false,
      localVariable: false,
      ...flags,
    });
  };

  let atLineStart = true;
  const scopes = new LocalScopes();
  while (k < lexemes.length) {
    const lexeme = lexemes[k];
    if (lexeme.kind === 'newline') {
      atLineStart = true;
      k++;
      continue;
    }
    if (lexeme.kind === 'blank' || lexeme.kind === 'comment') {
      k++;
      continue;
    }
    if (atLineStart && lexeme.kind === 'other' && textOf(lexeme) === '#') {
      k = directive(k + 1);
      continue;
    }
    atLineStart = false;
    const text = textOf(lexeme);
    // Code of an `#if 0` group is not compiled: its braces and declarations do not count.
    if (!isDead()) {
      if (lexeme.kind === 'ident' && (!options.names || options.names.has(text)))
        emit(lexeme, { localVariable: scopes.isLocal(text, nextCodeText(k + 1)) });
      scopes.step(text, lexeme.kind === 'ident');
    } else if (lexeme.kind === 'ident') emit(lexeme, {});
    k++;
  }
  return result;

  /** The text of the next code lexeme after `from` on any line (directives are not skipped: rare, harmless). */
  function nextCodeText(from: number): string {
    let j = from;
    while (j < lexemes.length && ['blank', 'comment', 'newline'].includes(lexemes[j].kind)) j++;
    return j < lexemes.length ? textOf(lexemes[j]) : '';
  }

  /** One directive starting after its `#`; returns the index of the newline lexeme that ends it. */
  function directive(from: number): number {
    let end = from;
    while (end < lexemes.length && lexemes[end].kind !== 'newline') end++;
    const nameAt = significant(from);
    if (nameAt >= end || lexemes[nameAt].kind !== 'ident') return end; // null directive or `# 123` line marker
    const keyword = textOf(lexemes[nameAt]);
    const restAt = significant(nameAt + 1);
    const restText = lexemes
      .slice(restAt, end)
      .filter((l) => l.kind !== 'comment')
      .map(textOf)
      .join('')
      .trim();
    // The directive line itself belongs to the enclosing context: `#if 0` is read, so are the `#else` and
    // `#endif` of a dead group unless that whole group sits in a dead region.
    let deadHere = isDead();
    const top = conditionals[conditionals.length - 1];
    if (keyword === 'if' || keyword === 'ifdef' || keyword === 'ifndef') {
      const zero = keyword === 'if' && isZero(restText);
      conditionals.push({ parentDead: deadHere, dead: deadHere || zero, zeroBranch: zero });
    } else if ((keyword === 'elif' || keyword === 'else') && top) {
      deadHere = top.parentDead;
      const zero = keyword === 'elif' && isZero(restText);
      // Only a branch after an `#if 0` (or `#elif 0`) is known to be live; any other branch keeps its state.
      if (top.zeroBranch) top.dead = top.parentDead || zero;
      else if (zero) top.dead = true;
      top.zeroBranch = zero;
    } else if (keyword === 'endif' && top) {
      deadHere = top.parentDead;
      conditionals.pop();
    }
    emit(lexemes[nameAt], { directiveName: true, directive: keyword, inIfZero: deadHere });
    if (keyword === 'include' || keyword === 'include_next' || keyword === 'import') return end; // header names are not identifiers
    const parameters = new Set<string>();
    let definedAt = -1;
    if (keyword === 'define' && restAt < end && lexemes[restAt].kind === 'ident') {
      definedAt = restAt;
      // Function-like only when `(` follows the name with no blank in between (after splices are removed).
      const open = restAt + 1;
      if (open < end && textOf(lexemes[open]) === '(') {
        let j = open + 1;
        for (; j < end && textOf(lexemes[j]) !== ')'; j++) {
          if (lexemes[j].kind === 'ident') parameters.add(textOf(lexemes[j]));
          else if (textOf(lexemes[j]) === '.' && textOf(lexemes[j + 1] ?? lexemes[j]) === '.')
            parameters.add('__VA_ARGS__');
        }
      }
    }
    for (let j = nameAt + 1; j < end; j++) {
      const l = lexemes[j];
      if (l.kind !== 'ident') continue;
      const name = textOf(l);
      emit(l, {
        directive: keyword,
        inIfZero: deadHere,
        macroDefinition: j === definedAt,
        macroParameter: j !== definedAt && parameters.has(name),
      });
    }
    return end;
  }
}

/** Identifiers that start or continue an expression, never a declaration's type. */
const EXPRESSION_KEYWORDS = new Set([
  'return',
  'sizeof',
  'case',
  'goto',
  'else',
  'do',
  'typeof',
  '__typeof__',
  '_Alignof',
  'alignof',
  '__alignof__',
  'defined',
]);

/**
 * Block scopes of function bodies, enough to recognise a local variable or parameter that shares its name with a
 * file-scope entity (`char buf3[30];` in one function, a global `buf3` in another file): a name right after a type
 * (an identifier, or `*`s after one, at the start of a statement) and before `[`, `=`, `;` or `,` in a function
 * body is a local declaration, valid to the end of its block; in a function's parameter list (before `,`, `)` or
 * `[`) a parameter, valid in the body that follows. Deliberately narrow: a declaration it does not recognise
 * (a second declarator after a comma, an attribute after the name) leaves the token a plain use.
 */
class LocalScopes {
  /** One entry per open brace: the names declared in it, or undefined outside function bodies. */
  private readonly blocks: Array<Set<string> | undefined> = [];
  private parentheses = 0;
  private parameters = new Set<string>();
  /** The last four code tokens, most recent last. */
  private readonly recent: Array<{ text: string; ident: boolean }> = [];

  /** Whether the identifier `name` (followed by `next`) is a local here; records it when it declares one. */
  isLocal(name: string, next: string): boolean {
    // A struct, union or enum tag, or a member (`.name`, `->name`): other name spaces, never a local.
    const last = this.recent[this.recent.length - 1]?.text;
    if (last === 'struct' || last === 'union' || last === 'enum' || last === '.') return false;
    if (last === '>' && this.recent[this.recent.length - 2]?.text === '-') return false;
    const body = this.blocks[this.blocks.length - 1];
    if (body && ['[', '=', ';', ','].includes(next) && this.followsType(false)) {
      body.add(name);
      return true;
    }
    if (
      this.blocks.length === 0 &&
      this.parentheses === 1 &&
      [',', ')', '['].includes(next) &&
      this.followsType(true)
    ) {
      this.parameters.add(name);
      return true;
    }
    return this.blocks.some((block) => block?.has(name));
  }

  /** Moves past one code token. */
  step(text: string, ident: boolean): void {
    if (text === '{') {
      const inBody = this.blocks.length > 0 && this.blocks[this.blocks.length - 1] !== undefined;
      const opensBody = this.blocks.length === 0 && this.recent[this.recent.length - 1]?.text === ')';
      this.blocks.push(inBody ? new Set() : opensBody ? this.parameters : undefined);
      this.parameters = new Set();
    } else if (text === '}') this.blocks.pop();
    else if (this.blocks.length === 0 && text === '(') this.parentheses++;
    else if (this.blocks.length === 0 && text === ')') this.parentheses = Math.max(0, this.parentheses - 1);
    else if (this.blocks.length === 0 && text === ';') this.parameters = new Set();
    this.recent.push({ text, ident });
    if (this.recent.length > 4) this.recent.shift();
  }

  /**
   * The tokens before the name are a type: `T name`, or `T *name` at the start of a statement, after a type or a
   * comma (`(` too in a parameter list: `f(char *name)`, where a body's `f(a * name)` is a product). Never after
   * `extern`: a block-scope `extern` declaration names the file-scope entity.
   */
  private followsType(parameter: boolean): boolean {
    if (this.recent.some((token) => token.text === 'extern')) return false;
    const isType = (token: { text: string; ident: boolean } | undefined) =>
      token !== undefined && token.ident && !EXPRESSION_KEYWORDS.has(token.text);
    let at = this.recent.length - 1;
    if (isType(this.recent[at])) return true;
    if (this.recent[at]?.text !== '*') return false;
    while (at >= 0 && this.recent[at].text === '*') at--;
    if (!isType(this.recent[at])) return false;
    const before = this.recent[at - 1];
    return (
      before === undefined ||
      isType(before) ||
      [';', '{', '}', ','].includes(before.text) ||
      (parameter && before.text === '(')
    );
  }
}

/** `0`, `(0)`: a condition that is false whatever the configuration. */
function isZero(condition: string): boolean {
  return /^\(?\s*0\s*\)?$/.test(condition);
}
