import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  codeTokens,
  compileTokenPattern,
  findCall,
  findTokenPattern,
} from '../../../server/src/knowledge/changes/tokenPattern';

const find = (code: string, pattern: string) => findTokenPattern(codeTokens(code), compileTokenPattern(pattern));

void test('a token pattern ignores spacing, line breaks and comments', () => {
  const code =
    'if ((gup_flags & FOLL_SPLIT_PMD) &&\n    /* hugetlb cannot split */ is_vm_hugetlb_page( vma ))\n\treturn -EOPNOTSUPP;';
  const tokens = codeTokens(code);
  const at = findTokenPattern(tokens, compileTokenPattern('(gup_flags & FOLL_SPLIT_PMD) && is_vm_hugetlb_page(vma)'));
  assert.ok(at >= 0);
  assert.equal(tokens[at].line, 0);
  assert.equal(
    find(code, 'is_vm_hugetlb_page(vma)'),
    tokens.findIndex((t) => t.text === 'is_vm_hugetlb_page'),
  );
});

void test('code in comments, strings and #if 0 blocks does not match', () => {
  assert.equal(find('/* folio_test_hugetlb(folio) */ x = 1;', 'folio_test_hugetlb(folio)'), -1);
  assert.equal(find('pr_info("folio_test_hugetlb(folio)");', 'folio_test_hugetlb(folio)'), -1);
  assert.equal(find('#if 0\nif (folio_test_hugetlb(folio)) return;\n#endif\n', 'folio_test_hugetlb(folio)'), -1);
  // A different argument is a different token sequence.
  assert.equal(find('folio_test_hugetlb(src)', 'folio_test_hugetlb(folio)'), -1);
});

void test('$_ matches one token and $$ a run of tokens inside one statement', () => {
  assert.ok(find('pfn = softleaf_to_pfn(entry);', 'softleaf_to_pfn($_)') >= 0);
  assert.equal(find('pfn = softleaf_to_pfn(a, b);', 'softleaf_to_pfn($_)'), -1);
  assert.ok(find('if (a && is_migration_entry(e) && b) x();', 'if ( $$ is_migration_entry(e)') >= 0);
  // $$ stops at ';' '{' '}': the two calls are in different statements.
  assert.equal(find('lock(x); unlock(x);', 'lock(x) $$ unlock(x)'), -1);
});

void test('patterns without a literal token, or starting with $$, are rejected', () => {
  assert.throws(() => compileTokenPattern('$_'), /no literal token/);
  assert.throws(() => compileTokenPattern('$$ foo'), /starts or ends with \$\$/);
  assert.throws(() => compileTokenPattern(''), /no literal token/);
});

void test('findCall finds `name (` and not a bare identifier', () => {
  const tokens = codeTokens('x = pte_clear; pte_clear (mm, addr, ptep);');
  assert.equal(findCall(tokens, 'pte_clear'), 4);
  assert.equal(findCall(codeTokens('fn = pte_clear;'), 'pte_clear'), -1);
});
