import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser, Tree } from 'web-tree-sitter';
import {
  findAttributeSpans,
  macroCallSpans,
  maskAttributeMacros,
  mergeMaskSpans,
  parseMasked,
  ParseTimeoutError,
} from '../parsing/kernelSource';
import { createCParser } from '../parsing/treeSitter';
import { PARSE_BUDGET_BASE_MS, PARSE_BUDGET_MS_PER_KIB } from './documentStore';

/**
 * Trees of one range of an open document (tree-sitter's included ranges: positions are the document's), for a
 * question about one function or macro of a document not parsed yet (semanticDocuments.ts, certainlyNot). The range
 * is masked as a whole parse masks the document (its own lexical pass finds the macro invocations), and parsed on a
 * parser of its own, kept for the server's life: the document store's may hold a whole-document parse halted between
 * two slices.
 */

/** A range larger than this is not parsed alone (one synchronous parse; the whole-document parse runs in slices). */
export const MAX_RANGE_LENGTH = 64 * 1024;

export class RangeTrees {
  private parser: Promise<Parser> | undefined;
  /** Range parses done; for tests. */
  parses = 0;

  /**
   * Runs `use` on a tree of [start, end) of version `version` of the document `current()` returns, and deletes the
   * tree after. Undefined when the range is too large or not in the text, the document changed meanwhile, or the
   * parse runs past the budget a whole document of that length would have (documentStore.ts).
   */
  async with<T>(
    current: () => TextDocument | undefined,
    version: number,
    start: number,
    end: number,
    use: (tree: Tree) => T,
  ): Promise<T | undefined> {
    const budgetMs = PARSE_BUDGET_BASE_MS + ((end - start) / 1024) * PARSE_BUDGET_MS_PER_KIB;
    if (!(start >= 0 && start < end && end - start <= MAX_RANGE_LENGTH)) return undefined;
    this.parser ??= createCParser();
    const parser = await this.parser;
    const document = current();
    if (!document || document.version !== version) return undefined;
    const text = document.getText();
    if (end > text.length) return undefined;
    const slice = text.slice(start, end);
    const masked = maskAttributeMacros(slice, mergeMaskSpans(slice, findAttributeSpans(slice), macroCallSpans(slice)));
    const point = (offset: number) => {
      const position = document.positionAt(offset);
      return { row: position.line, column: position.character };
    };
    let tree: Tree;
    try {
      tree = parseMasked(parser, text.slice(0, start) + masked + text.slice(end), null, budgetMs, [
        { startIndex: start, endIndex: end, startPosition: point(start), endPosition: point(end) },
      ]);
    } catch (err) {
      if (err instanceof ParseTimeoutError) return undefined;
      throw err;
    }
    this.parses++;
    try {
      return use(tree);
    } finally {
      tree.delete();
    }
  }
}
