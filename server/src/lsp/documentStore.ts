import type { Connection, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { kernelFileKind } from '../parsing/kernelFiles';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit, Parser, Point, Tree } from 'web-tree-sitter';
import type { OpenDocuments } from './context';
import {
  findAttributeSpans,
  macroCallSpans,
  maskAttributeMacros,
  mergeMaskSpans,
  parseMasked,
  ParseTimeoutError,
} from '../parsing/kernelSource';
import { createCParser } from '../parsing/treeSitter';

/**
 * The open documents, kept in sync with the editor from incremental LSP changes, each with a tree-sitter
 * tree that is re-parsed incrementally: every change becomes a `tree.edit()`, and the next `tree(uri)`
 * call re-parses with the edited tree as the old one. Trees are owned here: callers must not delete
 * them, and must use a tree synchronously after awaiting `tree()` (the next edit may replace it).
 *
 * The tree is parsed from a masked copy of the text (annotation macros blanked, see kernelSource.ts).
 * The masked copy that the edited tree describes is kept alongside, so that a change of masking outside
 * the edited range (typing the `)` that completes `__section(".x")`) is also reported to tree-sitter.
 *
 * Masking has a costly half: the macro invocations the lexical front end finds in declarations (a lexical pass over
 * the whole file, about as long as a full parse and a hundred times an incremental one on mm/memory.c). That pass
 * skips function bodies except for their braces, so an edit inside a function body that touches no brace, comment,
 * string, character literal, directive or line break cannot change what it finds: those invocations are then kept
 * from the last pass, shifted by the edit (`reusableAfter`), and only the cheap annotation scan is redone. Every
 * other edit, and every MAX_REUSED_EDITS-th one, runs the pass again. A test checks that the kept spans equal a
 * fresh pass after typing in bodies.
 */

interface Entry {
  document: TextDocument;
  parseable: boolean;
  /** Latest tree; after edits it is stale (`dirty`) until the next parse. */
  tree?: Tree;
  /** The masked text `tree` describes, with the raw edits applied since. */
  shadow?: string;
  dirty: boolean;
  /** Version whose parse failed: not retried until the next change. */
  failedVersion?: number;
  /** Why that version has no tree (the log line). */
  failure?: string;
  /** The lexical macro invocations of the current text, when kept across edits (undefined: run the pass). */
  macroCalls?: Array<[number, number]>;
  /** Edits since the last lexical pass. */
  reusedEdits: number;
}

/** A lexical pass at least every this many edits, whatever they are. */
const MAX_REUSED_EDITS = 64;

