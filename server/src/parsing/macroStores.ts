/**
 * Ops tables built by a macro: `DEFINE_SHOW_ATTRIBUTE(foo)` defines `foo_fops` with `.open = foo_open`;
 * `static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);` stores `enabled_show` and `enabled_store`.
 * The macros are data (data/ops-macros.yaml): each says which struct it fills (or that the declaration says it) and
 * what it stores into which field. A `#define` of the tree that stores into a field and is not in the data (a
 * subsystem's own `KSM_ATTR(name)` around `__ATTR_RW`) is reported as not expanded, so an answer can say so
 * instead of silently missing its tables.
 */
import { dataPath, readDataDocument, shippedData } from '../base/dataFiles';
import { blankNonCode } from './fieldStores';

export interface OpsMacro {
  macro: string;
  params: string[];
  /** Struct tag of the table, or undefined when the declaration the invocation initialises says it. */
  type?: string;
  stores: Array<{ field: string; parts: Array<string | number> }>;
}

export interface MacroStore {
  field: string;
  value: string;
  /** Offset of the argument the value is made from, else of the macro's name. */
  valueOffset: number;
  structType?: string;
  macro: string;
}

/** A `#define` that stores into a field and that the data does not describe. */
export interface UnexpandedMacro {
  macro: string;
  /** 0-based line of the `#define`. */
  line: number;
}

export class OpsMacroError extends Error {}

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/** Checks and compiles the data file's entries; a bad entry is an error naming it (the data is ours). */
export function compileOpsMacros(document: unknown, source: string): Map<string, OpsMacro> {
  const tables = (document as { tables?: unknown })?.tables;
  if (!Array.isArray(tables)) throw new OpsMacroError(`${source}: expected a "tables" list`);
  const result = new Map<string, OpsMacro>();
  for (const raw of tables as Array<Record<string, unknown>>) {
    const macro = raw?.macro;
    if (typeof macro !== 'string' || !IDENTIFIER.test(macro)) throw new OpsMacroError(`${source}: bad macro name`);
    const params = raw.params;
    if (!Array.isArray(params) || !params.every((p) => typeof p === 'string' && IDENTIFIER.test(p)))
      throw new OpsMacroError(`${source}: ${macro}: params must be identifiers`);
    const type = raw.type;
    if (typeof type !== 'string' || !(type === 'declared' || IDENTIFIER.test(type)))
      throw new OpsMacroError(`${source}: ${macro}: type must be a struct tag or "declared"`);
    const stores = raw.stores;
    if (!stores || typeof stores !== 'object' || Array.isArray(stores))
      throw new OpsMacroError(`${source}: ${macro}: stores must map fields to templates`);
    const compiled: OpsMacro = { macro, params: params as string[], stores: [] };
    if (type !== 'declared') compiled.type = type;
    for (const [field, template] of Object.entries(stores as Record<string, unknown>)) {
      if (!IDENTIFIER.test(field) || typeof template !== 'string')
        throw new OpsMacroError(`${source}: ${macro}: bad store ${field}`);
      const parts: Array<string | number> = [];
      let last = 0;
      for (const match of template.matchAll(/\{(\w+)\}/g)) {
        const k = (params as string[]).indexOf(match[1]);
        if (k < 0) throw new OpsMacroError(`${source}: ${macro}: {${match[1]}} is not a parameter`);
        if (match.index > last) parts.push(template.slice(last, match.index));
        parts.push(k);
        last = match.index + match[0].length;
      }
      if (last < template.length) parts.push(template.slice(last));
      compiled.stores.push({ field, parts });
    }
    if (result.has(macro)) throw new OpsMacroError(`${source}: ${macro} is listed twice`);
    result.set(macro, compiled);
  }
  return result;
}

const shipped = shippedData(() => {
  const source = dataPath('ops-macros.yaml');
  return compileOpsMacros(readDataDocument(source), source);
});

