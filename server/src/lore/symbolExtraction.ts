import type { ThreadRelation } from '../../../protocol';
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

const C_KEYWORDS = new Set([
  'auto',
  'break',
  'case',
  'char',
  'const',
  'continue',
  'default',
  'do',
  'double',
  'else',
  'enum',
  'extern',
  'float',
  'for',
  'goto',
  'if',
  'inline',
  'int',
  'long',
  'register',
  'return',
  'short',
  'signed',
  'sizeof',
  'static',
  'struct',
  'switch',
  'typedef',
  'union',
  'unsigned',
  'void',
  'volatile',
  'while',
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
const MAX_SYMBOLS_PER_MESSAGE = 3000;

const RELATION_RANK: Record<ThreadRelation, number> = { patch: 0, review: 1, mention: 2 };

export function relationRank(relation: ThreadRelation): number {
  return RELATION_RANK[relation];
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;
/** In prose only names that look like code count: with an underscore, or followed by `()`. */
const PROSE_IDENTIFIER = /\b([A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*|_[A-Za-z0-9_]+|[A-Za-z][A-Za-z0-9_]*(?=\(\)))/g;
const DIFF_GIT = /^diff --git a\/(\S+) b\/(\S+)/;
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
const DIFF_META =
  /^(?:index |new file mode|deleted file mode|old mode|new mode|similarity index|rename from|rename to|copy from|copy to|Binary files|--- |\+\+\+ )/;

/** Removes the quote markers of a line: "> > foo" → { depth: 2, text: "foo" }. */
export function unquote(line: string): { depth: number; text: string } {
  const match = /^((?:[ \t]?>)+) ?/.exec(line);
  if (!match) return { depth: 0, text: line };
  return { depth: (match[1].match(/>/g) ?? []).length, text: line.slice(match[0].length) };
}

/** The function a hunk header names: `@@ … @@ struct page *make_device_exclusive(struct mm_struct *mm,` → make_device_exclusive. */
export function functionOfHunkContext(context: string): string | undefined {
  const match = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(context);
  if (match && !C_KEYWORDS.has(match[1])) return match[1];
  return undefined;
}

interface DiffState {
  /** Lines of the current hunk still expected on the old and new side; both 0 between hunks. */
  oldLeft: number;
  newLeft: number;
}

class SymbolCollector {
  private readonly best = new Map<string, ThreadRelation>();

  add(symbol: string, relation: ThreadRelation): void {
    if (symbol.length < 3 || C_KEYWORDS.has(symbol)) return;
    const previous = this.best.get(symbol);
    if (previous === undefined) {
      if (this.best.size >= MAX_SYMBOLS_PER_MESSAGE) return;
      this.best.set(symbol, relation);
    } else if (RELATION_RANK[relation] < RELATION_RANK[previous]) {
      this.best.set(symbol, relation);
    }
  }

  addAll(text: string, pattern: RegExp, relation: ThreadRelation): void {
    for (const match of text.matchAll(pattern)) this.add(match[1] ?? match[0], relation);
  }

  result(): SymbolMention[] {
    return [...this.best].map(([symbol, relation]) => ({ symbol, relation }));
  }
}

/**
 * @param isReply the message answers another one (In-Reply-To/References or "Re:"): its prose discusses (review),
 *   while a patch or cover letter only mentions what its prose names.
 */
export function extractSymbols(subject: string, body: string, isReply: boolean): ExtractedSymbols {
  const collector = new SymbolCollector();
  const files = new Set<string>();
  const hunkFunctions = new Set<string>();
  const proseRelation: ThreadRelation = isReply ? 'review' : 'mention';
  const ownDiff: string[] = [];
  // Diff state per quote depth: a reply may quote a diff (depth >= 1) and carry its own (depth 0).
  // Inside a hunk the header's line counts decide what belongs to it, so copies whose context lines lost their
  // leading space (web archives, some mailers) are still read as diff.
  const diffs = new Map<number, DiffState>();

  collector.addAll(stripSubjectPrefixes(subject), PROSE_IDENTIFIER, proseRelation);

  for (const line of body.split('\n')) {
    const { depth, text } = unquote(line.replace(/\r$/, ''));
    const own = depth === 0;
    const diffRelation: ThreadRelation = own ? 'patch' : 'review';
    const state = diffs.get(depth);
    const gitHeader = DIFF_GIT.exec(text);
    if (gitHeader) {
      diffs.set(depth, { oldLeft: 0, newLeft: 0 });
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
    const hunk = state ? HUNK_HEADER.exec(text) : null;
    if (state && hunk) {
      state.oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      state.newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      const fn = functionOfHunkContext(hunk[5]);
      if (fn) {
        hunkFunctions.add(fn);
        // The hunk header names the function the hunk sits in: that function is changed by this diff.
        collector.add(fn, diffRelation);
      }
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
      if (marker === '+' || marker === '-') {
        // Names inside changed comments are talked about, not changed: "do_swap_page() will trigger ...".
        const inComment = /^\s*(?:\*|\/\*|\/\/)/.test(text.slice(1));
        collector.addAll(text.slice(1), IDENTIFIER, inComment ? (own ? 'mention' : 'review') : diffRelation);
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
    collector.addAll(text, PROSE_IDENTIFIER, own ? proseRelation : isReply ? 'review' : 'mention');
  }
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
