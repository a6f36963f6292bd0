import { TextDocuments, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree } from 'web-tree-sitter';
import type { OpenDocuments } from '../lsp/context';

// PLACEHOLDER (to be replaced by the incremental tree-sitter document store).
export class DocumentStore implements OpenDocuments {
  private readonly documents = new TextDocuments(TextDocument);
  constructor(connection: Connection, _log: (message: string) => void) {
    this.documents.listen(connection);
  }
  get(uri: string) { return this.documents.get(uri); }
  all() { return this.documents.all(); }
  async tree(_uri: string): Promise<Tree | undefined> { return undefined; }
  onDidChangeContent(listener: (document: TextDocument) => void) { this.documents.onDidChangeContent((e) => listener(e.document)); }
  onDidClose(listener: (document: TextDocument) => void) { this.documents.onDidClose((e) => listener(e.document)); }
}
