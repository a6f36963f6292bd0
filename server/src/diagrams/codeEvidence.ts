import * as path from 'path';
import { readRegularText } from '../base/regularFile';
import { tokenize, TokenKind, FLAG_DEAD, FLAG_PREPROCESSOR } from '../parsing/lexer';
import type { TokenStream } from '../parsing/lexer';
import type { KernelIndex } from '../indexing/types';

/**
 * What variant selection and step resolution need to know about the code of a tree: where a function's
 * definition is, and whether a symbol exists. Answers are `undefined` when the source cannot tell
 * (no index and no file hint), so the caller falls back to the kernel version instead of guessing.
 */
export interface FunctionSource {
  /** Tree-relative path. */
  file: string;
  /** Source text of the definition, starting at the beginning of line `startLine`. */
  text: string;
  startLine: number;
  endLine: number;
}

export interface CodeEvidence {
  functionSource(name: string, fileHint?: string): FunctionSource | undefined;
  symbolExists(name: string, fileHint?: string): boolean | undefined;
}

/** Source files bigger than this are not read for evidence (generated tables, binary junk). */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

export function readSourceFile(absolute: string): string | undefined {
  const read = readRegularText(absolute, MAX_SOURCE_BYTES);
  // A NUL byte means a binary file, not C source.
  return 'skipped' in read || read.text.includes('\0') ? undefined : read.text;
}

function sliceLines(text: string, startLine: number, endLine: number): string {
  const lines = text.split('\n');
  return lines.slice(startLine, endLine + 1).join('\n');
}

/** Evidence from the whole-tree index: definitions come from the index, bodies from the files it points at. */
export class IndexEvidence implements CodeEvidence {
  constructor(private readonly index: KernelIndex) {}

  functionSource(name: string): FunctionSource | undefined {
    const definition = this.index
      .findDefinitions(name)
      .find((candidate) => candidate.kind === 'function' && !candidate.isDeclaration);
    if (!definition) return undefined;
    const text = readSourceFile(this.index.absolutePath(definition.file));
    if (text === undefined) return undefined;
    const { start, end } = definition.range;
    return {
      file: definition.file,
      text: sliceLines(text, start.line, end.line),
      startLine: start.line,
      endLine: end.line,
    };
  }

  symbolExists(name: string): boolean {
    return this.index.findDefinitions(name).length > 0;
  }
}

/**
 * Evidence without an index (the CLI's `--tree`): reads only the file a rule names as a hint. Cheap enough
 * to run on a 60k-file tree without indexing it.
 */
export class FileHintEvidence implements CodeEvidence {
  private readonly cache = new Map<string, TokenStream | null>();
  constructor(private readonly root: string) {}

  private tokens(file: string): TokenStream | undefined {
    if (!this.cache.has(file)) {
      const absolute = path.resolve(this.root, file);
      // Hints are data, but keep them inside the tree all the same.
      const inside = absolute.startsWith(path.resolve(this.root) + path.sep);
      const text = inside ? readSourceFile(absolute) : undefined;
      this.cache.set(file, text === undefined ? null : tokenize(text));
    }
    return this.cache.get(file) ?? undefined;
  }

  functionSource(name: string, fileHint?: string): FunctionSource | undefined {
    if (!fileHint) return undefined;
    const tokens = this.tokens(fileHint);
    if (!tokens) return undefined;
    const found = findFunctionDefinition(tokens, name);
    if (!found) return undefined;
    const startLine = tokens.line[found.nameToken];
    const endLine = tokens.line[found.closeBrace];
    return { file: fileHint, text: sliceLines(tokens.text, startLine, endLine), startLine, endLine };
  }

  symbolExists(name: string, fileHint?: string): boolean | undefined {
    if (!fileHint) return undefined;
    const tokens = this.tokens(fileHint);
    if (!tokens) return undefined;
    return firstIdentifier(tokens, name, { includePreprocessor: true }) >= 0;
  }
}

