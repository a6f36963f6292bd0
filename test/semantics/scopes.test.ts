import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Parser } from 'web-tree-sitter';
import { snippetParser } from '../../server/src/semantics/snippetParser';
import { TypeResolver, type SemanticDocument } from '../../server/src/semantics/typeResolver';
import { localReferences, localsAt } from '../../server/src/semantics/scopes';
import { typeText } from '../../server/src/semantics/cTypes';
import { offsetOf, withDocument } from './helpers';

// Scopes need no index: every case here is one hand-written document.
let parser: Parser;
let resolver: TypeResolver;
before(async () => {
  parser = await snippetParser();
  resolver = new TypeResolver({ sources: { textOf: () => undefined, fingerprint: () => undefined }, parser });
});

const SOURCE = `#define SQUARE(x) ((x) * (x))
static int total;
int prototype_only(int alpha, char *beta);

static int walk(struct page *page, unsigned long nr)
{
	struct folio *folio = NULL, *tmp;
	int i;
	LIST_HEAD(pages);

	for (int j = 0; j < nr; j++)
		total += j;
	for (i = 0; i < nr; i++) {
		int page = i;		/* shadows the parameter */

		total += page;
	}
	if (!folio)
		goto out;
	total += page->flags + SQUARE(nr);
	list_add(&tmp->lru, &pages);
out:
	return total;
}
`;

function resolve(document: SemanticDocument, lineContains: string, word: string, nth = 0) {
  const start = offsetOf(document.text, lineContains, word, nth);
  return resolver.localAt(document, start, start + word.length);
}

void test('a local resolves to its own declarator, with its declaration text and type', () => {
  withDocument(parser, SOURCE, 'mm/walk.c', (document) => {
    const folio = resolve(document, 'if (!folio)', 'folio');
    assert.ok(folio);
    assert.equal(folio.kind, 'local');
    assert.equal(folio.start, offsetOf(SOURCE, 'struct folio *folio = NULL', 'folio', 1));
    assert.equal(folio.declarationText, 'struct folio *folio');
    assert.equal(typeText(folio.type), 'struct folio *');
    assert.equal(folio.functionName, 'walk');
    const tmp = resolve(document, 'list_add(&tmp', 'tmp');
    assert.equal(tmp?.declarationText, 'struct folio *tmp');
  });
});

void test('parameters, for-loop declarations and inner blocks each resolve to their own scope', () => {
  withDocument(parser, SOURCE, 'mm/walk.c', (document) => {
    const parameter = resolve(document, 'total += page->flags', 'page');
    assert.equal(parameter?.kind, 'parameter');
    assert.equal(parameter?.parameterIndex, 0);
    assert.equal(parameter?.start, offsetOf(SOURCE, 'static int walk(', 'page', 1));

    const shadow = resolve(document, 'total += page;', 'page');
    assert.equal(shadow?.kind, 'local');
    assert.equal(shadow?.start, offsetOf(SOURCE, 'int page = i;', 'page'));

    const j = resolve(document, 'total += j;', 'j');
    assert.equal(j?.start, offsetOf(SOURCE, 'for (int j = 0', 'j'));
    // The loop's own variable is not visible after the loop.
    assert.ok(j && j.scopeEnd <= SOURCE.indexOf('for (i = 0'));
  });
});

void test('globals, functions and macros are not locals: they are left to the whole-tree lookup', () => {
  withDocument(parser, SOURCE, 'mm/walk.c', (document) => {
    assert.equal(resolve(document, 'total += j;', 'total'), undefined);
    assert.equal(resolve(document, 'list_add(&tmp', 'list_add'), undefined);
    assert.equal(resolve(document, 'SQUARE(nr)', 'SQUARE'), undefined);
  });
});

void test('a macro that declares its argument (name-generator data) declares a local', () => {
  withDocument(parser, SOURCE, 'mm/walk.c', (document) => {
    const pages = resolve(document, 'list_add(&tmp', 'pages');
    assert.equal(pages?.kind, 'macro-local');
    assert.equal(pages?.start, offsetOf(SOURCE, 'LIST_HEAD(pages)', 'pages'));
    assert.equal(pages?.declarationText, 'LIST_HEAD(pages)');
  });
});