/** Characters whose typing or deletion can change the lexical structure a body edit must leave alone. */
const STRUCTURAL = /[{}"'/*\\#\r\n]/;

/**
 * A parse's budget is PARSE_BUDGET_BASE_MS plus PARSE_BUDGET_MS_PER_KIB per KiB of text, at most parseTimeoutMs.
 * Measured at load 15 on the shared 2-core machine (issue 17): the largest mm files (mm/page_alloc.c, mm/hugetlb.c,
 * ~210 KiB) parse in 0.14-1.0 s, 0.7-5 ms per KiB, so a real file gets at least twice its slowest parse seen here.
 * Pathological files of the mutated corpus took up to 2.9 s per parse at load ~20, under the old flat 3 s limit, and
 * their outline and diagnostics waited 5-9 s behind it. A document over its budget gets no tree for that version:
 * its outline and highlights come from the lexical extractor (openExtraction.ts), and tree-only features say nothing.
 */
export const PARSE_BUDGET_BASE_MS = 500;
export const PARSE_BUDGET_MS_PER_KIB = 8;

export interface DocumentStoreOptions {
  /** Upper bound of a parse's budget, whatever the size (the document then has no tree until its next change). */
  parseTimeoutMs?: number;
  /** Budget per KiB of text, on top of PARSE_BUDGET_BASE_MS (tests raise it to force a tree). */
  parseMsPerKib?: number;
  /** Documents larger than this (UTF-16 code units) are not parsed. */
  maxParseLength?: number;
}

export class DocumentStore implements OpenDocuments {
  private readonly entries = new Map<string, Entry>();
  private readonly changeListeners: Array<(document: TextDocument) => void> = [];
  private readonly closeListeners: Array<(document: TextDocument) => void> = [];
  private parser: Promise<Parser> | undefined;
  private readonly parseTimeoutMs: number;
  private readonly parseMsPerKib: number;
  private readonly maxParseLength: number;
  /** Number of trees currently alive (created and not yet deleted); for tests and diagnostics. */
  liveTrees = 0;
  /** Lexical passes run for masking (see the class comment); for tests and diagnostics. */
  lexicalPasses = 0;

  constructor(
    connection: Connection | undefined,
    private readonly log: (message: string) => void,
    options: DocumentStoreOptions = {},
  ) {
    this.parseTimeoutMs = options.parseTimeoutMs ?? 3000;
    this.parseMsPerKib = options.parseMsPerKib ?? PARSE_BUDGET_MS_PER_KIB;
    this.maxParseLength = options.maxParseLength ?? 16 * 1024 * 1024;
    if (!connection) return;
    connection.onDidOpenTextDocument(({ textDocument }) =>
      this.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text),
    );
    connection.onDidChangeTextDocument(({ textDocument, contentChanges }) =>
      this.change(textDocument.uri, textDocument.version ?? 0, contentChanges),
    );
    connection.onDidCloseTextDocument(({ textDocument }) => this.close(textDocument.uri));
  }

  get(uri: string): TextDocument | undefined {
    return this.entries.get(uri)?.document;
  }
  all(): TextDocument[] {
    return [...this.entries.values()].map((entry) => entry.document);
  }
  version(uri: string): number | undefined {
    return this.entries.get(uri)?.document.version;
  }
  onDidChangeContent(listener: (document: TextDocument) => void): void {
    this.changeListeners.push(listener);
  }
  onDidClose(listener: (document: TextDocument) => void): void {
    this.closeListeners.push(listener);
  }

  open(uri: string, languageId: string, version: number, text: string): void {
    this.dropTree(this.entries.get(uri));
    const parseable = languageId === 'c' || (languageId === 'cpp' && kernelFileKind(uri) === 'c');
    const entry: Entry = {
      document: TextDocument.create(uri, languageId, version, text),
      parseable,
      dirty: true,
      reusedEdits: 0,
    };
    this.entries.set(uri, entry);
    this.notify(this.changeListeners, entry.document);
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    const entry = this.entries.get(uri);
    if (!entry) {
      this.log(`change for a document that is not open: ${uri}`);
      return;
    }
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        // Whole-text replacement: nothing to reuse.
        this.dropTree(entry);
        entry.macroCalls = undefined;
        entry.document = TextDocument.update(entry.document, [change], version);
        continue;
      }
      const old = entry.document.getText();
      const startIndex = entry.document.offsetAt(change.range.start);
      const oldEndIndex = Math.max(startIndex, entry.document.offsetAt(change.range.end));
      entry.macroCalls = reusableAfter(entry, old, startIndex, oldEndIndex, change.text);
      entry.document = TextDocument.update(entry.document, [change], version);
      if (entry.tree && entry.shadow !== undefined) {
        const edit = editFor(old, startIndex, oldEndIndex, change.text);
        entry.tree.edit(edit);
        entry.shadow = entry.shadow.slice(0, startIndex) + change.text + entry.shadow.slice(oldEndIndex);
      }
    }
    entry.dirty = true;
    entry.failedVersion = undefined;
    entry.failure = undefined;
    this.notify(this.changeListeners, entry.document);
  }

  close(uri: string): void {
    const entry = this.entries.get(uri);
    if (!entry) return;
    this.dropTree(entry);
    this.entries.delete(uri);
    this.notify(this.closeListeners, entry.document);
  }

  async tree(uri: string): Promise<Tree | undefined> {
    const entry = this.entries.get(uri);
    if (!entry?.parseable) return undefined;
    if (!entry.dirty && entry.tree) return entry.tree;
    const parser = await this.sharedParser();
    // Re-read: the document may have changed or closed while the parser loaded.
    const current = this.entries.get(uri);
    if (!current) return undefined;
    return this.reparse(current, parser);
  }

  /**
   * Why the current version of an open C document has no tree (over its size limit or parse budget, or the parse
   * failed), once `tree()` gave up on it; undefined while it has one or was not parsed yet.
   */
  parseFailure(uri: string): string | undefined {
    const entry = this.entries.get(uri);
    return entry?.parseable && entry.failedVersion === entry.document.version ? entry.failure : undefined;
  }

  /** The time a parse of `length` characters may take (see PARSE_BUDGET_BASE_MS). */
  parseBudgetMs(length: number): number {
    return Math.min(this.parseTimeoutMs, Math.round(PARSE_BUDGET_BASE_MS + (length / 1024) * this.parseMsPerKib));
  }

  /** Deletes every tree and the parser (server shutdown, tests). */
  dispose(): void {
    for (const entry of this.entries.values()) this.dropTree(entry);
    this.entries.clear();
    const parser = this.parser;
    this.parser = undefined;
    void parser?.then(
      (p) => p.delete(),
      () => undefined,
    );
  }

  private reparse(entry: Entry, parser: Parser): Tree | undefined {
    if (!entry.dirty && entry.tree) return entry.tree;
    const version = entry.document.version;
    if (entry.failedVersion === version) return undefined;
    const text = entry.document.getText();
    if (text.length > this.maxParseLength) {
      this.failed(
        entry,
        version,
        `not parsed: ${entry.document.uri} is ${text.length} characters (limit ${this.maxParseLength})`,
      );
      return undefined;
    }
    try {
      if (!entry.macroCalls) {
        entry.macroCalls = macroCallSpans(text);
        entry.reusedEdits = 0;
        this.lexicalPasses++;
      }
      const masked = maskAttributeMacros(text, mergeMaskSpans(text, findAttributeSpans(text), entry.macroCalls));
      const old = entry.tree;
      if (old && entry.shadow !== undefined && entry.shadow.length === masked.length) {
        const extra = maskingEdit(entry.shadow, masked);
        if (extra) old.edit(extra);
      } else if (old) {
        this.dropTree(entry);
      }
      const budget = this.parseBudgetMs(masked.length);
      let fresh: Tree;
      try {
        fresh = parseMasked(parser, masked, entry.tree ?? null, budget);
      } catch (err) {
        if (!(err instanceof ParseTimeoutError)) throw err;
        this.failed(
          entry,
          version,
          `parse of ${entry.document.uri} (version ${version}, ${Math.ceil(text.length / 1024)} KiB) ran past its ` +
            `budget of ${budget} ms: outline and highlights come from the lexical extractor, tree-only features ` +
            `wait for the next change`,
        );
        return undefined;
      }
      this.liveTrees++;
      this.dropTree(entry);
      entry.tree = fresh;
      entry.shadow = masked;
      entry.dirty = false;
      return fresh;
    } catch (err) {
      this.failed(
        entry,
        version,
        `parse failed for ${entry.document.uri} (version ${version}): ${err instanceof Error ? err.message : String(err)}`,
      );
      return undefined;
    }
  }

  private failed(entry: Entry, version: number, message: string): void {
    this.dropTree(entry);
    entry.failedVersion = version;
    entry.failure = message;
    this.log(message);
  }

  private dropTree(entry: Entry | undefined): void {
    if (!entry?.tree) return;
    entry.tree.delete();
    this.liveTrees--;
    entry.tree = undefined;
    entry.shadow = undefined;
  }

  private sharedParser(): Promise<Parser> {
    this.parser ??= createCParser();
    return this.parser;
  }

  private notify(listeners: Array<(document: TextDocument) => void>, document: TextDocument): void {
    for (const listener of listeners) {
      try {
        listener(document);
      } catch (err) {
        this.log(`document listener failed: ${String(err)}`);
      }
    }
  }
}

