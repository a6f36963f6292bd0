import type { Tree } from 'web-tree-sitter';
import type { Definition, Reference } from './types';
import { DefinitionCollector, matchingClose, type Span } from './definitionWalker';
import { generatedNames, isNameGenerator } from './nameGenerators';
import { LineMap, findDirectiveSpans, identifierAt, nextNonBlank, splitMacroArguments } from './textScan';
import { extractLexical } from './lexicalExtractor';
import type { LexicalExtraction } from './lexicalTypes';
import { CH_LPAREN } from './charCodes';
import { archOfPath } from './kernelFiles';

/**
 * Precise per-file extraction: definitions from the tree-sitter tree (with signature, kernel-doc, arch,
 * ERROR recovery and generator macros) and every identifier occurrence in code from a lexical scan of
 * the same text. Used for open documents and wherever the index wants tree-sitter precision. The tree
 * must come from `parseKernelC`/`parseMasked` over this same `text`.
 */

/** A reference with the identifier it names (the index groups references by name). */
export interface NamedReference extends Reference {
  name: string;
  /** Offset of the identifier in the text (UTF-16). */
  offset: number;
  /** A struct/union member name (`p->lru`, a field declaration): a namespace of its own. */
  isMember?: boolean;
}

export interface Extraction {
  definitions: Definition[];
  references: NamedReference[];
  /** Names of function-like macro parameters (no references to the tree), with the offset of their #define. */
  macroParameters: Array<NamedReference & { define: number }>;
  /** Set when the answer is partial: from the lexical front end alone (lexicalFallback.ts), and why. */
  partial?: string;
}

/**
 * `lexical`: the lexical front end's extraction of the same text with all references, when the caller has it.
 * Occurrences (which identifiers are code, calls, the enclosing function, line splices, `#if 0`, macro
 * parameters) come from it, so both front ends report the same references by construction; the tree gives the
 * definitions and which occurrences are their names.
 */
export function extractFromTree(tree: Tree, text: string, file: string, lexical?: LexicalExtraction): Extraction {
  const lines = new LineMap(text);
  const collector = new DefinitionCollector(text, file, lines, archOfPath(file));
  collector.visit(tree.rootNode);
  const directives = findDirectiveSpans(text);
  collector.macros(directives);

  const scan =
    lexical ??
    extractLexical(text, {
      file,
      references: 'all',
      generators: generatedNames,
      isGenerator: isNameGenerator,
      macroParameters: true,
    });
  const occurrences = scan.references ?? [];
  const functionBodies = [...collector.functionBodies].sort((a, b) => a.start - b.start);
  const containers = [...collector.containerBodies].sort((a, b) => a.start - b.start);
  const references: NamedReference[] = [];
  let generatedBody: Span | undefined;
  for (const occurrence of occurrences) {
    const offset = lines.offsetAt(occurrence.range.start);
    const name = identifierAt(text, offset);
    const inPreprocessor = occurrence.inPreprocessor;
    let enclosing = innermostSpan(functionBodies, offset);
    if (!enclosing && generatedBody && offset >= generatedBody.start && offset < generatedBody.end)
      enclosing = generatedBody;
    if (!enclosing && !inPreprocessor && isNameGenerator(name)) {
      const after = nextNonBlank(text, offset + name.length, Math.min(text.length, offset + name.length + 200));
      if (after >= 0 && text.charCodeAt(after) === CH_LPAREN) {
        const body = defineGenerated(collector, text, name, offset, after, containers);
        if (body) generatedBody = body;
      }
    }
    references.push({ ...occurrence, name, offset, file });
  }
  for (const reference of references) {
    // Names produced by generators point at an argument, which is a name of its own: not their definition.
    reference.isDefinition = collector.definesAt(reference.offset, reference.name);
    reference.isCall = reference.isCall && !reference.isDefinition;
    if (collector.definitionKindAt(reference.offset) === 'field' || isMemberAccess(text, reference.offset))
      reference.isMember = true;
  }
  const definitions = collector.definitions.sort((a, b) => comparePositions(a.range.start, b.range.start));
  return { definitions, references, macroParameters: macroParameterReferences(scan, text, file, lines) };
}

/** `.name` or `->name`: a member access (or a designated initializer). */
function isMemberAccess(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i--;
  if (text[i] === '.') return text[i - 1] !== '.';
  return text[i] === '>' && text[i - 1] === '-';
}

/**
 * `NAME(args)` outside any function: when NAME is a generator macro, add the names it defines.
 * Returns the `{ ... }` body that follows a generated function (SYSCALL_DEFINEn), for enclosingFunction.
 */
function defineGenerated(
  collector: DefinitionCollector,
  text: string,
  macro: string,
  start: number,
  open: number,
  containers: Span[],
): Span | undefined {
  const parsed = splitMacroArguments(text, open);
  if (!parsed) return undefined;
  const names = generatedNames(macro, parsed.args);
  if (!names) return undefined;
  const invocation = collector.signature(start, parsed.end);
  const container = innermostSpan(containers, start);
  const bodyOpen = nextNonBlank(text, parsed.end, Math.min(text.length, parsed.end + 200));
  const hasBody = bodyOpen >= 0 && text[bodyOpen] === '{';
  let bodyEnd = parsed.end;
  if (hasBody) {
    const end = matchingClose(text, bodyOpen, '{', '}');
    if (end > 0) bodyEnd = end;
  }
  let body: Span | undefined;
  for (const generated of names) {
    const argStart = parsed.starts[generated.argIndex] ?? start;
    const argText = parsed.args[generated.argIndex] ?? macro;
    if (collector.hasDefinitionAt(argStart) && generated.kind === 'variable') continue; // the declaration path already has it
    const kind = container && generated.kind === 'variable' ? 'field' : generated.kind;
    const definition = collector.add(
      generated.name,
      kind,
      argStart,
      argStart + argText.length,
      start,
      hasBody && generated.kind === 'function' ? bodyEnd : parsed.end,
      {
        signature: invocation,
        generatedBy: invocation,
        ...(container && kind === 'field' ? { container: container.name } : {}),
        ...(generated.isDeclaration ? { isDeclaration: true } : {}),
      },
    );
    if (!definition) continue;
    if (/(^|\s)static\s*$/.test(text.slice(Math.max(0, start - 12), start))) definition.isStatic = true;
    if (hasBody && generated.kind === 'function' && !body)
      body = { start: bodyOpen, end: bodyEnd, name: generated.name };
  }
  return body;
}

/** The innermost span containing `offset` among spans sorted by start (spans nest or are disjoint). */
function innermostSpan(spans: Span[], offset: number): Span | undefined {
  let low = 0;
  let high = spans.length - 1;
  let index = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (spans[mid].start <= offset) {
      index = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  for (let i = index; i >= 0 && i > index - 8; i--) {
    if (offset >= spans[i].start && offset < spans[i].end) return spans[i];
  }
  return undefined;
}

function comparePositions(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

/**
 * The macro parameter names of a lexical scan as references (each with the offset of its `#define`), for both
 * front ends: the tree-sitter extraction and its lexical fallback show them alike (rename and highlight inside
 * a macro body).
 */
export function macroParameterReferences(
  scan: LexicalExtraction,
  text: string,
  file: string,
  lines: LineMap,
): Extraction['macroParameters'] {
  return (scan.macroParameters ?? []).map(({ start, end, define }) => ({
    name: identifierAt(text, start),
    offset: start,
    file,
    define,
    range: { start: lines.position(start), end: lines.position(end) },
    isCall: false,
    isDefinition: false,
    inPreprocessor: true,
  }));
}
