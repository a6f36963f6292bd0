import { tokenize, TokenKind, FLAG_DEAD, FLAG_PREPROCESSOR } from '../../parsing/lexer';

/**
 * Token patterns for change probes: a snippet of C compared token by token with a function body or a file,
 * so spacing, line breaks and comments in the tree do not matter (`folio_test_hugetlb(folio)` matches
 * `folio_test_hugetlb( folio )` across a line break). Two wildcards: `$_` stands for any one token and `$$`
 * for any run of tokens that stays inside one statement (it does not cross `;`, `{` or `}`).
 */

type Element = { type: 'token'; text: string } | { type: 'any' } | { type: 'gap' };

export interface TokenPattern {
  source: string;
  elements: Element[];
}

/** A code token of the searched text: its spelling and 0-based line. */
export interface CodeToken {
  text: string;
  line: number;
}

/** A gap never spans more tokens than this: patterns describe one statement, not a function. */
const MAX_GAP = 80;
const STATEMENT_BOUNDARIES = new Set([';', '{', '}']);

export function compileTokenPattern(source: string): TokenPattern {
  const tokens = tokenize(source);
  const elements: Element[] = [];
  for (let i = 0; i < tokens.count; i++) {
    const kind = tokens.kind[i];
    if (kind === TokenKind.DocComment || kind === TokenKind.DirectiveEnd) continue;
    const text = tokens.tokenText(i);
    if (text === '$_') elements.push({ type: 'any' });
    else if (text === '$$') elements.push({ type: 'gap' });
    else elements.push({ type: 'token', text });
  }
  if (!elements.some((element) => element.type === 'token'))
    throw new Error(`token pattern "${source}" has no literal token`);
  if (elements[0].type === 'gap' || elements[elements.length - 1].type === 'gap')
    throw new Error(`token pattern "${source}" starts or ends with $$`);
  return { source, elements };
}

/**
 * The code tokens of a text: identifiers, numbers, strings and punctuation outside comments, `#if 0` blocks
 * and (unless asked) preprocessor lines. `lineOffset` is added to every line (for a body sliced from a file).
 */
export function codeTokens(
  text: string,
  options: { lineOffset?: number; includePreprocessor?: boolean } = {},
): CodeToken[] {
  const tokens = tokenize(text);
  const out: CodeToken[] = [];
  const offset = options.lineOffset ?? 0;
  for (let i = 0; i < tokens.count; i++) {
    const kind = tokens.kind[i];
    if (kind === TokenKind.DocComment || kind === TokenKind.DirectiveEnd) continue;
    if (tokens.flags[i] & FLAG_DEAD) continue;
    if (!options.includePreprocessor && tokens.flags[i] & FLAG_PREPROCESSOR) continue;
    out.push({ text: tokens.tokenText(i), line: tokens.line[i] + offset });
  }
  return out;
}

/** Index of the first token where the pattern matches, or -1. */
export function findTokenPattern(tokens: CodeToken[], pattern: TokenPattern): number {
  for (let start = 0; start < tokens.length; start++) {
    if (matchAt(tokens, start, pattern.elements, 0)) return start;
  }
  return -1;
}

function matchAt(tokens: CodeToken[], position: number, elements: Element[], element: number): boolean {
  if (element === elements.length) return true;
  const current = elements[element];
  if (current.type === 'gap') {
    // Shortest run first; stop at a statement boundary.
    for (let skip = 0; skip <= MAX_GAP && position + skip <= tokens.length; skip++) {
      if (matchAt(tokens, position + skip, elements, element + 1)) return true;
      const next = tokens[position + skip];
      if (!next || STATEMENT_BOUNDARIES.has(next.text)) return false;
    }
    return false;
  }
  const token = tokens[position];
  if (!token) return false;
  if (current.type === 'token' && token.text !== current.text) return false;
  return matchAt(tokens, position + 1, elements, element + 1);
}

/** Index of the first call of `callee` (`callee (`) in the tokens, or -1. */
export function findCall(tokens: CodeToken[], callee: string): number {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].text === callee && tokens[i + 1].text === '(') return i;
  }
  return -1;
}
