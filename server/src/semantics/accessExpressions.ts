/**
 * The expressions whose type member access depends on, parsed from text: `fw`, `vmf->page->pgmap`,
 * `(*pages)[i]`, `((struct foo *)p)`, `container_of(ptr, struct foo, node)`, `page_folio(page)`. Text rather than
 * the tree because completion runs on code that is being typed (`fw.` is an ERROR node), and because the same
 * parser then serves the tree's expressions (their text) and macro bodies. Every name keeps its offset in the
 * document, so the type resolver can ask the document's scopes what the name is at that place.
 */

export type AccessExpression =
  | { kind: 'name'; name: string; offset: number }
  | { kind: 'member'; object: AccessExpression; arrow: boolean; field: string; offset: number }
  | { kind: 'call'; callee: AccessExpression; args: ArgumentText[] }
  | { kind: 'index'; object: AccessExpression }
  | { kind: 'deref'; operand: AccessExpression }
  | { kind: 'address'; operand: AccessExpression }
  | { kind: 'cast'; typeText: string; typeOffset: number; operand: AccessExpression }
  /** `_Generic(x, T1: e1, ...)`: typed as its first association. */
  | { kind: 'other' };

export interface ArgumentText {
  text: string;
  /** Offset of the argument's first character in the document. */
  offset: number;
}

interface Token {
  kind: 'ident' | 'punct' | 'other';
  text: string;
  start: number;
  end: number;
}

const MAX_TOKENS = 4000;
const MAX_DEPTH = 64;

const TYPE_WORDS = new Set([
  'struct',
  'union',
  'enum',
  'const',
  'volatile',
  'unsigned',
  'signed',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'void',
  'bool',
  '_Bool',
]);

