/**
 * The whole-tree table of install sites (parsing/installSites.ts): for a function's name, the files and lines where
 * it may be stored into a struct field, kept in the index and its cache (`IndexData.installs`, grouped by file). The
 * by-name order (`IndexData.installOrder`) is derived when the index is built and kept in the cache, so a question is a
 * binary search (deriving it on the first question cost ~0.1 s of CPU on 6.12, a third of kvfree's first request).
 *
 * Also here: what "an edit changed the file's definitions" means for the caches that type other files' code from
 * them (knowledge/opsTables.ts keeps other files' answers across an edit that leaves them alone).
 */
import { installOrder, type IndexData } from './indexData';
import type { LexicalDefinition } from '../parsing/lexicalTypes';

/** One install site of the index: the file, the field's name and the value's 0-based line. */
export interface IndexedInstall {
  file: string;
  field: string;
  line: number;
}

/** A file's entries changed (edited document, file changed on disk or deleted, document closed). */
export interface IndexFileChange {
  file: string;
  /**
   * Whether its definitions (kinds, names, containers, signature text) differ from before: when they do not, what
   * other files' code means is unchanged (an edit inside a function body), and caches keyed by file keep theirs.
   */
  definitionsChanged: boolean;
}

export class InstallSiteTable {
  constructor(private readonly data: IndexData) {}

  /** Sites storing `name`, in file order; `skip(fileId)` leaves out files the index no longer answers for. */
  sitesOf(name: string, skip: (fileId: number) => boolean): IndexedInstall[] {
    const id = this.data.names.get(name);
    if (id === undefined) return [];
    const { installs, files, names, fileInstallStart } = this.data;
    // A cache written before the order was kept: derived once (a counting sort over the sites).
    const order = (this.data.installOrder ??= installOrder(installs, names.size));
    // First site whose value is `id` (binary search over the order).
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (installs[order[mid] * 3 + 1] < id) low = mid + 1;
      else high = mid;
    }
    const out: IndexedInstall[] = [];
    for (let k = low; k < order.length && installs[order[k] * 3 + 1] === id; k++) {
      const site = order[k];
      const fileId = fileOfSite(fileInstallStart, site);
      if (skip(fileId)) continue;
      out.push({ file: files[fileId], field: names.name(installs[site * 3]), line: installs[site * 3 + 2] });
    }
    return out;
  }

  /** How many sites the index holds. */
  get size(): number {
    return this.data.installs.length / 3;
  }
}

/** The file whose sites hold site number `site` (binary search over the per-file starts). */
function fileOfSite(fileInstallStart: Uint32Array, site: number): number {
  let low = 0;
  let high = fileInstallStart.length - 2;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (fileInstallStart[mid] <= site) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Kinds whose whole text is what they declare (a field's signature stops before a function pointer's parameters). */
const WHOLE_TEXT_KINDS = new Set(['struct', 'union', 'enum', 'typedef', 'field', 'macro', 'function-macro']);

/**
 * A key of a file's definitions that changes when what they declare changes, not when only a function body or a
 * position does: kinds, names and containers, the whole text of types, fields and macros, the signature of functions
 * and variables (a table's initializer is no declaration other files are typed by).
 */
export function definitionsKey(definitions: readonly LexicalDefinition[], text: string): string {
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  const offset = (line: number, column: number) => (lineStarts[line] ?? text.length) + column;
  const parts: string[] = [];
  for (const d of definitions) {
    // Signatures are packed with at most 65,535 characters (fileExtraction.ts): compare what both sides keep.
    const declared = WHOLE_TEXT_KINDS.has(d.kind)
      ? text.slice(offset(d.startLine, d.startCol), offset(d.endLine, d.endCol))
      : text.slice(d.sigStart, d.sigStart + Math.min(d.sigEnd - d.sigStart, 0xffff));
    parts.push(
      `${d.kind}\t${d.name}\t${d.container ?? ''}\t${d.isStatic ? 1 : 0}${d.isDeclaration ? 1 : 0}\t${declared}`,
    );
  }
  return parts.join('\n');
}
