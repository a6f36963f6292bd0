/**
 * Property: the removed-API lint never matches inside a comment, a string or character literal, or an `#if 0`
 * block, and finds every use in code. The C text is assembled from fragments whose kind is known by
 * construction (the truth), so no scanner of ours decides what is a comment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import { lintText } from '../../server/src/lint/linter';
import { defaultLintRules } from '../../server/src/lint/rules';

const rules = defaultLintRules();
const version = parseKernelVersion('6.17');
const REMOVED = ['pmd_devmap', 'pud_devmap', 'SWP_DEVICE_EXCLUSIVE_READ', 'make_writable_device_exclusive_entry'];
const HARMLESS = ['folio', 'pmd_devmap_x', 'xpmd_devmap', 'ret', 'PMD_DEVMAP'];

interface Fragment {
  text: string;
  /** Offsets (relative to the fragment) where a removed name stands in code. */
  uses: number[];
}

const name = fc.constantFrom(...REMOVED, ...HARMLESS);
/** Text that may hold anything but the characters that would end the comment or literal holding it. */
const filler = fc.array(
  fc.oneof(name, fc.constantFrom(' ', '(', ')', ';', '{', '}', '\\\\', "'", '"', '*', '/', '#', '\t')),
  {
    maxLength: 6,
  },
);

const codeFragment: fc.Arbitrary<Fragment> = fc.array(name, { minLength: 1, maxLength: 4 }).map((names) => {
  const uses: number[] = [];
  let text = '\t';
  for (const n of names) {
    if (REMOVED.includes(n)) uses.push(text.length);
    text += `${n}(x); `;
  }
  return { text: `${text}\n`, uses };
});
const lineComment = filler.map((parts) => ({ text: `// ${parts.join('').replace(/\\$/, '')}\n`, uses: [] }));
const blockComment = filler.map((parts) => ({ text: `/* ${parts.join('').replace(/\*\//g, '* /')} */`, uses: [] }));
const stringLiteral = filler.map((parts) => ({
  text: `p("${parts.join('').replace(/["\\\n]/g, '')}");\n`,
  uses: [],
}));
const charLiteral = fc
  .constantFrom(...REMOVED)
  .map((n) => ({ text: `c = '${n.slice(0, 1)}'; /* ${n} */\n`, uses: [] }));
const deadBlock = fc.array(name, { maxLength: 3 }).map((names) => ({
  text: `#if 0\n${names.map((n) => `\t${n}(y);\n`).join('')}#endif\n`,
  uses: [],
}));

const body = fc.array(fc.oneof(codeFragment, lineComment, blockComment, stringLiteral, charLiteral, deadBlock), {
  maxLength: 12,
});

test('lint matches exactly the removed names that stand in code, never in comments, strings or #if 0', () => {
  fc.assert(
    fc.property(body, (fragments) => {
      let text = 'void f(void)\n{\n';
      const expected: number[] = [];
      for (const fragment of fragments) {
        for (const use of fragment.uses) expected.push(text.length + use);
        text += fragment.text;
      }
      text += '}\n';
      const found = lintText(text, 'fuzz.c', { rules, version, kind: 'c' })
        .filter((finding) => finding.context === 'code')
        .map((finding) => finding.start);
      assert.deepEqual(found, expected, text);
    }),
    { numRuns: 300, seed: 17 },
  );
});