function tokenize(text: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end && tokens.length < MAX_TOKENS) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
      i++;
    } else if (c === 92 && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += 2; // line splice
    } else if (c === 47 && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 || close + 2 > end ? end : close + 2;
    } else if (c === 47 && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? end : nl;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < end && isIdentPart(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), start: i, end: j });
      i = j;
    } else if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < end && (isIdentPart(text.charCodeAt(j)) || text[j] === '.')) j++;
      tokens.push({ kind: 'other', text: text.slice(i, j), start: i, end: j });
      i = j;
    } else if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < end && text.charCodeAt(j) !== c) j += text.charCodeAt(j) === 92 ? 2 : 1;
      tokens.push({ kind: 'other', text: text.slice(i, Math.min(end, j + 1)), start: i, end: Math.min(end, j + 1) });
      i = j + 1;
    } else if (c === 45 && text[i + 1] === '>') {
      tokens.push({ kind: 'punct', text: '->', start: i, end: i + 2 });
      i += 2;
    } else {
      tokens.push({ kind: 'punct', text: text[i], start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}

/** Parses the expression text [start, end) of `text` (offsets are the document's). */
export function parseAccessExpression(text: string, start: number, end: number): AccessExpression {
  const tokens = tokenize(text, start, end);
  const parser = new ExpressionParser(tokens, text);
  return parser.expression();
}

class ExpressionParser {
  private position = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }
  private isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'punct' && token.text === text;
  }

  /** A whole expression: conditional and binary operators are typed by their first operand. */
  expression(): AccessExpression {
    return this.unary();
  }

  private unary(): AccessExpression {
    if (++this.depth > MAX_DEPTH) return { kind: 'other' };
    try {
      const token = this.peek();
      if (!token) return { kind: 'other' };
      if (token.kind === 'punct' && token.text === '*') {
        this.position++;
        return { kind: 'deref', operand: this.unary() };
      }
      if (token.kind === 'punct' && token.text === '&') {
        this.position++;
        return { kind: 'address', operand: this.unary() };
      }
      if (token.kind === 'punct' && (token.text === '!' || token.text === '-' || token.text === '~')) {
        this.position++;
        this.unary();
        return { kind: 'other' };
      }
      if (token.kind === 'punct' && token.text === '(') {
        const close = this.matching(this.position);
        if (close > 0 && this.looksLikeCast(this.position + 1, close)) {
          const typeOffset = this.tokens[this.position + 1].start;
          const typeText = this.text.slice(typeOffset, this.tokens[close - 1].end);
          this.position = close + 1;
          return { kind: 'cast', typeText, typeOffset, operand: this.unary() };
        }
      }
      return this.postfix(this.primary());
    } finally {
      this.depth--;
    }
  }

  private primary(): AccessExpression {
    const token = this.peek();
    if (!token) return { kind: 'other' };
    if (token.kind === 'ident') {
      this.position++;
      if ((token.text === '_Generic' || token.text === '__builtin_choose_expr') && this.isPunct('(')) {
        return this.generic(token.text);
      }
      return { kind: 'name', name: token.text, offset: token.start };
    }
    if (token.kind === 'punct' && token.text === '(') {
      const close = this.matching(this.position);
      if (close < 0) return { kind: 'other' };
      // `({ ... })` statement expressions are not typed.
      if (this.isPunct('{', 1)) {
        this.position = close + 1;
        return { kind: 'other' };
      }
      const inner = new ExpressionParser(this.tokens.slice(this.position + 1, close), this.text);
      this.position = close + 1;
      return inner.expression();
    }
    this.position++;
    return { kind: 'other' };
  }

  /** `_Generic((p), const struct page *: e1, struct page *: e2)`: the first association's expression. */
  private generic(keyword: string): AccessExpression {
    const args = this.argumentsAt(this.position);
    this.position = this.matching(this.position) + 1 || this.tokens.length;
    if (keyword === '__builtin_choose_expr') {
      const first = args[1];
      return first
        ? parseAccessExpression(this.text, first.offset, first.offset + first.text.length)
        : { kind: 'other' };
    }
    const association = args[1];
    if (!association) return { kind: 'other' };
    const colon = topLevelColon(association.text);
    if (colon < 0) return { kind: 'other' };
    const from = association.offset + colon + 1;
    return parseAccessExpression(this.text, from, association.offset + association.text.length);
  }

  private postfix(start: AccessExpression): AccessExpression {
    let expression = start;
    for (let steps = 0; steps < MAX_TOKENS; steps++) {
      const token = this.peek();
      if (!token || token.kind !== 'punct') return expression;
      if (token.text === '->' || token.text === '.') {
        const field = this.peek(1);
        if (!field || field.kind !== 'ident') return expression;
        expression = {
          kind: 'member',
          object: expression,
          arrow: token.text === '->',
          field: field.text,
          offset: field.start,
        };
        this.position += 2;
      } else if (token.text === '(') {
        const close = this.matching(this.position);
        const args = this.argumentsAt(this.position);
        expression = { kind: 'call', callee: expression, args };
        if (close < 0) return expression;
        this.position = close + 1;
      } else if (token.text === '[') {
        const close = this.matching(this.position);
        expression = { kind: 'index', object: expression };
        if (close < 0) return expression;
        this.position = close + 1;
      } else if (token.text === '+' && this.isPunct('+', 1)) {
        this.position += 2;
      } else if (token.text === '-' && this.isPunct('-', 1)) {
        this.position += 2;
      } else {
        return expression;
      }
    }
    return expression;
  }

  /** Index of the token closing the bracket at `open`, or -1. */
  private matching(open: number): number {
    const opener = this.tokens[open]?.text;
    const closer = opener === '(' ? ')' : opener === '[' ? ']' : opener === '{' ? '}' : '';
    if (!closer) return -1;
    let depth = 0;
    for (let k = open; k < this.tokens.length; k++) {
      const token = this.tokens[k];
      if (token.kind !== 'punct') continue;
      if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
      else if (token.text === ')' || token.text === ']' || token.text === '}') {
        depth--;
        if (depth === 0) return token.text === closer ? k : -1;
      }
    }
    return -1;
  }

  /** The argument texts of the call whose `(` is token `open` (split at top-level commas). */
  private argumentsAt(open: number): ArgumentText[] {
    const close = this.matching(open);
    const last = close < 0 ? this.tokens.length : close;
    const args: ArgumentText[] = [];
    let from = open + 1;
    let depth = 0;
    for (let k = open + 1; k <= last; k++) {
      const token = this.tokens[k];
      const atEnd = k === last;
      if (!atEnd && token.kind === 'punct') {
        if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
        else if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
      }
      if (atEnd || (depth === 0 && token.kind === 'punct' && token.text === ',')) {
        if (k > from) {
          const first = this.tokens[from];
          const end = this.tokens[k - 1].end;
          args.push({ text: this.text.slice(first.start, end), offset: first.start });
        } else if (!atEnd || args.length > 0) args.push({ text: '', offset: this.tokens[k]?.start ?? 0 });
        from = k + 1;
      }
    }
    return args;
  }

  /** `(struct foo *)`, `(const struct page *)`, `(pte_t *)`, `(unsigned long)`, `(foo_t)x`. */
  private looksLikeCast(from: number, close: number): boolean {
    if (close <= from) return false;
    let sawStar = false;
    for (let k = from; k < close; k++) {
      const token = this.tokens[k];
      if (token.kind === 'ident') {
        if (sawStar && !TYPE_WORDS.has(token.text) && token.text !== '__force') return false;
        continue;
      }
      if (token.kind === 'punct' && token.text === '*') {
        sawStar = true;
        continue;
      }
      return false;
    }
    const first = this.tokens[from].text;
    if (TYPE_WORDS.has(first) || first === '__force') return true;
    if (this.tokens[close - 1].text === '*') return true;
    // `(foo_t)x`: one typedef-looking name followed by an operand.
    const next = this.tokens[close + 1];
    return (
      close === from + 1 && /_t$/.test(first) && next !== undefined && (next.kind === 'ident' || next.text === '(')
    );
  }
}

