/**
 * What an index entry was extracted with: the extractor's own version and the data it reads. The index cache
 * is keyed on it, so an upgrade that changes extraction, or an edit of the name generators or the annotation
 * macros, re-extracts every file instead of keeping old entries for the files whose text did not change.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { dataDir } from '../base/paths';

/**
 * Bump whenever the lexer or an extractor changes what it finds in a file (definitions, occurrences, flags,
 * positions). 2: line splices everywhere, #define bodies, declarators after `=`, attribute-like macros, macro
 * lines without a semicolon, extern "C", function-type typedefs, generated names at their argument, forward
 * declarations, typedef'd anonymous members. 3: install sites (installSites.ts: stores of a function into a field).
 */
export const EXTRACTOR_VERSION = 3;

/** The data files the extractors read (name generators, annotation macros). */
export const EXTRACTOR_DATA_FILES = ['name-generators.yaml', 'attribute-macros.yaml'];

/** A short hash of the extractor version and the text of its data files (missing files count as empty). */
export function extractorFingerprint(directory: string = dataDir()): string {
  const hash = crypto.createHash('sha1').update(`extractor ${EXTRACTOR_VERSION}\n`);
  for (const name of EXTRACTOR_DATA_FILES) {
    let text = '';
    try {
      text = fs.readFileSync(path.join(directory, name), 'utf8');
    } catch {
      /* a missing data file fails loudly where it is loaded; here it only changes the fingerprint */
    }
    hash.update(`${name}\n${text.length}\n`).update(text);
  }
  return hash.digest('hex').slice(0, 12);
}