/**
 * The entry's lexical macro invocations after replacing old[startIndex, oldEndIndex) with `inserted`, when the edit
 * cannot change them (see the class comment); undefined when the lexical pass must run again. The edit must lie in
 * a function body of the current tree (under a `compound_statement` of a `function_definition`, in no preprocessor
 * node, in no ERROR node around the function) and neither the removed nor the inserted text, nor the characters around the edit, may be
 * structural. Invocations after the edit are shifted; one overlapping it (impossible in a body) drops them all.
 */
function reusableAfter(
  entry: Entry,
  old: string,
  startIndex: number,
  oldEndIndex: number,
  inserted: string,
): Array<[number, number]> | undefined {
  const calls = entry.macroCalls;
  if (!calls || !entry.tree || entry.reusedEdits >= MAX_REUSED_EDITS) return undefined;
  if (STRUCTURAL.test(inserted) || STRUCTURAL.test(old.slice(startIndex, oldEndIndex))) return undefined;
  if (STRUCTURAL.test(old.charAt(startIndex - 1)) || STRUCTURAL.test(old.charAt(oldEndIndex))) return undefined;
  if (!inFunctionBody(entry.tree, startIndex, oldEndIndex)) return undefined;
  const delta = inserted.length - (oldEndIndex - startIndex);
  const shifted: Array<[number, number]> = [];
  for (const [start, end] of calls) {
    if (end <= startIndex) shifted.push([start, end]);
    else if (start >= oldEndIndex) shifted.push([start + delta, end + delta]);
    else return undefined;
  }
  entry.reusedEdits++;
  return shifted;
}

