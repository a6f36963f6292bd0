/**
 * One file's index entry: read, guard against hostile content, extract, and pack into typed arrays.
 * Shared by the worker threads (bulk pass), the live index (edited documents) and reference queries.
 */
import * as fs from 'fs';
import { nonRegularReason, skipForError, skipped } from '../base/regularFile';
import { extractLexical, type LexicalDefinition, type LexicalExtraction } from '../parsing/lexicalExtractor';
import { extractKconfig, extractMakefile } from '../parsing/buildFileExtractor';
import { generatedNames, isNameGenerator } from '../parsing/nameGenerators';
import { looksBinary } from './fileScanner';
import { kernelFileKind } from '../parsing/kernelFiles';
import type { DefinitionKind } from './types';
import type { OccurrenceCollector } from './occurrenceCollector';
import type { ExtentPicker } from './definitionExtent';

export const DEFINITION_KINDS: DefinitionKind[] = [
  'function',
  'prototype',
  'macro',
  'function-macro',
  'struct',
  'union',
  'enum',
  'enumerator',
  'typedef',
  'variable',
  'field',
  'kconfig',
  'generated',
];
const KIND_CODE = new Map(DEFINITION_KINDS.map((kind, code) => [kind, code]));

/**
 * Int32 fields per packed definition (40 bytes; a full kernel has over 5 million definitions).
 * Meta = kind | flags << 5 | endCol << 8; Cols = nameCol | startCol << 16; Lengths = sigLength | docLength << 16
 * (columns and lengths saturate at 65535; the name's end column is nameCol + the name's length).
 */
export const DEF_FIELDS = 10;
export const enum DefField {
  Name = 0,
  Meta,
  NameLine,
  Cols,
  StartLine,
  EndLine,
  Container,
  SigStart,
  Lengths,
  DocStart,
}
const DEF_FLAG_DECLARATION = 1;
const DEF_FLAG_STATIC = 2;
const MAX_16 = 0xffff;

export type ReferenceFilter = 'all' | ReadonlySet<string> | undefined;

/**
 * Extracts from text already in memory (open documents, tests). With a collector (the bulk pass), C files
 * report their identifiers to it; Kconfig and Makefiles always return theirs as strings.
 */
export function extractText(
  file: string,
  text: string,
  references?: ReferenceFilter,
  collector?: OccurrenceCollector,
  installs = false,
): LexicalExtraction {
  const name = file.slice(file.lastIndexOf('/') + 1);
  switch (kernelFileKind(name)) {
    case 'kconfig':
      return extractKconfig(text, { file, references });
    case 'makefile':
      return extractMakefile(text, { file, references });
    default:
      return extractLexical(text, {
        file,
        references,
        generators: generatedNames,
        isGenerator: isNameGenerator,
        collector,
        installs,
      });
  }
}

export type FileReadResult = { text: string; size?: number; mtimeMs?: number } | { error: string };

/**
 * Reads a source file as text like readSourceFile, with one open, one fstat and the read into a buffer
 * reused across calls (the bulk pass reads 60k files; a stat per file plus a fresh buffer each time was a
 * tenth of a worker's time). O_NONBLOCK: a file swapped for a FIFO must not block the worker.
 */
export class SourceReader {
  private buffer = Buffer.allocUnsafe(1 << 20);

