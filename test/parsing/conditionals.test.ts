import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelConfig } from '../../server/src/base/kernelConfig';
import { scanConditionalDirectives } from '../../server/src/parsing/conditionalDirectives';
import { evaluateCondition, evaluateDefined, parseInteger } from '../../server/src/parsing/conditionExpression';
import { inactiveRegions, lastLineOf, regionAt } from '../../server/src/parsing/inactiveRegions';

const config = parseKernelConfig(
  [
    '# Linux/x86 6.12.0 Kernel Configuration',
    'CONFIG_X86=y',
    'CONFIG_MMU=y',
    'CONFIG_ZONE_DEVICE=y',
    '# CONFIG_DEVICE_PRIVATE is not set',
    'CONFIG_HMM_MIRROR=m',
    'CONFIG_PGTABLE_LEVELS=5',
    'CONFIG_PHYSICAL_START=0xffffffff80000000',
    'CONFIG_ONE=1',
    'CONFIG_NAME="text"',
  ].join('\n'),
  'test',
);

test('conditions over CONFIG_ symbols have the preprocessor meaning', () => {
  const cases: Array<[string, boolean | undefined]> = [
    ['CONFIG_ZONE_DEVICE', true],
    ['CONFIG_DEVICE_PRIVATE', false],
    ['CONFIG_ABSENT', false],
    // =m: CONFIG_X is undefined (0), CONFIG_X_MODULE is 1.
    ['CONFIG_HMM_MIRROR', false],
    ['CONFIG_HMM_MIRROR_MODULE', true],
    ['defined(CONFIG_HMM_MIRROR)', false],
    ['defined CONFIG_HMM_MIRROR_MODULE', true],
    ['defined(CONFIG_ZONE_DEVICE) && !defined(CONFIG_DEVICE_PRIVATE)', true],
    ['IS_ENABLED(CONFIG_HMM_MIRROR)', true],
    ['IS_BUILTIN(CONFIG_HMM_MIRROR)', false],
    ['IS_MODULE(CONFIG_HMM_MIRROR)', true],
    ['IS_ENABLED(CONFIG_ZONE_DEVICE)', true],
    ['IS_MODULE(CONFIG_ZONE_DEVICE)', false],
    ['IS_ENABLED(CONFIG_DEVICE_PRIVATE)', false],
    ['IS_REACHABLE(CONFIG_ZONE_DEVICE)', true],
    ['IS_REACHABLE(CONFIG_DEVICE_PRIVATE)', false],
    // A module is reachable only from code built into the module (MODULE): not decidable here.
    ['IS_REACHABLE(CONFIG_HMM_MIRROR)', undefined],
    // kconfig.h's placeholder trick: an int symbol of value 1 is "builtin", any other value is not.
    ['IS_BUILTIN(CONFIG_ONE)', true],
    ['IS_ENABLED(CONFIG_PGTABLE_LEVELS)', false],
    ['CONFIG_PGTABLE_LEVELS > 4', true],
    ['CONFIG_PGTABLE_LEVELS > 5', false],
    ['CONFIG_PGTABLE_LEVELS == 5 && CONFIG_MMU', true],
    ['(CONFIG_PGTABLE_LEVELS - 1) * 2 == 8', true],
    ['CONFIG_PGTABLE_LEVELS % 2 ? 1 : 0', true],
    ['CONFIG_PHYSICAL_START > 0x7fffffffffffffff', true],
    ['CONFIG_PHYSICAL_START >> 32 == 0xffffffffUL', true],
    ['1 << 3 == 8 && ~0 == -1 && (6 & 3) == 2 && (6 | 1) == 7 && (6 ^ 2) == 4', true],
    ['0b101 == 5 && 010 == 8 && 0x10 == 16 && 10ULL == 10', true],
    ["'a' == 97", true],
    ['!CONFIG_DEVICE_PRIVATE', true],
    ['0', false],
    ['1', true],
    // Other macros are undecided, and stay so unless the rest decides the condition alone.
    ['FOO', undefined],
    ['defined(__KERNEL__)', undefined],
    ['!FOO', undefined],
    ['CONFIG_MMU && FOO', undefined],
    ['CONFIG_DEVICE_PRIVATE && FOO', false],
    ['FOO && CONFIG_DEVICE_PRIVATE', false],
    ['CONFIG_MMU || FOO', true],
    ['FOO(1, 2) || CONFIG_MMU', true],
    ['__has_attribute(__fallthrough__) && CONFIG_DEVICE_PRIVATE', false],
    ['__has_include(<linux/foo.h>)', undefined],
    ['IS_ENABLED(MODULE)', undefined],
    ['CONFIG_PGTABLE_LEVELS > FOO', undefined],
    ['FOO ? 1 : 1', true],
    // A string cannot be used by #if; malformed conditions are undecided.
    ['CONFIG_NAME', undefined],
    ['CONFIG_MMU &&', undefined],
    ['(CONFIG_MMU', undefined],
    ['CONFIG_MMU )', undefined],
    ['', undefined],
    ['1 / 0', undefined],
    ['1.5', undefined],
  ];
  for (const [condition, expected] of cases) assert.equal(evaluateCondition(condition, config), expected, condition);
  assert.equal(evaluateDefined('CONFIG_ZONE_DEVICE', config), true);
  assert.equal(evaluateDefined('CONFIG_HMM_MIRROR', config), false);
  assert.equal(evaluateDefined('_LINUX_MM_H', config), undefined);
  assert.equal(parseInteger('0x10UL'), 16n);
  assert.equal(parseInteger('1e3'), undefined);
});

