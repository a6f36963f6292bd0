import type { Parser, Range, Tree } from 'web-tree-sitter';
import { blockComments, insideSpans, skipQuoted } from './textScan';
import {
  CH_BACKSLASH,
  CH_CR,
  CH_DQUOTE,
  CH_LBRACE,
  CH_LPAREN,
  CH_QUOTE,
  CH_RBRACE,
  CH_RPAREN,
  CH_SEMICOLON,
  CH_SLASH,
} from './charCodes';
import { attributeMacros, type AttributeMacroTable } from './cVocabulary';
import { extractLexical } from './lexicalExtractor';
import { generatedNames, isNameGenerator } from './nameGenerators';

/**
 * Preparing kernel C for tree-sitter-c. Annotation macros (`__init`, `__must_check`, `__section(".x")`, ...)
 * listed in data/attribute-macros.yaml are replaced by spaces of the same length before parsing, so the
 * grammar sees plain C while every offset, line and column stays identical to the real text.
 * Consumers must read names from the real text (`text.slice(node.startIndex, node.endIndex)`), not `node.text`.
 */

export interface MaskedSpan {
  start: number;
  end: number;
  name: string;
  hasArgs: boolean;
}

const MAX_ARGUMENT_SPAN = 2000;

const candidatePatterns = new WeakMap<AttributeMacroTable, RegExp>();

/** One regular expression matching any listed name as a whole identifier (native speed over the file). */
function candidatePattern(macros: AttributeMacroTable): RegExp {
  let pattern = candidatePatterns.get(macros);
  if (!pattern) {
    const names = [...macros.plain, ...macros.withArgs].sort((a, b) => b.length - a.length);
    pattern = new RegExp(`(?<![\\w$])(?:${names.join('|')})(?![\\w$])`, 'g');
    candidatePatterns.set(macros, pattern);
  }
  return pattern;
}

/**
 * Where the annotation macros are, outside comments, strings and preprocessor lines. Candidates come
 * from one regular expression; each is then checked in its own logical line (directive, string, `//`)
 * and against the nearest block comment, so the cost follows the number of annotations, not the file size.
 */
export function findAttributeSpans(text: string, macros: AttributeMacroTable = attributeMacros()): MaskedSpan[] {
  const spans: MaskedSpan[] = [];
  const pattern = candidatePattern(macros);
  pattern.lastIndex = 0;
  let skipUntil = 0;
  let comments: Array<[number, number]> | undefined;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const start = match.index;
    const name = match[0];
    comments ??= blockComments(text);
    if (start < skipUntil || insideSpans(comments, start) || !isCode(text, start)) continue;
    if (macros.plain.has(name)) {
      spans.push({ start, end: start + name.length, name, hasArgs: false });
    } else {
      const close = matchingParen(text, start + name.length);
      if (close === undefined) continue;
      spans.push({ start, end: close, name, hasArgs: true });
      skipUntil = close;
    }
  }
  return spans;
}

/** How far back one candidate's context is read: enough for real code, bounded for hostile one-line files. */
const CONTEXT_LIMIT = 4096;

/** Start of the logical line holding `offset` (backslash-continued lines joined, within CONTEXT_LIMIT). */
function logicalLineStart(text: string, offset: number): number {
  const floor = Math.max(0, offset - CONTEXT_LIMIT);
  let start = Math.max(floor, text.lastIndexOf('\n', offset - 1) + 1);
  while (start >= 2 && start > floor) {
    let back = start - 2;
    if (text.charCodeAt(back) === CH_CR) back--;
    if (text.charCodeAt(back) !== CH_BACKSLASH) break;
    start = text.lastIndexOf('\n', back) + 1;
  }
  return start;
}

/** Not inside a directive, a `//` comment, or a string/character literal (block comments are checked first). */
function isCode(text: string, offset: number): boolean {
  const lineStart = logicalLineStart(text, offset);
  let i = lineStart;
  while (i < offset && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] === '#') return false;
  for (; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === CH_DQUOTE || c === CH_QUOTE) {
      const end = skipQuoted(text, i, c);
      if (end > offset) return false;
      i = end - 1;
    } else if (c === CH_SLASH && text.charCodeAt(i + 1) === CH_SLASH) return false;
  }
  return true;
}

/**
 * Everything blanked before tree-sitter parses kernel C: the annotation macros of the data, and the macro
 * invocations the lexical front end found in declarations without being the declared name (attribute-like
 * macros no data lists, macro lines without a semicolon). Both front ends then read the same declarations.
 */
