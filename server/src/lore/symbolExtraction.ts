import type { ThreadRelation } from '../../../protocol';
import { C_KEYWORDS } from '../parsing/cVocabulary';
import type { SymbolMention } from './types';

/**
 * Finds what a mail message is about: files and functions its own diff changes (relation `patch`), identifiers a
 * reply quotes or discusses (`review`), and identifiers a non-reply only names (`mention`). Works on the plain text
 * body line by line; quoted lines (`> `) are unquoted first so a quoted diff still yields files and functions.
 */

export interface ExtractedSymbols {
  files: string[];
  hunkFunctions: string[];
  symbols: SymbolMention[];
  /** The message's own (unquoted) diff text, for patch-id matching; "" when it has none. */
  diff: string;
}

/**
 * Words a mail names that are never a symbol worth a thread: the C vocabulary of the front ends, plus the
 * constants and branch hints every patch is full of.
 */
const NOT_SYMBOLS: ReadonlySet<string> = new Set([
  ...C_KEYWORDS,
  'bool',
  'true',
  'false',
  'NULL',
  'unlikely',
  'likely',
  'noinline',
  '__always_inline',
]);

/** Identifiers kept per message, so one giant patch cannot blow up the symbol map. */
export const MAX_SYMBOLS_PER_MESSAGE = 3000;

const RELATION_RANK: Record<ThreadRelation, number> = { patch: 0, review: 1, mention: 2 };

export function relationRank(relation: ThreadRelation): number {
  return RELATION_RANK[relation];
}

/**
 * How closely a message is about a symbol, finer than its relation (lower is closer): its own diff adds or removes
 * the symbol (the name is on removed lines and not on added ones, or the reverse), its diff changes code that uses
 * it (on both sides, or inside the function it names), a reply discusses it, a message only names it. The first two
 * are both relation `patch`; ranking puts the patch that removed pmd_devmap() before one that edits a line calling it.
 */
export const SYMBOL_RANK = { addsOrRemoves: 0, changes: 1, review: 2, mention: 3 } as const;
const RANK_OF_RELATION: Record<ThreadRelation, number> = {
  patch: SYMBOL_RANK.changes,
  review: SYMBOL_RANK.review,
  mention: SYMBOL_RANK.mention,
};
const RELATION_OF_RANK: ThreadRelation[] = ['patch', 'patch', 'review', 'mention'];

/** The rank a relation has when nothing finer is known (bundled data, the catalog). */
export function rankOfRelation(relation: ThreadRelation): number {
  return RANK_OF_RELATION[relation];
}

export function relationOfRank(rank: number): ThreadRelation {
  return RELATION_OF_RANK[rank] ?? 'mention';
}

const DIFF_GIT = /^diff --git a\/(\S+) b\/(\S+)/;
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
const DIFF_META =
  /^(?:index |new file mode|deleted file mode|old mode|new mode|similarity index|rename from|rename to|copy from|copy to|Binary files|--- |\+\+\+ )/;

/** Removes the quote markers of a line: "> > foo" → { depth: 2, text: "foo" }. */
export function unquote(line: string): { depth: number; text: string } {
  const first = line.charCodeAt(0);
  // Most lines are not quoted: skip the regular expression for them.
  if (first !== 0x3e /* > */ && first !== 0x20 && first !== 0x09) return { depth: 0, text: line };
  const match = /^((?:[ \t]?>)+) ?/.exec(line);
  if (!match) return { depth: 0, text: line };
  return { depth: (match[1].match(/>/g) ?? []).length, text: line.slice(match[0].length) };
}

/** The function a hunk header names: `@@ … @@ struct page *make_device_exclusive(struct mm_struct *mm,` → make_device_exclusive. */
export function functionOfHunkContext(context: string): string | undefined {
  const match = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(context);
  if (match && !NOT_SYMBOLS.has(match[1])) return match[1];
  return undefined;
}

interface DiffState {
  /** Lines of the current hunk still expected on the old and new side; both 0 between hunks. */
  oldLeft: number;
  newLeft: number;
  /**
   * The function the next changed line sits in: the hunk header's, until a definition line or a closing brace
   * at column 0 inside the hunk says otherwise. git's hunk header names the function *before* the hunk, so a
   * hunk that starts between two functions changes the second one, not the one its header names.
   */
  fn?: string;
}

/** A function definition line in kernel style: starts at column 0 with a type, names the function before `(`. */
const DEFINITION_LINE = /^[A-Za-z_][A-Za-z0-9_ \t*]*?\b([A-Za-z_][A-Za-z0-9_]*)\s*\([^;]*$/;

function isWordCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f
  );
}

/**
 * Calls `visit(start, end)` for each maximal run of [A-Za-z0-9_] in `text` that does not start with a digit.
 * A hand-written scan: it replaced two regular expressions that took a third of the time to read a large archive.
 */
