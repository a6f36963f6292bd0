import type { Catalog, CatalogEntry } from './catalog';
import { isKconfigFile } from '../parsing/kernelFiles';
import { lookupSymbol } from './catalog';

/**
 * Finds what a hover is about from the raw text: the identifier under the cursor in C code (call sites,
 * definitions, macro bodies, `#if` conditions) or in Kconfig (`config`, `select`, `depends on`), and, for
 * `x->member` / `x.member`, the struct `x` is declared with nearby - enough to tell `fw->page` (struct
 * folio_walk) from any other `->page`. Text-based on purpose: it works before the index is ready and on
 * files tree-sitter cannot parse.
 */

export interface HoverTarget {
  name: string;
  line: number;
  startCharacter: number;
  endCharacter: number;
  /** The file is a Kconfig file (names there are written without `CONFIG_`). */
  kconfig: boolean;
  /** For a member access, the base expression's identifier and, when found, its struct type. */
  member?: { base: string; container?: string };
}

const IDENT = /[A-Za-z0-9_]/;
/** How far back to look for the declaration of a member access's base variable. */
const DECLARATION_LOOKBACK_LINES = 400;
const MAX_LINE_LENGTH = 10_000;

/** The identifier at (line, character) (0-based, UTF-16), or undefined when the cursor is not on one. */
export function hoverTargetAt(
  text: string,
  line: number,
  character: number,
  fileName: string,
): HoverTarget | undefined {
  const lines = text.split('\n');
  const lineText = lines[line];
  if (lineText === undefined || lineText.length > MAX_LINE_LENGTH) return undefined;
  let start = Math.min(character, lineText.length);
  if (!IDENT.test(lineText[start] ?? '') && start > 0 && IDENT.test(lineText[start - 1])) start--;
  if (!IDENT.test(lineText[start] ?? '')) return undefined;
  let end = start;
  while (start > 0 && IDENT.test(lineText[start - 1])) start--;
  while (end < lineText.length && IDENT.test(lineText[end])) end++;
  const name = lineText.slice(start, end);
  if (!/^[A-Za-z_]/.test(name)) return undefined;
  const target: HoverTarget = {
    name,
    line,
    startCharacter: start,
    endCharacter: end,
    kconfig: isKconfigFile(fileName),
  };
  if (!target.kconfig) {
    const before = lineText.slice(0, start);
    const access = /([A-Za-z_][A-Za-z0-9_]*)\s*(?:->|\.)\s*$/.exec(before);
    if (access) target.member = { base: access[1], container: declaredStructOf(lines, line, access[1]) };
  }
  return target;
}

/** `struct NAME [const] *[*] base` on the lines before `line` (closest first). */
function declaredStructOf(lines: string[], line: number, base: string): string | undefined {
  const declaration = new RegExp(
    `\\bstruct\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*(?:const\\s*)?\\**\\s*(?:const\\s+)?${base}\\b`,
  );
  for (let i = line; i >= 0 && i >= line - DECLARATION_LOOKBACK_LINES; i--) {
    const text = lines[i];
    if (text.length > MAX_LINE_LENGTH) continue;
    const match = declaration.exec(text);
    if (match) return match[1];
  }
  return undefined;
}

/** The catalog entry a hover target refers to, if any. */
export function catalogEntryForTarget(target: HoverTarget, catalog: Catalog): CatalogEntry | undefined {
  if (target.member) {
    if (target.member.container) {
      const field = catalog.lookupField(target.member.container, target.name);
      if (field) return field;
    }
    const entry = catalog.lookup(target.name);
    // A member access only matches members (or names that are unique as members, like migrate_to_ram).
    return entry && entry.kind === 'field' ? entry : undefined;
  }
  return lookupSymbol(target.name, catalog);
}
