/**
 * The index's public data model. Everything the LSP features, the CLI, hover, lint, threads and
 * diagrams need from the whole-tree index goes through these types (see `KernelIndex`).
 * Positions are 0-based lines and UTF-16 columns, as in LSP. Paths are relative to the tree root, with '/'.
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
  /** Declaration text, one line, normalised whitespace: `struct page *make_device_exclusive(struct mm_struct *mm, ...)`. */
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

export interface IndexStats {
  files: number;
  symbols: number;
  /** Identifier occurrences seen in code (not comments or strings). */
  references: number;
  skipped: number;
  seconds: number;
  fromCache: number;
  parsed: number;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface QueryOptions {
  /** Give up early when set (LSP cancellation). */
  isCancelled?: () => boolean;
  /** Maximum number of results. */
  limit?: number;
  /** Best-effort work budget in milliseconds (fuzzy workspace-symbol matching stops there). */
  budgetMs?: number;
}

/** What every feature may ask of the whole-tree index. */
export interface KernelIndex {
  /** Absolute path of the tree root. */
  readonly root: string;
  /** All definitions of a name, preferred first: generic, then preferred arch (x86), then other arches; real definitions before declarations. */
  findDefinitions(name: string): Definition[];
  /** Declarations only (prototypes, extern, forward decls). */
  findDeclarations(name: string): Definition[];
  /** Every occurrence of `name` in code across the tree (comments and strings excluded). */
  findReferences(name: string, options?: QueryOptions): Promise<Reference[]>;
  /** Workspace symbol search: exact, prefix, then fuzzy (subsequence) matches. */
  searchSymbols(query: string, options?: QueryOptions): Definition[];
  /** Definitions found in one file (tree-relative path), in source order. */
  definitionsInFile(file: string): Definition[];
  /** Tree-relative paths of files that mention `name` in code. */
  filesMentioning(name: string): string[];
  /** Absolute path for a tree-relative one. */
  absolutePath(file: string): string;
  /** Tree-relative path for an absolute one, or undefined outside the tree. */
  relativePath(absolute: string): string | undefined;
  stats(): IndexStats;
}
