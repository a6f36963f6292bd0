/**
 * The data model of the lexical (whole-tree) extractor: what it finds in one file and the options it takes.
 */
import type { DefinitionKind, Reference } from './types';
import type { ExtractionSink } from './extractionSink';

/** Expands a generator macro invocation (`PAGEFLAG(Locked, locked, PF_NO_TAIL)`) into the names it defines. */
export type GeneratorLookup = (
  macro: string,
  args: string[],
) => Array<{ name: string; kind: DefinitionKind; argIndex: number }> | undefined;
/** Cheap pre-check of a macro name, so arguments are only gathered for generators. */
export type GeneratorFilter = (macro: string) => boolean;

/** A definition as found by the lexical pass; text-derived fields are offsets so they can be read lazily. */
export interface LexicalDefinition {
  name: string;
  kind: DefinitionKind;
  nameLine: number;
  nameCol: number;
  nameEndCol: number;
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
  container?: string;
  /** Offsets of the declaration text (signature) and of the attached kernel-doc comment (-1 if none). */
  sigStart: number;
  sigEnd: number;
  docStart: number;
  docEnd: number;
  isDeclaration: boolean;
  isStatic: boolean;
  /** Name id in the bulk pass's name table (set when a collector is used and the name is the token's text). */
  nameId?: number;
}

export interface LexicalExtraction {
  definitions: LexicalDefinition[];
  /** Distinct identifiers used in code (not comments, strings or `#if 0` blocks). */
  identifiers: string[];
  /** Number of identifier occurrences in code. */
  referenceCount: number;
  /** Occurrences, when asked for (all names, or only some). */
  references?: Reference[];
  /**
   * [start, end) offsets of macro invocations in declarations that are not the declared name and that no data
   * describes: attribute-like macros (`__diagnose_as(...)`, `SEC("x")`) and macro lines without a semicolon
   * (`module_init(f)`). The tree-sitter front end blanks them before parsing, as it blanks the annotation macros
   * of data/attribute-macros.yaml, so both front ends read the same declarations.
   */
  macroCalls?: Array<[number, number]>;
  /**
   * Occurrences of function-like macro parameters (in the list and the body), which are no references to the
   * tree: [start, end) of the token and the offset of its `#define` (document highlights stay inside it).
   */
  macroParameters?: Array<{ start: number; end: number; define: number }>;
  /** Work bounds this file reached (lexicalExtractor.ts: MAX_TRACKED_CONDITIONAL_DEPTH etc.), one line each. */
  limits?: string[];
  /** Tokens copied to restore declarations at `#else`/`#endif`: kept linear in the file by a budget. */
  restoredTokens?: number;
  /**
   * Where the file may store a function into a struct field (installSites.ts), in source order, when asked
   * (ExtractOptions.installs); the bulk pass's sink receives them as name ids instead.
   */
  installs?: InstallSite[];
}

/** `.field = value` / `p->field = value;`: a candidate store of a function (installSites.ts). */
export interface InstallSite {
  field: string;
  value: string;
  /** 0-based line of the value. */
  line: number;
}

export interface ExtractOptions {
  file: string;
  generators?: GeneratorLookup;
  isGenerator?: GeneratorFilter;
  /** Collect reference positions: for every identifier, or only for these names. */
  references?: 'all' | ReadonlySet<string>;
  /**
   * Bulk pass: identifiers go to the collector as name ids with their occurrences (no strings, no
   * `identifiers` list, no `references`).
   */
  collector?: ExtractionSink;
  /** Also report where the parameters of function-like macros are named (see LexicalExtraction.macroParameters). */
  macroParameters?: boolean;
  /** Also report the macro invocations that are part of no declarator (see LexicalExtraction.macroCalls). */
  collectMacroCalls?: boolean;
  /** Also report the install sites (LexicalExtraction.installs); the bulk pass always sends them to its sink. */
  installs?: boolean;
}
