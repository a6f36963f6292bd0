/**
 * Property: whatever C-like text comes in (deep nesting, unbalanced brackets, directives, comments, invalid
 * bytes), both front ends answer with positions inside the document: the whole-tree lexical extractor and the
 * tree-sitter extractor of open documents. Text is built from C fragments so structure is reached, not only
 * noise; the fuzz target test/fuzz/targets/cExtractor.ts explores raw bytes under coverage guidance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractLexical } from '../../server/src/parsing/lexicalExtractor';
import { extractFromTree } from '../../server/src/parsing/syntaxExtractor';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { checkPosition, lineLengths } from './positions';

const atom = fc.constantFrom(
  'int ',
  'struct s ',
  'static ',
  'f',
  'g_1',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ';',
  ',',
  '*',
  '=',
  '->',
  '.',
  '"str"',
  "'c'",
  '/* c */',
  '// c\n',
  '\n',
  '\\\n',
  '\r\n',
  '#define M(a) a\n',
  '#if X\n',
  '#else\n',
  '#endif\n',
  '#if 0\n',
  'typedef ',
  'enum { A, B } ',
  'return 0;',
  '\u00e9',
  '\ud800',
  '\0',
  '\t',
  'DEFINE_X(name)',
  'PAGEFLAG(Locked, locked, PF_ANY)',
);
const nest = fc.nat({ max: 400 }).map((depth) => `int deep(void) { ${'('.repeat(depth)}x${')'.repeat(depth)}; }\n`);
const text = fc.oneof(
  fc.array(atom, { maxLength: 120 }).map((parts) => parts.join('')),
  fc.tuple(fc.array(atom, { maxLength: 40 }), nest).map(([parts, deep]) => parts.join('') + deep),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

test('lexical extractor: every definition and reference position is inside the document', () => {
  fc.assert(
    fc.property(text, (source) => {
      const lines = lineLengths(source);
      const extraction = extractLexical(source, { file: 'p.c', references: 'all' });
      for (const d of extraction.definitions) {
        checkPosition(lines, { line: d.nameLine, character: d.nameCol }, `${d.name} name`);
        checkPosition(lines, { line: d.endLine, character: d.endCol }, `${d.name} end`);
      }
      for (const r of extraction.references ?? []) checkPosition(lines, r.range.end, 'reference end');
    }),
    { numRuns: 500, seed: 42 },
  );
});

test('tree-sitter extractor: every definition and reference position is inside the document', async () => {
  const parser = await createCParser();
  try {
    fc.assert(
      fc.property(text, (source) => {
        const lines = lineLengths(source, true);
        const tree = parser.parse(source);
        assert.ok(tree);
        try {
          const extraction = extractFromTree(tree, source, 'p.c');
          for (const d of extraction.definitions) {
            checkPosition(lines, d.nameRange.start, `${d.name} name`);
            checkPosition(lines, d.range.end, `${d.name} end`);
          }
          for (const r of extraction.references) checkPosition(lines, r.range.end, `reference ${r.name}`);
        } finally {
          tree.delete();
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  } finally {
    parser.delete();
  }
});
