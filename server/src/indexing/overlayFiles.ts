/**
 * Files laid over the whole-tree index since it was built: open documents whose text differs from the disk,
 * changed files, deleted files. Each keeps its own extraction; the index's entries of that file stop counting.
 */
import { extractText } from './fileExtraction';
import type { Reference } from './types';
import type { LexicalExtraction } from '../parsing/lexicalExtractor';

export interface OverlayFile {
  text: string;
  extraction: LexicalExtraction;
  /** Names used in the file's code (what `filesMentioning` answers). */
  identifiers: Set<string>;
  /**
   * Names the file defines: not only its identifiers, since generator macros define names the text never
   * spells (`PAGEFLAG(Dirty, ...)` defines `folio_test_dirty`, `SYSCALL_DEFINE2(mlock, ...)` `sys_mlock`).
   */
  definedNames: Set<string>;
  /**
   * Every occurrence in the text by name, made on the first references query and kept until the text changes:
   * an open document was lexed again for every query that named something in it (33 reference queries on six
   * open mm/ files: 1.6 s of lexing in a load run on 6.12).
   */
  referencesByName?: Map<string, Reference[]>;
}

/** The overlay of `file` with `text`. */
export function overlayFile(file: string, text: string): OverlayFile {
  const extraction = extractText(file, text, undefined, undefined, true);
  return {
    text,
    extraction,
    identifiers: new Set(extraction.identifiers),
    definedNames: new Set(extraction.definitions.map((definition) => definition.name)),
  };
}

/** The overlay of a file deleted from the tree: nothing defined, nothing used. */
export function deletedFile(): OverlayFile {
  return {
    text: '',
    extraction: { definitions: [], identifiers: [], referenceCount: 0 },
    identifiers: new Set(),
    definedNames: new Set(),
  };
}

/** Occurrences of `name` in an overlay file, from its per-text table. */
export function overlayReferences(file: string, overlay: OverlayFile, name: string): Reference[] {
  if (!overlay.referencesByName) {
    const byName = new Map<string, Reference[]>();
    const text = overlay.text;
    const lineStarts = [0];
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
    for (const reference of extractText(file, text, 'all').references ?? []) {
      const { start, end } = reference.range;
      const from = (lineStarts[start.line] ?? 0) + start.character;
      const key = text.slice(from, from + end.character - start.character);
      const list = byName.get(key);
      if (list) list.push(reference);
      else byName.set(key, [reference]);
    }
    overlay.referencesByName = byName;
  }
  return overlay.referencesByName.get(name) ?? [];
}
