import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Parser } from 'web-tree-sitter';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { parseKernelC } from '../../server/src/parsing/kernelSource';
import { extractFromTree, type Extraction } from '../../server/src/parsing/syntaxExtractor';
import { extractLexical } from '../../server/src/parsing/lexicalExtractor';

// Shapes that made an earlier version quadratic or blow the stack. Each must finish (the generous
// timeout only turns a hang into a failure) with a sane result.
let parser: Parser;
before(async () => {
  parser = await createCParser();
});
after(() => parser.delete());

function extract(text: string): Extraction {
  const tree = parseKernelC(parser, text, 60_000);
  try {
    return extractFromTree(tree, text, 'mm/hostile.c');
  } finally {
    tree.delete();
  }
}

const HANG_GUARD = { timeout: 120_000 };

test('thousands of nested #ifdef and anonymous structs do not exhaust the stack', HANG_GUARD, () => {
  const ifdefs = extract(
    '#ifdef A\n'.repeat(5000) + 'int deep_var;\n' + '#endif\n'.repeat(5000) + 'int shallow_var;\n',
  );
  assert.ok(ifdefs.definitions.some((d) => d.name === 'shallow_var'));
  const structs = extract('struct outer {' + 'struct {'.repeat(5000) + 'int deep_field;' + '};'.repeat(5000) + '};\n');
  assert.equal(structs.definitions[0].name, 'outer');
});

test('unbalanced bodies, unclosed macro arguments and stray comment ends stay linear', HANG_GUARD, () => {
  const bodies = extract('int f(int a) DEMO(x)\n#if X\n#endif\n{ g(a);\n'.repeat(4000));
  assert.ok(bodies.references.filter((r) => r.name === 'g').length === 4000);
  const generators = extract('DEFINE_MUTEX(a, \n'.repeat(8000));
  assert.equal(generators.definitions.length, 0);
  const comments = extract('*/\nint v;\n'.repeat(8000));
  assert.equal(comments.definitions.length, 8000);
  assert.ok(comments.definitions.every((d) => d.doc === undefined));
});

test('one long line full of annotations and a huge enum are handled', HANG_GUARD, () => {
  const line = extract('static int __init x_y(void) '.repeat(4000));
  assert.equal(
    line.references.filter((r) => r.name === '__init').length,
    4000,
    'masked annotations are still references',
  );
  const enumText = 'enum big {\n' + Array.from({ length: 5000 }, (_, i) => `\tBIG_${i},\n`).join('') + '};\n';
  const enumResult = extract(enumText);
  assert.equal(enumResult.definitions.filter((d) => d.kind === 'enumerator').length, 5000);
});

test(
  'the whole-tree extractor stays linear in block nesting (the enclosing function is not searched per brace)',
  // The quadratic version took 110 s here (about 1 s now): a guard, not a timing.
  { timeout: 30_000 },
  () => {
    // 100,000 nested blocks: walking the scope stack at every `{` and `}` took 4 s for 20,000 and is quadratic, so
    // this would run for minutes and hit the guard; kept on each scope when it is pushed, it is linear.
    const depth = 100_000;
    const text = `int outer(void)\n{\n${'{'.repeat(depth)} inner_call(); ${'}'.repeat(depth)}\n}\nint after;\n`;
    const extraction = extractLexical(text, { file: 'mm/deep.c', references: new Set(['inner_call']) });
    assert.equal(extraction.references?.length, 1);
    assert.equal(extraction.references[0].enclosingFunction, 'outer');
    const outer = extraction.definitions.find((definition) => definition.name === 'outer');
    assert.equal(outer?.endLine, 3);
    assert.ok(extraction.definitions.some((definition) => definition.name === 'after'));
  },
);