test('directives: splices, comments, strings and CRLF as the preprocessor reads them', () => {
  const text = [
    '#ifdef CONFIG_A /* a comment',
    '   over two lines */',
    'int a; /* #if 0 in a comment */',
    'const char *s = "#if 0 in a string";',
    '#if defined(CONFIG_B) && \\',
    '    defined(CONFIG_C) // trailing',
    '/* comment */ # elif CONFIG_D',
    '  #  else',
    '// a comment continued \\',
    '#if 0 swallowed by the comment above',
    '#endif',
    '#endif',
    '#define X \\',
    '#if not a directive: continues the define',
    "char c = '#';",
    '# /* comment */ ifndef CONFIG_E',
    '#endif',
  ].join('\r\n');
  const directives = scanConditionalDirectives(text);
  assert.deepEqual(
    directives.map((d) => [d.kind, d.firstLine, d.lastLine, d.condition]),
    [
      ['ifdef', 0, 1, 'CONFIG_A'],
      ['if', 4, 5, 'defined(CONFIG_B) &&     defined(CONFIG_C)'],
      ['elif', 6, 6, 'CONFIG_D'],
      ['else', 7, 7, ''],
      ['endif', 10, 10, ''],
      ['endif', 11, 11, ''],
      ['ifndef', 15, 15, 'CONFIG_E'],
      ['endif', 16, 16, ''],
    ],
  );
  // A splice inside the directive keyword and a splice between / and * of a comment.
  const spliced = scanConditionalDirectives('#if\\\ndef CONFIG_A\nx\n#en\\\ndif\n#if 1 /\\\n* c */\n#endif\n');
  assert.deepEqual(
    spliced.map((d) => [d.kind, d.firstLine, d.lastLine, d.condition]),
    [
      ['ifdef', 0, 1, 'CONFIG_A'],
      ['endif', 3, 4, ''],
      ['if', 5, 6, '1'],
      ['endif', 7, 7, ''],
    ],
  );
});

const view = { config, arch: 'x86' };
const regions = (text: string, file = 'mm/demo.c') =>
  inactiveRegions(file, text, view).map((r) => [r.first + 1, r.last + 1, r.reason]);

test('inactive regions: false groups, groups after a taken branch, nesting, undecided code stays live', () => {
  const text = [
    '#ifndef _DEMO_H', //               1 undecided (a header guard): live
    '#define _DEMO_H', //               2
    '#ifdef CONFIG_ZONE_DEVICE', //     3 true
    'void live(void);', //              4
    '#else', //                         5
    'static inline void stub(void) {}', // 6 branch taken
    '#endif', //                        7
    '#ifdef CONFIG_DEVICE_PRIVATE', //  8 false
    'void dead(void);', //              9
    '#ifdef CONFIG_ZONE_DEVICE', //    10 nested in a dead group: part of the region
    'void dead_too(void);', //         11
    '#endif', //                       12
    '#endif', //                       13
    '#if FOO', //                      14 undecided
    'int a;', //                       15
    '#elif CONFIG_MMU', //             16 true, but FOO may have been taken: live
    'int b;', //                       17
    '#else', //                        18 after a decided-true branch: dead
    'int c;', //                       19
    '#endif', //                       20
    '#if CONFIG_DEVICE_PRIVATE', //    21 false
    'int d;', //                       22
    '#elif BAR', //                    23 undecided
    'int e;', //                       24
    '#else', //                        25 undecided before: live
    'int f;', //                       26
    '#endif', //                       27
    '#ifdef CONFIG_DEVICE_PRIVATE', // 28 empty group: nothing
    '#endif', //                       29
    '#endif', //                       30
  ].join('\n');
  assert.deepEqual(regions(text), [
    [6, 6, 'branch-taken'],
    [9, 12, 'condition-false'],
    [19, 19, 'branch-taken'],
    [22, 22, 'condition-false'],
  ]);
  const found = inactiveRegions('mm/demo.c', text, view);
  assert.equal(regionAt(found, 5)?.directive, '#ifdef CONFIG_ZONE_DEVICE');
  assert.equal(regionAt(found, 8)?.directive, '#ifdef CONFIG_DEVICE_PRIVATE');
  assert.equal(regionAt(found, 3), undefined);
});

