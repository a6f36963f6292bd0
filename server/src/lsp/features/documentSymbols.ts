import { SymbolKind, type DocumentSymbol, type DocumentSymbolParams } from 'vscode-languageserver/node';
import type { Definition, DefinitionKind, Range } from '../../indexing/types';
import { openExtractions } from '../openExtraction';
import type { ServerContext } from '../context';
import type { ServerFeature } from '../feature';

/**
 * Hierarchical outline of an open C file from its tree-sitter tree: functions, macros, globals, typedefs,
 * structs/unions with their fields, enums with their enumerators, and names made by generator macros.
 */

const KIND: Record<DefinitionKind, SymbolKind> = {
  function: SymbolKind.Function,
  prototype: SymbolKind.Function,
  macro: SymbolKind.Constant,
  'function-macro': SymbolKind.Function,
  struct: SymbolKind.Struct,
  union: SymbolKind.Struct,
  enum: SymbolKind.Enum,
  enumerator: SymbolKind.EnumMember,
  typedef: SymbolKind.TypeParameter,
  variable: SymbolKind.Variable,
  field: SymbolKind.Field,
  kconfig: SymbolKind.Constant,
  generated: SymbolKind.Function,
};

/** Kinds that can hold members, and kinds that can be members. */
const PARENTS = new Set<DefinitionKind>(['struct', 'union', 'enum', 'typedef']);
const MEMBERS = new Set<DefinitionKind>(['field', 'enumerator', 'struct', 'union', 'enum']);

function before(a: Range['start'], b: Range['start']): number {
  return a.line - b.line || a.character - b.character;
}
function contains(outer: Range, inner: Range): boolean {
  return before(outer.start, inner.start) <= 0 && before(inner.end, outer.end) <= 0;
}

function detail(definition: Definition): string | undefined {
  if (definition.kind === 'prototype') return `declaration: ${definition.signature ?? ''}`.trim();
  return definition.signature;
}

/** Definitions (in any order) to a DocumentSymbol tree: members nest under the innermost type holding them. */
export function buildDocumentSymbols(definitions: Definition[]): DocumentSymbol[] {
  const sorted = [...definitions].sort(
    (a, b) => before(a.range.start, b.range.start) || before(b.range.end, a.range.end),
  );
  const roots: DocumentSymbol[] = [];
  const stack: Array<{ definition: Definition; symbol: DocumentSymbol }> = [];
  for (const definition of sorted) {
    const range = contains(definition.range, definition.nameRange)
      ? definition.range
      : {
          start:
            before(definition.range.start, definition.nameRange.start) <= 0
              ? definition.range.start
              : definition.nameRange.start,
          end:
            before(definition.nameRange.end, definition.range.end) <= 0
              ? definition.range.end
              : definition.nameRange.end,
        };
    const symbol: DocumentSymbol = {
      name: definition.name,
      kind: KIND[definition.kind] ?? SymbolKind.Variable,
      range,
      selectionRange: definition.nameRange,
      children: [],
    };
    const text = detail(definition);
    if (text) symbol.detail = text;
    while (stack.length > 0 && !contains(stack[stack.length - 1].definition.range, definition.range)) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent && MEMBERS.has(definition.kind)) parent.symbol.children!.push(symbol);
    else roots.push(symbol);
    if (PARENTS.has(definition.kind)) stack.push({ definition, symbol });
  }
  return roots;
}

function register(ctx: ServerContext): void {
  const extractions = openExtractions(ctx.documents, (message) => ctx.log(message));
  ctx.connection.onDocumentSymbol(async (params: DocumentSymbolParams): Promise<DocumentSymbol[]> => {
    const uri = params.textDocument.uri;
    const extraction = await extractions.get(uri, ctx.relativePathOfUri(uri));
    return extraction ? buildDocumentSymbols(extraction.definitions) : [];
  });
}

export const documentSymbolsFeature: ServerFeature = {
  name: 'documentSymbols',
  generic: true,
  capabilities: () => ({ documentSymbolProvider: { label: 'Kernel MM Lens' } }),
  register,
};