function topLevelColon(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ':' && depth === 0) return i;
  }
  return -1;
}

/**
 * Start offset of the postfix expression that ends at `end` (exclusive, blanks before it skipped): what stands
 * before a `->` or `.` being typed. `vmf->page->pgmap` for `vmf->page->pgmap->|`, `foo(x)` for `foo(x).|`.
 * Undefined when nothing expression-like ends there.
 */
export function expressionStartBefore(text: string, end: number, limit = 2000): number | undefined {
  const floor = Math.max(0, end - limit);
  let i = skipBlanksBack(text, end, floor);
  let start: number | undefined;
  for (let steps = 0; steps < 256 && i > floor; steps++) {
    const c = text.charCodeAt(i - 1);
    if (isIdentPart(c)) {
      let j = i - 1;
      while (j > floor && isIdentPart(text.charCodeAt(j - 1))) j--;
      if (!isIdentStart(text.charCodeAt(j)) || STATEMENT_WORDS.has(text.slice(j, i))) return start;
      start = j;
      i = j;
    } else if (c === 41 || c === 93) {
      const open = matchBack(text, i - 1, floor);
      if (open < 0) return start;
      start = open;
      i = open;
      // A call or a subscript continues with what stands before it (`foo(x)`, `pages[i]`).
      const before = skipBlanksBack(text, i, floor);
      if (before > floor && isIdentPart(text.charCodeAt(before - 1))) {
        i = before;
        continue;
      }
      if (before > floor && (text[before - 1] === ')' || text[before - 1] === ']')) {
        i = before;
        continue;
      }
    } else return start;
    // Continue through `->` / `.` to the object of this member.
    const before = skipBlanksBack(text, i, floor);
    if (before - 2 >= floor && text[before - 1] === '>' && text[before - 2] === '-')
      i = skipBlanksBack(text, before - 2, floor);
    else if (before - 1 >= floor && text[before - 1] === '.' && text[before - 2] !== '.')
      i = skipBlanksBack(text, before - 1, floor);
    else return start;
  }
  return start;
}

/** Words that end an expression rather than name an object (`return ->` has no object). */
const STATEMENT_WORDS = new Set([
  'return',
  'case',
  'goto',
  'else',
  'do',
  'sizeof',
  'typeof',
  'struct',
  'union',
  'enum',
]);

function skipBlanksBack(text: string, i: number, floor: number): number {
  while (i > floor && /\s/.test(text[i - 1])) i--;
  return i;
}

/** Offset of the `(`/`[` matching the closer at `close`, or -1 (strings and comments are not tracked). */
function matchBack(text: string, close: number, floor: number): number {
  let depth = 0;
  for (let i = close; i >= floor; i--) {
    const c = text[i];
    if (c === ')' || c === ']') depth++;
    else if (c === '(' || c === '[') {
      depth--;
      if (depth === 0) return i;
    } else if (c === ';' || c === '{' || c === '}') return -1;
  }
  return -1;
}
