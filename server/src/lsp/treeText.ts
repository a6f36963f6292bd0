import type { KernelIndex } from '../indexing/types';
import { readTreeFile } from '../knowledge/opsTableAccess';
import type { ServerContext } from './context';

/** A tree file's text for the server's answers: the open buffer first, else the file on disk (bounded). */
export function treeText(ctx: ServerContext, index: KernelIndex, file: string): string | undefined {
  const open = ctx.documents.get(ctx.uriOfRelativePath(file));
  if (open) return open.getText();
  return readTreeFile(index, file);
}

/** The configuration's liveness of tree lines, or undefined in "all configurations" (nothing to order by). */
export function livenessFor(ctx: ServerContext, index: KernelIndex) {
  if (!ctx.configuration.view()) return undefined;
  return (file: string, line: number) => ctx.configuration.liveness(file, line, (f) => treeText(ctx, index, f));
}
