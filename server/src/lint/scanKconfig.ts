import type { LintRuleSet } from './rules';
import type { MatchContext, SymbolEntry } from './ruleTypes';

/** A removed symbol found in a Kconfig or Makefile, with its line-based location. */
export interface LineMatch {
  entry: SymbolEntry;
  context: MatchContext;
  isDefinition: boolean;
  line: number;
  /** UTF-16 columns of the name in the line. */
  column: number;
  endColumn: number;
  lineStart: number;
  /** Offset just past the line's newline (or the end of the text). */
  nextLineStart: number;
}

const WORD = /[A-Za-z0-9_]+/g;

/** Leading whitespace width with tabs to 8 columns, as Kconfig measures help-text indentation. */
function indentWidth(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width++;
    else if (ch === '\t') width = (width + 8) & ~7;
    else break;
  }
  return width;
}

/** The line without a `#` comment and with quoted strings blanked (same length, so columns stay right). */
function codePart(line: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\') {
        out += '  ';
        i++;
        continue;
      }
      if (ch === quote) quote = '';
      out += ' ';
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      out += ' ';
      continue;
    }
    if (ch === '#') break;
    out += ch;
  }
  return out;
}

function* lines(text: string): Generator<{ line: string; index: number; start: number; next: number }> {
  let start = 0;
  for (let index = 0; start <= text.length; index++) {
    const lf = text.indexOf('\n', start);
    const end = lf < 0 ? text.length : lf;
    yield { line: text.slice(start, end).replace(/\r$/, ''), index, start, next: lf < 0 ? text.length : lf + 1 };
    if (lf < 0) break;
    start = lf + 1;
  }
}

/**
 * Kconfig: `config NAME` (definition), `select`/`imply NAME [if EXPR]`, and symbols in `depends on`, `if`,
 * `visible if`, `default ... if`, prompts' `if` and `range`. Comments and help text are ignored, and only the
 * rules' Kconfig symbols (without CONFIG_) count.
 */
export function scanKconfig(text: string, rules: LintRuleSet): LineMatch[] {
  const matches: LineMatch[] = [];
  if (rules.kconfigSymbols.size === 0) return matches;
  let inHelp = false;
  let helpKeywordIndent = 0;
  let helpIndent = -1;
  for (const { line, index, start, next } of lines(text)) {
    const blank = line.trim() === '';
    if (inHelp) {
      if (blank) continue;
      const indent = indentWidth(line);
      if (helpIndent < 0) helpIndent = indent;
      if (indent >= helpIndent && indent > helpKeywordIndent) continue;
      inHelp = false;
    }
    const code = codePart(line);
    const words = [...code.matchAll(WORD)];
    if (words.length === 0) continue;
    const keyword = words[0][0];
    // `help` and the old `---help---` (the dashes are not part of a word).
    if (keyword === 'help' && words.length === 1) {
      inHelp = true;
      helpKeywordIndent = indentWidth(line);
      helpIndent = -1;
      continue;
    }
    let afterIf = false;
    for (let w = 1; w < words.length; w++) {
      const word = words[w][0];
      if (word === 'if') {
        afterIf = true;
        continue;
      }
      const entry = rules.kconfigSymbols.get(word);
      if (!entry) continue;
      let context: MatchContext = 'kconfig-depends';
      let isDefinition = false;
      if ((keyword === 'config' || keyword === 'menuconfig') && w === 1) {
        context = 'kconfig-config';
        isDefinition = true;
      } else if ((keyword === 'select' || keyword === 'imply') && w === 1 && !afterIf) context = 'kconfig-select';
      else if (keyword === 'source' || keyword === 'comment' || keyword === 'menu' || keyword === 'mainmenu') continue;
      const column = words[w].index ?? 0;
      matches.push({
        entry,
        context,
        isDefinition,
        line: index,
        column,
        endColumn: column + word.length,
        lineStart: start,
        nextLineStart: next,
      });
    }
  }
  return matches;
}

/**
 * Makefiles and Kbuild files: `CONFIG_NAME` and plain identifiers as whole words outside `#` comments
 * (`obj-$(CONFIG_ARCH_HAS_PTE_DEVMAP) += ...`, `ifdef CONFIG_...`).
 */
export function scanMakefile(text: string, rules: LintRuleSet): LineMatch[] {
  const matches: LineMatch[] = [];
  for (const { line, index, start, next } of lines(text)) {
    const hash = findComment(line);
    const code = hash < 0 ? line : line.slice(0, hash);
    for (const word of code.matchAll(WORD)) {
      const entry = rules.identifiers.get(word[0]);
      if (!entry) continue;
      const column = word.index ?? 0;
      matches.push({
        entry,
        context: 'makefile',
        isDefinition: false,
        line: index,
        column,
        endColumn: column + word[0].length,
        lineStart: start,
        nextLineStart: next,
      });
    }
  }
  return matches;
}

/** Index of the `#` starting a Makefile comment (`\#` is a literal hash), or -1. */
function findComment(line: string): number {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === '#') return i;
  }
  return -1;
}
