import type { OpenDocuments } from './context';
import { extractFromTree, type Extraction } from '../parsing/syntaxExtractor';
import { documentLexicalScan, extractWithoutTree } from '../parsing/lexicalFallback';
import { yieldToEventLoop } from '../parsing/slicedParse';

/**
 * Above this size (UTF-16 code units) an open document's outline, highlights and references come from the lexical
 * extractor, without waiting for a tree-sitter parse (issue 17). Measured on the 500-file sample of the mutated
 * corpus (seed 17) at load ~7, CPU time per step: a 400-1,000 KiB header spends 0.2-0.4 s in the lexical pass,
 * 0.2-0.6 s in the parse and 0.1-0.25 s in the tree walk of the extraction; the lexical outline needs the first
 * only. The real files above it (kernel/sched/core.c, net/core/dev.c, arch/x86/kvm/x86.c, ~300 of 6.12's .c/.h
 * files, none in mm/) lose nothing the whole-tree index does not already answer from the same front end; the
 * features that need a tree (hover details, inlay hints, code lens, missing-release check) still get it.
 */
export const LARGE_DOCUMENT_CHARS = 256 * 1024;

/**
 * Extraction of an open document, computed once per version and shared: document symbols, highlights and other
 * per-document features asking at the same time await the same computation (issue 17: several requests per large
 * file each repeated it). From the tree when the document has one, from the lexical extractor when it is over
 * LARGE_DOCUMENT_CHARS or its version has no tree (parse budget spent, marked `partial`); both take the
 * version's one lexical pass from the document store.
 */
export class OpenDocumentExtractions {
  private readonly cache = new Map<string, { version: number; extraction: Promise<Extraction | undefined> }>();
  /** Extractions computed (not served from the cache); for tests and diagnostics. */
  computed = 0;

  constructor(
    private readonly documents: OpenDocuments,
    private readonly log?: (message: string) => void,
  ) {
    documents.onDidClose((document) => this.cache.delete(document.uri));
    // An idle retry gave the version a tree: the lexical answer it had is replaced on the next request.
    documents.onDidParse?.((document) => this.cache.delete(document.uri));
  }

  /** `file` is the tree-relative path (it decides `arch`); the URI is used when the file is outside the tree. */
  async get(uri: string, file: string | undefined): Promise<Extraction | undefined> {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === document.version) return cached.extraction;
    const extraction = this.compute(uri, file, document.version);
    this.cache.set(uri, { version: document.version, extraction });
    const result = await extraction;
    // The document changed while this was computed: a newer request computes the new version.
    if (!result && this.cache.get(uri)?.extraction === extraction) this.cache.delete(uri);
    return result;
  }

  private async compute(uri: string, file: string | undefined, version: number): Promise<Extraction | undefined> {
    this.computed++;
    const name = file ?? uri;
    const document = this.documents.get(uri);
    if (!document || document.version !== version) return undefined;
    const size = document.getText().length;
    if (size > LARGE_DOCUMENT_CHARS) {
      const scan = this.documents.lexicalScan?.(uri, name) ?? documentLexicalScan(document.getText(), name);
      this.documents.releaseLexicalScan?.(uri);
      const why = `${Math.ceil(size / 1024)} KiB is over ${LARGE_DOCUMENT_CHARS / 1024} KiB`;
      this.log?.(`${uri} (version ${version}): outline and references from the lexical extractor (${why})`);
      return extractWithoutTree(document.getText(), name, why, scan);
    }
    const tree = await this.documents.tree(uri);
    // The tree is only valid until the next change: use it before any other await.
    const current = this.documents.get(uri);
    if (!current || current.version !== version) return undefined;
    const text = current.getText();
    if (tree) {
      const scan = this.documents.lexicalScan?.(uri, name);
      this.documents.releaseLexicalScan?.(uri);
      return extractFromTree(tree, text, name, scan);
    }
    // No tree for this version (over its parse budget or size limit): the lexical front end answers, once.
    const failure = this.documents.parseFailure?.(uri);
    if (!failure) return undefined;
    const scan = this.documents.lexicalScan?.(uri, name);
    this.documents.releaseLexicalScan?.(uri);
    // The scan is one synchronous step; let queued requests through before deriving from it.
    await yieldToEventLoop();
    this.log?.(`${uri} (version ${version}): answering from the lexical extractor (partial answers)`);
    return extractWithoutTree(text, name, failure, scan);
  }
}

const shared = new WeakMap<OpenDocuments, OpenDocumentExtractions>();

/** One cache per document store (per server). */
export function openExtractions(documents: OpenDocuments, log?: (message: string) => void): OpenDocumentExtractions {
  let extractions = shared.get(documents);
  if (!extractions) {
    extractions = new OpenDocumentExtractions(documents, log);
    shared.set(documents, extractions);
  }
  return extractions;
}
