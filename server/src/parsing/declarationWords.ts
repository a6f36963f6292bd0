/**
 * Word lists and text helpers of the lexical extractor: which identifiers around a C declarator are
 * attributes (never the declared name), and how a declaration becomes a one-line signature.
 */
import { C_KEYWORDS } from './lexer';

/** Attribute-like macros that take arguments and sit around declarators: never a function's name. */
const ATTRIBUTE_CALLS = new Set([
  '__attribute__',
  '__attribute',
  '__section',
  '__aligned',
  '__printf',
  '__scanf',
  '__alloc_size',
  '__must_hold',
  '__acquires',
  '__releases',
  '__cond_acquires',
  '__cond_releases',
  '__diag_ignore',
  '__assume_aligned',
  '__counted_by',
  '__designated_init',
  'alignas',
  '_Alignas',
  '__malloc',
  '__realloc_size',
  '__no_sanitize_or_inline',
  '__nocfi',
  '__free',
  '__cleanup',
  '__guarded_by',
  '__pt_guarded_by',
  'asm',
  '__asm__',
  '__asm',
  '__ro_after_init_section',
  '__ALIGN_KERNEL',
  '__percpu_qual',
  'BTF_TYPE_TAG',
  '__retain',
  '__used_section',
  '__exitcall',
  '__initcall',
]);

/** Words that may follow a declarator name but are never the name (`int x __read_mostly;`). */
const TRAILING_ATTRIBUTES =
  /^(__(read_mostly|ro_after_init|initdata|initconst|exitdata|refdata|meminitdata|initdata_memblock|page_aligned_data|page_aligned_bss|cacheline_aligned|cacheline_aligned_in_smp|cacheline_internodealigned_in_smp|maybe_unused|always_unused|used|weak|packed|percpu|rcu|iomem|user|force|bitwise|latent_entropy|randomize_layout|no_randomize_layout|aligned_largest|nosavedata|visible|init|exit|ref|cold|hot|pure|must_check|noreturn|always_inline|noinline|nocfi|noinstr|kprobes|irq_entry|sched|lockfunc|private|nonstring|data_racy|guarded_by|tracepoint_string|initconst_or_module|cpuidle|flatten|unused|sramdata|nostackprotector)|____cacheline_aligned|____cacheline_aligned_in_smp|____cacheline_internodealigned_in_smp|noinline|notrace|asmlinkage|inline|__inline|__always_inline|__init|__exit|__ref|__meminit|__devinit|noinstr|__noreturn)$/;

/** Classes of a word (bit flags), as the extractor asks about identifiers of declarations. */
export const WORD_KEYWORD = 1;
export const WORD_TRAILING_ATTRIBUTE = 2;
export const WORD_ATTRIBUTE_CALL = 4;
/** `struct`, `union` or `enum`. */
export const WORD_AGGREGATE = 8;
export const WORD_STATIC = 16;
export const WORD_TYPEDEF = 32;
export const WORD_EXTERN = 64;
/** [A-Z0-9_]+ */
export const WORD_ALL_CAPS = 128;
/** [A-Z][A-Z0-9_]*: what a macro invocation alone on its line looks like. */
export const WORD_MACRO_NAME = 256;
/** Passes the generator pre-check (a macro whose arguments are worth gathering). */
export const WORD_GENERATOR = 512;
/** Set on every computed class, so 0 can mean "not computed yet" in a cache. */
const WORD_CLASSIFIED = 1 << 15;

/** The classes of one identifier; `isGenerator` is the extractor's generator pre-check (none: every word passes). */
export function classifyWord(word: string, isGenerator?: (word: string) => boolean): number {
  let cls = WORD_CLASSIFIED;
  if (C_KEYWORDS.has(word)) cls |= WORD_KEYWORD;
  if (TRAILING_ATTRIBUTES.test(word)) cls |= WORD_TRAILING_ATTRIBUTE;
  if (ATTRIBUTE_CALLS.has(word)) cls |= WORD_ATTRIBUTE_CALL;
  if (word === 'struct' || word === 'union' || word === 'enum') cls |= WORD_AGGREGATE;
  if (word === 'static') cls |= WORD_STATIC;
  if (word === 'typedef') cls |= WORD_TYPEDEF;
  if (word === 'extern') cls |= WORD_EXTERN;
  if (/^[A-Z0-9_]+$/.test(word)) cls |= WORD_ALL_CAPS;
  if (/^[A-Z][A-Z0-9_]*$/.test(word)) cls |= WORD_MACRO_NAME;
  if (!isGenerator || isGenerator(word)) cls |= WORD_GENERATOR;
  return cls;
}

/** One-line declaration text: comments removed, whitespace folded, bodies cut. */
export function normalizeSignature(raw: string): string {
  return raw
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\\\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
    .trim()
    .slice(0, 400);
}
