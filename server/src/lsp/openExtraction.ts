import type { OpenDocuments } from './context';
import { extractFromTree, type Extraction } from '../parsing/syntaxExtractor';
import { extractWithoutTree } from '../parsing/lexicalFallback';

/**
 * Extraction of an open document, computed from its current tree and kept until the document changes:
 * document symbols, highlights and other per-document features share one pass per version.
 */
export class OpenDocumentExtractions {
  private readonly cache = new Map<string, { version: number; extraction: Extraction }>();

  constructor(
    private readonly documents: OpenDocuments,
    private readonly log?: (message: string) => void,
  ) {
    documents.onDidClose((document) => this.cache.delete(document.uri));
  }

  /** `file` is the tree-relative path (it decides `arch`); the URI is used when the file is outside the tree. */
  async get(uri: string, file: string | undefined): Promise<Extraction | undefined> {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === document.version) return cached.extraction;
    const tree = await this.documents.tree(uri);
    // The tree is only valid until the next change: use it before any other await.
    const current = this.documents.get(uri);
    if (!current || current.version !== document.version) return undefined;
    let extraction: Extraction;
    if (tree) {
      extraction = extractFromTree(tree, current.getText(), file ?? uri);
    } else {
      // No tree for this version (over its parse budget or size limit): the lexical front end answers, once.
      const failure = this.documents.parseFailure?.(uri);
      if (!failure) return undefined;
      extraction = extractWithoutTree(current.getText(), file ?? uri, failure);
      this.log?.(`${uri} (version ${current.version}): answering from the lexical extractor (partial answers)`);
    }
    this.cache.set(uri, { version: current.version, extraction });
    return extraction;
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
