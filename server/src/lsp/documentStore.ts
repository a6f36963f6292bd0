import type { Connection, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { kernelFileKind } from '../parsing/kernelFiles';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Parser, Tree } from 'web-tree-sitter';
import { editFor, maskingEdit, reusableAfter } from './documentEdits';
import type { OpenDocuments } from './context';
import { findAttributeSpans, maskAttributeMacros, mergeMaskSpans, ParseTimeoutError } from '../parsing/kernelSource';
import { createCParser } from '../parsing/treeSitter';
import { parseInSlices, yieldToEventLoop } from '../parsing/slicedParse';
import { documentLexicalScan } from '../parsing/lexicalFallback';
import type { LexicalExtraction } from '../parsing/lexicalTypes';

export { editFor, pointAt } from './documentEdits';

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
 * fresh pass after typing in bodies. When the pass runs it is the version's one lexical pass (`lexicalScan`): the
 * extraction of the outline and references takes its occurrences from the same scan.
 *
 * Work per version is done once (issue 17): concurrent `tree()` calls for one version share one parse, which runs in
 * slices with the event loop turning between them (parsing/slicedParse.ts), so requests and cancellations are read
 * while a large file parses. A version whose parse runs past its budget is parsed again once, when the server has
 * been idle for IDLE_RETRY_DELAY_MS, with a larger budget, still in slices; `onDidParse` tells the features when the
 * tree arrives, and the log says whether the version stays on the lexical extractor.
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
  /** The lexical pass over `lexicalVersion` (see `lexicalScan`), until the extraction has taken it. */
  lexical?: LexicalExtraction;
  lexicalVersion?: number;
  /** The parse of the current version in flight: every `tree()` call for that version awaits this one. */
  parsing?: { version: number; promise: Promise<Tree | undefined> };
  /** Version whose idle retry is scheduled or done (once per version). */
  retriedVersion?: number;
}

/**
 * A parse's budget is PARSE_BUDGET_BASE_MS plus PARSE_BUDGET_MS_PER_KIB per KiB of text, at most parseTimeoutMs.
 * Measured at load 15 on the shared 2-core machine (issue 17): the largest mm files (mm/page_alloc.c, mm/hugetlb.c,
 * ~210 KiB) parse in 0.14-1.0 s, 0.7-5 ms per KiB, so a real file gets at least twice its slowest parse seen here.
 * Pathological files of the mutated corpus took up to 2.9 s per parse at load ~20, under the old flat 3 s limit, and
 * their outline and diagnostics waited 5-9 s behind it. A document over its budget gets no tree for that version
 * until its idle retry: its outline and highlights come from the lexical extractor (openExtraction.ts), and tree-only
 * features say nothing. The budget counts the CPU time of the parse's slices (parsing/slicedParse.ts), so the load
 * of the machine does not decide which files keep their tree; the wall-clock times above are upper bounds of it.
 */
export const PARSE_BUDGET_BASE_MS = 500;
export const PARSE_BUDGET_MS_PER_KIB = 8;

/**
 * A version over its parse budget is parsed again after this much quiet time (no other parse started), with
 * IDLE_RETRY_BUDGET_FACTOR times its budget; the retry runs in slices like any parse, so it never holds requests up.
 */
export const IDLE_RETRY_DELAY_MS = 1000;
export const IDLE_RETRY_BUDGET_FACTOR = 4;

/** Lexical scans kept for an extraction that has not asked yet (see scanOf). */
const KEPT_SCANS = 4;

export interface DocumentStoreOptions {
  /** Upper bound of a parse's budget, whatever the size (over it: no tree until the idle retry or the next change). */
  parseTimeoutMs?: number;
  /** Budget per KiB of text, on top of PARSE_BUDGET_BASE_MS (tests raise it to force a tree). */
  parseMsPerKib?: number;
  /** Documents larger than this (UTF-16 code units) are not parsed. */
  maxParseLength?: number;
  /** Budget of the idle retry of a version over its budget (default IDLE_RETRY_BUDGET_FACTOR x its budget). */
  idleRetryBudgetMs?: number;
  /** Quiet time before that retry (default IDLE_RETRY_DELAY_MS). */
  idleRetryDelayMs?: number;
  /** Length of a parse slice (default PARSE_SLICE_MS; tests use 0 to cut every parse into many slices). */
  parseSliceMs?: number;
}

