/**
 * Word classes of the lexical extractor, from the shared C vocabulary (cVocabulary.ts): which identifiers
 * around a C declarator are keywords or annotations (never the declared name); and how a declaration becomes
 * a one-line signature.
 */
import { C_KEYWORDS, isAttributeCall, isPlainAttribute } from './cVocabulary';

/** Classes of a word (bit flags), as the extractor asks about identifiers of declarations. */
export const WORD_KEYWORD = 1;
/** An annotation macro used bare (`__init`, `__read_mostly`). */
export const WORD_TRAILING_ATTRIBUTE = 2;
/** A keyword or annotation macro with an argument list (`__attribute__((x))`, `__section(".x")`). */
export const WORD_ATTRIBUTE_CALL = 4;
/** `struct`, `union` or `enum`. */
export const WORD_AGGREGATE = 8;
export const WORD_STATIC = 16;
export const WORD_TYPEDEF = 32;
export const WORD_EXTERN = 64;
/** [A-Z0-9_]+ */
export const WORD_ALL_CAPS = 128;
/** [A-Z][A-Z0-9_]*: what a macro invocation alone on its line looks like. */
export const WORD_MACRO_NAME = 256;
/** Passes the generator pre-check (a macro whose arguments are worth gathering). */
export const WORD_GENERATOR = 512;
/** Set on every computed class, so 0 can mean "not computed yet" in a cache. */
const WORD_CLASSIFIED = 1 << 15;

/** The classes of one identifier; `isGenerator` is the extractor's generator pre-check (none: every word passes). */
export function classifyWord(word: string, isGenerator?: (word: string) => boolean): number {
  let cls = WORD_CLASSIFIED;
  if (C_KEYWORDS.has(word)) cls |= WORD_KEYWORD;
  if (isPlainAttribute(word)) cls |= WORD_TRAILING_ATTRIBUTE;
  if (isAttributeCall(word)) cls |= WORD_ATTRIBUTE_CALL;
  if (word === 'struct' || word === 'union' || word === 'enum') cls |= WORD_AGGREGATE;
  if (word === 'static') cls |= WORD_STATIC;
  if (word === 'typedef') cls |= WORD_TYPEDEF;
  if (word === 'extern') cls |= WORD_EXTERN;
  if (/^[A-Z0-9_]+$/.test(word)) cls |= WORD_ALL_CAPS;
  if (/^[A-Z][A-Z0-9_]*$/.test(word)) cls |= WORD_MACRO_NAME;
  if (!isGenerator || isGenerator(word)) cls |= WORD_GENERATOR;
  return cls;
}

/** One-line declaration text: comments removed, whitespace folded, bodies cut. */
export function normalizeSignature(raw: string): string {
  return raw
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .trim()
    .slice(0, 400);
}
