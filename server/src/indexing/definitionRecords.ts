/**
 * A definition as features see it (`Definition`), built from its packed lexical record, and the plain order of a
 * name's definitions. Shared by the whole-tree index (treeIndex.ts) and the cache look-up index (cacheLookup.ts),
 * so both answer alike.
 */
import type { Definition } from './types';
import { normalizeSignature, type LexicalDefinition } from '../parsing/lexicalExtractor';
import { archOfPath } from '../parsing/kernelFiles';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A definition as features see it, from its lexical record: signature and kernel-doc are read from the file only
 * when someone looks at them.
 */
export function definitionOf(
  file: string,
  d: LexicalDefinition,
  textOf: (file: string) => string | undefined,
): Definition {
  const arch = archOfPath(file);
  let text: string | undefined | null = null;
  const source = () => (text === null ? (text = textOf(file)) : text);
  return {
    name: d.name,
    kind: d.kind,
    file,
    nameRange: {
      start: { line: d.nameLine, character: d.nameCol },
      end: { line: d.nameLine, character: d.nameEndCol },
    },
    range: { start: { line: d.startLine, character: d.startCol }, end: { line: d.endLine, character: d.endCol } },
    container: d.container,
    get signature() {
      const t = source();
      return t === undefined ? undefined : normalizeSignature(t.slice(d.sigStart, d.sigEnd));
    },
    get doc() {
      const t = source();
      return t === undefined || d.docStart < 0 ? undefined : t.slice(d.docStart, d.docEnd);
    },
    arch,
    isDeclaration: d.isDeclaration || d.kind === 'prototype',
    isStatic: d.isStatic,
    // Read from the file only when asked (building a definition must not read its file: incoming calls build
    // one per caller).
    get generatedBy() {
      if (d.kind !== 'generated' && d.kind !== 'function') return undefined;
      const invocation = source()?.slice(d.sigStart, d.sigEnd);
      return d.kind === 'generated' || /^[A-Z_0-9]+\(/.test(invocation ?? '') ? invocation : undefined;
    },
  };
}

/** Preferred first: real definitions before declarations, generic before the preferred arch before others. */
export function sortDefinitions(definitions: Definition[], preferredArch: string): Definition[] {
  const archRank = (d: Definition) => (!d.arch ? 0 : d.arch === preferredArch ? 1 : 2);
  // A function defined in a .c file beats a header's inline stub of the same name (`#else` fallbacks).
  const stubRank = (d: Definition) => (d.kind === 'function' && d.file.endsWith('.h') ? 1 : 0);
  return definitions.sort(
    (a, b) =>
      Number(a.isDeclaration ?? false) - Number(b.isDeclaration ?? false) ||
      archRank(a) - archRank(b) ||
      stubRank(a) - stubRank(b) ||
      // Plain code-unit order (paths are ASCII): localeCompare was most of the time of a name with
      // thousands of definitions (6,076 `flags`: 120 ms).
      compareText(a.arch ?? '', b.arch ?? '') ||
      compareText(a.file, b.file) ||
      a.nameRange.start.line - b.nameRange.start.line,
  );
}
