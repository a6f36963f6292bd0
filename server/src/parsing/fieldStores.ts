/**
 * Stores of a function into a struct field, found lexically in one file's text: the designated initialisers of
 * ops tables (`static const struct dev_pagemap_ops ops = { .migrate_to_ram = f, }`, arrays of them, nested
 * initialisers `.ops = { .f = g }`, compound literals `(struct T){ .f = g }`, `&f`) and assignments
 * `p->field = f;` / `s.field = f;`. The struct type of an initialiser is read from the declaration that opens it
 * (or the compound literal's type name, or the outer field's type for a nested one); an assignment's object is
 * returned for the caller to type (semantics/), since that needs the file's scopes.
 *
 * Lexical on purpose: a whole-tree question ("every function stored into `vm_operations_struct.fault`") reads
 * hundreds of files, and a regular expression over a text with comments, literals and directive lines blanked is
 * about 30 times cheaper than a tree-sitter parse. Directive lines are blanked, not evaluated, so stores under
 * every `#ifdef` branch count (all configurations): an ops table under `#ifdef CONFIG_X` is still an
 * implementation a reader wants to see.
 */

export interface FieldStore {
  field: string;
  /** The function stored (the identifier, `&` and casts removed). */
  value: string;
  /** Offsets of the field name and of the value in the text. */
  fieldOffset: number;
  valueOffset: number;
  kind: 'initializer' | 'assignment';
  /** Struct tag of the object stored into, when the text says it (initialisers only). */
  structType?: string;
  /** Assignments: the offset of `->` or `.` before the field (the object expression ends there). */
  operatorOffset?: number;
  arrow?: boolean;
}

export interface FieldStoreOptions {
  /** Only stores into these fields (a cheap filter: the files read are those that mention the field). */
  fields?: ReadonlySet<string>;
  /** Only stores of these functions. */
  values?: ReadonlySet<string>;
  /**
   * Struct tag of field `field` of `struct structType` when that field is itself a struct (nested initialisers
   * `.ops = { ... }`); undefined when unknown.
   */
  memberStructType?: (structType: string, field: string) => string | undefined;
}

/** Values that are never functions: a store of these is no implementation. */
const NOT_FUNCTIONS = new Set(['NULL', 'nullptr', 'true', 'false']);

/** A stored value: optional casts and `&`, one identifier, then the end of the initialiser or statement. */
const VALUE = /\s*(?:\(\s*[A-Za-z_][\w\s*]*\)\s*)*&?\s*([A-Za-z_]\w*)\s*([,;}])/y;

export function scanFieldStores(text: string, options: FieldStoreOptions = {}): FieldStore[] {
  const code = blankNonCode(text);
  const stores: FieldStore[] = [];
  const pattern = /(->|\.)\s*([A-Za-z_]\w*)\s*=(?!=)/g;
  const candidates: Array<{ match: RegExpExecArray }> = [];
  for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
    if (options.fields && !options.fields.has(match[2])) continue;
    candidates.push({ match });
  }
  if (candidates.length === 0) return stores;
  const braces = braceStructure(code);
  const typeCache = new Map<number, BraceType>();
  for (const { match } of candidates) {
    const operatorOffset = match.index;
    const arrow = match[1] === '->';
    VALUE.lastIndex = match.index + match[0].length;
    const value = VALUE.exec(code);
    if (!value || NOT_FUNCTIONS.has(value[1]) || /^[0-9]/.test(value[1])) continue;
    if (options.values && !options.values.has(value[1])) continue;
    const field = match[2];
    const fieldOffset = code.indexOf(field, operatorOffset + match[1].length);
    // The identifier ends where the blanks before the terminator start.
    const valueOffset = previousNonBlank(code, VALUE.lastIndex - 2) + 1 - value[1].length;
    const designator = !arrow && isDesignator(code, operatorOffset);
    if (designator) {
      if (value[2] === ';') continue;
      const open = braces.enclosing(operatorOffset);
      // `.a.b = f` / `[2].f = f`: the field of an inner object, whose type the list's type does not give.
      const first = code[previousNonBlank(code, operatorOffset - 1)];
      const type =
        open < 0 || (first !== '{' && first !== ',')
          ? undefined
          : braceType(code, open, braces, typeCache, options, 0).struct;
      const store: FieldStore = { field, value: value[1], fieldOffset, valueOffset, kind: 'initializer' };
      if (type) store.structType = type;
      stores.push(store);
    } else if (value[2] === ';' || value[2] === ',') {
      stores.push({ field, value: value[1], fieldOffset, valueOffset, kind: 'assignment', operatorOffset, arrow });
    }
  }
  return stores;
}

