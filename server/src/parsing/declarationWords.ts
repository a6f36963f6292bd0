/**
 * Word lists and text helpers of the lexical extractor: which identifiers around a C declarator are
 * attributes (never the declared name), and how a declaration becomes a one-line signature.
 */
/** Attribute-like macros that take arguments and sit around declarators: never a function's name. */
export const ATTRIBUTE_CALLS = new Set([
  '__attribute__', '__attribute', '__section', '__aligned', '__printf', '__scanf', '__alloc_size', '__must_hold',
  '__acquires', '__releases', '__cond_acquires', '__cond_releases', '__diag_ignore', '__assume_aligned', '__counted_by',
  '__designated_init', 'alignas', '_Alignas', '__malloc', '__realloc_size', '__no_sanitize_or_inline', '__nocfi',
  '__free', '__cleanup', '__guarded_by', '__pt_guarded_by', 'asm', '__asm__', '__asm', '__ro_after_init_section',
  '__ALIGN_KERNEL', '__percpu_qual', 'BTF_TYPE_TAG', '__retain', '__used_section', '__exitcall', '__initcall',
]);

/** Words that may follow a declarator name but are never the name (`int x __read_mostly;`). */
export const TRAILING_ATTRIBUTES = /^(__(read_mostly|ro_after_init|initdata|initconst|exitdata|refdata|meminitdata|initdata_memblock|page_aligned_data|page_aligned_bss|cacheline_aligned|cacheline_aligned_in_smp|cacheline_internodealigned_in_smp|maybe_unused|always_unused|used|weak|packed|percpu|rcu|iomem|user|force|bitwise|latent_entropy|randomize_layout|no_randomize_layout|aligned_largest|nosavedata|visible|init|exit|ref|cold|hot|pure|must_check|noreturn|always_inline|noinline|nocfi|noinstr|kprobes|irq_entry|sched|lockfunc|private|nonstring|data_racy|guarded_by|tracepoint_string|initconst_or_module|cpuidle|flatten|unused|sramdata|nostackprotector)|____cacheline_aligned|____cacheline_aligned_in_smp|____cacheline_internodealigned_in_smp|noinline|notrace|asmlinkage|inline|__inline|__always_inline|__init|__exit|__ref|__meminit|__devinit|noinstr|__noreturn)$/;

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
