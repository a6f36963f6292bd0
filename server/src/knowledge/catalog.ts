import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import { dataPath, readDataFolder, shippedData } from '../base/dataFiles';

/**
 * The knowledge catalog: curated facts about tracked kernel symbols (device-exclusive entries, folio_walk,
 * devmap / ZONE_DEVICE / fs-dax, device-private faults), kept as YAML under `<dataDir>/catalog/*.yaml` and
 * validated against `catalog.schema.json`. Adding a symbol is a data change; see docs/catalog.md.
 */

export type CatalogKind =
  | 'function'
  | 'macro'
  | 'function-macro'
  | 'type'
  | 'struct'
  | 'enum'
  | 'enumerator'
  | 'field'
  | 'kconfig'
  | 'static-key'
  | 'ioctl'
  | 'header'
  | 'variable';

export interface StatusEvent {
  release: string;
  /** 'exact' (default): first mainline release; 'at-or-before': only known to hold by that release. */
  bound?: 'exact' | 'at-or-before';
  what?: string;
  source: string;
}

export interface CatalogThread {
  messageId: string;
  subject: string;
  author: string;
  date: string;
  point: string;
}

export interface DiagramRef {
  id: string;
  variant?: string;
}

export interface CatalogEntry {
  name: string;
  aliases?: string[];
  kind: CatalogKind;
  field?: { container: string; unambiguous?: boolean };
  topics: string[];
  header?: string;
  summary: string;
  explanation: string;
  requires?: string[];
  pitfalls?: string[];
  status: {
    introduced?: StatusEvent;
    changed?: StatusEvent[];
    removed?: StatusEvent;
    trees?: Record<string, string>;
  };
  replacement?: { symbols?: string[]; text: string };
  related?: string[];
  threads?: CatalogThread[];
  diagrams?: DiagramRef[];
  callContext?: { after: string; release?: string[]; requires?: string };
  /** The mainline declaration (or the posted one), shown when the tree does not define the symbol. */
  upstreamSignature?: { text: string; release?: string; source: string };
  sources: string[];
  /** Data file the entry came from (file name only), filled in by the loader. */
  file?: string;
}

export interface CatalogProblem {
  file: string;
  message: string;
}

export interface Catalog {
  entries: CatalogEntry[];
  /** Entries whose data failed validation or could not be read: reported, never fatal. */
  problems: CatalogProblem[];
  /**
   * Exact name or alias lookup. Struct members are only returned when marked `unambiguous`
   * (e.g. `migrate_to_ram`); others (`page`, `pte`) need `lookupField` with their struct.
   */
  lookup(name: string): CatalogEntry | undefined;
  /** A struct member entry: `lookupField('folio_walk', 'page')`. */
  lookupField(container: string, member: string): CatalogEntry | undefined;
  /** Every entry for a name, members of any struct included. */
  lookupAll(name: string): CatalogEntry[];
}

const SCHEMA_FILE = 'catalog.schema.json';

export function catalogDir(): string {
  return dataPath('catalog');
}