/** The shipped table macros, compiled once per process. */
export function opsMacros(): Map<string, OpsMacro> {
  return shipped.get();
}

/** Names of the table macros that store into `field`. */
export function macrosStoring(field: string, macros: Map<string, OpsMacro> = opsMacros()): string[] {
  return [...macros.values()].filter((m) => m.stores.some((s) => s.field === field)).map((m) => m.macro);
}

/**
 * Names of the table macros with a store that can produce the function name `value` (`{name}_show` can produce
 * `enabled_show`, `{show}` any name, `seq_read` only itself).
 */
export function macrosProducing(value: string, macros: Map<string, OpsMacro> = opsMacros()): string[] {
  return [...macros.values()]
    .filter((m) =>
      m.stores.some((store) =>
        new RegExp(
          `^${store.parts.map((p) => (typeof p === 'number' ? '\\w*' : p.replace(/[^\w]/g, '\\$&'))).join('')}$`,
        ).test(value),
      ),
    )
    .map((m) => m.macro);
}

/**
 * A test every text passes where a table macro of the data (or a file's wrapper of one, which passes its parameters
 * through) stores `value`: the argument the value is made from, followed by what ends an argument (or what the
 * scanner blanks before it). Undefined when no such test exists (a store not made from exactly one argument).
 */
export function macroArgumentTest(value: string, macros: Map<string, OpsMacro> = opsMacros()): RegExp | undefined {
  const args = new Set<string>();
  for (const macro of macros.values()) {
    for (const store of macro.stores) {
      const params = store.parts.filter((p) => typeof p === 'number').length;
      if (params > 1) return undefined; // a name made of several arguments: no one argument to look for
      const first = store.parts.findIndex((p) => typeof p === 'number');
      const prefix = store.parts.slice(0, Math.max(0, first)).join('');
      const suffix = first < 0 ? '' : store.parts.slice(first + 1).join('');
      if (first < 0) {
        if (store.parts.join('') === value) return undefined; // a literal store: no argument to look for
        continue;
      }
      if (value.length <= prefix.length + suffix.length || !value.startsWith(prefix) || !value.endsWith(suffix))
        continue;
      args.add(value.slice(prefix.length, value.length - suffix.length));
    }
  }
  if (args.size === 0) return /(?!)/; // no macro can store it
  if (![...args].every((arg) => IDENTIFIER.test(arg))) return undefined;
  return new RegExp(`\\b(?:${[...args].join('|')})\\s*[,)#"'/]`);
}

/**
 * The stores of the data's table macros invoked in `text` (comments, strings and directive lines do not count: an
 * invocation inside another macro's `#define` has parameters for arguments).
 */
export function scanMacroStores(
  text: string,
  options: { fields?: ReadonlySet<string>; values?: ReadonlySet<string>; macros?: Map<string, OpsMacro> } = {},
): MacroStore[] {
  const macros = withLocalTableMacros(text, options.macros ?? opsMacros());
  const wanted = [...macros.values()].filter(
    (m) => text.includes(m.macro) && (!options.fields || m.stores.some((s) => options.fields!.has(s.field))),
  );
  if (wanted.length === 0) return [];
  const code = blankNonCode(text);
  const found: MacroStore[] = [];
  for (const macro of wanted) {
    const pattern = new RegExp(`(?<![\\w])${macro.macro}\\s*\\(`, 'g');
    for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
      const args = argumentsAt(code, match.index + match[0].length);
      if (!args || args.length < macro.params.length) continue;
      const structType = macro.type ?? declaredType(code, match.index);
      for (const store of macro.stores) {
        if (options.fields && !options.fields.has(store.field)) continue;
        const value = store.parts.map((p) => (typeof p === 'number' ? args[p].text : p)).join('');
        if (!IDENTIFIER.test(value) || value === 'NULL') continue;
        if (options.values && !options.values.has(value)) continue;
        const from = store.parts.find((p): p is number => typeof p === 'number');
        const result: MacroStore = {
          field: store.field,
          value,
          valueOffset: from === undefined ? match.index : args[from].offset,
          macro: macro.macro,
        };
        if (structType) result.structType = structType;
        found.push(result);
      }
    }
  }
  return found.sort((a, b) => a.valueOffset - b.valueOffset);
}

