import * as fs from 'fs';
import * as path from 'path';
import type { Definition, KernelIndex, Reference } from '../../server/src/indexing/types';
import { extractText } from '../../server/src/indexing/fileExtraction';

/**
 * Index for the knowledge fixture trees. Uses the real whole-tree index (`buildIndexForTests`) when its worker
 * threads can start in this process; otherwise runs the same extractor (`extractText`) in-process and wraps
 * the definitions in a minimal `KernelIndex`, which is all hover building asks of the index.
 */
export async function indexFixture(root: string): Promise<{ index: KernelIndex; real: boolean }> {
  try {
    const testing = await import('../../server/src/indexing/testing');
    return { index: await testing.buildIndexForTests(root), real: true };
  } catch {
    return { index: inProcessIndex(root), real: false };
  }
}

function walk(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(root, rel));
    else if (/\.[ch]$/.test(entry.name) || /^Kconfig/.test(entry.name)) out.push(rel);
  }
  return out;
}

export function inProcessIndex(root: string): KernelIndex {
  const definitions: Definition[] = [];
  const mentions = new Map<string, Set<string>>();
  for (const file of walk(root)) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const extraction = extractText(file, text);
    for (const id of extraction.identifiers) {
      const set = mentions.get(id) ?? new Set<string>();
      set.add(file);
      mentions.set(id, set);
    }
    for (const def of extraction.definitions) {
      const arch = /^arch\/([^/]+)\//.exec(file)?.[1];
      definitions.push({
        name: def.name,
        kind: def.kind,
        file,
        nameRange: {
          start: { line: def.nameLine, character: def.nameCol },
          end: { line: def.nameLine, character: def.nameEndCol },
        },
        range: {
          start: { line: def.startLine, character: def.startCol },
          end: { line: def.endLine, character: def.endCol },
        },
        container: def.container,
        signature: def.sigStart >= 0 ? text.slice(def.sigStart, def.sigEnd).replace(/\s+/g, ' ').trim() : undefined,
        doc: def.docStart >= 0 ? text.slice(def.docStart, def.docEnd) : undefined,
        arch,
        isDeclaration: def.isDeclaration,
        isStatic: def.isStatic,
      });
    }
  }
  const rank = (d: Definition) => (d.arch ? (d.arch === 'x86' ? 1 : 2) : 0) * 2 + (d.isDeclaration ? 1 : 0);
  return {
    root,
    findDefinitions: (name) => definitions.filter((d) => d.name === name).sort((a, b) => rank(a) - rank(b)),
    findDeclarations: (name) => definitions.filter((d) => d.name === name && d.isDeclaration),
    findReferences: async (): Promise<Reference[]> => [],
    searchSymbols: (query) => definitions.filter((d) => d.name.startsWith(query)),
    namesWithPrefix: (prefix, limit) =>
      [...new Set(definitions.map((d) => d.name))]
        .filter((n) => n.toLowerCase().startsWith(prefix.toLowerCase()))
        .slice(0, limit),
    definitionsInFile: (file) => definitions.filter((d) => d.file === file),
    definitionAt: (file, name, line, character) =>
      definitions.find(
        (d) =>
          d.file === file &&
          d.name === name &&
          d.nameRange.start.line === line &&
          d.nameRange.start.character === character,
      ),
    functionAt: (file, name, line) => {
      const candidates = definitions.filter((d) => d.file === file && d.name === name && d.kind === 'function');
      return candidates.find((d) => d.range.start.line <= line && line <= d.range.end.line) ?? candidates[0];
    },
    filesMentioning: (name) => [...(mentions.get(name) ?? [])].sort(),
    absolutePath: (file) => path.join(root, file),
    relativePath: (absolute) => path.relative(root, absolute),
    stats: () => ({
      files: 0,
      symbols: definitions.length,
      references: 0,
      skipped: 0,
      skippedByReason: {},
      seconds: 0,
      fromCache: 0,
      parsed: 0,
    }),
  };
}
