import * as fs from 'fs';
import type { Connection } from 'vscode-languageserver/node';
import type { ClangdStatus, KernelMmLensSettings } from '../../../protocol';
import { compileDatabaseCandidates, readCompileDatabase, type CompileDatabase } from './compileDatabase';

/**
 * Generic navigation next to clangd (setting `clangdCoexistence`). Editors merge the answers of every server, so
 * where clangd has a build our definition, references, highlights, document symbols, completion and signature
 * help would only repeat (or contradict) it: in `complement` mode those requests get no answer from us in files of
 * clangd's compile database, and every answer elsewhere (other architectures, drivers outside the build, no build at
 * all). Whole-tree features (workspace symbols, call hierarchy) and the kernel features are never held back.
 */
export class ClangdCoexistence {
  private database: { key: string; value: CompileDatabase | undefined } | undefined;

  constructor(
    private readonly root: () => string | undefined,
    private readonly settings: () => KernelMmLensSettings,
    private readonly clangd: () => ClangdStatus | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** `complement` or `both`, after `auto` is decided by whether the client reports clangd. */
  mode(): 'complement' | 'both' {
    const setting = this.settings().clangdCoexistence;
    if (setting === 'auto') return this.clangd()?.active ? 'complement' : 'both';
    return setting;
  }

  /** False when clangd answers generic requests for this tree-relative file (complement mode, file it builds). */
  answersFor(file: string | undefined): boolean {
    if (this.mode() === 'both' || file === undefined) return true;
    const database = this.compileDatabase();
    return !database || !database.files.has(file);
  }

  /** The compile database clangd reads, re-read when the file changes (one stat per request). */
  compileDatabase(): CompileDatabase | undefined {
    const root = this.root();
    if (!root) return undefined;
    const dir = this.clangd()?.compileCommandsDir;
    let key = '';
    for (const candidate of compileDatabaseCandidates(root, dir)) {
      try {
        const stat = fs.statSync(candidate);
        key = `${candidate}:${stat.mtimeMs}:${stat.size}`;
        break;
      } catch {
        // next candidate
      }
    }
    if (this.database?.key !== key) {
      const value = key ? readCompileDatabase(root, dir, this.log) : undefined;
      if (value) this.log(`clangd's compile database: ${value.file} (${value.files.size} files)`);
      this.database = { key, value };
    }
    return this.database.value;
  }
}

/**
 * The connection as a generic feature sees it: request handlers of documents clangd answers for return nothing.
 * Every `on…` registration is wrapped, so a feature needs no code of its own for this.
 */
export function gatedConnection(connection: Connection, allow: (uri: string) => boolean): Connection {
  return new Proxy(connection, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || !property.startsWith('on') || typeof value !== 'function') return value;
      const register = value as (handler: (...args: unknown[]) => unknown, ...rest: unknown[]) => unknown;
      return (handler: unknown, ...rest: unknown[]) => {
        if (typeof handler !== 'function') return register.call(target, handler as never, ...rest);
        const gated = (params: unknown, ...args: unknown[]) => {
          const uri = (params as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
          if (typeof uri === 'string' && !allow(uri)) return null;
          return (handler as (...a: unknown[]) => unknown)(params, ...args);
        };
        return register.call(target, gated, ...rest);
      };
    },
  });
}