/** Compiles the catalog schema (also used by tests). */
export function compileCatalogSchema(dir: string = catalogDir()): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(path.join(dir, SCHEMA_FILE), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

/** Validates one entry through the schema's `entry` definition; returns messages (empty when valid). */
function entryValidator(validateFile: ValidateFunction): (entry: unknown) => string[] {
  // Validate each entry on its own, so one bad entry is skipped and the rest of its file still loads.
  return (entry) => {
    const ok = validateFile({ entries: [entry] });
    if (ok) return [];
    return (validateFile.errors ?? []).map(
      (e) => `${e.instancePath.replace(/^\/entries\/0/, '') || '/'} ${e.message ?? 'invalid'}`,
    );
  };
}

/** Loads every `*.yaml` in `dir`. Invalid files or entries are reported in `problems` and skipped. */
export function loadCatalog(dir: string = catalogDir()): Catalog {
  const entries: CatalogEntry[] = [];
  const problems: CatalogProblem[] = [];
  let validate: ((entry: unknown) => string[]) | undefined;
  try {
    validate = entryValidator(compileCatalogSchema(dir));
  } catch (err) {
    problems.push({
      file: SCHEMA_FILE,
      message: `schema unavailable, entries loaded without validation: ${(err as Error).message}`,
    });
  }
  const folder = readDataFolder(dir, 'catalog');
  if (folder.problem) problems.push({ file: dir, message: folder.problem });
  const seen = new Map<string, string>();
  for (const read of folder.files) {
    const file = read.name;
    if ('problem' in read) {
      problems.push({ file, message: read.problem });
      continue;
    }
    const list = (read.document as { entries?: unknown })?.entries;
    if (!Array.isArray(list)) {
      problems.push({ file, message: 'expected a top-level `entries:` list' });
      continue;
    }
    list.forEach((raw, i) => {
      const name = (raw as { name?: unknown })?.name;
      const label = `${file}#${i} ${typeof name === 'string' ? name : '(no name)'}`;
      const errors = validate ? validate(raw) : basicCheck(raw);
      if (errors.length) {
        problems.push({ file, message: `${label}: ${errors.slice(0, 3).join('; ')}` });
        return;
      }
      const entry = { ...(raw as CatalogEntry), file };
      const key = entryKey(entry);
      if (seen.has(key)) {
        problems.push({ file, message: `${label}: duplicate of the entry in ${seen.get(key)}` });
        return;
      }
      seen.set(key, file);
      entries.push(entry);
    });
  }
  return makeCatalog(entries, problems);
}

function entryKey(entry: CatalogEntry): string {
  return entry.field ? `${entry.field.container}::${entry.name}` : entry.name;
}

/** Minimal shape check when the schema itself could not be compiled. */
function basicCheck(raw: unknown): string[] {
  const entry = raw as Partial<CatalogEntry> | null;
  if (!entry || typeof entry !== 'object') return ['not an object'];
  const missing = (['name', 'kind', 'summary', 'explanation'] as const).filter((key) => typeof entry[key] !== 'string');
  if (!Array.isArray(entry.sources) || entry.sources.length === 0) missing.push('sources' as never);
  return missing.map((key) => `missing ${key}`);
}

export function makeCatalog(entries: CatalogEntry[], problems: CatalogProblem[] = []): Catalog {
  const byName = new Map<string, CatalogEntry[]>();
  const add = (name: string, entry: CatalogEntry) => {
    const list = byName.get(name) ?? [];
    if (!list.includes(entry)) list.push(entry);
    byName.set(name, list);
  };
  for (const entry of entries) {
    add(entry.name, entry);
    for (const alias of entry.aliases ?? []) add(alias, entry);
  }
  // Plain symbols win over struct members of the same name.
  for (const list of byName.values()) list.sort((a, b) => Number(a.kind === 'field') - Number(b.kind === 'field'));
  return {
    entries,
    problems,
    lookup: (name) => byName.get(name)?.find((entry) => entry.kind !== 'field' || entry.field?.unambiguous === true),
    lookupField: (container, member) =>
      byName.get(member)?.find((entry) => entry.kind === 'field' && entry.field?.container === container),
    lookupAll: (name) => byName.get(name) ?? [],
  };
}

const shippedCatalog = shippedData(() => loadCatalog());

/** The shipped catalog, loaded once per process. */
export function getCatalog(): Catalog {
  return shippedCatalog.get();
}

/** Exact lookup in the shipped catalog (`CONFIG_` prefixes are handled by `lookupSymbol`). */
export function lookup(name: string): CatalogEntry | undefined {
  return getCatalog().lookup(name);
}

/**
 * Lookup as hovers and lint see identifiers: `CONFIG_FOO` also finds the Kconfig entry `FOO`,
 * and a Kconfig symbol `FOO` finds an entry filed as `CONFIG_FOO`.
 */
export function lookupSymbol(name: string, catalog: Catalog = getCatalog()): CatalogEntry | undefined {
  const direct = catalog.lookup(name);
  if (direct) return direct;
  if (name.startsWith('CONFIG_')) {
    const bare = catalog.lookup(name.slice('CONFIG_'.length));
    if (bare?.kind === 'kconfig') return bare;
  } else {
    const prefixed = catalog.lookup(`CONFIG_${name}`);
    if (prefixed?.kind === 'kconfig') return prefixed;
  }
  return undefined;
}
