import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  semanticSymbolAt,
  fieldDefinitionsNamed,
  type MemberResolution,
} from '../../server/src/semantics/symbolResolution';
import { typeText } from '../../server/src/semantics/cTypes';
import { lineOf, offsetOf, withDocument } from './helpers';
import { loadFixtureTree, type FixtureTree } from './fixtureTree';

let tree: FixtureTree;
before(async () => {
  tree = await loadFixtureTree();
});

/** The member at the nth `word` of the line containing `lineContains` in a fixture file. */
function memberAt(file: string, lineContains: string, word: string, nth = 0, text = tree.read(file)): MemberResolution {
  return withDocument(tree.parser, text, file, (document) => {
    const start = offsetOf(text, lineContains, word, nth);
    const symbol = semanticSymbolAt(tree.resolver, document, start, start + word.length);
    assert.equal(symbol?.kind, 'member', `${word} on "${lineContains}" is a member`);
    return (symbol as { member: MemberResolution }).member;
  });
}

function fieldLine(file: string, lineContains: string): number {
  const text = tree.read(file);
  return lineOf(text, text.indexOf(lineContains));
}

void test('fw.page resolves to the field of struct folio_walk, with its kernel-doc line', () => {
  const member = memberAt('mm/ksm.c', 'page = fw.page', 'page', 1);
  assert.equal(member.record?.name, 'folio_walk');
  assert.equal(member.fields.length, 1);
  const [field] = member.fields;
  assert.equal(field.file, 'include/linux/pagewalk.h');
  assert.equal(field.line, fieldLine('include/linux/pagewalk.h', 'struct page *page;'));
  assert.equal(field.declaration, 'struct page *page');
  assert.equal(field.comment, 'the exact folio page that was found');
  assert.equal(field.container, 'struct folio_walk');
});

void test("members of an anonymous union are the struct's own, with where they sit", () => {
  const member = memberAt('mm/ksm.c', 'page = fw.page', 'page', 1);
  const pte = member.record!.fields.find((f) => f.name === 'pte')!;
  assert.deepEqual(pte.via, ['union']);
  assert.equal(typeText(pte.type), 'pte_t');
});

void test("a parameter's struct (defined in the same file) and a chain through pointers", () => {
  const mm = memberAt('mm/ksm.c', 'struct mm_struct *mm = rmap_item->mm;', 'mm', 1);
  assert.equal(mm.record?.name, 'ksm_rmap_item');
  assert.equal(mm.fields[0].file, 'mm/ksm.c');

  const ops = memberAt('mm/memory.c', 'ret = vmf->page->pgmap->ops->migrate_to_ram(vmf)', 'migrate_to_ram');
  assert.equal(ops.record?.name, 'dev_pagemap_ops');
  assert.equal(ops.fields[0].line, fieldLine('include/linux/memremap.h', 'int (*migrate_to_ram)'));
  assert.equal(ops.fields[0].comment, 'Move a device-private page back to system memory.');
  assert.equal(typeText(ops.fields[0].type), 'int (*)(struct vm_fault *vmf)');

  const pgmap = memberAt('mm/memory.c', 'ret = vmf->page->pgmap->ops', 'pgmap');
  assert.equal(pgmap.record?.name, 'page');
  assert.deepEqual(pgmap.fields[0].via, ['union', 'struct']);
  assert.equal(pgmap.fields[0].comment, 'the device page map of a ZONE_DEVICE page');
});

void test("a global, a function result, a macro of _Generic casts, a cast and a typedef'd struct", () => {
  assert.equal(memberAt('mm/memory.c', 'ret += init_mm.total_vm', 'total_vm').record?.name, 'mm_struct');
  assert.equal(memberAt('mm/memory.c', 'ret += pfn_to_page(entry.pte)->flags', 'flags').record?.name, 'page');
  // pte_t is a typedef of an anonymous struct; the x86 definition (the preferred architecture) answers.
  const pte = memberAt('mm/memory.c', 'ret += pfn_to_page(entry.pte)->flags', 'pte');
  assert.equal(pte.record?.name, 'pte_t');
  assert.equal(pte.fields[0].file, 'arch/x86/include/asm/pgtable_types.h');
  assert.equal(memberAt('mm/memory.c', 'ret += folio->mapping', 'mapping').record?.name, 'folio');
  assert.equal(
    memberAt('mm/memory.c', 'ret += ((struct page *)folio)->_refcount', '_refcount').fields[0].comment,
    'usage count, use page_ref_count()',
  );
});

void test('container_of-style macros: the result type and the member argument (type-macros data)', () => {
  const address = memberAt('mm/ksm.c', 'return container_of(head->next', 'address');
  assert.equal(address.record?.name, 'ksm_rmap_item');
  const link = memberAt('mm/ksm.c', 'return container_of(head->next', 'link');
  assert.equal(link.record?.name, 'ksm_rmap_item');
  assert.equal(link.fields[0].line, fieldLine('mm/ksm.c', 'struct list_head link;'));
  // list_for_each_entry(item, head, link): the member of what `item` points to.
  const loopLink = memberAt('mm/ksm.c', 'list_for_each_entry(item, head, link)', 'link');
  assert.equal(loopLink.record?.name, 'ksm_rmap_item');
  // list_first_entry is typed by its data entry; item->address then by the local's declared type.
  assert.equal(memberAt('mm/ksm.c', 'item->address;', 'address').record?.name, 'ksm_rmap_item');
});

void test("macro-declared locals get their type from the macro's definition in the tree", () => {
  const index = memberAt('mm/ksm.c', 'item->address = vmi.index', 'index');
  assert.equal(index.record?.name, 'vma_iterator');
  const next = memberAt('mm/ksm.c', 'local_list.next = head', 'next');
  assert.equal(next.record?.name, 'list_head');
  // include/ wins over the tools/ copy of struct list_head.
  assert.equal(next.fields[0].file, 'include/linux/list.h');
});

void test("designated initializers and a field's own declaration", () => {
  const initializer = memberAt('mm/memory.c', '.migrate_to_ram = demo_migrate_to_ram', 'migrate_to_ram');
  assert.equal(initializer.record?.name, 'dev_pagemap_ops');
  assert.equal(initializer.fields[0].file, 'include/linux/memremap.h');
  const own = memberAt('include/linux/memremap.h', 'int (*migrate_to_ram)', 'migrate_to_ram');
  assert.equal(own.fields[0].line, fieldLine('include/linux/memremap.h', 'int (*migrate_to_ram)'));
});

void test('an object of unknown type: no record, and the fallback is fields of that name only', () => {
  const unknown = memberAt('mm/memory.c', 'ret += unknown_thing->flags', 'flags');
  assert.equal(unknown.record, undefined);
  assert.deepEqual(unknown.fields, []);
  const fallback = fieldDefinitionsNamed(tree.resolver, 'flags');
  assert.ok(fallback.length >= 2);
  assert.ok(fallback.every((d) => d.kind === 'field'));
});

void test('typing while the buffer is incomplete: `fw.` with nothing after it', () => {
  const original = tree.read('mm/ksm.c');
  const text = original.replace('\t\tfolio_walk_end(&fw, vma);', '\t\tfw.pa\n\t\tfolio_walk_end(&fw, vma);');
  const member = memberAt('mm/ksm.c', '\t\tfw.pa', 'pa', 0, text);
  assert.equal(member.record?.name, 'folio_walk');
  assert.deepEqual(member.fields, []);
});