function isPunct(tokens: TokenStream, i: number, char: string): boolean {
  return (
    tokens.kind[i] === TokenKind.Punct &&
    tokens.end[i] - tokens.start[i] === char.length &&
    tokens.text.startsWith(char, tokens.start[i])
  );
}

function isIdentifier(tokens: TokenStream, i: number, name: string): boolean {
  return (
    tokens.kind[i] === TokenKind.Identifier &&
    tokens.end[i] - tokens.start[i] === name.length &&
    tokens.text.startsWith(name, tokens.start[i])
  );
}

/** Index of the first identifier token `name` in live code (optionally also in directives), or -1. */
function firstIdentifier(
  tokens: TokenStream,
  name: string,
  options: { includePreprocessor?: boolean; from?: number } = {},
): number {
  for (let i = options.from ?? 0; i < tokens.count; i++) {
    if (tokens.flags[i] & FLAG_DEAD) continue;
    if (!options.includePreprocessor && tokens.flags[i] & FLAG_PREPROCESSOR) continue;
    if (isIdentifier(tokens, i, name)) return i;
  }
  return -1;
}

/** Matching closing token for the opener at `open`, or -1 when unbalanced. */
function matching(tokens: TokenStream, open: number, opener: string, closer: string): number {
  let depth = 0;
  for (let i = open; i < tokens.count; i++) {
    if (tokens.flags[i] & (FLAG_PREPROCESSOR | FLAG_DEAD)) continue;
    if (isPunct(tokens, i, opener)) depth++;
    else if (isPunct(tokens, i, closer) && --depth === 0) return i;
  }
  return -1;
}

/** Finds `name(...) { ... }` at file scope: the name token and the closing brace of the body. */
function findFunctionDefinition(
  tokens: TokenStream,
  name: string,
): { nameToken: number; closeBrace: number } | undefined {
  let depth = 0;
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.flags[i] & (FLAG_PREPROCESSOR | FLAG_DEAD)) continue;
    if (isPunct(tokens, i, '{')) {
      depth++;
      continue;
    }
    if (isPunct(tokens, i, '}')) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth !== 0 || !isIdentifier(tokens, i, name) || !isPunct(tokens, i + 1, '(')) continue;
    const closeParen = matching(tokens, i + 1, '(', ')');
    if (closeParen < 0) return undefined;
    // After the parameter list: a body, or `;` for a prototype (then keep looking).
    let j = closeParen + 1;
    while (
      j < tokens.count &&
      (tokens.flags[j] & (FLAG_PREPROCESSOR | FLAG_DEAD) ||
        !(isPunct(tokens, j, '{') || isPunct(tokens, j, ';') || isPunct(tokens, j, ',')))
    )
      j++;
    if (j < tokens.count && isPunct(tokens, j, '{')) {
      const closeBrace = matching(tokens, j, '{', '}');
      if (closeBrace >= 0) return { nameToken: i, closeBrace };
      return undefined;
    }
    i = j;
  }
  return undefined;
}

/** True when `source` calls `callee` in compiled code (`callee(` outside comments, strings, directives and `#if 0`). */
export function sourceCalls(source: FunctionSource, callee: string): boolean {
  return callSiteLine(source, callee) !== undefined;
}

/** Tree line of the first call of `callee` in the function, or undefined. */
function callSiteLine(source: FunctionSource, callee: string): number | undefined {
  const tokens = tokenize(source.text);
  for (let i = firstIdentifier(tokens, callee); i >= 0; i = firstIdentifier(tokens, callee, { from: i + 1 })) {
    if (isPunct(tokens, i + 1, '(')) return source.startLine + tokens.line[i];
  }
  return undefined;
}

/** Tree line of the first use of identifier `name` in the function (a call, a macro, an enum value), or undefined. */
export function identifierLine(
  source: FunctionSource,
  name: string,
): { line: number; character: number; length: number } | undefined {
  const tokens = tokenize(source.text);
  const i = firstIdentifier(tokens, name);
  if (i < 0) return undefined;
  return { line: source.startLine + tokens.line[i], character: tokens.column(i), length: name.length };
}
