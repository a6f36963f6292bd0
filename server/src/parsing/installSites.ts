/**
 * Install sites: every place a file may store a function into a struct field (`.migrate_to_ram = f,`,
 * `p->free = kvfree;`), found on the whole-tree pass's token stream so the index can answer "where is f installed"
 * with a look-up instead of reading every file that names f (1,400 files for `kvfree` on 6.12).
 *
 * A site is a candidate, not an answer: the ops tables (knowledge/opsTables.ts) read only the files the index lists
 * for a name and find the typed stores there with parsing/fieldStores.ts, as before. For that to give the same
 * answers as reading every file, the sites here must be a superset of what fieldStores finds in a file, so the token
 * pattern is that scanner's regular expression over the blanked text, token for token:
 *
 *   (`.` | `->`) FIELD `=` (`(` cast `)`)* `&`? VALUE (`,` | `;` | `}`)
 *
 * where comments, string and character literals and preprocessor lines are skipped like the blanks they are there
 * (a `#define` body stores nothing), and `#if 0` code counts as code, as it does for the text scanner. The scan is
 * one loop over the tokens that looks further only at `=` (about 1 token in 25); its cost on the cold index is
 * measured in docs/benchmark.md.
 */
import { FLAG_PREPROCESSOR, LAST_CODE_TOKEN_KIND, TokenKind, type TokenStream } from './lexer';

const CH_AMP = 38;
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_STAR = 42;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SEMICOLON = 59;
const CH_EQUALS = 61;
const CH_GT = 62;
const CH_RBRACE = 125;
/** Casts before a value (`(void *)(unsigned long)f`): more than this is no store. */
const MAX_CASTS = 4;
const MAX_CAST_TOKENS = 16;

/** Values that are never functions (fieldStores.ts leaves them out too). */
const NOT_FUNCTIONS = new Set(['NULL', 'nullptr', 'true', 'false']);

/** Skipped like blanks: comments that are tokens, literals, preprocessor lines. */
function isBlank(tokens: TokenStream, i: number): boolean {
  const kind = tokens.kind[i];
  return (
    (tokens.flags[i] & FLAG_PREPROCESSOR) !== 0 ||
    kind === TokenKind.String ||
    kind === TokenKind.Char ||
    kind > LAST_CODE_TOKEN_KIND
  );
}

function previousCode(tokens: TokenStream, from: number): number {
  let i = from;
  while (i >= 0 && isBlank(tokens, i)) i--;
  return i;
}

function nextCode(tokens: TokenStream, from: number): number {
  let i = from;
  while (i < tokens.count && isBlank(tokens, i)) i++;
  return i;
}

function isArrow(tokens: TokenStream, i: number): boolean {
  const start = tokens.start[i];
  return (
    tokens.end[i] - start === 2 &&
    tokens.text.charCodeAt(start) === CH_MINUS &&
    tokens.text.charCodeAt(start + 1) === CH_GT
  );
}

/**
 * Calls `visit(fieldToken, valueToken)` for every install site of the file, in token order. The value is never
 * NULL, true or false.
 */
export function scanInstallSites(tokens: TokenStream, visit: (field: number, value: number) => void): void {
  const chars = tokens.char;
  const kinds = tokens.kind;
  const flags = tokens.flags;
  const count = tokens.count;
  for (let e = 0; e < count; e++) {
    if (chars[e] !== CH_EQUALS || (flags[e] & FLAG_PREPROCESSOR) !== 0) continue;
    const field = previousCode(tokens, e - 1);
    if (field < 0 || kinds[field] !== TokenKind.Identifier) continue;
    const operator = previousCode(tokens, field - 1);
    if (operator < 0 || (chars[operator] !== CH_DOT && !isArrow(tokens, operator))) continue;
    const value = valueAfter(tokens, e + 1);
    if (value < 0) continue;
    const end = nextCode(tokens, value + 1);
    if (end >= count) continue;
    const c = chars[end];
    if (c !== CH_COMMA && c !== CH_SEMICOLON && c !== CH_RBRACE) continue;
    const length = tokens.end[value] - tokens.start[value];
    if ((length === 4 || length === 5 || length === 7) && NOT_FUNCTIONS.has(tokens.tokenText(value))) continue;
    visit(field, value);
  }
}

/** The identifier a store's right-hand side names after casts and `&`, or -1. */
function valueAfter(tokens: TokenStream, from: number): number {
  let i = nextCode(tokens, from);
  for (let casts = 0; i < tokens.count && tokens.char[i] === CH_LPAREN; casts++) {
    if (casts === MAX_CASTS) return -1;
    // A cast: an identifier first, then identifiers, numbers and `*` up to the `)`.
    let j = nextCode(tokens, i + 1);
    if (j >= tokens.count || tokens.kind[j] !== TokenKind.Identifier) return -1;
    for (let n = 0; ; n++) {
      j = nextCode(tokens, j + 1);
      if (j >= tokens.count || n === MAX_CAST_TOKENS) return -1;
      const kind = tokens.kind[j];
      if (tokens.char[j] === CH_RPAREN) break;
      if (kind !== TokenKind.Identifier && kind !== TokenKind.Number && tokens.char[j] !== CH_STAR) return -1;
    }
    i = nextCode(tokens, j + 1);
  }
  if (i < tokens.count && tokens.char[i] === CH_AMP) i = nextCode(tokens, i + 1);
  return i < tokens.count && tokens.kind[i] === TokenKind.Identifier ? i : -1;
}
