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

test(
  'unclosed #if inside deep blocks and a long declaration cost memory linear in the file (no copy per #if)',
  HANG_GUARD,
  () => {
    // The shape of a mutated header that ran an index worker out of heap (issue 17): thousands of scopes that
    // are no function body, one very long declaration line, then thousands of unclosed #if, each of which copied
    // the scope stack and the declaration (depth x length: 4,105 x 266k tokens there). Here 20,000 x 25,000.
    const scopes = 5_000;
    const ifs = 20_000;
    const text =
      'struct outer {\n' +
      'struct {\n'.repeat(scopes) +
      'x '.repeat(20_000) +
      '\n' +
      '#if X\ny\n#else\nz\n'.repeat(ifs) +
      'int last_var;\n';
    const before = process.memoryUsage().heapUsed;
    const extraction = extractLexical(text, { file: 'mm/hostile.h' });
    const grown = process.memoryUsage().heapUsed - before;
    // Copies were 20,000 x 25,000 numbers (4 GB); kept as links the whole run stays well under 200 MB.
    assert.ok(grown < 200 * 1024 * 1024, `heap grew ${Math.round(grown / 1048576)} MB`);
    assert.ok(
      extraction.limits?.some((limit) => limit.includes('#if nested deeper than 64')),
      'says that it stopped following the branches',
    );
    assert.ok(extraction.limits?.some((limit) => limit.includes('declaration longer than')));
    assert.ok(
      (extraction.restoredTokens ?? 0) <= 65_536 + 16 * text.length + 8_192,
      `restored ${extraction.restoredTokens} tokens`,
    );
  },
);

test(
  're-reading one long declaration at each of many #else is bounded by a budget, then read in sequence',
  HANG_GUARD,
  () => {
    // Each `#else` restores the declaration as it was at its `#if`: a copy of 8,000 tokens, 50,000 times, unless
    // the copy budget (16 per token of the file) stops following the branches.
    const text = 'int f(' + 'p, '.repeat(4_000) + '\n' + '#if A\n#else\nq\n#endif\n'.repeat(50_000) + ');\nint g;\n';
    const extraction = extractLexical(text, { file: 'mm/hostile.c' });
    // Without the budget: 50,000 x 8,000 = 400 M tokens copied. (The text has fewer tokens than characters.)
    assert.ok((extraction.restoredTokens ?? 0) <= 65_536 + 16 * text.length + 8_192, `${extraction.restoredTokens}`);
    assert.ok(extraction.limits?.some((limit) => limit.includes('re-read too often')));
    assert.ok(extraction.definitions.some((d) => d.name === 'g'));
  },
);

test('#ifdef around a signature still gives both functions the body (the shared declaration is not corrupted)', () => {
  const text = [
    'struct s {',
    '#ifdef A',
    '#else',
    '\tint only_b;',
    '#endif',
    '\tint after;',
    '};',
    '#ifdef CONFIG_X',
    'static int alpha(int a)',
    '#else',
    'static int beta(int b)',
    '#endif',
    '{',
    '\treturn 0;',
    '}',
    'int tail;',
  ].join('\n');
  const { definitions } = extractLexical(text, { file: 'mm/alt.c' });
  const byName = new Map(definitions.map((d) => [d.name, d]));
  assert.equal(byName.get('alpha')?.kind, 'function');
  assert.equal(byName.get('beta')?.kind, 'function');
  assert.equal(byName.get('alpha')?.endLine, 14);
  assert.equal(byName.get('beta')?.endLine, 14);
  assert.equal(byName.get('only_b')?.kind, 'field');
  assert.equal(byName.get('after')?.kind, 'field');
  assert.equal(byName.get('tail')?.kind, 'variable');
});
