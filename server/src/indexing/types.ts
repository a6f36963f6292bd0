/**
 * The index's public data model. Everything the LSP features, the CLI, hover, lint, threads and
 * diagrams need from the whole-tree index goes through these types (see `KernelIndex`).
 * Positions are 0-based lines and UTF-16 columns, as in LSP. Paths are relative to the tree root, with '/'.
 */

export type { Definition, DefinitionKind, Position, Range, Reference } from '../parsing/types';
import type { Definition, DefinitionKind, Reference } from '../parsing/types';
import type { SkipReason } from '../base/regularFile';
import type { DefinitionExtent } from './definitionExtent';
import type { IndexedInstall, IndexFileChange } from './installSiteTable';

export type { IndexedInstall, IndexFileChange } from './installSiteTable';

export interface IndexStats {
  files: number;
  symbols: number;
  /** Identifier occurrences seen in code (not comments or strings). */
  references: number;
  skipped: number;
  /** The skipped paths counted by reason (a FIFO, a device link, too large, binary, vanished, ...). */
  skippedByReason: Partial<Record<SkipReason, number>>;
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
  /** References: this tree file's are listed first (the file the user is in), then the rest in path order. */
  firstFile?: string;
}

/** What every feature may ask of the whole-tree index. */
export interface KernelIndex {
  /** Absolute path of the tree root. */
  readonly root: string;
  /**
   * All definitions of a name (only those of the kinds `accept` takes), preferred first: generic, then preferred
   * arch (x86), then other arches; real definitions before declarations.
   */
  findDefinitions(name: string, accept?: (kind: DefinitionKind) => boolean): Definition[];
  /** The definition of `name` whose name starts at this 0-based position of `file`, if any. */
  definitionAt(file: string, name: string, line: number, character: number): Definition | undefined;
  /** Declarations only (prototypes, extern, forward decls). */
  findDeclarations(name: string): Definition[];
  /** Every occurrence of `name` in code across the tree (comments and strings excluded). */
  findReferences(name: string, options?: QueryOptions): Promise<Reference[]>;
  /** Workspace symbol search: exact, prefix, then fuzzy (subsequence) matches. */
  searchSymbols(query: string, options?: QueryOptions): Definition[];
  /**
   * Defined names that start with `prefix` (case-insensitive), in case-insensitive order, at most `limit` of them
   * (completion: a binary search in the sorted name table, no definition materialised).
   */
  namesWithPrefix(prefix: string, limit: number): string[];
  /** Definitions found in one file (tree-relative path), in source order. */
  definitionsInFile(file: string): Definition[];
  /**
   * The top-level construct of `file` around `line` (definitionExtent.ts): the widest definition holding it, else the
   * text between the records around it; undefined when neither can be told.
   */
  definitionExtentAt?(file: string, line: number): DefinitionExtent | undefined;
  /** The function `name` of `file` whose body holds `line` (else its first one in the file), if any. */
  functionAt(file: string, name: string, line: number): Definition | undefined;
  /** Tree-relative paths of files that mention `name` in code. */
  filesMentioning(name: string): string[];
  /**
   * Where `name` may be stored into a struct field (parsing/installSites.ts: `.f = name,`, `p->f = name;`), from the
   * index: a superset of the files where parsing/fieldStores.ts finds such a store. Absent on an index that does not
   * keep them (then a caller reads the files that mention the name).
   */
  installSitesOf?(name: string): IndexedInstall[];
  /** Calls `listener` after a file's entries change (an edit, a file changed on disk); absent on a fixed index. */
  onFileChanged?(listener: (change: IndexFileChange) => void): void;
  /** Absolute path for a tree-relative one. */
  absolutePath(file: string): string;
  /** Tree-relative path for an absolute one, or undefined outside the tree. */
  relativePath(absolute: string): string | undefined;
  stats(): IndexStats;
}
