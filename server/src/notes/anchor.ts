import type { NoteAnchor } from './model';

/**
 * Anchors notes to code by symbol + fingerprint, and finds them again after edits, rebases or a move to a
 * newer tree. Text-only (no parse), so it works on unsaved buffers and on files of another tree alike.
 */
const CONTEXT_LINES = 2;
/** Below this score the code is considered gone and the note is orphaned. */
const MIN_SCORE = 0.55;

function normaliseLine(line: string): string {
  return line
    .replace(/\/\/.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function neighbours(lines: string[], line: number, direction: -1 | 1): string[] {
  const out: string[] = [];
  for (let i = line + direction; i >= 0 && i < lines.length && out.length < CONTEXT_LINES; i += direction) {
    const text = normaliseLine(lines[i]);
    if (text) out.push(text);
  }
  return out;
}

const FUNCTION_START = /^(?:[A-Za-z_][\w\s*,()]*?[\s*])?([A-Za-z_]\w*)\s*\(/;
const MACRO_START = /^#\s*define\s+([A-Za-z_]\w*)/;
const STRUCT_START = /^(struct|union|enum)\s+([A-Za-z_]\w*)\s*\{/;

/** The definition enclosing `line`: the closest line above that starts a function, macro or struct at column 0. */
function enclosingSymbol(lines: string[], line: number): { name: string; line: number } | undefined {
  for (let i = Math.min(line, lines.length - 1); i >= 0 && line - i < 2000; i--) {
    const text = lines[i];
    if (!text || /^[\s{}]/.test(text) || text.startsWith('/') || text.startsWith('*')) continue;
    const macro = MACRO_START.exec(text);
    if (macro) return { name: macro[1], line: i };
    const struct = STRUCT_START.exec(text);
    if (struct) return { name: `${struct[1]} ${struct[2]}`, line: i };
    if (text.startsWith('#')) continue;
    const fn = FUNCTION_START.exec(text);
    if (fn && !/^(if|for|while|switch|return|sizeof)$/.test(fn[1])) return { name: fn[1], line: i };
    if (/^}/.test(text)) return undefined;
  }
  return undefined;
}

/** Where a symbol starts in a text (function, macro or struct definition, at column 0), if present. */
function findSymbolLine(lines: string[], symbol: string): number | undefined {
  const escaped = symbol.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(' ', '\\s+');
  const pattern = new RegExp(
    `^(?:#\\s*define\\s+${escaped}\\b|${escaped}\\s*\\{|(?:[A-Za-z_][\\w\\s*,()]*?[\\s*])?${escaped}\\s*\\()`,
  );
  for (let i = 0; i < lines.length; i++) {
    if (pattern.test(lines[i]) && !/;\s*$/.test(lines[i])) return i;
  }
  return undefined;
}

export function createAnchor(file: string, text: string, line: number, symbolHint?: string): NoteAnchor {
  const lines = text.split(/\r?\n/);
  const at = Math.max(0, Math.min(line, lines.length - 1));
  const enclosing = enclosingSymbol(lines, at);
  const symbol = symbolHint && findSymbolLine(lines, symbolHint) !== undefined ? symbolHint : enclosing?.name;
  const symbolLine = symbol ? (findSymbolLine(lines, symbol) ?? enclosing?.line) : undefined;
  return {
    file,
    line: at,
    symbol,
    lineInSymbol: symbolLine !== undefined ? at - symbolLine : undefined,
    signature: symbolLine !== undefined ? normaliseLine(lines[symbolLine]) : undefined,
    text: normaliseLine(lines[at] ?? ''),
    before: neighbours(lines, at, -1),
    after: neighbours(lines, at, 1),
  };
}

function tokens(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_]\w*|\d+|[^\s\w]/g) ?? []);
}

/** 1 for equal lines, token overlap (Dice) otherwise. */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (!a || !b) return 0;
  const ta = tokens(a);
  const tb = tokens(b);
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return (2 * common) / (ta.size + tb.size || 1);
}

export interface AnchorMatch {
  line: number;
  score: number;
}

/** Best line for an anchor in a text, or undefined when the code is gone (the note is then orphaned). */
export function resolveAnchor(anchor: NoteAnchor, text: string): AnchorMatch | undefined {
  const lines = text.split(/\r?\n/);
  const normalised = lines.map(normaliseLine);
  const symbolLine = anchor.symbol ? findSymbolLine(lines, anchor.symbol) : undefined;
  const expected =
    symbolLine !== undefined && anchor.lineInSymbol !== undefined ? symbolLine + anchor.lineInSymbol : anchor.line;
  let best: AnchorMatch | undefined;
  for (let i = 0; i < lines.length; i++) {
    const own = similarity(normalised[i], anchor.text);
    if (own < 0.5) continue;
    const before = neighbours(lines, i, -1);
    const after = neighbours(lines, i, 1);
    let context = 0;
    anchor.before.forEach((t, k) => {
      context += similarity(before[k] ?? '', t);
    });
    anchor.after.forEach((t, k) => {
      context += similarity(after[k] ?? '', t);
    });
    const contextCount = anchor.before.length + anchor.after.length;
    let score = 0.6 * own + 0.4 * (contextCount ? context / contextCount : own);
    // Inside the same symbol, near where it was: prefer it over look-alike lines elsewhere.
    if (symbolLine !== undefined && i >= symbolLine) score += 0.1;
    score -= Math.min(0.1, Math.abs(i - expected) / 5000);
    if (!best || score > best.score) best = { line: i, score };
  }
  return best && best.score >= MIN_SCORE ? best : undefined;
}

/** The anchor refreshed at its new place, so it keeps following gradual edits. */
export function reanchor(anchor: NoteAnchor, file: string, text: string, line: number): NoteAnchor {
  const fresh = createAnchor(file, text, line, anchor.symbol);
  return { ...fresh, symbol: fresh.symbol ?? anchor.symbol };
}
