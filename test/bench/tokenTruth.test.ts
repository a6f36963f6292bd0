import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  identifierTokens,
  removeLineSplices,
  C_KEYWORDS,
  type TruthToken,
} from '../../server/src/cli/bench/tokenTruth';

const at = (t: TruthToken) => `${t.name}@${t.line}:${t.character}`;
const names = (text: string) => identifierTokens(text).map((t) => t.name);

void test('identifiers outside comments, strings, character literals and numbers', () => {
  const text = [
    'int a = b; /* c d */ // e',
    "char *s = \"f \\\" g\", q = 'h', r = L'x';",
    'long n = 0x1fULL + 1e10 + .5f + u8"i";',
  ].join('\n');
  assert.deepEqual(names(text), ['int', 'a', 'b', 'char', 's', 'q', 'r', 'long', 'n']);
});

void test('positions are 0-based lines and UTF-16 columns of the original text', () => {
  const tokens = identifierTokens('/* é😀 */ foo\n\tbar');
  assert.deepEqual(tokens.map(at), ['foo@0:10', 'bar@1:1']);
});

void test('a splice inside a string literal keeps every later position on its original line', () => {
  const text = ['asm("mov \\', '  add");', 'int after;'].join('\n');
  assert.deepEqual(identifierTokens(text).map(at), ['asm@0:0', 'int@2:0', 'after@2:4']);
});

void test('a splice inside a character literal, a // comment and an identifier', () => {
  const text = ["char c = '\\", "x'; // comment \\", 'still_comment', 'int fo\\', 'lio_x;'].join('\n');
  const tokens = identifierTokens(text);
  assert.deepEqual(tokens.map(at), ['char@0:0', 'c@0:5', 'int@3:0', 'folio_x@3:4']);
  const split = tokens[3];
  assert.deepEqual([split.endLine, split.endCharacter], [4, 5]);
});

void test('backslash, blanks, newline is a splice too; CRLF line ends', () => {
  const text = 'int a = "x\\  \r\ny"; int b;\r\nint c;';
  assert.deepEqual(identifierTokens(text).map(at), ['int@0:0', 'a@0:4', 'int@1:4', 'b@1:8', 'int@2:0', 'c@2:4']);
  assert.equal(removeLineSplices('a\\\nb').logical, 'ab');
});

void test('#include header names are not identifiers, quoted or angled', () => {
  const text = '#include <linux/mm.h>\n#include "internal.h"\n# include_next <asm/page.h>\nint x;';
  const tokens = identifierTokens(text);
  assert.deepEqual(
    tokens.map((t) => `${t.name}:${t.directiveName}`),
    ['include:true', 'include:true', 'include_next:true', 'int:false', 'x:false'],
  );
});

void test('#if 0 regions are flagged, nested conditionals and #else handled', () => {
  const text = [
    '#if 0', // 0: live line
    'dead_a;', // 1
    '#ifdef X', // 2: dead
    'dead_b;', // 3
    '#endif', // 4: dead
    '#else', // 5: live
    'live_c;', // 6
    '#endif', // 7
    '#if (0)', // 8
    'dead_d;', // 9
    '#elif defined(Y)', // 10
    'live_e;', // 11
    '#endif', // 12
    '#ifdef Z', // 13
    'live_f;', // 14
    '#elif 0', // 15
    'dead_g;', // 16
    '#endif', // 17
    'live_h;', // 18
  ].join('\n');
  const flagged = identifierTokens(text)
    .filter((t) => !t.directiveName)
    .map((t) => `${t.name}:${t.inIfZero ? 'dead' : 'live'}`);
  assert.deepEqual(flagged, [
    'dead_a:dead',
    'X:dead',
    'dead_b:dead',
    'live_c:live',
    'dead_d:dead',
    'defined:live',
    'Y:live',
    'live_e:live',
    'Z:live',
    'live_f:live',
    'dead_g:dead',
    'live_h:live',
  ]);
  const directives = identifierTokens(text)
    .filter((t) => t.directiveName)
    .map((t) => `${t.name}@${t.line}:${t.inIfZero ? 'dead' : 'live'}`);
  assert.deepEqual(directives.slice(0, 5), [
    'if@0:live',
    'ifdef@2:dead',
    'endif@4:dead',
    'else@5:live',
    'endif@7:live',
  ]);
});

void test('macro parameters are flagged in the parameter list and the body, not in object-like macros', () => {
  const text = [
    '#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)',
    '#define sys_mmap2 sys_mmap_pgoff',
    '#define pr_fmt(fmt, args...) printk(fmt, ##args, __VA_ARGS__)',
    '#define NOT_FN (addr) + addr',
    '#define SPLIT_\\',
    'FN(x) x',
  ].join('\n');
  const tokens = identifierTokens(text).filter((t) => !t.directiveName);
  const show = (t: TruthToken) => `${t.name}${t.macroDefinition ? '=def' : ''}${t.macroParameter ? '=param' : ''}`;
  assert.deepEqual(tokens.map(show), [
    'PAGE_ALIGN=def',
    'addr=param',
    'ALIGN',
    'addr=param',
    'PAGE_SIZE',
    'sys_mmap2=def',
    'sys_mmap_pgoff',
    'pr_fmt=def',
    'fmt=param',
    'args=param',
    'printk',
    'fmt=param',
    'args=param',
    '__VA_ARGS__=param',
    'NOT_FN=def',
    'addr',
    'addr',
    'SPLIT_FN=def',
    'x=param',
    'x=param',
  ]);
  assert.equal(tokens.at(-1)!.line, 5);
});

