import { dataPath, readDataDocument, shippedData } from '../base/dataFiles';

/**
 * Names defined by generator macros (PAGEFLAG, SYSCALL_DEFINE3, DEFINE_MUTEX, ...), described as data in
 * data/name-generators.yaml. Templates are compiled once (composite macros such as PAGEFLAG are flattened
 * through their `includes`), so `generatedNames` is a Map lookup plus string concatenation: cheap enough for
 * the whole-tree lexical indexer to call on every candidate invocation.
 */

export type GeneratedKind = 'function' | 'variable' | 'generated';

export interface GeneratedName {
  name: string;
  kind: GeneratedKind;
  /** Index of the argument the name is built from (where to point the definition). */
  argIndex: number;
  /** DECLARE_* forms that only declare the name. */
  isDeclaration?: boolean;
}

interface RawProduce {
  name?: unknown;
  kind?: unknown;
  declaration?: unknown;
}
interface RawInclude {
  macro?: unknown;
  args?: unknown;
}
interface RawGenerator {
  macro?: unknown;
  source?: unknown;
  params?: unknown;
  produces?: unknown;
  includes?: unknown;
}

/** A compiled name template: literal parts interleaved with argument indexes. */
interface CompiledTemplate {
  parts: Array<string | number>;
  kind: GeneratedKind;
  isDeclaration: boolean;
  argIndex: number;
}

interface CompiledGenerator {
  /** Number of required arguments (the declared params, without "..."). */
  required: number;
  variadic: boolean;
  templates: CompiledTemplate[];
}

export class NameGeneratorError extends Error {}

const KINDS: ReadonlySet<string> = new Set(['function', 'variable', 'generated']);
const IDENTIFIER = /^[A-Za-z_]\w*$/;
const PLACEHOLDER = /\{(\w+)\}/g;
const ARRAY_DECLARATOR = /^([A-Za-z_]\w*)\s*\[[^\]]*\]$/;

/** Text templates in terms of one macro's own params, before flattening. */
interface TextTemplate {
  text: string;
  kind: GeneratedKind;
  isDeclaration: boolean;
}

/** Validates the YAML document and compiles every generator. Throws NameGeneratorError with the offending entry. */
export function compileNameGenerators(
  document: unknown,
  where = 'name-generators.yaml',
): Map<string, CompiledGenerator> {
  const list = (document as { generators?: unknown } | null)?.generators;
  if (!Array.isArray(list)) throw new NameGeneratorError(`${where}: top-level "generators" list is missing`);
  const byName = new Map<string, RawGenerator>();
  for (const entry of list as RawGenerator[]) {
    const macro = entry?.macro;
    if (typeof macro !== 'string' || !IDENTIFIER.test(macro))
      throw new NameGeneratorError(`${where}: generator without a valid "macro": ${JSON.stringify(entry)}`);
    if (typeof entry.source !== 'string' || entry.source.length === 0)
      throw new NameGeneratorError(`${where}: ${macro} has no "source" header`);
    if (!Array.isArray(entry.params) || entry.params.some((p) => typeof p !== 'string'))
      throw new NameGeneratorError(`${where}: ${macro} needs "params" (list of names)`);
    if (byName.has(macro)) throw new NameGeneratorError(`${where}: ${macro} is listed twice`);
    byName.set(macro, entry);
  }

  const expanded = new Map<string, TextTemplate[]>();
  const expanding = new Set<string>();
  // Own templates plus those of included generators, rewritten into this macro's params.
  const expand = (macro: string): TextTemplate[] => {
    const done = expanded.get(macro);
    if (done) return done;
    if (expanding.has(macro)) throw new NameGeneratorError(`${where}: ${macro} includes itself`);
    expanding.add(macro);
    const entry = byName.get(macro)!;
    const params = entry.params as string[];
    const result: TextTemplate[] = [];
    for (const produce of (entry.produces ?? []) as RawProduce[]) {
      if (typeof produce?.name !== 'string' || typeof produce.kind !== 'string' || !KINDS.has(produce.kind)) {
        throw new NameGeneratorError(`${where}: ${macro} has a bad "produces" item ${JSON.stringify(produce)}`);
      }
      checkPlaceholders(produce.name, params, macro, where);
      result.push({
        text: produce.name,
        kind: produce.kind as GeneratedKind,
        isDeclaration: produce.declaration === true,
      });
    }
    for (const include of (entry.includes ?? []) as RawInclude[]) {
      const child = typeof include?.macro === 'string' ? byName.get(include.macro) : undefined;
      if (!child || !Array.isArray(include.args))
        throw new NameGeneratorError(`${where}: ${macro} includes an unknown generator ${JSON.stringify(include)}`);
      const childParams = child.params as string[];
      const args = include.args as unknown[];
      for (const arg of args) {
        if (typeof arg !== 'string') throw new NameGeneratorError(`${where}: ${macro} passes a non-string argument`);
        checkPlaceholders(arg, params, macro, where);
      }
      for (const template of expand(include.macro as string)) {
        const text = template.text.replace(PLACEHOLDER, (_m, param: string) => {
          const index = childParams.indexOf(param);
          if (index < 0 || typeof args[index] !== 'string')
            throw new NameGeneratorError(`${where}: ${macro} -> ${String(include.macro)}: no argument for {${param}}`);
          return args[index];
        });
        result.push({ ...template, text });
      }
    }
    if (result.length === 0) throw new NameGeneratorError(`${where}: ${macro} produces no name`);
    expanding.delete(macro);
    expanded.set(macro, result);
    return result;
  };

  const compiled = new Map<string, CompiledGenerator>();
  for (const [macro, entry] of byName) {
    const params = entry.params as string[];
    const variadic = params[params.length - 1] === '...';
    const required = variadic ? params.length - 1 : params.length;
    const seen = new Set<string>();
    const templates: CompiledTemplate[] = [];
    for (const template of expand(macro)) {
      if (seen.has(template.text)) continue;
      seen.add(template.text);
      templates.push(compileTemplate(template, params));
    }
    compiled.set(macro, { required, variadic, templates });
  }
  return compiled;
}

