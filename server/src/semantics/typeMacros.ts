import * as path from 'path';
import { dataDir } from '../base/paths';
import { readDataDocument } from '../base/dataFiles';

/**
 * data/type-macros.yaml: macros whose result type (and member argument) the semantic services cannot read from
 * their definitions (statement expressions such as container_of and READ_ONCE). Validated on load; a malformed
 * entry is a clear error naming it.
 */

export type TypeMacroResult = { pointerToTypeArg: number } | { typeOfArg: number } | { pointeeOfArg: number };

export type TypeMacroMember = { arg: number; ofTypeArg: number } | { arg: number; ofPointeeOfArg: number };

export interface TypeMacro {
  macro: string;
  source: string;
  result?: TypeMacroResult;
  member?: TypeMacroMember;
}

export class TypeMacroError extends Error {}

const FORMAT = 'kernel-mm-lens-type-macros';
const IDENTIFIER = /^[A-Za-z_]\w*$/;

export function compileTypeMacros(document: unknown, where = 'type-macros.yaml'): Map<string, TypeMacro> {
  const doc = document as { format?: unknown; version?: unknown; macros?: unknown } | null;
  if (!doc || doc.format !== FORMAT || doc.version !== 1)
    throw new TypeMacroError(`${where}: not a ${FORMAT} version 1 document`);
  if (!Array.isArray(doc.macros)) throw new TypeMacroError(`${where}: "macros" must be a list`);
  const table = new Map<string, TypeMacro>();
  for (const raw of doc.macros as Array<Record<string, unknown> | null>) {
    const macro = raw?.macro;
    if (typeof macro !== 'string' || !IDENTIFIER.test(macro))
      throw new TypeMacroError(`${where}: entry without a valid "macro": ${JSON.stringify(raw)}`);
    if (typeof raw!.source !== 'string') throw new TypeMacroError(`${where}: ${macro} has no "source"`);
    if (table.has(macro)) throw new TypeMacroError(`${where}: ${macro} is listed twice`);
    const entry: TypeMacro = { macro, source: raw!.source };
    if (raw!.result !== undefined) entry.result = resultOf(raw!.result, macro, where);
    if (raw!.member !== undefined) entry.member = memberOf(raw!.member, macro, where);
    if (!entry.result && !entry.member) throw new TypeMacroError(`${where}: ${macro} needs "result" or "member"`);
    table.set(macro, entry);
  }
  return table;
}

function argumentIndex(value: unknown, macro: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 16)
    throw new TypeMacroError(`${where}: ${macro}: argument indexes are integers 0..16, got ${JSON.stringify(value)}`);
  return value;
}

function resultOf(raw: unknown, macro: string, where: string): TypeMacroResult {
  const value = (raw ?? {}) as Record<string, unknown>;
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new TypeMacroError(`${where}: ${macro}: "result" needs exactly one form`);
  switch (keys[0]) {
    case 'pointerToTypeArg':
      return { pointerToTypeArg: argumentIndex(value.pointerToTypeArg, macro, where) };
    case 'typeOfArg':
      return { typeOfArg: argumentIndex(value.typeOfArg, macro, where) };
    case 'pointeeOfArg':
      return { pointeeOfArg: argumentIndex(value.pointeeOfArg, macro, where) };
    default:
      throw new TypeMacroError(`${where}: ${macro}: unknown result form "${keys[0]}"`);
  }
}

function memberOf(raw: unknown, macro: string, where: string): TypeMacroMember {
  const value = (raw ?? {}) as Record<string, unknown>;
  const arg = argumentIndex(value.arg, macro, where);
  if (value.ofTypeArg !== undefined) return { arg, ofTypeArg: argumentIndex(value.ofTypeArg, macro, where) };
  if (value.ofPointeeOfArg !== undefined)
    return { arg, ofPointeeOfArg: argumentIndex(value.ofPointeeOfArg, macro, where) };
  throw new TypeMacroError(`${where}: ${macro}: "member" needs ofTypeArg or ofPointeeOfArg`);
}

let loaded: Map<string, TypeMacro> | undefined;

/** data/type-macros.yaml, loaded once per process. */
export function typeMacros(file?: string): Map<string, TypeMacro> {
  if (file !== undefined) return compileTypeMacros(readDataDocument(file), file);
  if (!loaded) {
    const source = path.join(dataDir(), 'type-macros.yaml');
    loaded = compileTypeMacros(readDataDocument(source), source);
  }
  return loaded;
}