/**
 * [start, end) lies inside the body of a function definition, outside any preprocessor node; ERROR nodes are
 * accepted only inside that body (half-typed code: `d->` before the member is typed), not around the function.
 */
function inFunctionBody(tree: Tree, start: number, end: number): boolean {
  // The nodes from the root down to the smallest one spanning the range, read with a cursor: walking up with
  // `node.parent` costs the node's depth per step in tree-sitter (each parent is found again from the root), which
  // made an edit 18,000 blocks deep quadratic (issue 17).
  const path: Array<{ type: string; start: number; end: number; isError: boolean }> = [];
  const cursor = tree.walk();
  try {
    for (;;) {
      path.push({
        type: cursor.nodeType,
        start: cursor.startIndex,
        end: cursor.endIndex,
        isError: cursor.nodeType === 'ERROR',
      });
      if (!cursor.gotoFirstChild()) break;
      let spanning = false;
      do {
        if (cursor.endIndex < end) continue;
        spanning = cursor.startIndex <= start;
        break;
      } while (cursor.gotoNextSibling());
      if (!spanning) break;
    }
  } finally {
    cursor.delete();
  }
  if (path.some((node) => node.type.startsWith('preproc'))) return false;
  // The innermost function body around the range; above it no ERROR node (below it, half-typed code is fine).
  for (let k = path.length - 1; k > 0; k--) {
    const node = path[k];
    if (node.type !== 'compound_statement' || path[k - 1].type !== 'function_definition') continue;
    if (start <= node.start || end >= node.end) return false; // on the braces themselves
    return !path.slice(0, k).some((above) => above.isError);
  }
  return false;
}

/** Tree-sitter point of an offset: rows count '\n' only (as tree-sitter does), columns in UTF-16 units. */
export function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** The tree-sitter edit for replacing old[startIndex, oldEndIndex) with `inserted`. */
export function editFor(old: string, startIndex: number, oldEndIndex: number, inserted: string): Edit {
  const startPosition = pointAt(old, startIndex);
  const oldEndPosition = pointAt(old, oldEndIndex);
  const lastNewline = inserted.lastIndexOf('\n');
  let newlines = 0;
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) newlines++;
  const newEndPosition =
    lastNewline < 0
      ? { row: startPosition.row, column: startPosition.column + inserted.length }
      : { row: startPosition.row + newlines, column: inserted.length - lastNewline - 1 };
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + inserted.length,
    startPosition,
    oldEndPosition,
    newEndPosition,
  };
}

/** An edit covering every place where two equally long masked texts differ, or undefined if equal. */
function maskingEdit(before: string, after: string): Edit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < after.length && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = after.length;
  while (end > start && before.charCodeAt(end - 1) === after.charCodeAt(end - 1)) end--;
  const startPosition = pointAt(after, start);
  const endPosition = pointAt(after, end);
  return {
    startIndex: start,
    oldEndIndex: end,
    newEndIndex: end,
    startPosition,
    oldEndPosition: endPosition,
    newEndPosition: endPosition,
  };
}