test('inactive regions: splices in directives, unbalanced directives, #if 0, other architectures', () => {
  const text = [
    '#if defined(CONFIG_DEVICE_PRIVATE) || \\', // 1
    '    defined(CONFIG_NOWHERE)', //              2 directive's second line: not in the region
    'int a;', //                                   3
    '#endif', //                                   4
    '#endif', //                                   5 unbalanced: ignored
    '#else', //                                    6 unbalanced: ignored
    '#if 0', //                                    7
    'int b;', //                                   8
    '#if 1', //                                    9
    '#endif', //                                  10
    '#ifdef CONFIG_DEVICE_PRIVATE', //            11 unterminated: to the end of the file
    'int c;', //                                  12
    '',
  ].join('\n');
  // The #if 0 group is unterminated too (its #endif closes the nested #if 1).
  assert.deepEqual(regions(text), [
    [3, 3, 'condition-false'],
    [8, 12, 'condition-false'],
  ]);
  assert.deepEqual(regions('int x;\nint y;\n', 'arch/arm64/mm/fault.c'), [[1, 2, 'other-arch']]);
  assert.deepEqual(regions('int x;\nint y;', 'arch/x86/mm/fault.c'), []);
  assert.deepEqual(regions('', 'arch/arm64/mm/empty.c'), []);
  // Without a configuration only other architectures are inactive.
  assert.deepEqual(inactiveRegions('mm/demo.c', '#if 0\nint x;\n#endif\n', { arch: 'x86' }), []);
  assert.equal(lastLineOf('a\nb\n'), 1);
  assert.equal(lastLineOf('a\nb'), 1);
  assert.equal(lastLineOf(''), 0);
});

test('hostile conditionals: deep nesting and huge conditions end quickly', () => {
  const deep = '#if CONFIG_MMU\n'.repeat(20000) + 'int x;\n' + '#endif\n'.repeat(20000);
  assert.deepEqual(regions(deep), []);
  const parens = `#if ${'('.repeat(5000)}1${')'.repeat(5000)}\nint x;\n#endif\n`;
  const started = Date.now();
  assert.deepEqual(regions(parens), []);
  const long = `#if ${Array.from({ length: 20000 }, (_, k) => `CONFIG_N${k}`).join(' || ')}\nint x;\n#endif\n`;
  assert.deepEqual(regions(long), [[2, 2, 'condition-false']]);
  assert.ok(Date.now() - started < 5000);
  // NUL bytes, replacement characters and an unterminated comment.
  assert.deepEqual(regions('#if 0\n\u0000\ufffd\n#endif\n/* never closed\n#if 0\n'), [[2, 2, 'condition-false']]);
});

// Other directives are skipped without building their text when nothing in their line can hide a line break or a
// conditional keyword (issue 16's latency: the liveness ranking scans 50,000-line generated register headers); the
// line numbers after them must not move.
test('directives other than conditionals: skipped whole, whatever their line holds, lines counted', () => {
  const text = [
    '#define A 1', // 0: plain, skipped fast
    "#define Q '/' /* a comment", // 1: a quote and a comment that goes on
    ' spanning */ #if NOT_A_DIRECTIVE', // 2: inside the comment's continuation, no directive
    '#define S "a\\\\', // 3: a string ending in an escaped backslash
    '#include <x.h>\r', // 4: CRLF
    '#def\\', // 5: a keyword split by a splice
    'ine B 2',
    '#  /* c */ if A', // 7: a comment before the keyword
    '#endif',
    '#if B // trailing \\',
    'still the comment',
    '#endif',
  ].join('\n');
  assert.deepEqual(
    scanConditionalDirectives(text).map((d) => [d.kind, d.firstLine, d.lastLine, d.condition]),
    [
      ['if', 7, 7, 'A'],
      ['endif', 8, 8, ''],
      ['if', 9, 10, 'B'],
      ['endif', 11, 11, ''],
    ],
  );
});
