/**
 * Go to Definition over the whole tree: which of the same-named definitions a kernel reader means, first.
 *
 * A name can have dozens of definitions in a kernel tree (a `static` helper in several files, an arch hook in
 * every `arch/`, a struct member named like a function). C answers part of the question itself: a `static`
 * definition is only visible in its own file (or in the files including its header), a struct member is only
 * named after `.` or `->`. The rest is where a reader looks first. The order, most important first:
 *   1. member accesses (`p->f`, `s.f`, `.f =`) want struct members, plain names never do;
 *   2. definitions before declarations (prototypes, `extern`, forward declarations);
 *   3. the asking file's own definition (its static helper);
 *   4. definitions the asking file can see: in a header it includes (includeClosure.ts, for its architecture),
 *      or with external linkage (a non-static function or variable of a `.c` file); then `static` ones of
 *      other `.c` files;
 *   5. the same directory;
 *   6. the same program: kernel code never means a definition of tools/, scripts/ or a boot stub (nor back);
 *   7. the asking file's architecture (`arch/<arch>/...` asks for its own variant), and never another
 *      architecture than it and the preferred one before those;
 *   8. by kind: functions, then macros, then types, then variables and enumerators; for a `CONFIG_X` token its
 *      Kconfig entry `config X` first (seen by every file through the generated autoconf.h);
 *   9. generic code, then the preferred architecture, then the asm-generic fallbacks an architecture replaces,
 *      then the other architectures;
 *  10. a function in a `.c` file before a header's stub of the same name; `include/linux/`, then the rest of
 *      `include/`, then other folders; then path and line, so the answer never depends on the order files were
 *      indexed in.
 * Plain names drop struct members altogether (a member is never what a plain name means), member accesses
 * keep only members; declarations are dropped when there is a definition. The definition under the cursor
 * itself comes first (asking on a definition shows it), unless it is only a declaration.
 */
import type { Definition, DefinitionKind, KernelIndex } from './types';
import { includeClosure } from './includeClosure';
import { archOfPath } from '../parsing/kernelFiles';

export interface DefinitionQuery {
  /** The name under the cursor. */
  name: string;
  /** Tree-relative path of the asking file (undefined outside the tree). */
  file?: string;
  /** The name is a member access or a designated initialiser (`.`/`->` before it). */
  isMember: boolean;
  /**
   * The name follows `struct`, `union` or `enum` (true) or not (false): C keeps tags in a namespace of their own,
   * so `kmem_cache_node` alone never means `struct kmem_cache_node`, and `struct page` never a function.
   */
  isTag?: boolean;
  /** 0-based position of the name's first character, to recognise the definition under the cursor. */
  line?: number;
  character?: number;
  preferredArch: string;
  /**
   * The asking file's current text (an unsaved buffer): its `#include` lines decide which headers it sees.
   * Without it the file is read from the tree when the files it sees are needed.
   */
  sourceText?: string;
  /** The files the asking file sees (itself and the headers it includes), when already known. */
  visibleFiles?: { has(file: string): boolean };
}

/** The answers of Go to Definition for `query`, best first. */
export function orderedDefinitions(
  index: Pick<KernelIndex, 'findDefinitions' | 'definitionAt' | 'root'>,
  query: DefinitionQuery,
): Definition[] {
  // Only the candidates are built (a name like `flags` has thousands of member definitions); the definition
  // under the cursor is kept whatever its kind.
  let candidates = index.findDefinitions(query.name, (kind) => (kind === 'field') === query.isMember);
  if (candidates.length === 0 && !query.isMember) candidates = index.findDefinitions(query.name);
  if (query.file !== undefined && query.line !== undefined && query.character !== undefined) {
    const self = index.definitionAt(query.file, query.name, query.line, query.character);
    const isSelf = (d: Definition) => d.file === self?.file && d.nameRange.start.line === self.nameRange.start.line;
    if (self && !candidates.some(isSelf)) candidates = [self, ...candidates];
  }
  // Which headers the file sees matters only when there is a choice (most names have one definition), and only for
  // a candidate that is neither in the asking file nor linked from a .c file (sortByRelevance's isVisible): the
  // closure is built on the first such question. Building it for every new asking file was most of Go to
  // Definition's time after the whole-document parse on the bench's clicks over 6.12 (docs/benchmark.md).
  if (query.visibleFiles === undefined && query.file !== undefined && new Set(candidates.map((d) => d.file)).size > 1) {
    const { root } = index;
    const { file, preferredArch, sourceText } = query;
    let closure: ReadonlySet<string> | undefined;
    query = {
      ...query,
      visibleFiles: { has: (other) => (closure ??= includeClosure(root, file, preferredArch, sourceText)).has(other) },
    };
  }
  return orderDefinitions(candidates, query);
}

export function orderDefinitions(all: Definition[], query: DefinitionQuery): Definition[] {
  const underCursor = all.find(
    (d) =>
      d.file === query.file && d.nameRange.start.line === query.line && d.nameRange.start.character === query.character,
  );
  let candidates = all.filter((d) => (d.kind === 'field') === query.isMember);
  if (candidates.length === 0 && !query.isMember) candidates = all;
  const real = candidates.filter((d) => !d.isDeclaration);
  if (real.length > 0) candidates = real;
  const ranked = sortByRelevance(candidates, query);
  if (underCursor && !underCursor.isDeclaration) return [underCursor, ...ranked.filter((d) => d !== underCursor)];
  return ranked;
}

