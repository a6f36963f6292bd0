/**
 * The C types the semantic services reason about, as far as navigation needs them: what `a` is, so that
 * `a->f` / `a.f` finds the field `f` of the right struct, and what a call returns. Types are built from
 * tree-sitter declarations (`declarators.ts`) and resolved lazily: a `tag` or `named` type is only looked up
 * (in the document, then the whole-tree index) when a member of it is asked for (`typeResolver.ts`).
 */

export type RecordTag = 'struct' | 'union';

/** A parameter of a function type: its name (when the declaration names it) and its type. */
export interface ParameterInfo {
  name?: string;
  type: CType;
  /** Declaration text of the parameter, one line: `struct folio_walk *fw`. */
  text: string;
}

export interface FunctionType {
  kind: 'function';
  returns: CType;
  parameters: ParameterInfo[];
  variadic: boolean;
}

export type CType =
  /** `T *` or an array of T (arrays decay to a pointer for `->`, `[]` and `*`). */
  | { kind: 'pointer'; to: CType; array?: boolean }
  | FunctionType
  /** `struct folio`, `union swap_iocb`, `enum folio_walk_level`: resolved through the tag's definition. */
  | { kind: 'tag'; tag: RecordTag | 'enum'; name: string }
  /** A typedef name or a builtin (`pte_t`, `spinlock_t`, `unsigned long`): resolved through a typedef when there is one. */
  | { kind: 'named'; name: string }
  /** A struct or union whose body was written in place (`struct { ... } lru;`, `typedef struct { ... } pte_t;`). */
  | { kind: 'record'; record: RecordInfo }
  | { kind: 'unknown' };

/** A struct or union with its fields; anonymous members' fields are flattened into `fields` (C11 semantics). */
export interface RecordInfo {
  tag: RecordTag;
  /** The tag (`folio_walk`), or the typedef it was reached through, or undefined for an anonymous body. */
  name?: string;
  /** Where the body is: tree-relative file (undefined for an unsaved document outside the tree) and position. */
  file?: string;
  line: number;
  character: number;
  fields: FieldInfo[];
}

export interface FieldInfo {
  name: string;
  type: CType;
  /** The field's declaration, one line: `struct page *page`, `vm_fault_t (*fault)(struct vm_fault *vmf)`. */
  declaration: string;
  /** Who holds it, for display: `struct folio_walk`, `struct page` (with `via` naming the anonymous members). */
  container: string;
  /** Anonymous struct/union members the field sits in, outermost first (`union`, `struct`). */
  via?: string[];
  file?: string;
  /** Range of the field's name (0-based line, UTF-16 columns). */
  line: number;
  character: number;
  endCharacter: number;
  /** The field's comment: its kernel-doc `@name:` line, else the comment next to it. Untrusted text. */
  comment?: string;
  /** Declared by a macro (`DECLARE_BITMAP(map, 64)`): its type is read from the macro's definition when needed. */
  macroCall?: { macro: string; args: string[] };
}

export const UNKNOWN: CType = { kind: 'unknown' };

export function pointerTo(type: CType, array = false): CType {
  return array ? { kind: 'pointer', to: type, array } : { kind: 'pointer', to: type };
}

/** Short text of a type for completion details and messages (declarations keep their own source text). */
export function typeText(type: CType, depth = 0): string {
  if (depth > 8) return '…';
  switch (type.kind) {
    case 'pointer':
      return type.to.kind === 'function'
        ? `${typeText(type.to.returns, depth + 1)} (*)(${parameterList(type.to)})`
        : `${typeText(type.to, depth + 1)} ${type.array ? '[]' : '*'}`.replace(/\* \*/g, '**');
    case 'function':
      return `${typeText(type.returns, depth + 1)} (${parameterList(type)})`;
    case 'tag':
      return `${type.tag} ${type.name}`;
    case 'named':
      return type.name;
    case 'record':
      return type.record.name ? `${type.record.tag} ${type.record.name}` : `${type.record.tag} { … }`;
    case 'unknown':
      return '?';
  }
}

function parameterList(type: FunctionType): string {
  const list = type.parameters.map((p) => p.text);
  if (type.variadic) list.push('...');
  return list.join(', ');
}

/** Type names that are builtins or qualifiers: never looked up as typedefs. */
export const BUILTIN_TYPE_WORDS: ReadonlySet<string> = new Set([
  'void',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'signed',
  'unsigned',
  '_Bool',
  'bool',
  'size_t',
  'const',
  'volatile',
]);