void test('labels, macro parameters and prototype parameters resolve locally', () => {
  withDocument(parser, SOURCE, 'mm/walk.c', (document) => {
    const label = resolve(document, 'goto out', 'out');
    assert.equal(label?.kind, 'label');
    assert.equal(label?.start, offsetOf(SOURCE, 'out:', 'out'));
    const x = resolve(document, '#define SQUARE', 'x', 2);
    assert.equal(x?.kind, 'macro-parameter');
    assert.equal(x?.start, offsetOf(SOURCE, '#define SQUARE', 'x'));
    const beta = resolve(document, 'int prototype_only', 'beta');
    assert.equal(beta?.kind, 'parameter');
  });
});

void test('references of a local stay in its scope and skip a shadowing declaration', () => {
  withDocument(parser, SOURCE, 'mm/walk.c', (document) => {
    const parameter = resolve(document, 'total += page->flags', 'page')!;
    const uses = localReferences(document.tree, SOURCE, parameter, resolver.locator(document)).map(([s]) => s);
    assert.deepEqual(uses, [
      offsetOf(SOURCE, 'static int walk(', 'page', 1),
      offsetOf(SOURCE, 'total += page->flags', 'page'),
    ]);
    const shadow = resolve(document, 'total += page;', 'page')!;
    const inner = localReferences(document.tree, SOURCE, shadow, resolver.locator(document)).map(([s]) => s);
    assert.deepEqual(inner, [offsetOf(SOURCE, 'int page = i;', 'page'), offsetOf(SOURCE, 'total += page;', 'page')]);
  });
});

void test('locals visible at a position: innermost first, not those declared later or in closed blocks', () => {
  withDocument(parser, SOURCE, 'mm/walk.c', (document) => {
    const names = localsAt(
      document.tree,
      SOURCE,
      offsetOf(SOURCE, 'total += page;', 'total'),
      resolver.locator(document),
    ).map((l) => l.name);
    assert.deepEqual(names, ['page', 'pages', 'i', 'tmp', 'folio', 'nr']);
    const later = localsAt(
      document.tree,
      SOURCE,
      offsetOf(SOURCE, 'struct folio *folio', 'struct'),
      resolver.locator(document),
    ).map((l) => l.name);
    assert.deepEqual(later, ['page', 'nr']);
  });
});

void test('half-typed code: locals are still found around ERROR nodes and a bogus nested function', () => {
  const typing = `static void f(struct mm_struct *mm)
{
	struct folio *folio;

	fol
	if (folio) {
		mm->
	}
}
`;
  withDocument(parser, typing, 'mm/typing.c', (document) => {
    const at = offsetOf(typing, '\tfol', 'fol') + 3;
    const names = localsAt(document.tree, typing, at, resolver.locator(document)).map((l) => l.name);
    assert.deepEqual(names, ['folio', 'mm']);
    const mm = resolve(document, 'mm->', 'mm');
    assert.equal(mm?.kind, 'parameter');
  });
});

void test('hostile input: deep nesting and a huge declaration list end with an answer, not a crash', () => {
  const deep = `void f(void) { int x; ${'{'.repeat(3000)} x; ${'}'.repeat(3000)} }`;
  withDocument(parser, deep, undefined, (document) => {
    const start = deep.indexOf(' x; ') + 1;
    const found = resolver.localAt(document, start, start + 1);
    // Bounded walk: either the declaration or nothing, never an exception.
    assert.ok(found === undefined || found.name === 'x');
  });
  const many = `void g(void) { int ${Array.from({ length: 5000 }, (_, i) => `v${i}`).join(', ')}; v4999 = 1; }`;
  withDocument(parser, many, undefined, (document) => {
    const start = many.lastIndexOf('v4999');
    assert.equal(resolver.localAt(document, start, start + 5)?.start, many.indexOf('v4999'));
  });
});

void test('a parameter clicked in the header of a function returning a pointer: references reach the body', () => {
  const text = `static struct folio *pick(struct list_head *head, int nr)
{
	return nr ? first(head) : NULL;
}
`;
  withDocument(parser, text, 'mm/pick.c', (document) => {
    const declaration = resolve(document, 'static struct folio *pick', 'nr')!;
    assert.equal(declaration.kind, 'parameter');
    assert.equal(declaration.functionName, 'pick');
    const uses = localReferences(document.tree, text, declaration, resolver.locator(document)).map(([s]) => s);
    assert.deepEqual(uses, [offsetOf(text, 'static struct folio *pick', 'nr'), offsetOf(text, 'return nr', 'nr')]);
  });
});