/**
 * `#define`s of `text` that store into `field` (a designator `.field =`, or a table macro of the data that stores
 * it) and are not themselves in the data: tables built by a macro the ops tables do not expand.
 */
export function unexpandedMacrosStoring(
  text: string,
  field: string,
  macros: Map<string, OpsMacro> = opsMacros(),
): UnexpandedMacro[] {
  if (!text.includes('define')) return [];
  // The file's own wrappers of a data macro are expanded (withLocalTableMacros): not missing.
  const local = withLocalTableMacros(text, macros);
  const storing = macrosStoring(field, macros);
  const designator = new RegExp(`\\.\\s*${field}\\s*=(?!=)`);
  const invocation = storing.length ? new RegExp(`(?<![\\w])(?:${storing.join('|')})\\s*\\(`) : undefined;
  const result: UnexpandedMacro[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    const head = /^\s*#\s*define\s+([A-Za-z_]\w*)/.exec(lines[i]);
    let body = lines[i];
    while (body.endsWith('\\') && i + 1 < lines.length) body = `${body.slice(0, -1)} ${lines[++i]}`;
    if (!head || local.has(head[1])) continue;
    if (designator.test(body) || invocation?.test(body)) result.push({ macro: head[1], line: first });
  }
  return result;
}

/** The arguments of an invocation whose `(` ends right before `start`: top-level commas split them. */
function argumentsAt(code: string, start: number): Array<{ text: string; offset: number }> | undefined {
  const args: Array<{ text: string; offset: number }> = [];
  let depth = 0;
  let from = start;
  const limit = Math.min(code.length, start + 4000);
  for (let i = start; i < limit; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      args.push(trimmed(code, from, i));
      from = i + 1;
    } else if (c === ')' && depth === 0) {
      args.push(trimmed(code, from, i));
      return args;
    }
  }
  return undefined;
}

function trimmed(code: string, from: number, to: number): { text: string; offset: number } {
  const raw = code.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  return { text: raw.trim(), offset: from + lead };
}

/**
 * `static struct kobj_attribute x = __ATTR_RW(x)`: the struct tag of the declaration the invocation initialises; for
 * an element of an array (`static struct device_attribute attrs[] = { __ATTR_RO(a), __ATTR_RW(b), __ATTR_NULL }`)
 * the array's element type, after the elements before it are stepped over.
 */
function declaredType(code: string, at: number): string | undefined {
  let start = at - 1;
  const limit = Math.max(0, at - 400);
  while (start >= limit && !';{}'.includes(code[start])) start--;
  const declaration = code.slice(start + 1, at);
  const direct = /\bstruct\s+([A-Za-z_]\w*)\s+[^=;()]*=\s*$/.exec(declaration)?.[1];
  if (direct || code[start] === ';') return direct;
  const open = enclosingBrace(code, at);
  if (open < 0) return undefined;
  let head = open - 1;
  const headLimit = Math.max(0, open - 400);
  while (head >= headLimit && !';{}'.includes(code[head])) head--;
  // Only an array of the struct: `struct T name[...] = {` (a struct's own list would be a nested field's type).
  return /\bstruct\s+([A-Za-z_]\w*)\s+[^=;()]*\[[^\]]*\]\s*=\s*$/.exec(code.slice(head + 1, open))?.[1];
}

