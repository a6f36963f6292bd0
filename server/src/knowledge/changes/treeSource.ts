import * as fs from 'fs';
import * as path from 'path';
import type { DefinitionKind, KernelIndex } from '../../indexing/types';
import { extractText, readSourceFile } from '../../indexing/fileExtraction';

/**
 * What the probes read from a tree: definitions of a name and the text of files. Two implementations:
 * the whole-tree index (answers for the whole tree) and a cheap fallback that reads only the files a probe
 * names (`in:`), with the same extractor the index uses. The fallback lets `kernel-mm-lens changes TREE` run
 * on a 60k-file tree in well under a second, and says so: an absence it reports is an absence from those files.
 */

export interface SourceDefinition {
  name: string;
  kind: DefinitionKind;
  /** Tree-relative path with '/'. */
  file: string;
  /** 0-based lines of the whole construct and of the name. */
  startLine: number;
  endLine: number;
  nameLine: number;
  isDeclaration: boolean;
}

export interface ChangeTreeSource {
  readonly root: string;
  /** True when `definitions` covers the whole tree (an index), false when only the named files are read. */
  readonly complete: boolean;
  /**
   * Definitions of `name`. `files` are where the data says the symbol lives: the fallback reads only them;
   * the index answers for the whole tree. undefined: this source cannot tell (no index and none of the files
   * exists).
   */
  definitions(name: string, files: readonly string[] | undefined): SourceDefinition[] | undefined;
  /** Text of a tree-relative file, or undefined when it is missing, not a regular file, too big or binary. */
  readText(file: string): string | undefined;
  /** Whether a tree-relative path is a regular file inside the tree. */
  exists(file: string): boolean;
  /** Whether a tree-relative path is a directory inside the tree ('.' is the root). */
  directoryExists(dir: string): boolean;
}

/** Files bigger than this are not read as evidence (generated tables, binary junk). */
const MAX_EVIDENCE_BYTES = 4 * 1024 * 1024;

abstract class FileReading {
  private readonly texts = new Map<string, string | null>();
  private readonly realRoot: string;

  constructor(readonly root: string) {
    let real = path.resolve(root);
    try {
      real = fs.realpathSync(root);
    } catch {
      // a missing root: every read fails below
    }
    this.realRoot = real;
  }

  /** Absolute path of a tree-relative file, or undefined when it (or a symlink on the way) leaves the tree. */
  protected inside(file: string): string | undefined {
    if (path.isAbsolute(file) || file.split('/').includes('..')) return undefined;
    const absolute = path.join(this.realRoot, file);
    let real: string;
    try {
      real = fs.realpathSync(absolute);
    } catch {
      return undefined;
    }
    return real === this.realRoot || real.startsWith(this.realRoot + path.sep) ? real : undefined;
  }

  exists(file: string): boolean {
    const absolute = this.inside(file);
    if (!absolute) return false;
    try {
      return fs.statSync(absolute).isFile();
    } catch {
      return false;
    }
  }

  directoryExists(dir: string): boolean {
    const absolute = dir === '.' ? this.realRoot : this.inside(dir);
    if (!absolute) return false;
    try {
      return fs.statSync(absolute).isDirectory();
    } catch {
      return false;
    }
  }

  readText(file: string): string | undefined {
    if (!this.texts.has(file)) {
      const absolute = this.inside(file);
      const result = absolute ? readSourceFile(absolute, MAX_EVIDENCE_BYTES) : undefined;
      const text = result && 'text' in result && !result.text.includes('\0') ? result.text : null;
      this.texts.set(file, text);
    }
    return this.texts.get(file) ?? undefined;
  }
}

/** Answers from the whole-tree index: definitions anywhere in the tree, bodies from the files it points at. */
export class IndexTreeSource extends FileReading implements ChangeTreeSource {
  readonly complete = true;

  constructor(private readonly index: KernelIndex) {
    super(index.root);
  }

  definitions(name: string): SourceDefinition[] {
    return this.index.findDefinitions(name).map((d) => ({
      name: d.name,
      kind: d.kind,
      file: d.file,
      startLine: d.range.start.line,
      endLine: d.range.end.line,
      nameLine: d.nameRange.start.line,
      isDeclaration: d.isDeclaration === true || d.kind === 'prototype',
    }));
  }
}

/** Reads only the files the probes name, extracting their definitions like the index does. */
export class FileTreeSource extends FileReading implements ChangeTreeSource {
  readonly complete = false;
  private readonly extracted = new Map<string, SourceDefinition[] | null>();

  definitions(name: string, files: readonly string[] | undefined): SourceDefinition[] | undefined {
    if (!files || files.length === 0) return undefined;
    let readable = 0;
    const found: SourceDefinition[] = [];
    for (const file of files) {
      const definitions = this.definitionsIn(file);
      if (!definitions) continue;
      readable++;
      for (const definition of definitions) if (definition.name === name) found.push(definition);
    }
    return readable === 0 ? undefined : found;
  }

  private definitionsIn(file: string): SourceDefinition[] | undefined {
    if (!this.extracted.has(file)) {
      const text = this.readText(file);
      let definitions: SourceDefinition[] | null = null;
      if (text !== undefined) {
        try {
          definitions = extractText(file, text).definitions.map((d) => ({
            name: d.name,
            kind: d.kind,
            file,
            startLine: d.startLine,
            endLine: d.endLine,
            nameLine: d.nameLine,
            isDeclaration: d.isDeclaration || d.kind === 'prototype',
          }));
        } catch {
          definitions = null; // an extractor failure on hostile input counts as an unreadable file
        }
      }
      this.extracted.set(file, definitions);
    }
    return this.extracted.get(file) ?? undefined;
  }
}
