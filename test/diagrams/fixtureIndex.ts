import * as fs from 'fs';
import * as path from 'path';
import { tokenize, TokenKind, FLAG_DEAD, FLAG_PREPROCESSOR } from '../../server/src/parsing/lexer';
import type { Definition, KernelIndex, Reference } from '../../server/src/indexing/types';

/**
 * Index for the diagram fixture trees. Prefers the real whole-tree index (`buildIndexForTests`); while that
 * cannot run in this process, falls back to a small lexer-based index of function definitions and macros,
 * which is all the diagram code asks of `KernelIndex`.
 */
export async function indexFixture(root: string): Promise<{ index: KernelIndex; real: boolean; why?: string }> {
  try {
    const testing = await import('../../server/src/indexing/testing');
    return { index: await testing.buildIndexForTests(root), real: true };
  } catch (error) {
    return { index: lexerIndex(root), real: false, why: (error as Error).message };
  }
}

function walk(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(root, rel));
    else if (/\.[ch]$/.test(entry.name)) out.push(rel);
  }
  return out;
}

function punct(text: string, tokens: ReturnType<typeof tokenize>, i: number, char: string): boolean {
  return i < tokens.count && tokens.kind[i] === TokenKind.Punct && tokens.tokenText(i) === char;
}

export function lexerIndex(root: string): KernelIndex {
  const definitions: Definition[] = [];
  for (const file of walk(root)) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const tokens = tokenize(text);
    let depth = 0;
    for (let i = 0; i < tokens.count; i++) {
      const flags = tokens.flags[i];
      if (flags & FLAG_DEAD) continue;
      if (
        tokens.kind[i] === TokenKind.Directive &&
        tokens.tokenText(i).replace(/\s+/g, '') === '#define' &&
        tokens.kind[i + 1] === TokenKind.Identifier
      ) {
        const name = tokens.tokenText(i + 1);
        const at = tokens.positionAt(tokens.start[i + 1]);
        const nameRange = { start: at, end: { line: at.line, character: at.character + name.length } };
        definitions.push({ name, kind: 'macro', file, nameRange, range: nameRange });
        continue;
      }
      if (flags & FLAG_PREPROCESSOR) continue;
      if (punct(text, tokens, i, '{')) {
        depth++;
        continue;
      }
      if (punct(text, tokens, i, '}')) {
        depth = Math.max(0, depth - 1);
        continue;
      }
      if (depth !== 0 || tokens.kind[i] !== TokenKind.Identifier || !punct(text, tokens, i + 1, '(')) continue;
      let j = i + 1;
      let parens = 0;
      for (; j < tokens.count; j++) {
        if (punct(text, tokens, j, '(')) parens++;
        else if (punct(text, tokens, j, ')') && --parens === 0) break;
      }
      const next = j + 1;
      const name = tokens.tokenText(i);
      const at = tokens.positionAt(tokens.start[i]);
      const nameRange = { start: at, end: { line: at.line, character: at.character + name.length } };
      if (punct(text, tokens, next, '{')) {
        let braces = 0;
        let k = next;
        for (; k < tokens.count; k++) {
          if (punct(text, tokens, k, '{')) braces++;
          else if (punct(text, tokens, k, '}') && --braces === 0) break;
        }
        const end = tokens.positionAt(tokens.end[Math.min(k, tokens.count - 1)]);
        definitions.push({
          name,
          kind: 'function',
          file,
          nameRange,
          range: { start: { line: at.line, character: 0 }, end },
        });
        i = k;
      } else if (punct(text, tokens, next, ';')) {
        definitions.push({ name, kind: 'prototype', file, nameRange, range: nameRange, isDeclaration: true });
        i = next;
      }
    }
  }
  const byName = (name: string) =>
    definitions
      .filter((d) => d.name === name)
      .sort((a, b) => Number(a.isDeclaration ?? false) - Number(b.isDeclaration ?? false));
  return {
    root,
    findDefinitions: byName,
    findDeclarations: (name) => byName(name).filter((d) => d.isDeclaration),
    findReferences: async (): Promise<Reference[]> => [],
    searchSymbols: (query) => definitions.filter((d) => d.name.includes(query)),
    namesWithPrefix: (prefix, limit) =>
      [...new Set(definitions.map((d) => d.name))]
        .filter((n) => n.toLowerCase().startsWith(prefix.toLowerCase()))
        .slice(0, limit),
    definitionsInFile: (file) => definitions.filter((d) => d.file === file),
    definitionAt: (file, name, line, character) =>
      definitions.find(
        (d) =>
          d.file === file &&
          d.name === name &&
          d.nameRange.start.line === line &&
          d.nameRange.start.character === character,
      ),
    functionAt: (file, name, line) => {
      const candidates = definitions.filter((d) => d.file === file && d.name === name && d.kind === 'function');
      return candidates.find((d) => d.range.start.line <= line && line <= d.range.end.line) ?? candidates[0];
    },
    filesMentioning: () => [],
    absolutePath: (file) => path.join(root, file),
    relativePath: (absolute) => path.relative(root, absolute),
    stats: () => ({
      files: 0,
      symbols: definitions.length,
      references: 0,
      skipped: 0,
      skippedByReason: {},
      seconds: 0,
      fromCache: 0,
      parsed: 0,
    }),
  };
}
