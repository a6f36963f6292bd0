import { MarkupKind, type SignatureHelp, type SignatureInformation } from 'vscode-languageserver/node';
import type { ServerFeature } from '../feature';
import { signatureHelpAt } from '../../semantics/signatureHelp';
import { callerDutyOf } from '../../annotations/callerDuty';
import { semanticDocuments } from '../semanticDocuments';

/**
 * `textDocument/signatureHelp`: the semantic signature service (semantics/signatureHelp.ts) with the caller's duty
 * of tracked functions from the call-context data (annotations/callerDuty.ts), for the tree's kernel version.
 */
export const signatureHelpFeature: ServerFeature = {
  name: 'signatureHelp',
  generic: true,
  capabilities: () => ({ signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [')'] } }),
  register(ctx) {
    const semantics = semanticDocuments(ctx);
    ctx.connection.onSignatureHelp(async (params, token): Promise<SignatureHelp | null> => {
      if (!ctx.documents.get(params.textDocument.uri) || token.isCancellationRequested) return null;
      const resolver = await semantics.resolver();
      const version = ctx.kernelVersion();
      const answer = await semantics.withDocument(params.textDocument.uri, resolver, (document, text) =>
        signatureHelpAt(resolver, document, text.offsetAt(params.position), {
          callerDuty: (name) => callerDutyOf(name, version),
        }),
      );
      if (!answer) return null;
      const signatures: SignatureInformation[] = answer.signatures.map((candidate) => {
        const documentation = [answer.callerDuty ? `Caller: ${answer.callerDuty}` : '', candidate.documentation ?? '']
          .filter(Boolean)
          .join('\n\n');
        const signature: SignatureInformation = {
          label: candidate.label,
          parameters: candidate.parameters.map((parameter) =>
            parameter.documentation
              ? {
                  label: parameter.label,
                  documentation: { kind: MarkupKind.PlainText, value: parameter.documentation },
                }
              : { label: parameter.label },
          ),
        };
        // Kernel-doc and comments are untrusted text: plain text, never Markdown.
        if (documentation) signature.documentation = { kind: MarkupKind.PlainText, value: documentation };
        return signature;
      });
      return { signatures, activeSignature: 0, activeParameter: answer.activeParameter };
    });
  },
};
