import { tokenize, TokenKind, FLAG_DEAD } from '../parsing/lexer';
import { kernelFileKind } from '../parsing/kernelFiles';
import { lookupSymbol, type Catalog } from '../knowledge/catalog';
import { symbolFacts } from '../knowledge/symbolFacts';
import type { KernelVersion } from '../base/kernelVersion';
import { functionOfHunkContext } from '../lore/symbolExtraction';
import type { AppliedFile } from './treeOverlay';
import type { DiffLine, ReviewSymbolJson, SymbolRelation } from './types';

/**
 * Which tracked symbols a patch touches, calls or stops calling. Identifiers are read with the project's C lexer
 * over each hunk's old and new side (so comments, strings and `#if 0` never count), a call being an identifier
 * followed by `(`; a symbol is "tracked" when the knowledge catalog has an entry for it, and each comes with its
 * one-line explanation and release facts from the knowledge layer (knowledge/symbolFacts.ts, the facts the hover
 * shows). Touched functions come from the function analysis (post- and pre-image), or from a hunk's header when
 * the hunk does not apply.
 */

export interface SymbolUse {
  /** name -> relations, collected over the patches of a series. */
  relations: Map<string, Set<SymbolRelation>>;
  /** name -> 1-based patch numbers. */
  patches: Map<string, Set<number>>;
}

export function newSymbolUse(): SymbolUse {
  return { relations: new Map(), patches: new Map() };
}

function note(use: SymbolUse, name: string, relation: SymbolRelation, patch: number): void {
  let relations = use.relations.get(name);
  if (!relations) use.relations.set(name, (relations = new Set()));
  relations.add(relation);
  let patches = use.patches.get(name);
  if (!patches) use.patches.set(name, (patches = new Set()));
  patches.add(patch);
}

/** Records the identifiers a file's hunks add and remove, and the functions they touch. */
export function collectSymbolUse(
  use: SymbolUse,
  patch: number,
  applied: AppliedFile,
  touchedFunctions: string[],
): void {
  for (const name of touchedFunctions) note(use, name, 'touched', patch);
  for (const hunk of applied.hunks) {
    if (!hunk.applies) {
      const name = functionOfHunkContext(hunk.hunk.context);
      if (name) note(use, name, 'touched', patch);
    }
  }
  if (kernelFileKind(applied.file) !== 'c') return;
  for (const hunk of applied.hunks) {
    const added = identifiersOf(hunk.hunk.lines, '+');
    const removed = identifiersOf(hunk.hunk.lines, '-');
    for (const [name, count] of added.calls)
      if (count > (removed.calls.get(name) ?? 0)) note(use, name, 'call-added', patch);
    for (const [name, count] of removed.calls)
      if (count > (added.calls.get(name) ?? 0)) note(use, name, 'call-removed', patch);
    for (const [name, count] of added.uses)
      if (count > (removed.uses.get(name) ?? 0)) note(use, name, 'use-added', patch);
    for (const [name, count] of removed.uses)
      if (count > (added.uses.get(name) ?? 0)) note(use, name, 'use-removed', patch);
    // On changed lines without a net change (a call moved, or one use replaced by another): still touched.
    for (const table of [added.calls, added.uses, removed.calls, removed.uses])
      for (const name of table.keys()) if (!use.relations.get(name)?.size) note(use, name, 'changed-line', patch);
  }
}

interface Identifiers {
  calls: Map<string, number>;
  uses: Map<string, number>;
}

/** Identifiers on the lines of one kind, read on the side that has them (context included for the lexer's state). */
function identifiersOf(lines: DiffLine[], kind: '+' | '-'): Identifiers {
  const side = lines.filter((line) => line.kind === ' ' || line.kind === kind);
  const result: Identifiers = { calls: new Map(), uses: new Map() };
  if (!side.some((line) => line.kind === kind)) return result;
  const tokens = tokenize(side.map((line) => line.text).join('\n'));
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.kind[i] !== TokenKind.Identifier || tokens.flags[i] & FLAG_DEAD) continue;
    if (side[tokens.line[i]]?.kind !== kind) continue;
    const name = tokens.tokenText(i);
    const next = i + 1 < tokens.count ? i + 1 : -1;
    const isCall = next >= 0 && tokens.kind[next] === TokenKind.Punct && tokens.tokenText(next) === '(';
    const table = isCall ? result.calls : result.uses;
    table.set(name, (table.get(name) ?? 0) + 1);
  }
  return result;
}

/** The tracked symbols among what the patches touched, with their facts, in a stable order. */
export function trackedSymbols(
  use: SymbolUse,
  catalog: Catalog,
  version: KernelVersion | undefined,
  definedInTree?: (name: string) => boolean | undefined,
): ReviewSymbolJson[] {
  const out: ReviewSymbolJson[] = [];
  const seen = new Set<string>();
  for (const [name, relations] of use.relations) {
    const entry = lookupSymbol(name, catalog);
    if (!entry || seen.has(entry.name)) continue;
    seen.add(entry.name);
    const facts = symbolFacts(entry, { version, definedInTree: definedInTree?.(name) });
    out.push({
      name,
      relations: [...relations].sort(),
      kind: facts.kind,
      summary: facts.summary,
      status: facts.status.text,
      state: facts.status.state,
      introduced: facts.introduced,
      removed: facts.removed,
      changed: facts.changed.map((change) => ({ release: change.release, what: change.what })),
      replacement: facts.replacement,
      duties: facts.callerDuties,
      sources: facts.sources,
      patches: [...(use.patches.get(name) ?? [])].sort((a, b) => a - b),
    });
  }
  return out.sort((a, b) => a.patches[0] - b.patches[0] || a.name.localeCompare(b.name));
}