function checkPlaceholders(text: string, params: string[], macro: string, where: string): void {
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!params.includes(match[1]))
      throw new NameGeneratorError(`${where}: ${macro}: {${match[1]}} is not one of its params`);
  }
}

function compileTemplate(template: TextTemplate, params: string[]): CompiledTemplate {
  const parts: Array<string | number> = [];
  let last = 0;
  let argIndex = -1;
  for (const match of template.text.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(template.text.slice(last, match.index));
    const index = params.indexOf(match[1]);
    parts.push(index);
    if (argIndex < 0) argIndex = index;
    last = match.index + match[0].length;
  }
  if (last < template.text.length) parts.push(template.text.slice(last));
  return { parts, kind: template.kind, isDeclaration: template.isDeclaration, argIndex: Math.max(argIndex, 0) };
}

const shippedGenerators = shippedData(() => {
  const source = dataPath('name-generators.yaml');
  return compileNameGenerators(readDataDocument(source), source);
});

/** The shipped generators of data/name-generators.yaml, compiled once per process. */
function loadNameGenerators(): Map<string, CompiledGenerator> {
  return shippedGenerators.get();
}

/** True when `macroName` is a known generator (a cheap pre-check before splitting arguments). */
export function isNameGenerator(macroName: string): boolean {
  return loadNameGenerators().has(macroName);
}

/**
 * Names one invocation `macroName(args...)` defines, or undefined if the macro is not a generator or the
 * arguments do not fit. Arguments are the raw argument texts (trimmed here). Names that would not be
 * identifiers (an argument was an expression) are left out.
 */
export function generatedNames(macroName: string, args: string[]): GeneratedName[] | undefined {
  const generator = loadNameGenerators().get(macroName);
  if (!generator) return undefined;
  if (args.length < generator.required || (!generator.variadic && args.length > generator.required)) return undefined;
  // `DEFINE_PER_CPU(struct vm_struct *, cached_stacks[NR])` defines `cached_stacks`.
  const trimmed = args.map((arg) => {
    const value = arg.trim();
    const array = ARRAY_DECLARATOR.exec(value);
    return array ? array[1] : value;
  });
  const result: GeneratedName[] = [];
  for (const template of generator.templates) {
    let name = '';
    for (const part of template.parts) name += typeof part === 'number' ? trimmed[part] : part;
    if (!IDENTIFIER.test(name)) continue;
    const item: GeneratedName = { name, kind: template.kind, argIndex: template.argIndex };
    if (template.isDeclaration) item.isDeclaration = true;
    result.push(item);
  }
  return result.length > 0 ? result : undefined;
}

/** Every generator macro name (for documentation and tests). */
export function generatorMacros(): string[] {
  return [...loadNameGenerators().keys()];
}
