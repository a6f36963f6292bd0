import type { Definition } from './types';
import { extractLexical, normalizeSignature } from './lexicalExtractor';
import { archOfPath } from './kernelFiles';
import { macroParameterReferences, type Extraction, type NamedReference } from './syntaxExtractor';
import { generatedNames, isNameGenerator } from './nameGenerators';
import { LineMap, identifierAt } from './textScan';
import type { LexicalExtraction } from './lexicalTypes';

/**
 * The one lexical pass an open document's version needs (issue 17): the macro invocations its tree-sitter masking
 * blanks, and the definitions, references and macro parameters of both extractions (`extractFromTree` takes the
 * occurrences from it, `extractWithoutTree` everything). Before, masking and extraction lexed the same text twice
 * (0.2-0.4 s each on the corpus' 400-900 KiB headers).
 */
export function documentLexicalScan(text: string, file: string): LexicalExtraction {
  return extractLexical(text, {
    file,
    references: 'all',
    generators: generatedNames,
    isGenerator: isNameGenerator,
    macroParameters: true,
    collectMacroCalls: true,
  });
}

/**
 * An open document's extraction from the whole-tree (lexical) front end alone, for a version whose tree-sitter
 * parse ran past its budget or failed, and for documents over the size where the outline does not wait for a parse
 * (lsp/openExtraction.ts: LARGE_DOCUMENT_CHARS) (issue 17: pathological files kept the outline waiting seconds). It speaks
 * the same C vocabulary as `extractFromTree` (the parity test keeps the two front ends equal on real idioms), but
 * without the tree's recovery around ERROR nodes: `partial` says so, for the log and for callers that show it.
 */
export function extractWithoutTree(
  text: string,
  file: string,
  why: string,
  scan: LexicalExtraction = documentLexicalScan(text, file),
): Extraction {
  const arch = archOfPath(file);
  const definitions: Definition[] = scan.definitions.map((d) => ({
    name: d.name,
    kind: d.kind,
    file,
    nameRange: {
      start: { line: d.nameLine, character: d.nameCol },
      end: { line: d.nameLine, character: d.nameEndCol },
    },
    range: { start: { line: d.startLine, character: d.startCol }, end: { line: d.endLine, character: d.endCol } },
    container: d.container,
    signature: normalizeSignature(text.slice(d.sigStart, d.sigEnd)) || undefined,
    doc: d.docStart >= 0 ? text.slice(d.docStart, d.docEnd) : undefined,
    arch,
    isDeclaration: d.isDeclaration || d.kind === 'prototype',
    isStatic: d.isStatic,
  }));
  const definedAt = new Set(definitions.map((d) => `${d.nameRange.start.line}:${d.nameRange.start.character}`));
  const lines = new LineMap(text);
  const references: NamedReference[] = (scan.references ?? []).map((occurrence) => {
    const offset = lines.offsetAt(occurrence.range.start);
    const isDefinition = definedAt.has(`${occurrence.range.start.line}:${occurrence.range.start.character}`);
    return {
      ...occurrence,
      name: identifierAt(text, offset),
      offset,
      file,
      isDefinition,
      isCall: occurrence.isCall && !isDefinition,
    };
  });
  const macroParameters = macroParameterReferences(scan, text, file, lines);
  return { definitions, references, macroParameters, partial: `lexical extraction only: ${why}` };
}
