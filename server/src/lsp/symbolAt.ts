import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver/node';
import { SymbolKind, Location } from 'vscode-languageserver/node';
import type { Definition, DefinitionKind } from '../indexing/types';
import type { ServerContext } from './context';

/** The identifier under (or just before) the cursor, with its range; undefined on anything else. */
export function identifierAt(document: TextDocument, position: Position): { name: string; range: Range } | undefined {
  const text = document.getText();
  const offset = document.offsetAt(position);
  const isPart = (c: number) =>
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
  let start = offset;
  let end = offset;
  while (start > 0 && isPart(text.charCodeAt(start - 1))) start--;
  while (end < text.length && isPart(text.charCodeAt(end))) end++;
  if (start === end) return undefined;
  const name = text.slice(start, end);
  if (/^\d/.test(name)) return undefined;
  return { name, range: { start: document.positionAt(start), end: document.positionAt(end) } };
}

export function symbolKindOf(kind: DefinitionKind): SymbolKind {
  switch (kind) {
    case 'function':
    case 'prototype':
    case 'generated':
      return SymbolKind.Function;
    case 'macro':
      return SymbolKind.Constant;
    case 'function-macro':
      return SymbolKind.Function;
    case 'struct':
    case 'union':
      return SymbolKind.Struct;
    case 'enum':
      return SymbolKind.Enum;
    case 'enumerator':
      return SymbolKind.EnumMember;
    case 'typedef':
      return SymbolKind.TypeParameter;
    case 'variable':
      return SymbolKind.Variable;
    case 'field':
      return SymbolKind.Field;
    case 'kconfig':
      return SymbolKind.Key;
  }
}

export function locationOf(ctx: ServerContext, definition: Definition): Location {
  return Location.create(ctx.uriOfRelativePath(definition.file), definition.nameRange);
}

/** Cancellation check for index queries from an LSP token. */
export function cancelledBy(token: { isCancellationRequested: boolean } | undefined): () => boolean {
  return () => token?.isCancellationRequested ?? false;
}
