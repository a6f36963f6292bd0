import { Location, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { KernelIndex } from '../indexing/types';
import type { DefinitionExtent } from '../indexing/definitionExtent';
import { snippetParser } from '../semantics/snippetParser';
import { DiskSources } from '../semantics/sourceAccess';
import { TypeResolver, type SemanticDocument } from '../semantics/typeResolver';
import type { ServerContext } from './context';
import { fieldDefinitionsNamed, semanticSymbolAt } from '../semantics/symbolResolution';
import { localReferences } from '../semantics/scopes';
import { locationOf } from './symbolAt';
import { RangeTrees } from './rangeTrees';

/**
 * The semantic services for the LSP features: one resolver per index (or one without an index while the tree is
 * being indexed: locals need none), reading open documents from the editor's buffers and other files from disk,
 * and the current tree of an open document. `use` runs synchronously right after the tree is obtained, because an
 * edit may replace the tree at the next await.
 */
export class SemanticDocuments {
  private readonly resolvers = new WeakMap<KernelIndex, TypeResolver>();
  private withoutIndex: TypeResolver | undefined;
  /** Parses of one construct of a document (certainlyNot). */
  readonly rangeTrees = new RangeTrees();

  constructor(private readonly ctx: ServerContext) {}

  /** The resolver for the index as it is now (undefined index: locals and this document's own types only). */
  async resolver(index: KernelIndex | undefined = this.ctx.currentIndex()): Promise<TypeResolver> {
    const parser = await snippetParser();
    const preferredArch = this.ctx.settings().preferredArch || 'x86';
    const sources = new DiskSources(
      (file) => (index ? index.absolutePath(file) : `${this.ctx.root ?? ''}/${file}`),
      (file) => {
        const document = this.ctx.documents.get(this.ctx.uriOfRelativePath(file));
        return document ? { text: document.getText(), version: document.version } : undefined;
      },
    );
    if (!index) return (this.withoutIndex ??= new TypeResolver({ sources, parser, preferredArch }));
    let resolver = this.resolvers.get(index);
    if (!resolver) {
      resolver = new TypeResolver({ index, sources, parser, preferredArch });
      this.resolvers.set(index, resolver);
    }
    return resolver;
  }

  /**
   * Runs `use` on the open document's current tree with the given resolver; undefined when the document is not
   * open, not C, or cannot be parsed.
   */
  async withDocument<T>(
    uri: string,
    resolver: TypeResolver,
    use: (document: SemanticDocument, text: TextDocument) => T,
  ): Promise<T | undefined> {
    const tree = await this.ctx.documents.tree(uri);
    const document = this.ctx.documents.get(uri);
    if (!tree || !document) return undefined;
    const file = this.ctx.relativePathOfUri(uri);
    const semantic: SemanticDocument =
      file === undefined ? { text: document.getText(), tree } : { file, text: document.getText(), tree };
    return use(semantic, document);
  }

  /**
   * True when the word [start, end) of an open document that has no tree yet is, by a parse of only the top-level
   * construct around it (where the index says it is, definitionExtent.ts), none of what `isSemantic` looks for there
   * (a local, a member): the caller need not wait for the whole document's parse, which for a large file
   * just opened was most of Go to Definition's time (up to a second on 6.12, docs/benchmark.md). False when that
   * cannot be told: the document has a tree already (its re-parse is incremental), no index, a line the index keeps
   * no extent for, or the index's idea of the file disagrees with the buffer. Only a "no" is taken from the partial tree: a "yes"
   * is answered from the whole document's tree, as before.
   */
  async certainlyNot(
    uri: string,
    index: KernelIndex | undefined,
    start: number,
    end: number,
    isSemantic: (document: SemanticDocument) => boolean,
  ): Promise<boolean> {
    const documents = this.ctx.documents;
    if (!index?.definitionExtentAt || documents.hasAnyTree?.(uri) !== false || !documents.isParseable?.(uri))
      return false;
    const document = documents.get(uri);
    const file = this.ctx.relativePathOfUri(uri);
    if (!document || file === undefined) return false;
    const extent = index.definitionExtentAt(file, document.positionAt(start).line);
    if (!extent) return false;
    const from = document.offsetAt({ line: extent.startLine, character: extent.startCol });
    const to = document.offsetAt({ line: extent.endLine, character: extent.endCol });
    const text = document.getText();
    if (!(from <= start && end <= to) || !extentFits(text, from, to, extent.kind)) return false;
    const verdict = await this.rangeTrees.with(
      () => documents.get(uri),
      document.version,
      from,
      to,
      (tree) => !isSemantic({ file, text, tree }),
    );
    return verdict === true;
  }
}

/**
 * The text [from, to) looks like what the index recorded there (an index older than the buffer fails this more often
 * than not; the caller then parses it all): a definition is a #define or ends with its `}` or `;`; the text between
 * two records starts after one (a `}`, a `;` or a line's end) and ends where the next one starts.
 */
function extentFits(text: string, from: number, to: number, kind: DefinitionExtent['kind']): boolean {
  if (kind === 'between')
    return (
      (from === 0 || text[from - 1] === '}' || text[from - 1] === ';' || /^\r?\n/.test(text.slice(from, from + 2))) &&
      (to === text.length || /\S/.test(text[to]))
    );
  let first = from;
  while (first < to && (text[first] === ' ' || text[first] === '\t')) first++;
  return text[first] === '#' || text[to - 1] === '}' || text[to - 1] === ';';
}

/** The word [start, end) under or just before the cursor, as offsets; undefined off an identifier. */
export function wordAt(document: TextDocument, position: Position): { start: number; end: number } | undefined {
  const text = document.getText();
  const offset = document.offsetAt(position);
  let start = offset;
  let end = offset;
  while (start > 0 && isPart(text.charCodeAt(start - 1))) start--;
  while (end < text.length && isPart(text.charCodeAt(end))) end++;
  if (start === end || /^[0-9]/.test(text.slice(start, start + 1))) return undefined;
  return { start, end };
}

function isPart(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

const shared = new WeakMap<ServerContext, SemanticDocuments>();

/** One instance per server. */
export function semanticDocuments(ctx: ServerContext): SemanticDocuments {
  let instance = shared.get(ctx);
  if (!instance) {
    instance = new SemanticDocuments(ctx);
    shared.set(ctx, instance);
  }
  return instance;
}

/** What the semantic services say Go to Definition opens; `member` also when they could not say which field. */
export interface SemanticDefinition {
  locations?: Location[];
  member?: boolean;
}

/**
 * Go to Definition through the semantic services: a local's own declaration (no index needed), a member's field
 * of the resolved struct, or, when the object's type is not found, the struct members of that name in the tree
 * (never functions, macros or globals). Undefined: neither a local nor a member, the whole-tree lookup answers.
 */
export async function semanticDefinition(
  ctx: ServerContext,
  uri: string,
  position: Position,
  index: KernelIndex | undefined,
): Promise<SemanticDefinition | undefined> {
  const semantics = semanticDocuments(ctx);
  const resolver = await semantics.resolver(index);
  const open = ctx.documents.get(uri);
  const at = open && wordAt(open, position);
  if (
    at &&
    (await semantics.certainlyNot(
      uri,
      index,
      at.start,
      at.end,
      (document) => semanticSymbolAt(resolver, document, at.start, at.end) !== undefined,
    ))
  )
    return undefined;
  return semantics.withDocument(uri, resolver, (document, text) => {
    const word = wordAt(text, position);
    if (!word) return undefined;
    const symbol = semanticSymbolAt(resolver, document, word.start, word.end);
    if (!symbol) return undefined;
    if (symbol.kind === 'local') {
      return { locations: [Location.create(uri, rangeOf(text, symbol.local.start, symbol.local.end))] };
    }
    const fields = symbol.member.fields.filter((field) => field.file !== undefined || document.file === undefined);
    if (fields.length > 0)
      return {
        member: true,
        locations: fields.map((field) =>
          Location.create(field.file !== undefined ? ctx.uriOfRelativePath(field.file) : uri, {
            start: { line: field.line, character: field.character },
            end: { line: field.line, character: field.endCharacter },
          }),
        ),
      };
    if (!index) return { member: true };
    return {
      member: true,
      locations: fieldDefinitionsNamed(resolver, symbol.member.name).map((d) => locationOf(ctx, d)),
    };
  });
}

/** References of a local: its uses in its scope only (undefined when the name is not a local there). */
export async function semanticLocalReferences(
  ctx: ServerContext,
  uri: string,
  position: Position,
  includeDeclaration: boolean,
): Promise<Array<{ range: Range; isDeclaration: boolean }> | undefined> {
  const semantics = semanticDocuments(ctx);
  const index = ctx.currentIndex();
  const resolver = await semantics.resolver(index);
  const open = ctx.documents.get(uri);
  const at = open && wordAt(open, position);
  if (
    at &&
    (await semantics.certainlyNot(
      uri,
      index,
      at.start,
      at.end,
      (document) => resolver.localAt(document, at.start, at.end) !== undefined,
    ))
  )
    return undefined;
  return semantics.withDocument(uri, resolver, (document, text) => {
    const word = wordAt(text, position);
    const local = word && resolver.localAt(document, word.start, word.end);
    if (!local) return undefined;
    return localReferences(document.tree, document.text, local, resolver.locator(document))
      .filter(([start]) => includeDeclaration || start !== local.start)
      .map(([start, end]) => ({ range: rangeOf(text, start, end), isDeclaration: start === local.start }));
  });
}

function rangeOf(text: TextDocument, start: number, end: number): Range {
  return { start: text.positionAt(start), end: text.positionAt(end) };
}
