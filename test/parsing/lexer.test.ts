import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tokenize,
  TokenKind,
  FLAG_PREPROCESSOR,
  FLAG_DEAD,
  LAST_CODE_TOKEN_KIND,
} from '../../server/src/parsing/lexer';
import { LEXER_WARMUP_SAMPLE } from '../../server/src/indexing/workerWarmup';

function identifiers(text: string, filter = (_flags: number) => true): string[] {
  const tokens = tokenize(text);
  const out: string[] = [];
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.kind[i] === TokenKind.Identifier && filter(tokens.flags[i])) out.push(tokens.tokenText(i));
  }
  return out;
}

test('comments and string contents never yield identifiers', () => {
  const text = [
    '/* pmd_devmap in a block comment */',
    'int x = pmd_devmap(pmd); // pte_devmap in a line comment',
    'const char *s = "pud_devmap in a string \\" still string";',
    "char c = 'p';",
  ].join('\n');
  assert.deepEqual(identifiers(text), ['int', 'x', 'pmd_devmap', 'pmd', 'const', 'char', 's', 'char', 'c']);
});

test('positions are 0-based lines and UTF-16 columns, across CRLF, continuations and multi-line comments', () => {
  const text = '/* a\n b */ int\r\nfoo(void);\n#define X \\\n  bar\nnext';
  const tokens = tokenize(text);
  const find = (name: string) => {
    for (let i = 0; i < tokens.count; i++) if (tokens.tokenText(i) === name) return i;
    return -1;
  };
  assert.deepEqual([tokens.line[find('int')], tokens.column(find('int'))], [1, 6]);
  assert.deepEqual([tokens.line[find('foo')], tokens.column(find('foo'))], [2, 0]);
  assert.deepEqual([tokens.line[find('bar')], tokens.column(find('bar'))], [4, 2]);
  assert.ok(tokens.flags[find('bar')] & FLAG_PREPROCESSOR, 'a continued #define body is preprocessor');
  assert.equal(tokens.flags[find('next')] & FLAG_PREPROCESSOR, 0, 'the directive ends after the continuation');
  assert.deepEqual(tokens.positionAt(text.indexOf('next')), { line: 5, character: 0 });
});

test('directives, header names, doc comments and #if 0 blocks are marked', () => {
  const text = [
    '#include <linux/pfn_t.h>',
    '/**',
    ' * folio_walk_start - walk',
    ' */',
    '#if 0',
    'int dead_code;',
    '#else',
    'int live_code;',
    '#endif',
    '#if defined(CONFIG_ARCH_HAS_PTE_DEVMAP)',
    '#endif',
  ].join('\n');
  const tokens = tokenize(text);
  const kinds = Array.from({ length: tokens.count }, (_, i) => [tokens.kind[i], tokens.tokenText(i)] as const);
  assert.deepEqual(kinds[0], [TokenKind.Directive, '#include']);
  assert.deepEqual(kinds[1], [TokenKind.HeaderName, '<linux/pfn_t.h>']);
  assert.ok(kinds.some(([kind, text]) => kind === TokenKind.DocComment && text.includes('folio_walk_start')));
  assert.deepEqual(
    identifiers(text, (flags) => (flags & FLAG_DEAD) !== 0),
    ['int', 'dead_code'],
  );
  assert.ok(identifiers(text, (flags) => (flags & FLAG_DEAD) === 0).includes('live_code'));
  assert.ok(identifiers(text, (flags) => (flags & FLAG_PREPROCESSOR) !== 0).includes('CONFIG_ARCH_HAS_PTE_DEVMAP'));
});

test('hostile input: unterminated comment and string, invalid UTF-8, NUL bytes', () => {
  const broken = Buffer.concat([
    Buffer.from('int a; /* never closed\n'),
    Buffer.from([0xff, 0xfe, 0x00]),
    Buffer.from(' x'),
  ]).toString('utf8');
  assert.deepEqual(identifiers(broken), ['int', 'a']);
  assert.deepEqual(identifiers('char *s = "open\nint b;'), ['char', 's', 'int', 'b']);
  assert.deepEqual(identifiers('\u00e9t\u00e9 foo \ufffd bar'), ['t', 'foo', 'bar']);
});

test("the index workers' warm-up sample takes every branch of the lexer", () => {
  const stream = tokenize(LEXER_WARMUP_SAMPLE);
  const kinds = new Set<number>();
  let dead = 0;
  for (let i = 0; i < stream.count; i++) {
    kinds.add(stream.kind[i]);
    if (stream.flags[i] & FLAG_DEAD) dead++;
  }
  assert.deepEqual([...kinds].sort(), Object.values(TokenKind).sort(), 'every kind of token');
  assert.ok(dead > 0, 'an #if 0 block');
  const texts = Array.from({ length: stream.count }, (_, i) => stream.tokenText(i));
  for (const expected of [
    '1e+5',
    '0x1p-3',
    '.5',
    '...',
    '<linux/mm.h>',
    '"local.h"',
    '"wide"',
    '"x"',
    '$d',
    '->',
    '##',
    '"unterminated',
  ])
    assert.ok(texts.includes(expected), expected);
  assert.ok(!texts.includes('L') && !texts.includes('u8'), 'literal prefixes belong to the literal');
});

test('token kinds keep their order: code tokens first, up to LAST_CODE_TOKEN_KIND', () => {
  const code = [TokenKind.Identifier, TokenKind.Number, TokenKind.String, TokenKind.Char, TokenKind.Punct];
  const other = [TokenKind.DocComment, TokenKind.Directive, TokenKind.HeaderName, TokenKind.DirectiveEnd];
  for (const kind of code) assert.ok(kind <= LAST_CODE_TOKEN_KIND, `code kind ${kind}`);
  for (const kind of other) assert.ok(kind > LAST_CODE_TOKEN_KIND, `non-code kind ${kind}`);
  assert.equal(new Set([...code, ...other]).size, Object.keys(TokenKind).length, 'every kind is classified here');
  // What the rule is used for: one comparison tells code from comments and directives in a real stream.
  const stream = tokenize('/** doc */\n#include <linux/mm.h>\nint x = f(1, "s", \'c\');\n');
  const kinds = Array.from({ length: stream.count }, (_, i) => stream.kind[i]);
  assert.deepEqual(
    kinds.filter((kind) => kind <= LAST_CODE_TOKEN_KIND).length,
    kinds.filter((kind) => (code as number[]).includes(kind)).length,
  );
  assert.ok(kinds.some((kind) => kind > LAST_CODE_TOKEN_KIND));
});
