/**
 * Seeded mutations of real source text for the hardening acceptance runs. Generated at run time into a
 * temporary folder, never committed. Each mutation models a way hostile or broken input really arrives:
 * damaged bytes, cut files, splices, pathological nesting, huge names sharing long prefixes, encodings.
 */

/** xorshift32: small, fast and the same sequence for the same seed everywhere. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.below(list.length)];
  }
}

type Mutation = (input: Buffer, random: Random, donor: Buffer) => Buffer;

function at(random: Random, input: Buffer): number {
  return random.below(input.length + 1);
}

function insert(input: Buffer, offset: number, bytes: Buffer | string): Buffer {
  const add = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return Buffer.concat([input.subarray(0, offset), add, input.subarray(offset)]);
}

/** Every mutation, named for the report. */
export const MUTATIONS: Record<string, Mutation> = {
  flipBytes(input, random) {
    const out = Buffer.from(input);
    for (let k = 0, n = 1 + random.below(32); k < n && out.length > 0; k++)
      out[random.below(out.length)] ^= 1 << random.below(8);
    return out;
  },
  deleteRange(input, random) {
    const start = at(random, input);
    return Buffer.concat([input.subarray(0, start), input.subarray(start + random.below(4096))]);
  },
  duplicateRange(input, random) {
    const start = at(random, input);
    const piece = input.subarray(start, start + random.below(8192));
    return insert(input, at(random, input), Buffer.concat(Array.from({ length: 1 + random.below(8) }, () => piece)));
  },
  truncate(input, random) {
    return input.subarray(0, at(random, input));
  },
  spliceDonor(input, random, donor) {
    const start = random.below(donor.length);
    return insert(input, at(random, input), donor.subarray(start, start + random.below(16384)));
  },
  deepParentheses(input, random) {
    const depth = 1000 + random.below(20000);
    const balanced = random.below(2) === 0;
    return insert(input, at(random, input), `${'('.repeat(depth)}x${balanced ? ')'.repeat(depth) : ''}`);
  },
  deepBraces(input, random) {
    const depth = 1000 + random.below(20000);
    const body = random.below(2) === 0 ? 'if (a) {' : '{';
    return insert(
      input,
      at(random, input),
      `\nint deep(void) ${body.repeat(depth)} f(); ${'}'.repeat(random.below(depth + 1))}\n`,
    );
  },
  nestedLoops(input, random) {
    // Loop nesting drives the missing-release analysis (a fixed point per loop).
    const depth = 5 + random.below(60);
    const call = random.pick([
      'make_device_exclusive(mm, a, o, &p)',
      'folio_lock(f)',
      'pte_offset_map_lock(mm, pmd, a, &ptl)',
      'folio_get(f)',
    ]);
    return insert(
      input,
      input.length,
      `\nint nest(struct mm_struct *mm, struct folio *f, unsigned long a)\n{\n${'while (a--) {'.repeat(depth)} ${call}; if (a) return 1; ${'}'.repeat(depth)}\nreturn 0;\n}\n`,
    );
  },
  deepConditionals(input, random) {
    const depth = 500 + random.below(5000);
    return insert(
      input,
      at(random, input),
      `\n${'#if X\n'.repeat(depth)}int in_if;\n${'#endif\n'.repeat(random.below(depth + 1))}`,
    );
  },
  longSharedPrefixNames(input, random) {
    // Names with a long common prefix: the name sort's run recursion went one level per 4 bytes.
    const prefix = 'x'.repeat(10_000 + random.below(200_000));
    const lines = Array.from({ length: 3 + random.below(5) }, (_, k) => `int ${prefix}${k}(void);\n`).join('');
    return insert(input, input.length, lines);
  },
  invalidUtf8(input, random) {
    const junk = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x98, 0xed, 0xa0, 0x80]);
    let out = input;
    for (let k = 0, n = 1 + random.below(16); k < n; k++)
      out = insert(out, at(random, out), junk.subarray(random.below(junk.length)));
    return out;
  },
  nulBytes(input, random) {
    return insert(input, at(random, input), Buffer.alloc(1 + random.below(8)));
  },
  carriageReturns(input, random) {
    const text = input.toString('latin1');
    return Buffer.from(random.below(2) === 0 ? text.replace(/\n/g, '\r') : text.replace(/\n/g, '\r\n'), 'latin1');
  },
  unterminated(input, random) {
    return insert(
      input,
      at(random, input),
      random.pick(['/*', '"', "'", '#if 1\n', '#define X(a, \\\n', 'struct {', '<']),
    );
  },
  longLine(input, random) {
    return insert(input, at(random, input), `int a = ${'1 + '.repeat(50_000 + random.below(200_000))}1;`);
  },
  lineSplices(input, random) {
    const text = input.toString('latin1');
    return Buffer.from(
      text.replace(/ /g, () => (random.below(20) === 0 ? '\\\n' : ' ')),
      'latin1',
    );
  },
  hostileText(input, random) {
    return insert(
      input,
      at(random, input),
      random.pick(['/** x - \u001b]0;t\u0007 <script> [a](javascript:x) */\n', '// \u202e evil\n', '"\u009b2J"']),
    );
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One to three mutations of `input` (names returned for the report). */
export function mutate(input: Buffer, donor: Buffer, random: Random): { bytes: Buffer; applied: string[] } {
  let bytes = input;
  const applied: string[] = [];
  for (let k = 0, n = 1 + random.below(3); k < n; k++) {
    const name = random.pick(MUTATION_NAMES);
    bytes = MUTATIONS[name](bytes, random, donor);
    applied.push(name);
  }
  return { bytes, applied };
}
