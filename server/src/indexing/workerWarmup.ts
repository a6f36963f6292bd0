/**
 * What an index worker does before its first batch, while the main thread still scans the tree.
 *
 * V8 optimises the lexer while it reads the first files and throws the optimised code away each time a branch
 * it never saw runs (a string prefix, an exponent, `#if 0`...): a trace of a cold index of the 6.12 tree showed
 * 33 compilations of `tokenize` in two workers, at about 80 ms each, most of them in the first seconds when the
 * two cores are needed most. Lexing one sample that takes every branch first gives the compiler complete type
 * feedback: 22 compilations. The first ArrayBuffer a worker transfers also throws away every optimised function
 * that relied on no buffer ever being detached, so one is detached here, before anything is optimised.
 */
import { tokenize, TokenScratch } from '../parsing/lexer';

/** C source that takes every branch of the lexer (kept honest by a test). */
export const LEXER_WARMUP_SAMPLE = [
  '/* block\n comment */ // line comment\n/** doc\n * comment */\n',
  '#include <linux/mm.h>\n#include "local.h"\n#if 0\nint dead;\n#else\nint live;\n#endif\n#ifdef X\n#elif Y\n#endif\n',
  '#define M(a, b) \\\n\t((a) + (b))\r\n',
  'static const char *s = "str\\"ing", c = \'\\n\', w = L"wide", u = u8"x", $d = 0;\n',
  "double f = 1e+5 + 0x1p-3 + .5 + 0xffUL + 1'000; int g(int, ...);\n",
  'x->y++; a <<= b >> c; p && q || !r; a == b != c <= d >= e; i += 1; j -= 2; k *= 3; l /= 4; m %= 5; n &= 6; o |= 7; p ^= 8; a##b;\n',
  'caf\u00e9 \u0001 "unterminated\n \'x\n \\ \n/* unterminated',
].join('');

export function warmUpWorker(): void {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
  tokenize(LEXER_WARMUP_SAMPLE, new TokenScratch());
}
