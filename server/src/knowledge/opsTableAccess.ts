/**
 * The ops tables of one index with what answering through them needs: the semantic type service and a way to parse
 * a tree file. Every surface uses the same shape; the LSP reads open buffers first (lsp/opsTableAccess.ts), the CLI
 * and the MCP server read the files on disk (`opsTablesOnDisk`).
 */
import * as fs from 'fs';
import type { KernelIndex } from '../indexing/types';
import { snippetParser, withParsedText } from '../semantics/snippetParser';
import { DiskSources } from '../semantics/sourceAccess';
import { TypeResolver, type SemanticDocument } from '../semantics/typeResolver';
import { OpsTables } from './opsTables';

export interface OpsTableAccess {
  ops: OpsTables;
  resolver: TypeResolver;
  /** Text of a tree file (open buffers first where there are any), undefined when unreadable or too large. */
  readText(file: string): string | undefined;
  /**
   * Runs `use` on a tree file's current text, parsed (the tree is deleted afterwards); on `text` instead when given
   * (the file's text with parts blanked: indirectCalls.ts parses only the functions it types calls in).
   */
  withDocument<T>(file: string, use: (document: SemanticDocument) => T, text?: string): T | undefined;
}

/** Files larger than this are not read for ops tables, call sites or configuration regions (generated tables). */
export const MAX_TREE_TEXT_BYTES = 4 * 1024 * 1024;

/** A tree file's text from disk, bounded; undefined for anything but a regular file of at most 4 MiB. */
export function readTreeFile(index: Pick<KernelIndex, 'absolutePath'>, file: string): string | undefined {
  try {
    const absolute = index.absolutePath(file);
    const stat = fs.statSync(absolute);
    if (!stat.isFile() || stat.size > MAX_TREE_TEXT_BYTES) return undefined;
    return fs.readFileSync(absolute, 'utf8');
  } catch {
    return undefined;
  }
}

const onDisk = new WeakMap<KernelIndex, Promise<OpsTableAccess>>();

/** The ops tables over the files on disk (CLI, MCP), one per index object. */
export function opsTablesOnDisk(index: KernelIndex): Promise<OpsTableAccess> {
  let access = onDisk.get(index);
  if (!access) {
    access = (async () => {
      const parser = await snippetParser();
      const resolver = new TypeResolver({ index, parser, sources: new DiskSources((f) => index.absolutePath(f)) });
      const readText = (file: string) => readTreeFile(index, file);
      return {
        ops: new OpsTables(index, readText, { resolver, parser }),
        resolver,
        readText,
        withDocument<T>(file: string, use: (document: SemanticDocument) => T, given?: string): T | undefined {
          const text = given ?? readText(file);
          if (text === undefined) return undefined;
          return withParsedText(parser, text, (tree) => use({ file, text, tree }));
        },
      };
    })();
    onDisk.set(index, access);
  }
  return access;
}
