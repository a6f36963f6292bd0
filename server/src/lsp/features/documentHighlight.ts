import {
  DocumentHighlightKind,
  type DocumentHighlight,
  type DocumentHighlightParams,
} from 'vscode-languageserver/node';
import type { Position } from '../../indexing/types';
import { openExtractions } from '../openExtraction';
import type { Extraction, NamedReference } from '../../parsing/syntaxExtractor';
import { nextNonBlank } from '../../parsing/textScan';
import type { ServerContext } from '../context';
import type { ServerFeature } from '../feature';
import { semanticLocalReferences } from '../semanticDocuments';

/**
 * Occurrences of the identifier under the cursor in the open document, from the tree-sitter extraction
 * (code only: comments and strings never match). Definitions and assignment targets are Write, the rest
 * Read. Member names and ordinary identifiers do not mix. A name with no file-level definition that is
 * used inside a function (a local or a parameter) is highlighted within that function only.
 */

const ASSIGNMENT = /^(=(?!=)|\+=|-=|\*=|\/=|%=|&=|\|=|\^=|<<=|>>=|\+\+|--)/;

function inside(position: Position, reference: NamedReference): boolean {
  const { start, end } = reference.range;
  return (
    position.line === start.line &&
    position.character >= start.character &&
    position.character <= end.character &&
    end.line === start.line
  );
}

function isWrite(reference: NamedReference, text: string): boolean {
  if (reference.isDefinition) return true;
  const after = nextNonBlank(
    text,
    reference.offset + reference.name.length,
    Math.min(text.length, reference.offset + reference.name.length + 80),
  );
  if (after >= 0 && ASSIGNMENT.test(text.slice(after, after + 3))) return true;
  const head = text.slice(Math.max(0, reference.offset - 2), reference.offset);
  return head === '++' || head === '--';
}

/** An assignment (or ++/--) right after a name ending at `end`. */
function isAssigned(text: string, end: number): boolean {
  const after = nextNonBlank(text, end, Math.min(text.length, end + 80));
  return after >= 0 && ASSIGNMENT.test(text.slice(after, after + 3));
}

function before(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function documentHighlights(extraction: Extraction, text: string, position: Position): DocumentHighlight[] {
  const parameter = extraction.macroParameters.find((reference) => inside(position, reference));
  if (parameter) {
    // A macro parameter is named only inside its own #define.
    return extraction.macroParameters
      .filter((reference) => reference.define === parameter.define && reference.name === parameter.name)
      .sort((a, b) => a.offset - b.offset)
      .map((reference) => ({ range: reference.range, kind: DocumentHighlightKind.Read }));
  }
  const target = extraction.references.find((reference) => inside(position, reference));
  if (!target) return [];
  // Members (`p->lru`) and ordinary identifiers are separate namespaces in C.
  const member = target.isMember === true;
  let candidates = extraction.references.filter(
    (reference) => reference.name === target.name && (reference.isMember === true) === member,
  );
  const fileLevel =
    member ||
    extraction.definitions.some((definition) => definition.name === target.name && definition.kind !== 'field');
  if (!fileLevel) {
    // Locals and parameters (also of function-like macros): stay within the function or #define around the cursor.
    const scopes = target.inPreprocessor ? ['function-macro'] : ['function'];
    const around = extraction.definitions.find(
      (definition) =>
        scopes.includes(definition.kind) &&
        before(definition.range.start, target.range.start) <= 0 &&
        before(target.range.end, definition.range.end) <= 0,
    );
    if (around) {
      candidates = candidates.filter(
        (reference) =>
          before(around.range.start, reference.range.start) <= 0 && before(reference.range.end, around.range.end) <= 0,
      );
    }
  }
  return candidates.map((reference) => ({
    range: reference.range,
    kind: isWrite(reference, text) ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

function register(ctx: ServerContext): void {
  const extractions = openExtractions(ctx.documents, (message) => ctx.log(message));
  ctx.connection.onDocumentHighlight(async (params: DocumentHighlightParams): Promise<DocumentHighlight[]> => {
    const uri = params.textDocument.uri;
    // A local: its uses in its own scope, the shadowing ones of inner blocks excluded (semantics/scopes.ts).
    const local = await semanticLocalReferences(ctx, uri, params.position, true);
    const current = ctx.documents.get(uri);
    if (local && current)
      return local.map((reference) => ({
        range: reference.range,
        kind:
          reference.isDeclaration || isAssigned(current.getText(), current.offsetAt(reference.range.end))
            ? DocumentHighlightKind.Write
            : DocumentHighlightKind.Read,
      }));
    const document = ctx.documents.get(uri);
    const extraction = await extractions.get(uri, ctx.relativePathOfUri(uri));
    if (!extraction || !document) return [];
    return documentHighlights(extraction, document.getText(), params.position);
  });
}

export const documentHighlightFeature: ServerFeature = {
  name: 'documentHighlight',
  generic: true,
  capabilities: () => ({ documentHighlightProvider: true }),
  register,
};
