import { tokenize, TokenKind, FLAG_DEAD, FLAG_PREPROCESSOR, type TokenStream } from '../parsing/lexer';
import type { LintRuleSet } from './rules';
import type { MatchContext, SymbolEntry } from './ruleTypes';

/** One removed symbol found in C text, before severity and fixes are decided. */
export interface CMatch {
  entry: SymbolEntry;
  token: number;
  context: MatchContext;
  isDefinition: boolean;
}

/**
 * Top-level macros whose arguments name the symbol being defined or exported
 * (`DEFINE_STATIC_KEY_FALSE(devmap_managed_key)`, `EXPORT_SYMBOL(pfn_t_to_pfn)`): kernel conventions, not symbol facts.
 */
const DEFINING_MACRO = /^(?:DEFINE_|DECLARE_|EXPORT_SYMBOL)/;

/**
 * Finds every removed symbol in C code: identifiers in code, macro bodies and preprocessor conditions, and header
 * names of #include lines. Comments, strings and `#if 0` blocks never match (the lexer does not emit them as
 * identifiers), and the whole identifier must equal the name, so `pmd_devmap_foo` is not `pmd_devmap`.
 * Each match says whether it is the definition/declaration of the symbol itself or a use.
 */
export function scanC(
  text: string,
  rules: LintRuleSet,
  tokens: TokenStream = tokenize(text),
): { tokens: TokenStream; matches: CMatch[] } {
  const matches: CMatch[] = [];
  const { kind, flags, count } = tokens;
  // Code structure tracked over non-preprocessor tokens only.
  let braceDepth = 0;
  let parenDepth = 0;
  let topBraceIsBody = false; // the open top-level `{` is a function body (not a struct or initializer)
  let statementStart = -1; // first token of the current top-level statement
  let definingMacroParen = -1; // paren depth inside a top-level DEFINE_*/EXPORT_SYMBOL(...) call, or -1
  let directiveName = '';
  let directiveFirstArg = -1; // token right after `#define` / `#undef`

  for (let i = 0; i < count; i++) {
    const k = kind[i];
    const f = flags[i];
    if (k === TokenKind.DirectiveEnd) {
      directiveName = '';
      continue;
    }
    if (k === TokenKind.Directive) {
      directiveName = tokens.tokenText(i).replace(/^#\s*/, '');
      directiveFirstArg = i + 1;
      continue;
    }
    if (f & FLAG_DEAD) continue;
    const inPreprocessor = (f & FLAG_PREPROCESSOR) !== 0;

    if (k === TokenKind.HeaderName) {
      const header = tokens.tokenText(i).slice(1, -1).trim();
      const entry = findHeader(rules, header);
      if (entry) matches.push({ entry, token: i, context: 'include', isDefinition: false });
      continue;
    }

    if (!inPreprocessor) {
      if (k === TokenKind.Punct) {
        const c = tokens.text.charCodeAt(tokens.start[i]);
        const single = tokens.end[i] - tokens.start[i] === 1;
        if (single && c === 123 /* { */) {
          if (braceDepth === 0) topBraceIsBody = isPunct(tokens, i - 1, ')');
          braceDepth++;
        } else if (single && c === 125 /* } */) {
          braceDepth = Math.max(0, braceDepth - 1);
          // After a function body a new statement starts; after `struct {...}` the declaration goes on (`} pfn_t;`).
          if (braceDepth === 0 && topBraceIsBody) statementStart = -1;
        } else if (single && c === 40 /* ( */) parenDepth++;
        else if (single && c === 41 /* ) */) {
          parenDepth = Math.max(0, parenDepth - 1);
          if (parenDepth < definingMacroParen) definingMacroParen = -1;
        } else if (single && c === 59 /* ; */ && braceDepth === 0) {
          statementStart = -1;
          parenDepth = 0;
          definingMacroParen = -1;
        }
        continue;
      }
      if (braceDepth === 0 && statementStart < 0) statementStart = i;
    }
    if (k !== TokenKind.Identifier) continue;

    const name = tokens.tokenText(i);
    if (
      !inPreprocessor &&
      braceDepth === 0 &&
      parenDepth === 0 &&
      DEFINING_MACRO.test(name) &&
      isPunct(tokens, i + 1, '(')
    ) {
      definingMacroParen = 1;
    }
    const entry = rules.identifiers.get(name);
    if (!entry) continue;
    // A removed parameter: only calls and declarations with the old number of arguments are the removed API.
    if (entry.args !== undefined && argumentCount(tokens, i) !== entry.args) continue;

    let isDefinition = false;
    if (inPreprocessor) {
      isDefinition = (directiveName === 'define' || directiveName === 'undef') && i === directiveFirstArg;
    } else if (braceDepth === 0) {
      isDefinition =
        (definingMacroParen > 0 && parenDepth === definingMacroParen) ||
        (parenDepth === 0 && isTopLevelDeclarator(tokens, i, statementStart));
    }
    matches.push({ entry, token: i, context: inPreprocessor ? 'preprocessor' : 'code', isDefinition });
  }
  return { tokens, matches };
}

/**
 * At file scope, outside parentheses: `type name(` (function definition or prototype), `typedef ... name;`,
 * and `type name;` / `type name =` (variable definition or extern declaration) declare `name`.
 */
function isTopLevelDeclarator(tokens: TokenStream, i: number, statementStart: number): boolean {
  const previous = i - 1;
  const previousIsType =
    previous >= 0 &&
    !(tokens.flags[previous] & FLAG_PREPROCESSOR) &&
    (tokens.kind[previous] === TokenKind.Identifier ||
      isPunct(tokens, previous, '*') ||
      isPunct(tokens, previous, '}'));
  if (!previousIsType) return false;
  if (isPunct(tokens, i + 1, '(')) return !isPunct(tokens, previous, '}');
  if (isPunct(tokens, i + 1, ';') || isPunct(tokens, i + 1, '=') || isPunct(tokens, i + 1, '[')) {
    return statementStart >= 0 && statementStart < i;
  }
  return false;
}

/** Top-level arguments of `name(...)` at token `i` (0 for `()`), or undefined when no call follows. */
export function argumentCount(tokens: TokenStream, i: number): number | undefined {
  if (!isPunct(tokens, i + 1, '(')) return undefined;
  const inDirective = (tokens.flags[i] & FLAG_PREPROCESSOR) !== 0;
  let depth = 0;
  let commas = 0;
  let inside = 0;
  for (let j = i + 1; j < tokens.count; j++) {
    const k = tokens.kind[j];
    if (k === TokenKind.DirectiveEnd || k === TokenKind.Directive) {
      if (inDirective) return undefined; // the macro body ended inside the call
      continue;
    }
    // A call in code skips #ifdef lines and dead branches inside its arguments.
    if (!inDirective && tokens.flags[j] & (FLAG_PREPROCESSOR | FLAG_DEAD)) continue;
    if (k === TokenKind.Punct) {
      const t = tokens.tokenText(j);
      if (t === '(' || t === '[' || t === '{') {
        if (depth++ > 0) inside++;
        continue;
      }
      if (t === ')' || t === ']' || t === '}') {
        if (--depth === 0) return inside ? commas + 1 : 0;
        inside++;
        continue;
      }
      if (t === ',' && depth === 1) {
        commas++;
        continue;
      }
    }
    inside++;
  }
  return undefined;
}

function isPunct(tokens: TokenStream, i: number, punct: string): boolean {
  if (i < 0 || i >= tokens.count || tokens.kind[i] !== TokenKind.Punct) return false;
  return tokens.end[i] - tokens.start[i] === punct.length && tokens.text.startsWith(punct, tokens.start[i]);
}

/** `linux/pfn_t.h` matches `<linux/pfn_t.h>` and also a relative spelling ending in `/linux/pfn_t.h`. */
function findHeader(rules: LintRuleSet, header: string): SymbolEntry | undefined {
  const exact = rules.headers.get(header);
  if (exact) return exact;
  for (const [name, entry] of rules.headers) if (header.endsWith(`/${name}`)) return entry;
  return undefined;
}