/** Offset of the `{` whose list holds `at` (earlier elements' brackets stepped over), -1 beyond 16 kB or none. */
function enclosingBrace(code: string, at: number): number {
  let depth = 0;
  const limit = Math.max(0, at - 16 * 1024);
  for (let i = at - 1; i >= limit; i--) {
    const c = code[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[') depth = Math.max(0, depth - 1);
    else if (c === '{') {
      if (depth === 0) return i;
      depth--;
    } else if (c === ';' && depth === 0) return -1;
  }
  return -1;
}

/**
 * The data's table macros and, for this file, its own `#define`s that wrap one of them with their parameters
 * passed through (mm/ksm.c: `#define KSM_ATTR(_name) static struct kobj_attribute _name##_attr = __ATTR_RW(_name)`;
 * mm/hugetlb.c's HSTATE_ATTR, mm/huge_memory.c's, mm/cma_sysfs.c's): each becomes a table macro of its own, storing
 * what the wrapped one stores, with the struct type its body declares. A wrapper whose stored names are built from
 * more than a parameter (`_name##_show`) or that invokes several table macros stays unexpanded (and named).
 */
export function withLocalTableMacros(text: string, macros: Map<string, OpsMacro>): Map<string, OpsMacro> {
  if (!text.includes('define')) return macros;
  const names = [...macros.keys()];
  if (!names.some((name) => text.includes(name))) return macros;
  let result = macros;
  const defines = localDefines(text);
  // Two rounds: a wrapper of a wrapper (`#define X_RO(n) X(n, 0444)` over `#define X(n, m) ... __ATTR(...)`).
  for (let round = 0; round < 2; round++) {
    let added = false;
    for (const define of defines) {
      if (result.has(define.name)) continue;
      const derived = wrapperMacro(define, result);
      if (!derived) continue;
      if (result === macros) result = new Map(macros);
      result.set(define.name, derived);
      added = true;
    }
    if (!added) break;
  }
  return result;
}

interface LocalDefine {
  name: string;
  params: string[];
  body: string;
}

/** Function-like `#define`s of the text (continuation lines joined). */
function localDefines(text: string): LocalDefine[] {
  const defines: LocalDefine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*#\s*define\s/.test(lines[i])) continue;
    let line = lines[i];
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]}`;
    const head = /^\s*#\s*define\s+([A-Za-z_]\w*)\(([^)]*)\)(.*)$/.exec(line);
    if (!head) continue;
    const params = head[2].split(',').map((p) => p.trim());
    if (!params.every((p) => IDENTIFIER.test(p))) continue;
    defines.push({ name: head[1], params, body: blankNonCode(head[3]) });
  }
  return defines;
}

/** The table macro a `#define` is when its body invokes exactly one known table macro with passed-through names. */
function wrapperMacro(define: LocalDefine, macros: Map<string, OpsMacro>): OpsMacro | undefined {
  let wrapped: { macro: OpsMacro; at: number; args: Array<{ text: string; offset: number }> } | undefined;
  for (const match of define.body.matchAll(/(?<![\w#])([A-Za-z_]\w*)\s*\(/g)) {
    const macro = macros.get(match[1]);
    if (!macro) continue;
    if (wrapped) return undefined; // several tables in one body: not a plain wrapper
    const args = argumentsAt(define.body, match.index + match[0].length);
    if (!args || args.length < macro.params.length) return undefined;
    wrapped = { macro, at: match.index, args };
  }
  if (!wrapped) return undefined;
  const stores: OpsMacro['stores'] = [];
  for (const store of wrapped.macro.stores) {
    const parts: Array<string | number> = [];
    for (const part of store.parts) {
      if (typeof part === 'string') {
        parts.push(part);
        continue;
      }
      const argument = wrapped.args[part].text;
      const param = define.params.indexOf(argument);
      if (param >= 0) parts.push(param);
      else if (IDENTIFIER.test(argument)) parts.push(argument);
      else return undefined; // `_name##_show`, an expression: not followed
    }
    stores.push({ field: store.field, parts });
  }
  const derived: OpsMacro = { macro: define.name, params: define.params, stores };
  const type = wrapped.macro.type ?? declaredType(define.body, wrapped.at);
  if (type) derived.type = type;
  return derived;
}