const KIND_RANK: Record<DefinitionKind, number> = {
  function: 0,
  generated: 0,
  prototype: 0,
  'function-macro': 1,
  macro: 1,
  struct: 2,
  union: 2,
  enum: 2,
  typedef: 2,
  variable: 3,
  enumerator: 3,
  kconfig: 3,
  field: 4,
};

/** What `struct`, `union` and `enum` name. */
const TAG_KINDS = new Set<DefinitionKind>(['struct', 'union', 'enum']);

/** Kinds a file reaches in another `.c` file through the linker (a prototype or `extern` declaration). */
const LINKED_KINDS = new Set<DefinitionKind>(['function', 'generated', 'prototype', 'variable']);

function directoryOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '' : file.slice(0, slash);
}

/**
 * Code of another program than the kernel: user-space tools and selftests, build scripts, the boot stubs. A name
 * asked about in kernel code never means their definitions (a `max()` function of a selftest, `u64` of a
 * tool's header), and the other way round.
 */
function programOf(file: string): 'kernel' | 'tools' {
  return /^(tools|scripts|samples|usr|Documentation)\//.test(file) || /^arch\/[^/]+\/boot\//.test(file)
    ? 'tools'
    : 'kernel';
}

/** Generic code, the preferred architecture, the generic fallbacks an architecture may replace, other arches. */
function archRank(file: string, arch: string | undefined, preferredArch: string): number {
  if (arch === preferredArch) return 1;
  if (arch !== undefined) return 3;
  return /^include\/(uapi\/)?asm-generic\//.test(file) ? 2 : 0;
}

export function sortByRelevance(definitions: Definition[], query: DefinitionQuery): Definition[] {
  const askingDirectory = query.file !== undefined ? directoryOf(query.file) : undefined;
  const askingArch = archOfPath(query.file);
  const askingProgram = programOf(query.file ?? '');
  const visibleFiles = query.visibleFiles;
  const isConfigSymbol = query.name.startsWith('CONFIG_');
  const isVisible = (d: Definition): boolean =>
    visibleFiles === undefined ||
    // The build includes the generated autoconf.h in every file: a Kconfig entry is seen everywhere.
    d.kind === 'kconfig' ||
    d.file === query.file ||
    visibleFiles.has(d.file) ||
    (!d.isStatic && d.file.endsWith('.c') && LINKED_KINDS.has(d.kind));
  const keyOf = (d: Definition): number[] => {
    const arch = d.arch ?? archOfPath(d.file);
    return [
      d.isDeclaration ? 1 : 0,
      query.isTag === undefined || TAG_KINDS.has(d.kind) === query.isTag ? 0 : 1,
      d.file === query.file ? 0 : 1,
      isVisible(d) ? 0 : 1,
      d.isStatic && d.file !== query.file && d.file.endsWith('.c') ? 1 : 0,
      directoryOf(d.file) === askingDirectory ? 0 : 1,
      programOf(d.file) === askingProgram ? 0 : 1,
      askingArch !== undefined && arch === askingArch ? 0 : 1,
      // Another architecture's definition is never what this code means, whatever its kind.
      arch !== undefined && arch !== askingArch && arch !== query.preferredArch ? 1 : 0,
      // CONFIG_X: the Kconfig entry before C fallbacks (`#ifndef CONFIG_NR_CPUS` / `#define CONFIG_NR_CPUS 1`).
      isConfigSymbol && d.kind === 'kconfig' ? -1 : (KIND_RANK[d.kind] ?? 5),
      archRank(d.file, arch, query.preferredArch),
      d.kind === 'function' && d.file.endsWith('.h') ? 1 : 0,
      d.file.startsWith('include/linux/') ? 0 : d.file.startsWith('include/') ? 1 : 2,
    ];
  };
  const keyed = definitions.map((definition) => ({ definition, key: keyOf(definition) }));
  keyed.sort((a, b) => {
    for (let k = 0; k < a.key.length; k++) if (a.key[k] !== b.key[k]) return a.key[k] - b.key[k];
    const x = a.definition,
      y = b.definition;
    return (
      (x.file < y.file ? -1 : x.file > y.file ? 1 : 0) ||
      x.nameRange.start.line - y.nameRange.start.line ||
      x.nameRange.start.character - y.nameRange.start.character
    );
  });
  return keyed.map((entry) => entry.definition);
}

/** `.name` or `->name` (not `...`): the identifier starting at `start` names a struct member. */
export function isMemberAccessAt(text: string, start: number): boolean {
  let i = start - 1;
  for (;;) {
    while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i--;
    // A line splice between the operator and the name.
    if (i >= 0 && text[i] === '\\' && /[\r\n]/.test(text[i + 1] ?? '')) {
      i--;
      continue;
    }
    break;
  }
  if (i < 0) return false;
  if (text[i] === '.') return text[i - 1] !== '.';
  return text[i] === '>' && text[i - 1] === '-';
}

/** The identifier starting at `start` follows the keyword `struct`, `union` or `enum` (blanks and splices between). */
export function isTagAt(text: string, start: number): boolean {
  const from = Math.max(0, start - 64);
  const before = (from === 0 ? ' ' : '') + text.slice(from, start).replace(/\\\r?\n/g, '');
  return /[^\w$](?:struct|union|enum)\s+$/.test(before);
}