export class DocumentStore implements OpenDocuments {
  private readonly entries = new Map<string, Entry>();
  private readonly changeListeners: Array<(document: TextDocument) => void> = [];
  private readonly closeListeners: Array<(document: TextDocument) => void> = [];
  private readonly parseListeners: Array<(document: TextDocument) => void> = [];
  private parser: Promise<Parser> | undefined;
  /** Parses share one parser, one parse at a time (a halted parse resumes only on the parser that began it). */
  private parserQueue: Promise<unknown> = Promise.resolve();
  private readonly parseTimeoutMs: number;
  private readonly parseMsPerKib: number;
  private readonly maxParseLength: number;
  private readonly idleRetryBudgetMs: number | undefined;
  private readonly idleRetryDelayMs: number;
  private readonly parseSliceMs: number | undefined;
  private lastParseStarted = 0;
  private disposed = false;
  /** Entries holding a lexical scan, oldest first (at most KEPT_SCANS). */
  private scanned: Entry[] = [];
  /** Number of trees currently alive (created and not yet deleted); for tests and diagnostics. */
  liveTrees = 0;
  /** Lexical passes run (masking, outline and references share one per version); for tests and diagnostics. */
  lexicalPasses = 0;
  /** Parses started (a sliced parse counts once, an idle retry once more); for tests and diagnostics. */
  parses = 0;

