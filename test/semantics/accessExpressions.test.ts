import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expressionStartBefore, parseAccessExpression } from '../../server/src/semantics/accessExpressions';
import { compileTypeMacros, TypeMacroError } from '../../server/src/semantics/typeMacros';

function parse(text: string) {
  return parseAccessExpression(text, 0, text.length);
}

void test('chains of members, calls, subscripts, casts, dereferences keep each name with its offset', () => {
  assert.deepEqual(parse('vmf->page->pgmap'), {
    kind: 'member',
    arrow: true,
    field: 'pgmap',
    offset: 11,
    object: {
      kind: 'member',
      arrow: true,
      field: 'page',
      offset: 5,
      object: { kind: 'name', name: 'vmf', offset: 0 },
    },
  });
  const cast = parse('((struct page *)folio)->flags');
  assert.equal(cast.kind, 'member');
  assert.equal(cast.kind === 'member' && cast.object.kind, 'cast');
  assert.equal(cast.kind === 'member' && cast.object.kind === 'cast' && cast.object.typeText, 'struct page *');
  const call = parse('container_of(head->next, struct item, link)');
  assert.equal(call.kind, 'call');
  assert.deepEqual(call.kind === 'call' && call.args.map((a) => a.text), ['head->next', 'struct item', 'link']);
  assert.equal(parse('*pages[3]').kind, 'deref');
  assert.equal(parse('&fw').kind, 'address');
  // `(x)` is a parenthesized name, not a cast.
  assert.deepEqual(parse('(folio)'), { kind: 'name', name: 'folio', offset: 1 });
});

void test('_Generic is typed by its first association; statement expressions by nothing', () => {
  const generic = parse(
    '_Generic((p), const struct page *: (const struct folio *)x, struct page *: (struct folio *)x)',
  );
  assert.equal(generic.kind, 'cast');
  assert.equal(generic.kind === 'cast' && generic.typeText, 'const struct folio *');
  assert.deepEqual(parse('({ int x = 1; x; })'), { kind: 'other' });
});

void test('the start of the object before `->`/`.` while typing', () => {
  const text = 'x = vmf->page->pgmap->';
  assert.equal(expressionStartBefore(text, text.length - 2), 4);
  const call = 'y = pfn_to_page(entry.pte)->';
  assert.equal(expressionStartBefore(call, call.length - 2), 4);
  const indexed = 'z = pages[i + 1].';
  assert.equal(expressionStartBefore(indexed, indexed.length - 1), 4);
  assert.equal(expressionStartBefore('return ->', 7), undefined);
});

void test('hostile expressions: unbalanced brackets, 10,000 nested parentheses, a 100 kB identifier', () => {
  assert.doesNotThrow(() => parse('a->b(c, d[e->'));
  const nested = `${'('.repeat(10000)}x${')'.repeat(10000)}`;
  assert.doesNotThrow(() => parse(nested));
  const long = `${'a'.repeat(100_000)}->f`;
  assert.equal(parse(long).kind, 'member');
  assert.doesNotThrow(() => expressionStartBefore(`${'('.repeat(5000)}x.`, 5001));
});

void test('type-macros data: every form validated, a bad entry named in the error', () => {
  const ok = compileTypeMacros({
    format: 'kernel-mm-lens-type-macros',
    version: 1,
    macros: [
      { macro: 'container_of', source: 'x.h', result: { pointerToTypeArg: 1 }, member: { arg: 2, ofTypeArg: 1 } },
    ],
  });
  assert.deepEqual(ok.get('container_of')?.result, { pointerToTypeArg: 1 });
  const bad = (macros: unknown[]) => () =>
    compileTypeMacros({ format: 'kernel-mm-lens-type-macros', version: 1, macros });
  assert.throws(bad([{ macro: 'x', source: 's' }]), /x needs "result" or "member"/);
  assert.throws(bad([{ macro: 'x', source: 's', result: { typeOfArg: -1 } }]), TypeMacroError);
  assert.throws(bad([{ macro: 'x', source: 's', result: { guess: 1 } }]), /unknown result form/);
  assert.throws(bad([{ macro: '1x', source: 's', result: { typeOfArg: 0 } }]), /valid "macro"/);
  assert.throws(
    () => compileTypeMacros({ format: 'other', version: 1, macros: [] }),
    /not a kernel-mm-lens-type-macros/,
  );
});