/**
 * A `.` that starts a designator: the chain `.a.b[2].c` it belongs to opens right after `{` or `,` (an assignment
 * `s.f = g` has an expression before its `.`).
 */
function isDesignator(code: string, dot: number): boolean {
  let i = dot;
  for (let guard = 0; guard < 16; guard++) {
    const before = previousNonBlank(code, i - 1);
    if (before < 0) return false;
    const c = code[before];
    if (c === '{' || c === ',') return true;
    if (c === ']') {
      const open = code.lastIndexOf('[', before);
      if (open < 0) return false;
      i = open;
      continue;
    }
    // `.a.b`: step over the identifier and its dot.
    let start = before;
    while (start > 0 && /\w/.test(code[start - 1])) start--;
    if (start === before && !/\w/.test(c)) return false;
    const dotBefore = previousNonBlank(code, start - 1);
    if (dotBefore < 0 || code[dotBefore] !== '.') return false;
    i = dotBefore;
  }
  return false;
}

interface BraceType {
  /** Struct tag of the object the brace initialises. */
  struct?: string;
  /** The brace initialises an array of `struct` (its elements are structs). */
  array?: boolean;
}

/** What the initialiser list opened at `open` initialises. */
function braceType(
  code: string,
  open: number,
  braces: BraceStructure,
  cache: Map<number, BraceType>,
  options: FieldStoreOptions,
  depth: number,
): BraceType {
  const cached = cache.get(open);
  if (cached) return cached;
  const result = depth > 8 ? {} : computeBraceType(code, open, braces, cache, options, depth);
  cache.set(open, result);
  return result;
}

function computeBraceType(
  code: string,
  open: number,
  braces: BraceStructure,
  cache: Map<number, BraceType>,
  options: FieldStoreOptions,
  depth: number,
): BraceType {
  const outer = () => {
    const parent = braces.parentOf(open);
    return parent < 0 ? {} : braceType(code, parent, braces, cache, options, depth + 1);
  };
  const before = previousNonBlank(code, open - 1);
  if (before < 0) return {};
  const c = code[before];
  // An element of an array of structs (`{ .f = a }, { .f = b }`) or `[IDX] = { ... }`.
  if (c === '{' || c === ',') {
    const list = outer();
    return list.array && list.struct ? { struct: list.struct } : {};
  }
  // A compound literal `(struct T) { ... }` / `(const struct T[]) { ... }`.
  if (c === ')') {
    const start = code.lastIndexOf('(', before);
    const typeName = start < 0 ? '' : code.slice(start + 1, before);
    const tag = /\bstruct\s+([A-Za-z_]\w*)/.exec(typeName)?.[1];
    return tag ? { struct: tag, array: typeName.includes('[') } : {};
  }
  if (c !== '=') return {};
  const target = previousNonBlank(code, before - 1);
  if (target < 0) return {};
  if (code[target] === ']') {
    const bracket = code.lastIndexOf('[', target);
    const ahead = bracket < 0 ? -1 : previousNonBlank(code, bracket - 1);
    // `[IDX] = {` inside an array's list: an element.
    if (ahead >= 0 && (code[ahead] === '{' || code[ahead] === ',')) {
      const list = outer();
      return list.array && list.struct ? { struct: list.struct } : {};
    }
  }
  // `.name = {`: a nested initialiser of the outer object's field `name`.
  let nameStart = target + 1;
  while (nameStart > 0 && /\w/.test(code[nameStart - 1])) nameStart--;
  const dot = previousNonBlank(code, nameStart - 1);
  if (dot >= 0 && code[dot] === '.' && nameStart <= target && isDesignator(code, dot)) {
    const container = outer();
    const name = code.slice(nameStart, target + 1);
    const inner = container.struct ? options.memberStructType?.(container.struct, name) : undefined;
    return inner ? { struct: inner } : {};
  }
  // A declaration `static const struct T name[] __attr = {`: from the statement's start to the `=`.
  const declaration = code.slice(statementStart(code, before), before);
  const tag = /\bstruct\s+([A-Za-z_]\w*)/.exec(declaration);
  if (!tag || declaration.includes('(') || declaration.includes('*')) return attributeOnly(declaration, tag?.[1]);
  return { struct: tag[1], array: declaration.includes('[', tag.index) };
}

