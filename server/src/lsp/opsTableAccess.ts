import * as fs from 'fs';
import type { KernelIndex } from '../indexing/types';
import { OpsTables } from '../knowledge/opsTables';
import { snippetParser, withParsedText } from '../semantics/snippetParser';
import type { SemanticDocument, TypeResolver } from '../semantics/typeResolver';
import type { ServerContext } from './context';
import { semanticDocuments } from './semanticDocuments';

/** The ops tables (knowledge/opsTables.ts) of one index, reading open buffers first, and files parsed on demand. */
export interface OpsTableAccess {
  ops: OpsTables;
  resolver: TypeResolver;
  /** Runs `use` on a tree file's current text, parsed (the tree is deleted afterwards). */
  withDocument<T>(file: string, use: (document: SemanticDocument) => T): T | undefined;
}

const MAX_READ_BYTES = 4 * 1024 * 1024;
const perIndex = new WeakMap<KernelIndex, OpsTableAccess>();
const listening = new WeakSet<ServerContext>();

export async function opsTablesFor(ctx: ServerContext, index: KernelIndex): Promise<OpsTableAccess> {
  const existing = perIndex.get(index);
  if (existing) return existing;
  const resolver = await semanticDocuments(ctx).resolver(index);
  const parser = await snippetParser();
  const readText = (file: string): string | undefined => {
    const open = ctx.documents.get(ctx.uriOfRelativePath(file));
    if (open) return open.getText();
    try {
      const absolute = index.absolutePath(file);
      const stat = fs.statSync(absolute);
      if (!stat.isFile() || stat.size > MAX_READ_BYTES) return undefined;
      return fs.readFileSync(absolute, 'utf8');
    } catch {
      return undefined;
    }
  };
  const access: OpsTableAccess = {
    ops: new OpsTables(index, readText, { resolver, parser }),
    resolver,
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