  constructor(
    connection: Connection | undefined,
    private readonly log: (message: string) => void,
    options: DocumentStoreOptions = {},
  ) {
    this.parseTimeoutMs = options.parseTimeoutMs ?? 3000;
    this.parseMsPerKib = options.parseMsPerKib ?? PARSE_BUDGET_MS_PER_KIB;
    this.maxParseLength = options.maxParseLength ?? 16 * 1024 * 1024;
    this.idleRetryBudgetMs = options.idleRetryBudgetMs;
    this.idleRetryDelayMs = options.idleRetryDelayMs ?? IDLE_RETRY_DELAY_MS;
    this.parseSliceMs = options.parseSliceMs;
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
  /** A version that had no tree (over its parse budget) got one in its idle retry: answers may improve. */
  onDidParse(listener: (document: TextDocument) => void): void {
    this.parseListeners.push(listener);
  }

  /** The document has a current tree (parsed, not edited since): `tree()` answers without parsing. */
  hasTree(uri: string): boolean {
    const entry = this.entries.get(uri);
    return !!entry && !entry.dirty && !!entry.tree;
  }

  /** The document has a tree, current or edited since (then its next parse is an incremental one). */
  hasAnyTree(uri: string): boolean {
    return this.entries.get(uri)?.tree !== undefined;
  }

  /** The document is C the store parses (withRangeTree of semanticDocuments.ts parses its ranges). */
  isParseable(uri: string): boolean {
    return this.entries.get(uri)?.parseable === true && !this.disposed;
  }

  /**
   * The lexical front end's pass over the current version of an open document, run at most once per version
   * whoever asks first (masking for the parse, the outline, the references); `release` lets it go once the
   * extraction has what it needs. Undefined when the document is not open.
   */
  lexicalScan(uri: string, file?: string): LexicalExtraction | undefined {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    return this.scanOf(entry, file);
  }

  /** The extraction has taken the version's lexical pass: keep only its macro invocations (for masking). */
  releaseLexicalScan(uri: string): void {
    const entry = this.entries.get(uri);
    if (!entry) return;
    entry.lexical = undefined;
    entry.lexicalVersion = undefined;
    this.scanned = this.scanned.filter((other) => other !== entry);
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
    entry.lexical = undefined;
    entry.lexicalVersion = undefined;
    this.notify(this.changeListeners, entry.document);
  }

  close(uri: string): void {
    const entry = this.entries.get(uri);
    if (!entry) return;
    this.dropTree(entry);
    this.entries.delete(uri);
    this.scanned = this.scanned.filter((other) => other !== entry);
    this.notify(this.closeListeners, entry.document);
  }

  async tree(uri: string): Promise<Tree | undefined> {
    for (;;) {
      const entry = this.entries.get(uri);
      if (!entry?.parseable || this.disposed) return undefined;
      if (!entry.dirty && entry.tree) return entry.tree;
      const version = entry.document.version;
      if (entry.failedVersion === version) return undefined;
      let parsing = entry.parsing;
      if (parsing?.version !== version) {
        const promise = this.parseInQueue(uri, entry, version);
        parsing = { version, promise };
        entry.parsing = parsing;
        const settled = () => {
          if (entry.parsing?.promise === promise) entry.parsing = undefined;
        };
        promise.then(settled, settled);
      }
      const tree = await parsing.promise;
      // A parse abandoned because the document changed answers undefined: parse the version there is now.
      if (tree || this.entries.get(uri) !== entry || entry.document.version === version) return tree;
    }
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
    this.disposed = true;
    this.scanned = [];
    for (const entry of this.entries.values()) this.dropTree(entry);
    this.entries.clear();
    const parser = this.parser;
    this.parser = undefined;
    // A parse halted between slices sees `disposed` and resets the parser first: delete it after that.
    void this.parserQueue
      .then(() => parser)
      .then(
        (p) => p?.delete(),
        () => undefined,
      );
  }

  /** One parse at a time on the shared parser; the version's parse, or undefined (no tree, or the text changed). */
  private parseInQueue(uri: string, entry: Entry, version: number): Promise<Tree | undefined> {
    const run = this.parserQueue.then(async () => {
      if (this.isStale(uri, entry, version)) return undefined;
      return this.reparse(uri, entry, await this.sharedParser());
    });
    this.parserQueue = run.catch(() => undefined);
    return run;
  }

  private isStale(uri: string, entry: Entry, version: number): boolean {
    return this.disposed || this.entries.get(uri) !== entry || entry.document.version !== version;
  }

  private scanOf(entry: Entry, file?: string): LexicalExtraction {
    const version = entry.document.version;
    if (entry.lexical && entry.lexicalVersion === version) return entry.lexical;
    const scan = documentLexicalScan(entry.document.getText(), file ?? entry.document.uri);
    this.lexicalPasses++;
    entry.lexical = scan;
    entry.lexicalVersion = version;
    // A scan is ~4 MB for mm/memory.c; an editor that never asks for the outline would keep one per open document.
    // Only the latest few wait for their extraction (an older one is lexed again if it is asked for).
    this.scanned = [...this.scanned.filter((other) => other !== entry), entry];
    for (const old of this.scanned.splice(0, Math.max(0, this.scanned.length - KEPT_SCANS))) {
      old.lexical = undefined;
      old.lexicalVersion = undefined;
    }
    // The masking of this version needs only the invocations: kept when the scan itself is let go.
    entry.macroCalls = scan.macroCalls ?? [];
    entry.reusedEdits = 0;
    return scan;
  }

  private async reparse(uri: string, entry: Entry, parser: Parser): Promise<Tree | undefined> {
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
    this.parses++;
    this.lastParseStarted = performance.now();
    try {
      if (!entry.macroCalls) {
        this.scanOf(entry);
        // The lexical pass is one synchronous step: let queued messages through before the parse.
        await yieldToEventLoop();
        if (this.isStale(uri, entry, version)) return undefined;
      }
      const masked = maskAttributeMacros(text, mergeMaskSpans(text, findAttributeSpans(text), entry.macroCalls ?? []));
      const old = entry.tree;
      if (old && entry.shadow !== undefined && entry.shadow.length === masked.length) {
        const extra = maskingEdit(entry.shadow, masked);
        if (extra) old.edit(extra);
        // The old tree now describes `masked`: keep the two together even if this parse is abandoned.
        entry.shadow = masked;
      } else if (old) {
        this.dropTree(entry);
      }
      const budget = this.parseBudgetMs(masked.length);
      let result;
      try {
        result = await parseInSlices(parser, masked, entry.tree ?? null, {
          budgetMs: budget,
          sliceMs: this.parseSliceMs,
          isStale: () => this.isStale(uri, entry, version),
        });
      } catch (err) {
        if (!(err instanceof ParseTimeoutError)) throw err;
        this.failed(
          entry,
          version,
          `parse of ${entry.document.uri} (version ${version}, ${Math.ceil(text.length / 1024)} KiB) ran past its ` +
            `budget of ${budget} ms: outline and highlights come from the lexical extractor, tree-only features ` +
            `wait for the tree (parsed again when the server is idle)`,
        );
        this.scheduleIdleRetry(uri, entry, version, budget);
        return undefined;
      }
      if ('stale' in result) return undefined;
      this.adopt(entry, result.tree, masked);
      return result.tree;
    } catch (err) {
      this.failed(
        entry,
        version,
        `parse failed for ${entry.document.uri} (version ${version}): ${err instanceof Error ? err.message : String(err)}`,
      );
      return undefined;
    }
  }

  private adopt(entry: Entry, fresh: Tree, masked: string): void {
    this.liveTrees++;
    this.dropTree(entry);
    entry.tree = fresh;
    entry.shadow = masked;
    entry.dirty = false;
  }

  /**
   * The version over its budget is parsed again once the server has started no parse for idleRetryDelayMs, with a
   * larger budget, on a parser of its own (a long retry must not hold up the parses of other documents), in slices.
   */
  private scheduleIdleRetry(uri: string, entry: Entry, version: number, budget: number): void {
    if (entry.retriedVersion === version) return;
    entry.retriedVersion = version;
    const retryBudget = this.idleRetryBudgetMs ?? budget * IDLE_RETRY_BUDGET_FACTOR;
    const attempt = () => {
      if (this.isStale(uri, entry, version)) return;
      const quietFor = performance.now() - this.lastParseStarted;
      if (quietFor < this.idleRetryDelayMs) {
        setTimeout(attempt, this.idleRetryDelayMs - quietFor).unref?.();
        return;
      }
      void this.retry(uri, entry, version, retryBudget);
    };
    setTimeout(attempt, this.idleRetryDelayMs).unref?.();
  }

  private async retry(uri: string, entry: Entry, version: number, budget: number): Promise<void> {
    const name = `${entry.document.uri} (version ${version})`;
    let parser: Parser | undefined;
    try {
      parser = await createCParser();
      if (this.isStale(uri, entry, version)) return;
      const text = entry.document.getText();
      const masked = maskAttributeMacros(text, mergeMaskSpans(text, findAttributeSpans(text), entry.macroCalls ?? []));
      this.parses++;
      this.log(`parsing ${name} again while idle, with a budget of ${budget} ms`);
      const result = await parseInSlices(parser, masked, null, {
        budgetMs: budget,
        sliceMs: this.parseSliceMs,
        isStale: () => this.isStale(uri, entry, version),
      });
      if ('stale' in result) return;
      this.adopt(entry, result.tree, masked);
      entry.failedVersion = undefined;
      entry.failure = undefined;
      this.log(`${name}: parsed while idle in ${Math.round(result.ms)} ms; tree-based answers are back`);
      this.notify(this.parseListeners, entry.document);
    } catch (err) {
      if (this.isStale(uri, entry, version)) return;
      const why = err instanceof Error ? err.message : String(err);
      entry.failure = `${entry.failure ?? 'no tree'}; parsed again while idle: ${why}`;
      this.log(`${name} stays on the lexical extractor until its next change: idle retry failed (${why})`);
    } finally {
      parser?.delete();
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
