/**
 * Where the top-level construct around a line of a file lies, from the index's definition records. The language
 * server parses only that much of a document that has no tree yet to tell whether a name is a local or a member
 * there (lsp/semanticDocuments.ts): on the 6.12 tree a whole parse of a just-opened file took up to a second and was
 * most of Go to Definition's time (docs/benchmark.md).
 */
import type { DefinitionKind } from './types';

/** 0-based lines, UTF-16 columns; the end is exclusive (after the closing brace, the `;` or the macro's end). */
export interface DefinitionExtent {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
  /**
   * 'definition': a recorded function, macro, type or variable definition holds the line; 'between': no record does,
   * and the extent is the text between the records around it (EXPORT_SYMBOL lines, declarations the index does
   * not record), from the end of the one before to the start of the one after.
   */
  kind: 'definition' | 'between';
}

/** Definitions whose whole construct (body, initializer, replacement list) a name can be inside. */
const EXTENT_KINDS: ReadonlySet<DefinitionKind> = new Set([
  'function',
  'function-macro',
  'macro',
  'variable',
  'struct',
  'union',
  'enum',
  'typedef',
]);
/** Records inside another construct: never a boundary between top-level ones. */
const NESTED_KINDS: ReadonlySet<DefinitionKind> = new Set(['field', 'enumerator', 'kconfig']);

/**
 * Keeps the widest definition of EXTENT_KINDS that holds `line` (a #define inside a function: the function), and the
 * nearest record boundaries before and after the line for the 'between' extent.
 */
export class ExtentPicker {
  private best: Omit<DefinitionExtent, 'kind'> | undefined;
  /** A record holds the line but is no extent (a prototype, a generator line): no 'between' extent either. */
  private blocked = false;
  private before = { line: 0, character: 0 };
  private after = { line: Number.MAX_SAFE_INTEGER, character: 0 };
  constructor(private readonly line: number) {}

  consider(kind: DefinitionKind, isDeclaration: boolean, extent: Omit<DefinitionExtent, 'kind'>): void {
    if (NESTED_KINDS.has(kind)) return;
    if (extent.endLine < this.line) {
      if (compare(extent.endLine, extent.endCol, this.before) > 0)
        this.before = { line: extent.endLine, character: extent.endCol };
    } else if (extent.startLine > this.line) {
      if (compare(extent.startLine, extent.startCol, this.after) < 0)
        this.after = { line: extent.startLine, character: extent.startCol };
    } else if (isDeclaration || !EXTENT_KINDS.has(kind)) {
      this.blocked = true;
    } else {
      const best = this.best;
      if (
        !best ||
        extent.startLine < best.startLine ||
        (extent.startLine === best.startLine && extent.endLine > best.endLine)
      )
        this.best = extent;
    }
  }

  /** The widest definition holding the line, else the text between the records around it, else undefined. */
  get extent(): DefinitionExtent | undefined {
    if (this.best) return { ...this.best, kind: 'definition' };
    if (this.blocked) return undefined;
    return {
      startLine: this.before.line,
      startCol: this.before.character,
      endLine: this.after.line,
      endCol: this.after.character,
      kind: 'between',
    };
  }
}

function compare(line: number, character: number, other: { line: number; character: number }): number {
  return line - other.line || character - other.character;
}
