import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import { completeAt, type CandidateKind } from '../../semantics/completion';
import { semanticDocuments } from '../semanticDocuments';

/**
 * `textDocument/completion`: the semantic completion service (semantics/completion.ts) on the open buffer, as it
 * is being typed. Member lists come from the object's resolved type; identifiers from scope, this file, its
 * includes and the whole tree. Works before the index is ready (locals, this document's own structs).
 */
export const completionFeature: ServerFeature = {
  name: 'completion',
  generic: true,
  capabilities: () => ({ completionProvider: { triggerCharacters: ['.', '>'], resolveProvider: false } }),
  register(ctx) {
    const semantics = semanticDocuments(ctx);
    ctx.connection.onCompletion(async (params, token): Promise<CompletionList | null> => {
      const open = ctx.documents.get(params.textDocument.uri);
      if (!open || token.isCancellationRequested) return null;
      // `>` triggers only as the end of `->` (not a comparison or a shift).
      if (params.context?.triggerCharacter === '>') {
        const offset = open.offsetAt(params.position);
        if (open.getText().slice(Math.max(0, offset - 2), offset) !== '->') return { isIncomplete: false, items: [] };
      }
      const resolver = await semantics.resolver();
      const answer = await semantics.withDocument(params.textDocument.uri, resolver, (document, text) =>
        completeAt(resolver, document, text.offsetAt(params.position)),
      );
      if (!answer) return null;
      const items: CompletionItem[] = answer.items.map((candidate) => {
        const item: CompletionItem = {
          label: candidate.label,
          kind: completionKind(candidate.kind),
          sortText: `${candidate.group}_${candidate.sortKey ?? candidate.label}`,
        };
        if (candidate.detail) item.detail = candidate.detail;
        // Comments and kernel-doc are untrusted text: plain text, never Markdown.
        if (candidate.documentation)
          item.documentation = { kind: MarkupKind.PlainText, value: candidate.documentation };
        return item;
      });
      return { isIncomplete: answer.isIncomplete, items };
    });
  },
};

export function completionKind(kind: CandidateKind): CompletionItemKind {
  switch (kind) {
    case 'local':
    case 'parameter':
    case 'variable':
      return CompletionItemKind.Variable;
    case 'field':
      return CompletionItemKind.Field;
    case 'function':
    case 'prototype':
    case 'generated':
    case 'function-macro':
      return CompletionItemKind.Function;
    case 'macro':
      return CompletionItemKind.Constant;
    case 'struct':
    case 'union':
      return CompletionItemKind.Struct;
    case 'enum':
      return CompletionItemKind.Enum;
    case 'enumerator':
      return CompletionItemKind.EnumMember;
    case 'typedef':
      return CompletionItemKind.TypeParameter;
    case 'kconfig':
      return CompletionItemKind.Property;
  }
}
