import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { completeAt, type CompletionAnswer } from '../../server/src/semantics/completion';
import { withDocument } from './helpers';
import { loadFixtureTree, type FixtureTree } from './fixtureTree';

let tree: FixtureTree;
before(async () => {
  tree = await loadFixtureTree();
});

/** Completion in mm/ksm.c after inserting `typed` right after the line `afterLine` (the unsaved buffer). */
function completeTyping(afterLine: string, typed: string): CompletionAnswer {
  const original = tree.read('mm/ksm.c');
  const at = original.indexOf(afterLine);
  assert.ok(at >= 0);
  const insertAt = original.indexOf('\n', at) + 1;
  const text = original.slice(0, insertAt) + typed + original.slice(insertAt);
  return withDocument(tree.parser, text, 'mm/ksm.c', (document) =>
    completeAt(tree.resolver, document, insertAt + typed.length),
  );
}

void test('after `fw.` the fields of struct folio_walk, anonymous union members included, and no functions', () => {
  const answer = completeTyping('folio = folio_walk_start(&fw, vma, addr, 0);', '\tfw.');
  assert.equal(answer.context, 'member');
  const labels = answer.items.map((i) => i.label);
  assert.deepEqual(labels, ['page', 'level', 'ptep', 'pmdp', 'pte', 'pmd', 'vma']);
  assert.ok(answer.items.every((i) => i.kind === 'field'));
  const page = answer.items[0];
  assert.equal(page.detail, 'struct page *page');
  assert.match(page.documentation ?? '', /the exact folio page that was found/);
  assert.equal(answer.isIncomplete, false);
});

void test('after `->` with a prefix: the matching fields of the pointed-to struct', () => {
  const answer = completeTyping('unsigned long addr = rmap_item->address;', '\trmap_item->ad');
  assert.deepEqual(
    answer.items.map((i) => i.label),
    ['address'],
  );
});

void test('an object whose type is not found completes nothing rather than guessing', () => {
  const answer = completeTyping('folio = folio_walk_start(&fw, vma, addr, 0);', '\tnot_declared_here->');
  assert.equal(answer.context, 'member');
  assert.deepEqual(answer.items, []);
});

void test('identifiers: locals and parameters first, then this file, then included headers, each once', () => {
  const answer = completeTyping('folio = folio_walk_start(&fw, vma, addr, 0);', '\tfo');
  const labels = answer.items.map((i) => i.label);
  assert.equal(labels[0], 'folio');
  assert.equal(answer.items[0].kind, 'local');
  assert.ok(labels.includes('folio_walk_start'), labels.join(' '));
  const start = answer.items.find((i) => i.label === 'folio_walk_start')!;
  // One item, described by what this file sees: the prototype of the header it includes.
  assert.equal(start.kind, 'prototype');
  assert.match(start.detail ?? '', /^struct folio \*folio_walk_start\(struct folio_walk \*fw,/);
  assert.equal(new Set(labels).size, labels.length);
  assert.ok(!labels.includes('flags'), 'struct members are not offered outside a member access');
});

void test('the tree beyond the includes, with arch variants collapsed into one item and a note', () => {
  const answer = completeTyping('folio = folio_walk_start(&fw, vma, addr, 0);', '\tpte_');
  const items = answer.items.filter((i) => i.label === 'pte_t');
  assert.equal(items.length, 1);
  assert.match(items[0].documentation ?? '', /arch variants: arm64, x86/);
});

void test('after `struct ` only struct tags', () => {
  const answer = completeTyping('struct folio *folio;', '\tstruct folio_w');
  assert.equal(answer.context, 'tag');
  assert.deepEqual(
    answer.items.map((i) => i.label),
    ['folio_walk'],
  );
});

void test('nothing inside comments and strings', () => {
  assert.equal(completeTyping('struct folio *folio;', '\t/* fw.').context, 'none');
  assert.equal(completeTyping('struct folio *folio;', '\tdemo_printk("fo').context, 'none');
});
