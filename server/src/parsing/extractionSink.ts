/**
 * Where the whole-tree pass's lexical extractor reports what it finds in a C file, without a string per
 * identifier: name ids, every code occurrence with its flags and enclosing function, function scopes and the
 * tokens that name a definition. The indexer implements it (indexing/occurrenceCollector.ts), so parsing never
 * imports indexing; an extraction without a sink returns names and references as strings instead.
 */
import { C_KEYWORDS, type TokenScratch, type TokenStream } from './lexer';
import type { WordClassMemo } from './declarationView';

/** Name ids below this count are C keywords (a sink's name table is seeded with them in C_KEYWORDS order). */
export const KEYWORD_COUNT = C_KEYWORDS.size;

/** Occurrence flags: the name is called (`name(`), or it sits on a preprocessor line. */
export const OCC_FLAG_CALL = 1 << 24;
export const OCC_FLAG_PREPROCESSOR = 1 << 25;

export interface ExtractionSink extends WordClassMemo {
  /** Token arrays reused for every file this sink sees. */
  readonly tokenScratch: TokenScratch;
  /** A new file's token stream; everything until the next call belongs to it. */
  beginFile(tokens: TokenStream): void;
  /** Id of identifier token `i`; ids below KEYWORD_COUNT are keywords. */
  idOfToken(tokens: TokenStream, i: number): number;
  /** A function body opens: its 1-based scope index for the occurrences inside it. */
  functionScope(name: string): number;
  /** Token `token` is the name of a definition. */
  markDefinition(token: number): void;
  /** One code occurrence of a (non-keyword) name; `flags` are OCC_FLAG_CALL | OCC_FLAG_PREPROCESSOR. */
  occurrence(id: number, token: number, flags: number, scope: number): void;
  /** An install site (installSites.ts): names by id, the value's 0-based line. */
  install(fieldId: number, valueId: number, line: number): void;
}