function forEachWord(text: string, visit: (start: number, end: number) => void, from = 0): void {
  const length = text.length;
  let i = from;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (!isWordCode(code)) {
      i++;
      continue;
    }
    const start = i;
    while (i < length && isWordCode(text.charCodeAt(i))) i++;
    if (code > 0x39 || code < 0x30) visit(start, i);
  }
}

/**
 * Where a message's symbols go instead of the returned list: a mail index writes them straight into its
 * symbol table (one Map lookup per identifier instead of two; measured 1.1 s of 8 s on a 15,000-message
 * archive). `add` may be called several times for one symbol; the sink keeps the best (lowest) rank and at
 * most MAX_SYMBOLS_PER_MESSAGE distinct symbols per message.
 */
export interface SymbolSink {
  add(symbol: string, rank: number): void;
}

/** After the diff marker, the line is (in) a comment: ` * text`, `/* text`, `// text`. */
function startsComment(line: string): boolean {
  let i = 1;
  while (i < line.length && (line.charCodeAt(i) === 0x20 || line.charCodeAt(i) === 0x09)) i++;
  const code = line.charCodeAt(i);
  return code === 0x2a /* * */ || (code === 0x2f /* / */ && (line[i + 1] === '*' || line[i + 1] === '/'));
}

/** Sides of the own diff a name was seen on: removed lines, added lines. */
const REMOVED_SIDE = 1;
const ADDED_SIDE = 2;

class SymbolCollector {
  private readonly best = new Map<string, number>();
  /** Names on changed lines of the message's own diff, by side, decided at the end (addsOrRemoves or changes). */
  private readonly sides = new Map<string, number>();

  constructor(private readonly sink?: SymbolSink) {}

  add(symbol: string, relation: ThreadRelation): void {
    this.addRank(symbol, RANK_OF_RELATION[relation]);
  }

  private addRank(symbol: string, rank: number): void {
    if (symbol.length < 3 || NOT_SYMBOLS.has(symbol)) return;
    if (this.sink) {
      this.sink.add(symbol, rank);
      return;
    }
    const previous = this.best.get(symbol);
    if (previous === undefined) {
      if (this.best.size >= MAX_SYMBOLS_PER_MESSAGE) return;
      this.best.set(symbol, rank);
    } else if (rank < previous) {
      this.best.set(symbol, rank);
    }
  }

  /** Every identifier of a code line (a maximal word that does not start with a digit). */
  addIdentifiers(text: string, relation: ThreadRelation, from = 0): void {
    forEachWord(text, (start, end) => this.add(text.slice(start, end), relation), from);
  }

  /** Every identifier of a removed or added line of the message's own diff. */
  addDiffSide(text: string, side: number): void {
    const sides = this.sides;
    forEachWord(
      text,
      (start, end) => {
        if (end - start < 3) return;
        const symbol = text.slice(start, end);
        sides.set(symbol, (sides.get(symbol) ?? 0) | side);
      },
      1,
    );
  }

  /** A name seen on one side only was added or removed by the diff; on both, code using it changed. */
  finishDiff(): void {
    for (const [symbol, sides] of this.sides)
      this.addRank(symbol, sides === (REMOVED_SIDE | ADDED_SIDE) ? SYMBOL_RANK.changes : SYMBOL_RANK.addsOrRemoves);
    this.sides.clear();
  }

  /**
   * Identifiers in prose count only when they look like code: with an underscore (`pmd_devmap`, `_PAGE_DEVMAP`),
   * or followed by `()` (`folio_walk_start()`, `walk()`).
   */
  addProseIdentifiers(text: string, relation: ThreadRelation): void {
    forEachWord(text, (start, end) => {
      const underscore = text.indexOf('_', start);
      if (
        (underscore >= 0 && underscore < end) ||
        (text.charCodeAt(end) === 0x28 /* ( */ && text.charCodeAt(end + 1) === 0x29) /* ) */
      )
        this.add(text.slice(start, end), relation);
    });
  }

  result(): SymbolMention[] {
    return [...this.best].map(([symbol, rank]) =>
      rank === SYMBOL_RANK.addsOrRemoves
        ? { symbol, relation: 'patch', addsOrRemoves: true }
        : { symbol, relation: RELATION_OF_RANK[rank] },
    );
  }
}

/**
 * @param isReply the message answers another one (In-Reply-To/References or "Re:"): its prose discusses (review),
 *   while a patch or cover letter only mentions what its prose names.
 */