  read(absolutePath: string, maxFileSize: number): FileReadResult {
    let fd: number;
    try {
      fd = fs.openSync(absolutePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
    } catch (err) {
      return { error: skipForError(err).message };
    }
    let length = 0;
    let mtimeMs: number;
    try {
      const stat = fs.fstatSync(fd);
      mtimeMs = stat.mtimeMs;
      const notRegular = nonRegularReason(stat);
      if (notRegular) return { error: skipped(notRegular).message };
      if (stat.size > maxFileSize)
        return { error: skipped('too-large', `${stat.size} > ${maxFileSize} bytes`).message };
      // One byte more than the size: a file that grew since the stat is noticed.
      if (this.buffer.length < stat.size + 1)
        this.buffer = Buffer.allocUnsafe(Math.max(stat.size + 1, this.buffer.length * 2));
      for (;;) {
        const wanted = this.buffer.length - length;
        const n = fs.readSync(fd, this.buffer, length, wanted, length);
        if (n === 0) break;
        length += n;
        // A regular file returns less than asked only at its end: no second read to learn that (60k syscalls).
        if (n < wanted && length <= stat.size) break;
        if (length > maxFileSize)
          return { error: skipped('too-large', `grew past ${maxFileSize} bytes while indexing`).message };
        if (length === this.buffer.length) {
          const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
          this.buffer.copy(bigger, 0, 0, length);
          this.buffer = bigger;
        }
      }
    } catch (err) {
      return { error: skipForError(err).message };
    } finally {
      fs.closeSync(fd);
    }
    const bytes = this.buffer.subarray(0, length);
    if (looksBinary(bytes)) return { error: skipped('binary').message };
    // Invalid UTF-8 decodes to U+FFFD, which the lexer ignores: nothing else in the file is lost.
    return { text: bytes.toString('utf8'), size: length, mtimeMs };
  }
}

/** One reader for this thread's single-file reads (the text it returns is a fresh string, so reuse is safe). */
let sharedReader: SourceReader | undefined;

/** Reads a source file as text, refusing binary content and files that vanished or grew past the limit. */
export function readSourceFile(absolutePath: string, maxFileSize: number): FileReadResult {
  sharedReader ??= new SourceReader();
  return sharedReader.read(absolutePath, maxFileSize);
}

export function packDefinitions(
  definitions: LexicalDefinition[],
  id: (name: string) => number,
  out = new Int32Array(definitions.length * DEF_FIELDS),
  at = 0,
): Int32Array {
  definitions.forEach((d, k) => {
    const o = at + k * DEF_FIELDS;
    const flags = (d.isDeclaration ? DEF_FLAG_DECLARATION : 0) | (d.isStatic ? DEF_FLAG_STATIC : 0);
    out[o + DefField.Name] = d.nameId ?? id(d.name);
    out[o + DefField.Meta] = (KIND_CODE.get(d.kind) ?? 0) | (flags << 5) | (Math.min(d.endCol, MAX_16) << 8);
    out[o + DefField.NameLine] = d.nameLine;
    out[o + DefField.Cols] = Math.min(d.nameCol, MAX_16) | (Math.min(d.startCol, MAX_16) << 16);
    out[o + DefField.StartLine] = d.startLine;
    out[o + DefField.EndLine] = d.endLine;
    out[o + DefField.Container] = d.container ? id(d.container) : -1;
    out[o + DefField.SigStart] = d.sigStart;
    const docLength = d.docStart >= 0 ? Math.min(d.docEnd - d.docStart, MAX_16) : 0;
    out[o + DefField.Lengths] = Math.min(d.sigEnd - d.sigStart, MAX_16) | (docLength << 16);
    out[o + DefField.DocStart] = d.docStart;
  });
  return out;
}

/** Unpacks one definition from packed fields (the inverse of packDefinitions). */
export function unpackDefinition(defs: Int32Array, o: number, nameOf: (id: number) => string): LexicalDefinition {
  const name = nameOf(defs[o + DefField.Name]);
  const meta = defs[o + DefField.Meta];
  const cols = defs[o + DefField.Cols];
  const lengths = defs[o + DefField.Lengths];
  const nameCol = cols & MAX_16;
  const docStart = defs[o + DefField.DocStart];
  const sigStart = defs[o + DefField.SigStart];
  return {
    name,
    kind: DEFINITION_KINDS[meta & 31],
    nameLine: defs[o + DefField.NameLine],
    nameCol,
    nameEndCol: nameCol + name.length,
    startLine: defs[o + DefField.StartLine],
    startCol: cols >>> 16,
    endLine: defs[o + DefField.EndLine],
    endCol: (meta >>> 8) & MAX_16,
    container: defs[o + DefField.Container] >= 0 ? nameOf(defs[o + DefField.Container]) : undefined,
    sigStart,
    sigEnd: sigStart + (lengths & MAX_16),
    docStart,
    docEnd: docStart >= 0 ? docStart + (lengths >>> 16) : -1,
    isDeclaration: ((meta >> 5) & DEF_FLAG_DECLARATION) !== 0,
    isStatic: ((meta >> 5) & DEF_FLAG_STATIC) !== 0,
  };
}

/** Offers the packed definition at `o` to an ExtentPicker, reading only the fields it needs. */
export function considerRecord(picker: ExtentPicker, defs: ArrayLike<number>, o: number): void {
  const meta = defs[o + DefField.Meta];
  picker.consider(DEFINITION_KINDS[meta & 31], ((meta >> 5) & DEF_FLAG_DECLARATION) !== 0, {
    startLine: defs[o + DefField.StartLine],
    startCol: defs[o + DefField.Cols] >>> 16,
    endLine: defs[o + DefField.EndLine],
    endCol: (meta >>> 8) & MAX_16,
  });
}

export function kindCodeOf(defs: Int32Array, o: number): number {
  return defs[o + DefField.Meta] & 31;
}
