/**
 * Evaluates the condition of an `#if`/`#elif` over CONFIG_ symbols only, in three values: true, false, or
 * undecided. The meanings are the preprocessor's with the kernel's autoconf.h and include/linux/kconfig.h:
 *
 * - `CONFIG_X` is 1 for `=y`, its value for an integer or hex symbol, 0 when undefined (`=m`, not set, absent);
 *   `CONFIG_X_MODULE` is 1 for `=m`; a string value cannot be used by `#if` (undecided);
 * - `defined(CONFIG_X)` / `defined CONFIG_X`: whether autoconf.h defines the macro;
 * - `IS_BUILTIN(CONFIG_X)` (value 1), `IS_MODULE(CONFIG_X)` (`=m`), `IS_ENABLED(CONFIG_X)` (either),
 *   `IS_REACHABLE(CONFIG_X)`: 1 for `=y`, 0 when off, undecided for `=m` (it depends on MODULE, i.e. on which
 *   object is being built);
 * - integers in C's spellings (suffixes, hex, octal, binary), character literals, `! ~ - +`, `* / % + - << >>`,
 *   comparisons, `& ^ |`, `&&`, `||` (short-circuit: `0 && anything` is 0 even when anything is undecided),
 *   `?:`, parentheses.
 *
 * Any other identifier (a macro of the file or its headers, `__KERNEL__`, `__has_attribute(x)`, header guards)
 * makes the part of the expression it is in undecided, and an undecided condition keeps its code live: the
 * editor never hides what cannot be decided without a build. Malformed conditions are undecided too.
 * Arithmetic is done on BigInt (hex addresses such as 0xffffffff80000000 exceed 2^53); signedness is not
 * modelled (no kernel condition over CONFIG_ values depends on it), a division by zero is undecided.
 */
import { macroValue, type KernelConfig } from '../base/kernelConfig';

/** true, false, or undecided (`undefined`). */
export type Decision = boolean | undefined;

/** A value or undecided. */
type Value = bigint | undefined;

type TokenKind = 'ident' | 'number' | 'punct' | 'other';
interface Token {
  kind: TokenKind;
  text: string;
  value?: bigint;
}

const PUNCTUATORS = [
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '(',
  ')',
  '!',
  '~',
  '-',
  '+',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '^',
  '|',
  '?',
  ':',
  ',',
];

const BLANK = /\s+/y;
const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const NUMBER = /\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.'])*/y;
const CHARACTER = /(?:u8|[uUL])?'((?:[^'\\]|\\.)+)'/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const match = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at;
    return pattern.exec(text);
  };
  while (at < text.length) {
    const blank = match(BLANK);
    if (blank) {
      at += blank[0].length;
      continue;
    }
    const ident = match(IDENTIFIER);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0] });
      at += ident[0].length;
      continue;
    }
    const number = match(NUMBER);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], value: parseInteger(number[0]) });
      at += number[0].length;
      continue;
    }
    const character = match(CHARACTER);
    if (character) {
      tokens.push({ kind: 'number', text: character[0], value: characterValue(character[1]) });
      at += character[0].length;
      continue;
    }
    const punct = PUNCTUATORS.find((p) => text.startsWith(p, at));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct });
      at += punct.length;
      continue;
    }
    tokens.push({ kind: 'other', text: text[at] });
    at++;
  }
  return tokens;
}