export function extractSymbols(
  subject: string,
  body: string,
  isReply: boolean,
  deadline?: { check(): void },
  sink?: SymbolSink,
): ExtractedSymbols {
  const collector = new SymbolCollector(sink);
  const files = new Set<string>();
  const hunkFunctions = new Set<string>();
  const proseRelation: ThreadRelation = isReply ? 'review' : 'mention';
  const ownDiff: string[] = [];
  // Diff state per quote depth: a reply may quote a diff (depth >= 1) and carry its own (depth 0).
  // Inside a hunk the header's line counts decide what belongs to it, so copies whose context lines lost their
  // leading space (web archives, some mailers) are still read as diff.
  const diffs = new Map<number, DiffState>();

  collector.addProseIdentifiers(stripSubjectPrefixes(subject), proseRelation);

  let lineNumber = 0;
  for (const line of body.split('\n')) {
    // A per-message time limit, checked now and then (mail is untrusted; one message must not stall a source).
    if (deadline && (++lineNumber & 2047) === 0) deadline.check();
    const { depth, text } = unquote(line.endsWith('\r') ? line.slice(0, -1) : line);
    const own = depth === 0;
    const diffRelation: ThreadRelation = own ? 'patch' : 'review';
    const state = diffs.get(depth);
    // Cheap first-character tests before the regular expressions: most lines are neither.
    const gitHeader = text.charCodeAt(0) === 0x64 /* d */ ? DIFF_GIT.exec(text) : null;
    if (gitHeader) {
      diffs.set(depth, { oldLeft: 0, newLeft: 0, fn: undefined });
      files.add(gitHeader[2]);
      collector.add(gitHeader[2], diffRelation);
      if (own) ownDiff.push(text);
      continue;
    }
    if (state && text === '-- ') {
      // git format-patch signature: the diff is over whatever the hunk counts say.
      diffs.delete(depth);
      continue;
    }
    // A hunk header always starts a new hunk, even when a damaged copy lost lines of the previous one.
    const hunk = state && text.charCodeAt(0) === 0x40 /* @ */ ? HUNK_HEADER.exec(text) : null;
    if (state && hunk) {
      state.oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      state.newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      // The header names the function the hunk starts in; it is changed if a change comes before another one starts.
      state.fn = functionOfHunkContext(hunk[5]);
      if (own) ownDiff.push(text);
      continue;
    }
    if (state && (state.oldLeft > 0 || state.newLeft > 0)) {
      const marker = text[0];
      if (marker === '+') state.newLeft--;
      else if (marker === '-') state.oldLeft--;
      else if (marker !== '\\') {
        state.oldLeft--;
        state.newLeft--;
      }
      if (marker !== '\\') {
        const code = text.charCodeAt(1);
        if (code === 0x7d /* } */) state.fn = undefined;
        else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f) {
          const name = DEFINITION_LINE.exec(text.slice(1))?.[1];
          if (name && !NOT_SYMBOLS.has(name)) state.fn = name;
        }
      }
      if (marker === '+' || marker === '-') {
        // Names inside changed comments are talked about, not changed: "do_swap_page() will trigger ...".
        const inComment = startsComment(text);
        if (own && !inComment) collector.addDiffSide(text, marker === '-' ? REMOVED_SIDE : ADDED_SIDE);
        else collector.addIdentifiers(text, inComment ? (own ? 'mention' : 'review') : diffRelation, 1);
        if (state.fn && !inComment) {
          hunkFunctions.add(state.fn);
          collector.add(state.fn, diffRelation);
        }
      }
      if (own) ownDiff.push(marker === '+' || marker === '-' || marker === ' ' || marker === '\\' ? text : ` ${text}`);
      continue;
    }
    if (state) {
      if (DIFF_META.test(text)) {
        if (own) ownDiff.push(text);
        continue;
      }
      diffs.delete(depth);
    }
    collector.addProseIdentifiers(text, own ? proseRelation : isReply ? 'review' : 'mention');
  }
  collector.finishDiff();
  return {
    files: [...files],
    hunkFunctions: [...hunkFunctions],
    symbols: collector.result(),
    diff: ownDiff.length ? ownDiff.join('\n') + '\n' : '',
  };
}

/** "Re: [PATCH v2 03/17] mm/rmap: foo" → "mm/rmap: foo". */
export function stripSubjectPrefixes(subject: string): string {
  let rest = subject.trim();
  for (;;) {
    const next = rest.replace(/^(?:(?:re|fwd?|aw)\s*:\s*|\[[^\]]*\]\s*)/i, '');
    if (next === rest) return rest;
    rest = next;
  }
}

export interface PatchSubjectInfo {
  isPatch: boolean;
  version?: number;
  number?: number;
  total?: number;
}

/** Reads "[PATCH v3 04/12]", "[RFC PATCH 2/5]", "[PATCH RFC v2 00/12]" from a subject. */
export function parsePatchSubject(subject: string): PatchSubjectInfo {
  const tag = /\[([^\]]*\bPATCH\b[^\]]*)\]/i.exec(subject);
  if (!tag) return { isPatch: false };
  const version = /\bv(\d+)\b/i.exec(tag[1]);
  const numbering = /\b(\d+)\/(\d+)\b/.exec(tag[1]);
  return {
    isPatch: true,
    version: version ? Number(version[1]) : 1,
    number: numbering ? Number(numbering[1]) : undefined,
    total: numbering ? Number(numbering[2]) : undefined,
  };
}
