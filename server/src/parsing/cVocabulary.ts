/**
 * The C vocabulary both front ends share: which words are keywords (never references, never declared names) and
 * which are annotations around a declarator (`__init`, `__section(".x")`). Keywords are C's and GCC's own words;
 * the kernel's annotation macros are data (data/attribute-macros.yaml, each with the header that defines it), read
 * once per process through the build's JSON twin (index workers load it at start-up). The whole-tree lexical
 * extractor classifies words with it (declarationWords.ts); the tree-sitter front end blanks the same names before
 * parsing (kernelSource.ts). Keeping one list is what the parity test of the two front ends relies on.
 */
import { dataPath, readDataDocument, shippedData } from '../base/dataFiles';
import { C_KEYWORDS } from './lexer';

export { C_KEYWORDS };

/**
 * GCC and C spellings that take an argument list and sit around declarators: keywords, so not data, and parsed
 * by tree-sitter itself (never blanked).
 */
export const ATTRIBUTE_KEYWORDS: ReadonlySet<string> = new Set([
  '__attribute__',
  '__attribute',
  'asm',
  '__asm__',
  '__asm',
  'alignas',
  '_Alignas',
]);

export interface AttributeMacroTable {
  /** Used bare: `static int __init f(void)`. */
  plain: Set<string>;
  /** Used with an argument list: `__section(".x")`, `__acquires(lock)`. */
  withArgs: Set<string>;
}

const shippedTable = shippedData(() => {
  const file = dataPath('attribute-macros.yaml');
  return compileAttributeMacros(readDataDocument(file), file);
});

/** The annotation macros of data/attribute-macros.yaml (once per process), or of `file` (tests), validated. */
export function attributeMacros(file?: string): AttributeMacroTable {
  return file === undefined ? shippedTable.get() : compileAttributeMacros(readDataDocument(file), file);
}

export function compileAttributeMacros(raw: unknown, where: string): AttributeMacroTable {
  const result: AttributeMacroTable = { plain: new Set(), withArgs: new Set() };
  const groups = (key: 'plain' | 'with_args'): unknown[] => {
    const value = (raw as Record<string, unknown> | null)?.[key];
    if (!Array.isArray(value)) throw new Error(`${where}: "${key}" must be a list of {source, names}`);
    return value;
  };
  for (const [key, target] of [
    ['plain', result.plain],
    ['with_args', result.withArgs],
  ] as const) {
    for (const group of groups(key)) {
      const { source, names } = (group ?? {}) as { source?: unknown; names?: unknown };
      if (typeof source !== 'string' || !Array.isArray(names))
        throw new Error(`${where}: every "${key}" group needs source and names`);
      for (const name of names) {
        if (typeof name !== 'string' || !/^[A-Za-z_]\w*$/.test(name))
          throw new Error(`${where}: bad macro name ${JSON.stringify(name)}`);
        if (C_KEYWORDS.has(name) || ATTRIBUTE_KEYWORDS.has(name))
          throw new Error(`${where}: ${name} is a C keyword, not an annotation macro`);
        target.add(name);
      }
    }
  }
  return result;
}

/** An annotation used bare: never the declared name. */
export function isPlainAttribute(word: string): boolean {
  return attributeMacros().plain.has(word);
}

/** A keyword or annotation macro followed by an argument list: part of the declaration, never its name. */
export function isAttributeCall(word: string): boolean {
  return ATTRIBUTE_KEYWORDS.has(word) || attributeMacros().withArgs.has(word);
}
