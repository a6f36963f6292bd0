import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Parser } from 'web-tree-sitter';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { parseKernelC } from '../../server/src/parsing/kernelSource';
import { extractFromTree, type Extraction } from '../../server/src/parsing/syntaxExtractor';

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
