import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { signatureHelpAt, type SignatureAnswer } from '../../server/src/semantics/signatureHelp';
import { withDocument } from './helpers';
import { loadFixtureTree, type FixtureTree } from './fixtureTree';

let tree: FixtureTree;
before(async () => {
  tree = await loadFixtureTree();
});

const DUTY = (name: string) =>
  name === 'folio_walk_start' ? 'page-table lock held until folio_walk_end()' : undefined;

/** Signature help in `file` after inserting `typed` at the end of the line containing `afterLine`. */
function helpTyping(file: string, afterLine: string, typed: string): SignatureAnswer | undefined {
  const original = tree.read(file);
  const at = original.indexOf(afterLine);
  assert.ok(at >= 0);
  const insertAt = original.indexOf('\n', at) + 1;
  const text = original.slice(0, insertAt) + typed + original.slice(insertAt);
  return withDocument(tree.parser, text, file, (document) =>
    signatureHelpAt(tree.resolver, document, insertAt + typed.length, { callerDuty: DUTY }),
  );
}

function parameterTexts(answer: SignatureAnswer): string[] {
  const [signature] = answer.signatures;
  return signature.parameters.map((p) => signature.label.slice(p.label[0], p.label[1]));
}

void test("folio_walk_start(&fw, vma, …: the definition's signature, the third parameter active, kernel-doc and caller duty", () => {
  const answer = helpTyping('mm/ksm.c', 'struct folio *folio;', '\tfolio_walk_start(&fw, vma, ');
  assert.ok(answer);
  assert.equal(answer.callee, 'folio_walk_start');
  assert.equal(answer.signatures.length, 1);
  assert.deepEqual(parameterTexts(answer), [
    'struct folio_walk *fw',
    'struct vm_area_struct *vma',
    'unsigned long addr',
    'folio_walk_flags_t flags',
  ]);
  assert.equal(answer.activeParameter, 2);
  const [signature] = answer.signatures;
  assert.equal(signature.parameters[0].documentation, 'filled with what was found on success');
  assert.equal(signature.parameters[2].name, 'addr');
  assert.match(signature.documentation ?? '', /walk the page tables to a folio/);
  assert.match(signature.documentation ?? '', /mm\/pagewalk\.c:/);
  assert.equal(answer.callerDuty, 'page-table lock held until folio_walk_end()');
});

void test('the first parameter while typing the first argument; a nested call is answered for the innermost', () => {
  assert.equal(helpTyping('mm/ksm.c', 'struct folio *folio;', '\tfolio_walk_start(&f')?.activeParameter, 0);
  const nested = helpTyping('mm/ksm.c', 'struct folio *folio;', '\tfolio_walk_start(&fw, find_vma(mm, ');
  assert.equal(nested?.callee, 'find_vma');
  assert.equal(nested?.activeParameter, 1);
  const outer = helpTyping('mm/ksm.c', 'struct folio *folio;', '\tfolio_walk_start(&fw, find_vma(mm, addr), ');
  assert.equal(outer?.callee, 'folio_walk_start');
  assert.equal(outer?.activeParameter, 2);
});

void test('a function-like macro: its parameters from the #define', () => {
  const answer = helpTyping('mm/ksm.c', 'struct folio *folio;', '\tfolio_walk_end(&fw, ');
  assert.ok(answer);
  assert.deepEqual(parameterTexts(answer), ['__fw', '__vma']);
  assert.equal(answer.activeParameter, 1);
  assert.equal(answer.callerDuty, undefined);
});

void test("a call through a function-pointer field shows the field's declaration", () => {
  const answer = helpTyping('mm/memory.c', 'int ret = 0;', '\tvmf->page->pgmap->ops->migrate_to_ram(');
  assert.ok(answer);
  assert.equal(answer.signatures[0].label, 'int (*migrate_to_ram)(struct vm_fault *vmf)');
  assert.deepEqual(parameterTexts(answer), ['struct vm_fault *vmf']);
});

void test('variadic macros keep the last parameter active; keywords and strings are not calls', () => {
  const variadic = helpTyping('mm/ksm.c', 'struct folio *folio;', '\tdemo_printk("x", a, b, ');
  assert.equal(variadic?.activeParameter, 1);
  assert.equal(helpTyping('mm/ksm.c', 'struct folio *folio;', '\tif (folio'), undefined);
  assert.equal(helpTyping('mm/ksm.c', 'struct folio *folio;', '\tdemo_printk("(a, '), undefined);
});
