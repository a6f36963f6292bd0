/**
 * Workspace symbols of the whole-tree index: the names ranked by symbolSearch.ts (over the index's defined names)
 * together with the names defined only in edited files (ranked the same way), each turned into its definitions.
 * The same answer whatever the load: no time budget anywhere.
 */
import type { IndexData } from './indexData';
import type { Definition, QueryOptions } from './types';
import { SymbolSearch, rankName } from './symbolSearch';

/** What the search reads of the index it serves. */
export interface SymbolSource {
  readonly data: IndexData;
  /** Name id -> start of its files in the postings (usage, the tie-break inside a rank). */
  readonly nameFileStart: Uint32Array;
  findDefinitions(name: string): Definition[];
  /** By name id, 1 when the index defines the name only as struct or union members (ranked after other names). */
  memberOnlyNames(): Uint8Array;
  /** Names defined by each edited file (open documents, changed files). */
  overlayDefinedNames(): Iterable<ReadonlySet<string>>;
}

export class WorkspaceSymbols {
  private searcher: SymbolSearch | undefined;
  private namesPending = false;
  private namesSorted: Promise<void> = Promise.resolve();

  constructor(private readonly source: SymbolSource) {}

  /**
   * Workspace symbols, ranked by symbolSearch.ts (exact > prefix or abbreviation of every word > other word
   * prefixes > subsequence; names that are not only struct members, then the more used, first). Each name gives its definitions (declarations only when it has none), best first.
   */
  search(query: string, options: QueryOptions = {}): Definition[] {
    const limit = options.limit ?? 100;
    const q = query.trim();
    if (q === '') return [];
    const source = this.source;
    if (this.namesPending) {
      // The names are still being sorted on another thread (the seconds after a cold index): the exact name only.
      const definitions = source.findDefinitions(q);
      const real = definitions.filter((definition) => !definition.isDeclaration);
      return (real.length > 0 ? real : definitions).slice(0, limit);
    }
    const ranked: Array<{ name: string; rank: number; order: number }> = this.symbolSearch()
      .search(q, limit)
      .map(({ id, rank }, order) => ({ name: source.data.names.name(id), rank, order }));
    const seen = new Set(ranked.map((entry) => entry.name));
    // Every rank starts with the query's first character (word ranks after leading underscores).
    const first = q[0].toLowerCase();
    for (const definedNames of source.overlayDefinedNames()) {
      for (const name of definedNames) {
        if (name.replace(/^_+/, '')[0]?.toLowerCase() !== first && name[0]?.toLowerCase() !== first) continue;
        if (seen.has(name)) continue;
        const rank = rankName(name, q);
        if (rank >= 0) ranked.push({ name, rank, order: ranked.length });
        seen.add(name);
      }
    }
    ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
    // Each name's best definition first, in rank order, then the others (arch variants, a static helper's other
    // files): a name with twenty definitions does not push every other candidate out of the first screen.
    const results: Definition[] = [];
    const others: Definition[] = [];
    for (const { name } of ranked) {
      if (options.isCancelled?.()) break;
      const definitions = source.findDefinitions(name);
      const real = definitions.filter((definition) => !definition.isDeclaration);
      const [best, ...rest] = real.length > 0 ? real : definitions;
      if (!best) continue;
      results.push(best);
      if (results.length >= limit) return results;
      for (const definition of rest) if (results.length + others.length < limit) others.push(definition);
    }
    return [...results, ...others].slice(0, limit);
  }

  /** Builds the search tables in the background (in slices), instead of in the first search. */
  async prepare(): Promise<void> {
    await this.namesSorted;
    if (!this.namesPending) await this.symbolSearch().prepareInSteps();
  }

  /**
   * The builder hands the index out before the defined names are sorted (they are sorted on another thread while
   * the cache is written): until `done`, workspace symbols answer the exact name only, and the search tables,
   * which read the sorted names, are not built (they would be built on an empty table and kept).
   */
  namesSortedWhen(done: Promise<void>): void {
    this.namesPending = true;
    this.namesSorted = done.then(
      () => {
        this.namesPending = false;
      },
      () => undefined, // the sort failed: exact names only, as until now
    );
  }

  private symbolSearch(): SymbolSearch {
    if (!this.searcher) {
      const { bytes, offsets } = this.source.data.names.serialize();
      const names = this.source.data.names;
      this.searcher = new SymbolSearch({
        bytes,
        offsets,
        sorted: this.source.data.sortedNames,
        fileStart: this.source.nameFileStart,
        idOf: (name) => names.get(name),
        memberOnly: this.source.memberOnlyNames(),
      });
    }
    return this.searcher;
  }
}