void test('a block comment spanning lines inside a directive continues the directive', () => {
  const text = '#define A(x) /* one\n two */ x + y\nint x;';
  const tokens = identifierTokens(text).filter((t) => !t.directiveName);
  assert.deepEqual(
    tokens.map((t) => `${t.name}@${t.line}:${t.directive ?? '-'}:${t.macroParameter}`),
    ['A@0:define:false', 'x@0:define:true', 'x@1:define:true', 'y@1:define:false', 'int@2:-:false', 'x@2:-:false'],
  );
});

void test('# not at line start is not a directive; stray quotes do not swallow the file', () => {
  const text = 'a # define b\n#error can\'t happen\nc "unterminated\nd';
  const tokens = identifierTokens(text);
  assert.deepEqual(
    tokens.map((t) => `${t.name}:${t.directive ?? '-'}`),
    ['a:-', 'define:-', 'b:-', 'error:error', 'can:error', 't:error', 'happen:error', 'c:-', 'unterminated:-', 'd:-'],
  );
});

void test('the names option filters without changing positions; keywords are listed', () => {
  const tokens = identifierTokens('int x;\n/* x */ x = y;', { names: new Set(['x']) });
  assert.deepEqual(tokens.map(at), ['x@0:4', 'x@1:8']);
  assert.ok(C_KEYWORDS.has('typeof') && !C_KEYWORDS.has('folio'));
});

void test('hostile input: NUL bytes, replacement characters, unterminated comment, a 1 MB line, deep #if nesting', () => {
  assert.deepEqual(names('a\0b \uFFFD c'), ['a', 'b', 'c']);
  assert.deepEqual(names('x /* never closed\ny z'), ['x']);
  const long = `int ${'v'.repeat(1 << 20)};`;
  assert.equal(identifierTokens(long)[1].name.length, 1 << 20);
  const nested = `${'#if 0\n'.repeat(5000)}dead\n${'#endif\n'.repeat(5000)}live`;
  assert.deepEqual(
    identifierTokens(nested)
      .filter((t) => !t.directiveName && t.directive === undefined)
      .map((t) => `${t.name}:${t.inIfZero}`),
    ['dead:true', 'live:false'],
  );
  assert.deepEqual(names('#endif\n#else\nstray'), ['endif', 'else', 'stray'], 'unbalanced conditionals do not throw');
});

void test('locals and parameters that share a file-scope name are marked (another entity), uses outside, members and tags are not', () => {
  const text = [
    'char buf3[8];', // 0: the global
    'static void f(char *buf3, int n)', // 1: a parameter
    '{',
    '\tbuf3[0] = n;', // 3: the parameter
    '}',
    'void g(void)',
    '{',
    '\tint x = a * buf3[1];', // 7: the global (a product, not a declaration)
    '\tif (x) {',
    '\t\tstruct printbuf buf3 = PRINTBUF;', // 9: a block-scope local
    '\t\tuse(&buf3, p->buf3, s.buf3, (struct buf3 *)0);', // 10: the local, then members and a tag (other name spaces)
    '\t}',
    '\treturn buf3[0] + p->buf3 + q.buf3;', // 12: the global, then members (not locals)
    '}',
    'void h(void)',
    '{',
    '\textern char buf3[];', // 16: names the global
    '\tstatic char *buf3_copy, **other;',
    '\tconst char **buf3 = 0;', // 18: a local pointer
    '\tbuf3++;', // 19: the local
    '}',
    'int prototype(long buf3);', // 21: a prototype's parameter
    'int after = sizeof(buf3);', // 22: the global again
  ].join('\n');
  const marked = identifierTokens(text, { names: new Set(['buf3']) }).map(
    (t) => `${t.line}:${t.character}${t.localVariable ? '=local' : ''}`,
  );
  assert.deepEqual(marked, [
    '0:5',
    '1:20=local',
    '3:1=local',
    '7:13',
    '9:18=local',
    '10:7=local',
    '10:16',
    '10:24',
    '10:38',
    '12:8',
    '12:21',
    '12:30',
    '16:13',
    '18:14=local',
    '19:1=local',
    '21:19=local',
    '22:19',
  ]);
});

void test('braces of an #if 0 group do not open scopes', () => {
  const text = ['void f(void)', '{', '#if 0', '\t{', '#endif', '\tint v;', '}', 'int w = v;'].join('\n');
  const marked = identifierTokens(text, { names: new Set(['v']) }).map(
    (t) => `${t.line}${t.localVariable ? '=local' : ''}`,
  );
  assert.deepEqual(marked, ['5=local', '7']);
});
