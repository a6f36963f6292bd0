import type { KernelIndex } from '../indexing/types';
import { OpsTables } from '../knowledge/opsTables';
import type { OpsTableAccess } from '../knowledge/opsTableAccess';
import { snippetParser, withParsedText } from '../semantics/snippetParser';
import type { ServerContext } from './context';
import { semanticDocuments } from './semanticDocuments';
import { treeText } from './treeText';

export type { OpsTableAccess } from '../knowledge/opsTableAccess';

const perIndex = new WeakMap<KernelIndex, OpsTableAccess>();
const listening = new WeakSet<ServerContext>();

/** The ops tables (knowledge/opsTables.ts) of one index, reading open buffers first, and files parsed on demand. */
export async function opsTablesFor(ctx: ServerContext, index: KernelIndex): Promise<OpsTableAccess> {
  const existing = perIndex.get(index);
  if (existing) return existing;
  const resolver = await semanticDocuments(ctx).resolver(index);
  const parser = await snippetParser();
  const readText = (file: string) => treeText(ctx, index, file);
  const access: OpsTableAccess = {
    ops: new OpsTables(index, readText, { resolver, parser }),
    resolver,
    readText,
    withDocument(file, use) {
      const text = readText(file);
      if (text === undefined) return undefined;
      return withParsedText(parser, text, (tree) => use({ file, text, tree }));
    },
  };
  perIndex.set(index, access);
  // An edit may add or remove a store; answers are rebuilt lazily, per field, on the next question.
  if (!listening.has(ctx)) {
    listening.add(ctx);
    ctx.documents.onDidChangeContent(() => {
      const current = ctx.currentIndex();
      if (current) perIndex.get(current)?.ops.forget();
    });
  }
  return access;
}
