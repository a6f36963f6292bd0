import type { Tree } from 'web-tree-sitter';
import type { Definition, Reference } from './types';
import { DefinitionCollector, matchingClose, type Span } from './definitionWalker';
import { generatedNames, isNameGenerator } from './nameGenerators';
import { LineMap, findDirectiveSpans, nextNonBlank, scanIdentifiers, splitMacroArguments } from './textScan';
import { CH_LPAREN } from './charCodes';

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
}

/** C keywords: the lexical scan sees them as identifiers, but they are not references to anything. */
const KEYWORDS = new Set([
  'unsigned',
  'signed',
  'long',
  'short',
  'int',
  'char',
  'void',
  'const',
  'volatile',
  'struct',
  'union',
  'enum',
  'static',
  'extern',
  'inline',
  'float',
  'double',
  'return',
  'if',
  'else',
  'for',
  'while',
  'do',
  'switch',
  'case',
  'default',
  'break',
  'continue',
  'goto',
  'sizeof',
  'typedef',
  'register',
  'restrict',
  'auto',
  'defined',
  'typeof',
  '__typeof__',
  'asm',
  '__asm__',
  '__volatile__',
  '__inline__',
  '_Bool',
  '_Static_assert',
  'alignof',
  '_Alignof',
]);

interface RawOccurrence {
  start: number;
  end: number;
  inPreprocessor: boolean;
}

/** Architecture of an `arch/<arch>/...` path; undefined for generic code. */
export function archOfPath(file: string): string | undefined {
  const match = /^arch\/([^/]+)\//.exec(file);
  return match ? match[1] : undefined;
}

export function extractFromTree(tree: Tree, text: string, file: string): Extraction {
  const lines = new LineMap(text);
  const collector = new DefinitionCollector(text, file, lines, archOfPath(file));
  collector.visit(tree.rootNode);
  const directives = findDirectiveSpans(text);
  collector.macros(directives);

  const raw: RawOccurrence[] = [];
  collectCodeIdentifiers(text, directives, raw);

  const functionBodies = [...collector.functionBodies].sort((a, b) => a.start - b.start);
  const containers = [...collector.containerBodies].sort((a, b) => a.start - b.start);
  const references: NamedReference[] = [];
  let generatedBody: Span | undefined;
  for (const occurrence of raw) {
    const name = text.slice(occurrence.start, occurrence.end);
    if (KEYWORDS.has(name)) continue;
    const inPreprocessor = occurrence.inPreprocessor;
    const after = nextNonBlank(text, occurrence.end, Math.min(text.length, occurrence.end + 200));
    const followedByParen = after >= 0 && text.charCodeAt(after) === CH_LPAREN;
    let enclosing = innermostSpan(functionBodies, occurrence.start);
    if (!enclosing && generatedBody && occurrence.start >= generatedBody.start && occurrence.start < generatedBody.end)
      enclosing = generatedBody;
    if (followedByParen && !enclosing && !inPreprocessor && isNameGenerator(name)) {
      const body = defineGenerated(collector, text, name, occurrence.start, after, containers);
      if (body) generatedBody = body;
    }
    const isDefinition = collector.hasDefinitionAt(occurrence.start);
    const reference: NamedReference = {
      name,
      offset: occurrence.start,
      file,
      range: { start: lines.position(occurrence.start), end: lines.position(occurrence.end) },
      isCall: followedByParen && !isDefinition,
      isDefinition,
      inPreprocessor,
    };
    if (enclosing) reference.enclosingFunction = enclosing.name;
    references.push(reference);
  }
  for (const reference of references) {
    // Names produced by generators point at an argument that was already seen as a plain reference.
    if (!reference.isDefinition && collector.hasDefinitionAt(reference.offset)) reference.isDefinition = true;
    if (collector.definitionKindAt(reference.offset) === 'field' || isMemberAccess(text, reference.offset))
      reference.isMember = true;
  }
  const definitions = collector.definitions.sort((a, b) => comparePositions(a.range.start, b.range.start));
  return { definitions, references };
}

/**
 * Identifier occurrences in code, in text order, by a lexical scan (ten times cheaper than walking every
 * node of the tree): comments, string and character literals, `#include` paths and directive keywords
 * are skipped; identifiers on directive lines (#if conditions, #define bodies) are marked.
 */
function collectCodeIdentifiers(text: string, directives: Array<[number, number]>, out: RawOccurrence[]): void {
  const code = (start: number, end: number) => out.push({ start, end, inPreprocessor: false });
  const directive = (start: number, end: number) => out.push({ start, end, inPreprocessor: true });
  let position = 0;
  for (const [start, end] of directives) {
    if (start > position) scanIdentifiers(text, position, start, code);
    const keyword = /^#[ \t]*(\w*)/.exec(text.slice(start, Math.min(end, start + 40)));
    const afterKeyword = start + (keyword ? keyword[0].length : 1);
    if (keyword?.[1] !== 'include' && keyword?.[1] !== 'include_next')
      scanIdentifiers(text, afterKeyword, end, directive);
    position = Math.max(position, end);
  }
  if (position < text.length) scanIdentifiers(text, position, text.length, code);
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
