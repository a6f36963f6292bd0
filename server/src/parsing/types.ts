/**
 * What the extractors find, in the words every layer above uses: definitions and references of C (and Kconfig,
 * Makefile) names. Positions are 0-based lines and UTF-16 columns, as in LSP. Paths are relative to the tree
 * root, with '/'. The index (indexing/types.ts) serves exactly these types.
 */

export type DefinitionKind =
  | 'function' // function definition (has a body)
  | 'prototype' // function declaration without body
  | 'macro' // object-like #define
  | 'function-macro' // function-like #define NAME(...)
  | 'struct'
  | 'union'
  | 'enum'
  | 'enumerator' // enum constant
  | 'typedef'
  | 'variable' // global variable definition or extern declaration
  | 'field' // struct/union member
  | 'kconfig' // Kconfig `config NAME`
  | 'generated'; // a name produced by a known generator macro (PAGEFLAG, ...)

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export interface Definition {
  name: string;
  kind: DefinitionKind;
  /** Tree-relative path with '/' separators. */
  file: string;
  /** Range of the name itself. */
  nameRange: Range;
  /** Whole construct (function with body, macro with continuation lines, struct with body). */
  range: Range;
  /** Enclosing struct/union/enum name for fields and enumerators. */
  container?: string;
  /**
   * Declaration text, one line, normalised whitespace: `struct page *make_device_exclusive(struct mm_struct *mm, ...)`.
   */
  signature?: string;
  /** Raw kernel-doc comment (`/** ... *\/`) attached to the definition, if any. */
  doc?: string;
  /** Architecture for `arch/<arch>/...` files, otherwise undefined (generic). */
  arch?: string;
  /** True for declarations (prototypes, extern variables, forward struct decls). */
  isDeclaration?: boolean;
  /** For 'generated': the generator invocation (`PAGEFLAG(Locked, locked, PF_NO_TAIL)`). */
  generatedBy?: string;
  /** Static (file-local) function or variable. */
  isStatic?: boolean;
}

export interface Reference {
  file: string;
  range: Range;
  /** Identifier followed by `(`: a call (or a function-like macro use). */
  isCall: boolean;
  /** This occurrence is the definition/declaration name itself. */
  isDefinition: boolean;
  /** Inside a preprocessor line (#if, #define body, ...). */
  inPreprocessor: boolean;
  /** Name of the function whose body contains this reference, when known. */
  enclosingFunction?: string;
}