/** An integer constant in C's spellings, or undefined when it is not one (a float, a malformed number). */
export function parseInteger(text: string): bigint | undefined {
  const match = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?$/.exec(
    text.replace(/'/g, ''),
  );
  if (!match) return undefined;
  const digits = match[1];
  if (/^0[bB]/.test(digits)) return BigInt(digits);
  if (/^0[xX]/.test(digits)) return BigInt(digits);
  if (digits.length > 1 && digits.startsWith('0')) return BigInt(`0o${digits.slice(1)}`);
  return BigInt(digits);
}

function characterValue(body: string): bigint | undefined {
  if (body.length === 1) return BigInt(body.charCodeAt(0));
  const simple: Record<string, number> = {
    n: 10,
    t: 9,
    r: 13,
    '0': 0,
    '\\': 92,
    "'": 39,
    '"': 34,
    a: 7,
    b: 8,
    f: 12,
    v: 11,
  };
  if (body.length === 2 && body[0] === '\\' && body[1] in simple) return BigInt(simple[body[1]]);
  return undefined;
}

/** The symbol's value in `#if` (after autoconf.h), or 'string' when it cannot be used there. */
function symbolValue(config: Pick<KernelConfig, 'symbols'>, name: string): Value {
  const replacement = macroValue(config, name);
  if (replacement === undefined) return 0n;
  return parseInteger(replacement);
}

const CONFIG_PREDICATES = new Set(['IS_ENABLED', 'IS_BUILTIN', 'IS_MODULE', 'IS_REACHABLE']);

/** The value of `IS_*(CONFIG_X)`, following include/linux/kconfig.h's placeholder trick exactly. */
function configPredicate(config: Pick<KernelConfig, 'symbols'>, predicate: string, symbol: string): Value {
  const builtin = macroValue(config, symbol) === '1';
  const module = macroValue(config, `${symbol}_MODULE`) === '1';
  switch (predicate) {
    case 'IS_BUILTIN':
      return builtin ? 1n : 0n;
    case 'IS_MODULE':
      return module ? 1n : 0n;
    case 'IS_ENABLED':
      return builtin || module ? 1n : 0n;
    default:
      // IS_REACHABLE: builtin, or a module seen from code built into that same module (MODULE defined).
      return builtin ? 1n : module ? undefined : 0n;
  }
}

class Undecidable extends Error {}

/** Deeper nesting than this is undecided (no real condition comes near; a hostile one must not blow the stack). */
const MAX_DEPTH = 200;

/**
 * Evaluates a condition (the text after `#if`/`#elif`). `config` gives the CONFIG_ symbols; nothing else is known.
 */
export function evaluateCondition(condition: string, config: Pick<KernelConfig, 'symbols'>): Decision {
  const tokens = tokenize(condition);
  if (tokens.length === 0) return undefined;
  let at = 0;
  let depth = 0;
  const deeper = () => {
    if (++depth > MAX_DEPTH) throw new Undecidable('nested too deeply');
  };
  const peek = (): Token | undefined => tokens[at];
  const isPunct = (text: string) => tokens[at]?.kind === 'punct' && tokens[at].text === text;
  const expect = (text: string) => {
    if (!isPunct(text)) throw new Undecidable(`expected ${text}`);
    at++;
  };
  /** Skips a parenthesised argument list starting at `(`: the call of an unknown function-like macro. */
  const skipArguments = () => {
    let depth = 0;
    do {
      const token = tokens[at++];
      if (!token) throw new Undecidable('unbalanced parentheses');
      if (token.kind === 'punct' && token.text === '(') depth++;
      else if (token.kind === 'punct' && token.text === ')') depth--;
    } while (depth > 0);
  };

  const primary = (): Value => {
    const token = peek();
    if (!token) throw new Undecidable('missing operand');
    if (token.kind === 'number') {
      at++;
      return token.value;
    }
    if (token.kind === 'punct' && token.text === '(') {
      at++;
      deeper();
      const value = conditional();
      depth--;
      expect(')');
      return value;
    }
    if (token.kind !== 'ident') throw new Undecidable(`unexpected ${token.text}`);
    at++;
    if (token.text === 'defined') {
      const parenthesised = isPunct('(');
      if (parenthesised) at++;
      const name = peek();
      if (name?.kind !== 'ident') throw new Undecidable('defined without a name');
      at++;
      if (parenthesised) expect(')');
      if (!name.text.startsWith('CONFIG_')) return undefined;
      return macroValue(config, name.text) !== undefined ? 1n : 0n;
    }
    if (CONFIG_PREDICATES.has(token.text) && isPunct('(')) {
      const argument = tokens[at + 1];
      if (argument?.kind === 'ident' && tokens[at + 2]?.kind === 'punct' && tokens[at + 2].text === ')') {
        at += 3;
        return argument.text.startsWith('CONFIG_') ? configPredicate(config, token.text, argument.text) : undefined;
      }
      skipArguments();
      return undefined;
    }
    if (token.text.startsWith('CONFIG_')) return symbolValue(config, token.text);
    // Another macro: its value is unknown here; a function-like use swallows its arguments.
    if (isPunct('(')) skipArguments();
    return undefined;
  };

  const unary = (): Value => {
    const token = peek();
    if (
      token?.kind === 'punct' &&
      (token.text === '!' || token.text === '~' || token.text === '-' || token.text === '+')
    ) {
      deeper();
      const value = unaryOperator(token.text);
      depth--;
      return value;
    }
    return primary();
  };
  const unaryOperator = (operator: string): Value => {
    at++;
    const value = unary();
    if (value === undefined) return undefined;
    if (operator === '!') return value === 0n ? 1n : 0n;
    if (operator === '~') return ~value;
    return operator === '-' ? -value : value;
  };

  // Binary operators by precedence, lowest first (below the logical ones, which short-circuit).
  const LEVELS: string[][] = [
    ['|'],
    ['^'],
    ['&'],
    ['==', '!='],
    ['<', '>', '<=', '>='],
    ['<<', '>>'],
    ['+', '-'],
    ['*', '/', '%'],
  ];
  const apply = (operator: string, left: Value, right: Value): Value => {
    if (left === undefined || right === undefined) return undefined;
    switch (operator) {
      case '|':
        return left | right;
      case '^':
        return left ^ right;
      case '&':
        return left & right;
      case '==':
        return left === right ? 1n : 0n;
      case '!=':
        return left !== right ? 1n : 0n;
      case '<':
        return left < right ? 1n : 0n;
      case '>':
        return left > right ? 1n : 0n;
      case '<=':
        return left <= right ? 1n : 0n;
      case '>=':
        return left >= right ? 1n : 0n;
      case '<<':
        return right < 0n || right > 127n ? undefined : left << right;
      case '>>':
        return right < 0n || right > 127n ? undefined : left >> right;
      case '+':
        return left + right;
      case '-':
        return left - right;
      case '*':
        return left * right;
      case '/':
        return right === 0n ? undefined : left / right;
      default:
        return right === 0n ? undefined : left % right;
    }
  };
  const binary = (level: number): Value => {
    if (level >= LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const token = peek();
      if (token?.kind !== 'punct' || !LEVELS[level].includes(token.text)) return left;
      at++;
      left = apply(token.text, left, binary(level + 1));
    }
  };
  const logicalAnd = (): Value => {
    let left = binary(0);
    while (isPunct('&&')) {
      at++;
      const right = binary(0);
      // 0 && x is 0 whatever x is; x && 0 too (no side effects in #if).
      if (left === 0n || right === 0n) left = 0n;
      else left = left === undefined || right === undefined ? undefined : 1n;
    }
    return left;
  };
  const logicalOr = (): Value => {
    let left = logicalAnd();
    while (isPunct('||')) {
      at++;
      const right = logicalAnd();
      const leftTrue = left !== undefined && left !== 0n;
      const rightTrue = right !== undefined && right !== 0n;
      if (leftTrue || rightTrue) left = 1n;
      else left = left === undefined || right === undefined ? undefined : 0n;
    }
    return left;
  };
  const conditional = (): Value => {
    const test = logicalOr();
    if (!isPunct('?')) return test;
    at++;
    const whenTrue = conditional();
    expect(':');
    const whenFalse = conditional();
    if (test === undefined) return whenTrue !== undefined && whenTrue === whenFalse ? whenTrue : undefined;
    return test !== 0n ? whenTrue : whenFalse;
  };
  const comma = (): Value => {
    let value = conditional();
    while (isPunct(',')) {
      at++;
      value = conditional();
    }
    return value;
  };

  try {
    const value = comma();
    if (at !== tokens.length) return undefined;
    return value === undefined ? undefined : value !== 0n;
  } catch (err) {
    if (err instanceof Undecidable) return undefined;
    throw err;
  }
}

/** `#ifdef NAME` / `#ifndef NAME` (and `#elifdef`/`#elifndef`): whether NAME is defined, if it is a CONFIG_ macro. */
export function evaluateDefined(condition: string, config: Pick<KernelConfig, 'symbols'>): Decision {
  const name = /^([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(condition)?.[1];
  if (!name || !name.startsWith('CONFIG_')) return undefined;
  return macroValue(config, name) !== undefined;
}
