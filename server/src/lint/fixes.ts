import { TokenKind, FLAG_PREPROCESSOR, type TokenStream } from '../parsing/lexer';
import type { FixSpec, MatchContext, MechanicalFix, OffsetEdit } from './ruleTypes';

/**
 * Mechanical rewrites, one function per fix type named in the rule data. Each returns undefined when the code
 * around the occurrence does not have the exact shape the rewrite is safe for; the caller then offers the
 * explanation instead of an edit.
 */

export interface FixSite {
  /** The symbol name being fixed. */
  name: string;
  context: MatchContext;
  start: number;
  end: number;
  text: string;
  /** C token index of the identifier (C files only). */
  token?: number;
  tokens?: TokenStream;
  /** Line bounds (for delete-line). */
  lineStart: number;
  nextLineStart: number;
}

export function computeFix(spec: FixSpec, site: FixSite): MechanicalFix | undefined {
  switch (spec.type) {
    case 'rename':
      return {
        title: `Replace \`${site.name}\` with \`${spec.to}\``,
        edits: [{ start: site.start, end: site.end, newText: spec.to }],
      };
    case 'delete-line': {
      if (spec.onlyIn && !spec.onlyIn.includes(site.context)) return undefined;
      const lineText = site.text.slice(site.lineStart, site.nextLineStart).trim();
      return {
        title: `Delete \`${truncate(lineText.replace(/\s+/g, ' '), 60)}\``,
        edits: [{ start: site.lineStart, end: site.nextLineStart, newText: '' }],
      };
    }
    case 'drop-disjunct':
      return site.tokens && site.token !== undefined ? dropDisjunct(site.tokens, site.token, spec.partner) : undefined;
    case 'drop-argument':
      return site.tokens && site.token !== undefined
        ? dropArgument(site.tokens, site.token, spec.index, spec.onlyIf)
        : undefined;
  }
}