export function kernelMaskSpans(text: string, macros: AttributeMacroTable = attributeMacros()): MaskedSpan[] {
  return mergeMaskSpans(text, findAttributeSpans(text, macros), macroCallSpans(text));
}

/**
 * The lexical front end's macro invocations of `text` (see kernelMaskSpans): the costly half of the masking, a
 * lexical pass over the whole file. Kept apart so that the editor's document store can reuse them across edits
 * that cannot change them (lsp/documentStore.ts).
 */
export function macroCallSpans(text: string): Array<[number, number]> {
  return (
    extractLexical(text, {
      file: '',
      generators: generatedNames,
      isGenerator: isNameGenerator,
      collectMacroCalls: true,
    }).macroCalls ?? []
  );
}

/** The annotation spans and the macro invocations as one sorted list without overlaps (the outer span wins). */
export function mergeMaskSpans(
  text: string,
  spans: MaskedSpan[],
  calls: ReadonlyArray<readonly [number, number]>,
): MaskedSpan[] {
  if (calls.length === 0) return spans;
  const merged: MaskedSpan[] = [
    ...spans,
    ...calls.map(([start, end]) => ({
      start,
      end,
      name: text.slice(start, text.indexOf('(', start)).trim(),
      hasArgs: true,
    })),
  ];
  merged.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: MaskedSpan[] = [];
  for (const span of merged) if (out.length === 0 || span.start >= out[out.length - 1].end) out.push(span);
  return out;
}

/** The text with annotation macros blanked (newlines kept). Returns `text` itself when nothing is masked. */
export function maskAttributeMacros(text: string, spans: MaskedSpan[] = kernelMaskSpans(text)): string {
  if (spans.length === 0) return text;
  const parts: string[] = [];
  let last = 0;
  for (const span of spans) {
    parts.push(text.slice(last, span.start));
    parts.push(text.slice(span.start, span.end).replace(/[^\r\n]/g, ' '));
    last = span.end;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** End offset (exclusive) of the `( ... )` that follows `from` (spaces allowed before it), if balanced nearby. */
function matchingParen(text: string, from: number): number | undefined {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] !== '(') return undefined;
  let depth = 0;
  const limit = Math.min(text.length, i + MAX_ARGUMENT_SPAN);
  for (; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === CH_DQUOTE || c === CH_QUOTE) {
      i = skipQuoted(text, i, c) - 1;
      continue;
    }
    if (c === CH_LPAREN) depth++;
    else if (c === CH_RPAREN && --depth === 0) return i + 1;
    else if (c === CH_SEMICOLON || c === CH_LBRACE || c === CH_RBRACE) return undefined;
  }
  return undefined;
}

export class ParseTimeoutError extends Error {}

/** Chunk size handed to the wasm input buffer (its limit is 10 KiB of UTF-16). */
const CHUNK = 4096;

/** The input callback tree-sitter reads `masked` through, in CHUNK pieces (the same for a resumed parse). */
export function chunkedInput(masked: string): (index: number) => string | undefined {
  return (index: number): string | undefined => {
    if (index >= masked.length) return undefined;
    let end = Math.min(masked.length, index + CHUNK);
    // Never split a surrogate pair between two chunks.
    const last = masked.charCodeAt(end - 1);
    if (end < masked.length && last >= 0xd800 && last <= 0xdbff) end++;
    return masked.slice(index, end);
  };
}

/**
 * Parses already-masked text, optionally reusing an edited old tree, giving up after `timeoutMs`; with
 * `includedRanges`, only those ranges of the text (positions stay the whole text's).
 * Returns the new tree (caller deletes it). Throws ParseTimeoutError when the deadline passed.
 */
export function parseMasked(
  parser: Parser,
  masked: string,
  oldTree?: Tree | null,
  timeoutMs = 5000,
  includedRanges?: Range[],
): Tree {
  const deadline = Date.now() + timeoutMs;
  const tree = parser.parse(chunkedInput(masked), oldTree ?? null, {
    ...(includedRanges ? { includedRanges } : {}),
    // The runtime cancels when the callback returns true (its d.ts says void).
    progressCallback: (() => Date.now() > deadline) as unknown as () => void,
  });
  if (!tree) {
    parser.reset();
    throw new ParseTimeoutError(`parse took longer than ${timeoutMs} ms`);
  }
  return tree;
}

/** Masks and parses a whole file (no old tree). Caller deletes the tree. */
export function parseKernelC(parser: Parser, text: string, timeoutMs?: number): Tree {
  return parseMasked(parser, maskAttributeMacros(text), null, timeoutMs);
}

export { attributeMacros, type AttributeMacroTable };
