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
    withDocument(file, use, given) {
      const text = given ?? readText(file);
      if (text === undefined) return undefined;
      return withParsedText(parser, text, (tree) => use({ file, text, tree }));
    },
  };
  perIndex.set(index, access);
  // An edit may add or remove a store in the edited file: what came from that file is dropped at once (the buffer is
  // read first), the rest is kept. The index's own change event, when the edit reaches it, says whether the file's
  // definitions changed (then every answer is dropped: other files may be typed differently; opsTables.ts).
  if (!listening.has(ctx)) {
    listening.add(ctx);
    ctx.documents.onDidChangeContent((document) => {
      const current = ctx.currentIndex();
      const file = ctx.relativePathOfUri(document.uri);
      if (current && file !== undefined) perIndex.get(current)?.ops.forgetFile(file);
    });
  }
  return access;
}