/** `struct T x __attribute__((aligned(8))) = {`: parentheses of an attribute do not make a function. */
function attributeOnly(declaration: string, tag: string | undefined): BraceType {
  if (!tag) return {};
  const stripped = declaration.replace(/__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)|__\w+\s*\([^()]*\)/g, '');
  if (stripped.includes('(') || stripped.includes('*')) return {};
  return { struct: tag, array: stripped.includes('[') };
}

/** Start of the statement that ends at `end`: after the previous `;`, `}` or `{` (at most 1,000 characters back). */
function statementStart(code: string, end: number): number {
  const limit = Math.max(0, end - 1000);
  for (let i = end - 1; i >= limit; i--) {
    const c = code[i];
    if (c === ';' || c === '}' || c === '{') return i + 1;
  }
  return limit;
}

function previousNonBlank(code: string, from: number): number {
  let i = from;
  while (i >= 0 && /\s/.test(code[i])) i--;
  return i;
}

interface BraceStructure {
  /** The `{` whose list contains `offset` (innermost), or -1. */
  enclosing(offset: number): number;
  /** The `{` enclosing the `{` at `open`, or -1. */
  parentOf(open: number): number;
}

/** One forward pass: every `{` with its parent and its matching `}`. */
function braceStructure(code: string): BraceStructure {
  const opens: number[] = [];
  const closes: number[] = [];
  const parents: number[] = [];
  const stack: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 123 /* { */) {
      parents.push(stack.length > 0 ? opens[stack[stack.length - 1]] : -1);
      stack.push(opens.length);
      opens.push(i);
      closes.push(code.length);
    } else if (c === 125 /* } */ && stack.length > 0) {
      closes[stack.pop()!] = i;
    }
  }
  const indexOfOpen = (offset: number) => {
    // Last `{` at or before offset.
    let low = 0;
    let high = opens.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (opens[mid] <= offset) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
  return {
    enclosing(offset) {
      for (let k = indexOfOpen(offset); k >= 0;) {
        if (closes[k] > offset) return opens[k];
        const parent = parents[k];
        k = parent < 0 ? -1 : indexOfOpen(parent);
      }
      return -1;
    },
    parentOf(open) {
      const k = indexOfOpen(open);
      return k >= 0 && opens[k] === open ? parents[k] : -1;
    },
  };
}

/**
 * The text with comments, string and character literals and preprocessor directive lines replaced by blanks of
 * the same length (line breaks kept), so offsets stay those of the text. A block comment opened on a directive line
 * is part of it up to its end (a comment after `#endif` that closes on the next line): left half-blanked, its
 * tail was read as code and hid the designator after it.
 */
export function blankNonCode(text: string): string {
  const pattern =
    /\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|^[ \t]*#(?:[^\n\\/]|\\[\s\S]|\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|\/(?!\*))*/gm;
  return text.replace(pattern, (match) => match.replace(/[^\n]/g, ' '));
}