/** `f(a, NULL)` -> `f(a)`: deletes argument `index` with the comma before it (or after it, for the first). */
function dropArgument(
  tokens: TokenStream,
  callee: number,
  index: number,
  onlyIf: string | undefined,
): MechanicalFix | undefined {
  const call = callAt(tokens, callee);
  if (!call) return undefined;
  // Top-level argument spans as [first token, last token] and the commas between them.
  const args: Array<{ first: number; last: number }> = [];
  const commas: number[] = [];
  let depth = 0;
  let first = call.open + 1;
  for (let i = call.open + 1; i <= call.close; i++) {
    const t = punctText(tokens, i);
    if (t === '(' || t === '[' || t === '{') depth++;
    else if ((t === ')' || t === ']' || t === '}') && depth > 0) depth--;
    else if ((t === ',' && depth === 0) || i === call.close) {
      if (i > first) args.push({ first, last: i - 1 });
      if (t === ',') commas.push(i);
      first = i + 1;
    }
  }
  const arg = args[index];
  if (!arg || args.length !== commas.length + 1) return undefined;
  const argText = tokens.text.slice(tokens.start[arg.first], tokens.end[arg.last]).trim();
  if (onlyIf !== undefined && argText !== onlyIf) return undefined;
  const name = tokens.tokenText(callee);
  const title = `Drop the \`${truncate(argText, 30)}\` argument of \`${name}()\``;
  if (index > 0)
    return { title, edits: [{ start: tokens.start[commas[index - 1]], end: tokens.end[arg.last], newText: '' }] };
  const end = commas.length ? tokens.start[args[1].first] : tokens.end[arg.last];
  return { title, edits: [{ start: tokens.start[arg.first], end, newText: '' }] };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Operators after which `P || D` (resp. `!P && !D`) may be replaced by `P` (resp. `!P`) without changing precedence.
 */
const LEFT_OF_OR = new Set(['(', '||', ',', '?', ':', '=', ';', '{', '}', 'return']);
const RIGHT_OF_OR = new Set([')', '||', ',', '?', ':', ';', ']', '}']);
const LEFT_OF_AND = new Set([...LEFT_OF_OR, '&&']);
const RIGHT_OF_AND = new Set([...RIGHT_OF_OR, '&&']);

/**
 * `partner(A) || sym(A)` -> `partner(A)`, `sym(A) || partner(A)` -> `partner(A)`,
 * `!partner(A) && !sym(A)` -> `!partner(A)`, `!sym(A) && !partner(A)` -> `!partner(A)`.
 * A may be any balanced expression (compared token by token, so spacing and line breaks do not matter), and the
 * neighbours must bind more loosely than the operator, so `x && P(a) || D(a)` is left alone.
 */
function dropDisjunct(tokens: TokenStream, symbolToken: number, partner: string): MechanicalFix | undefined {
  const symbolCall = callAt(tokens, symbolToken);
  if (!symbolCall) return undefined;
  const name = tokens.tokenText(symbolToken);
  const negated = punctText(tokens, symbolToken - 1) === '!';
  const region = tokens.flags[symbolToken] & FLAG_PREPROCESSOR;
  const sameRegion = (i: number) => (tokens.flags[i] & FLAG_PREPROCESSOR) === region;
  const operator = negated ? '&&' : '||';
  const leftOk = negated ? LEFT_OF_AND : LEFT_OF_OR;
  const rightOk = negated ? RIGHT_OF_AND : RIGHT_OF_OR;
  const boundaryOk = (i: number, allowed: Set<string>) =>
    i < 0 ||
    i >= tokens.count ||
    tokens.kind[i] === TokenKind.DirectiveEnd ||
    !sameRegion(i) ||
    allowed.has(boundaryText(tokens, i));
  const symbolFirst = negated ? symbolToken - 1 : symbolToken;
  const title = `Drop the \`${name}()\` test: \`${partner}()\` covers it`;
  const edit = (e: OffsetEdit): MechanicalFix => ({ title, edits: [e] });

  // Partner on the left: [!]partner(A) OP [!]sym(A)
  const opBefore = symbolFirst - 1;
  if (punctText(tokens, opBefore) === operator && punctText(tokens, opBefore - 1) === ')') {
    const partnerCall = callEndingAt(tokens, opBefore - 1);
    if (
      partnerCall &&
      tokens.tokenText(partnerCall.callee) === partner &&
      sameArguments(tokens, partnerCall, symbolCall)
    ) {
      const partnerFirst = negated ? partnerCall.callee - 1 : partnerCall.callee;
      const partnerNegated = punctText(tokens, partnerCall.callee - 1) === '!';
      if (
        partnerNegated === negated &&
        boundaryOk(partnerFirst - 1, leftOk) &&
        boundaryOk(symbolCall.close + 1, rightOk)
      ) {
        return edit({ start: tokens.end[partnerCall.close], end: tokens.end[symbolCall.close], newText: '' });
      }
    }
  }
  // Partner on the right: [!]sym(A) OP [!]partner(A)
  const opAfter = symbolCall.close + 1;
  if (punctText(tokens, opAfter) === operator) {
    const partnerFirst = opAfter + 1;
    const partnerCallee = negated ? partnerFirst + 1 : partnerFirst;
    if (negated && punctText(tokens, partnerFirst) !== '!') return undefined;
    if (tokens.kind[partnerCallee] !== TokenKind.Identifier || tokens.tokenText(partnerCallee) !== partner)
      return undefined;
    const partnerCall = callAt(tokens, partnerCallee);
    if (
      partnerCall &&
      sameArguments(tokens, partnerCall, symbolCall) &&
      boundaryOk(symbolFirst - 1, leftOk) &&
      boundaryOk(partnerCall.close + 1, rightOk)
    ) {
      return edit({ start: tokens.start[symbolFirst], end: tokens.start[partnerFirst], newText: '' });
    }
  }
  return undefined;
}

interface Call {
  callee: number;
  open: number;
  close: number;
}

/** `name ( ... )` starting at the identifier token, with the matching close paren. */
function callAt(tokens: TokenStream, callee: number): Call | undefined {
  const open = callee + 1;
  if (punctText(tokens, open) !== '(') return undefined;
  let depth = 0;
  for (let i = open; i < tokens.count; i++) {
    if (tokens.kind[i] === TokenKind.DirectiveEnd) return undefined;
    const t = punctText(tokens, i);
    if (t === '(') depth++;
    else if (t === ')' && --depth === 0) return { callee, open, close: i };
  }
  return undefined;
}

/** The call whose close paren is `close`. */
function callEndingAt(tokens: TokenStream, close: number): Call | undefined {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (tokens.kind[i] === TokenKind.DirectiveEnd || tokens.kind[i] === TokenKind.Directive) return undefined;
    const t = punctText(tokens, i);
    if (t === ')') depth++;
    else if (t === '(' && --depth === 0) {
      return tokens.kind[i - 1] === TokenKind.Identifier ? { callee: i - 1, open: i, close } : undefined;
    }
  }
  return undefined;
}

function sameArguments(tokens: TokenStream, a: Call, b: Call): boolean {
  if (a.close - a.open !== b.close - b.open) return false;
  for (let k = 1; k < a.close - a.open; k++)
    if (tokens.tokenText(a.open + k) !== tokens.tokenText(b.open + k)) return false;
  return true;
}

function punctText(tokens: TokenStream, i: number): string | undefined {
  return i >= 0 && i < tokens.count && tokens.kind[i] === TokenKind.Punct ? tokens.tokenText(i) : undefined;
}

function boundaryText(tokens: TokenStream, i: number): string {
  return tokens.kind[i] === TokenKind.Punct || tokens.kind[i] === TokenKind.Identifier ? tokens.tokenText(i) : '';
}
