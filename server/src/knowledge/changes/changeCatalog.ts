import * as fs from 'fs';
import * as path from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import { dataPath, readDataFolder, shippedData } from '../../base/dataFiles';
import { compileTokenPattern } from './tokenPattern';
import type { ChangeCatalog, ChangeProblem, ChangeSeries, ChangeSpec, ProbeSpec, TrackedChange } from './changeTypes';

/**
 * Loads the tracked changes from `<dataDir>/changes/*.yaml`. Every file is validated against
 * `changes.schema.json`, then checked for what a schema cannot say (series references, a release for every
 * change, token patterns that compile, unique ids). A bad change is reported and skipped; the rest load.
 */

const SCHEMA_FILE = 'changes.schema.json';

export function changesDir(): string {
  return dataPath('changes');
}

export interface ChangeValidators {
  /** A whole data file. */
  file: ValidateFunction;
  change: ValidateFunction;
  series: ValidateFunction;
}

/** Compiles the schema once and hands out validators for a file, one change and one series. */
export function compileChangesSchema(dir: string = changesDir()): ChangeValidators {
  const schema = JSON.parse(fs.readFileSync(path.join(dir, SCHEMA_FILE), 'utf8')) as { $id: string };
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(schema);
  const part = (pointer: string) => {
    const validate = ajv.getSchema(`${schema.$id}${pointer}`);
    if (!validate) throw new Error(`schema has no ${pointer}`);
    return validate;
  };
  return { file: part(''), change: part('#/definitions/change'), series: part('#/definitions/series') };
}

interface ChangeFile {
  series?: ChangeSeries[];
  changes?: unknown[];
}

export function loadChangeCatalog(dir: string = changesDir()): ChangeCatalog {
  const problems: ChangeProblem[] = [];
  let validate: ChangeValidators | undefined;
  try {
    validate = compileChangesSchema(dir);
  } catch (err) {
    problems.push({ file: SCHEMA_FILE, message: `schema unavailable: ${(err as Error).message}` });
  }
  const folder = readDataFolder(dir, 'tracked changes');
  if (folder.problem) problems.push({ file: dir, message: folder.problem });
  const changes: TrackedChange[] = [];
  const allSeries: ChangeSeries[] = [];
  const seenIds = new Map<string, string>();
  for (const read of folder.files) {
    const file = read.name;
    if ('problem' in read) {
      problems.push({ file, message: read.problem });
      continue;
    }
    const doc = read.document as ChangeFile | null;
    if (!doc || typeof doc !== 'object' || !Array.isArray(doc.changes)) {
      problems.push({ file, message: 'expected a top-level `changes:` list' });
      continue;
    }
    const unknownKeys = Object.keys(doc).filter((key) => !['series', 'changes', 'shared'].includes(key));
    if (unknownKeys.length)
      problems.push({ file, message: `unknown top-level key(s) ignored: ${unknownKeys.join(', ')}` });
    const seriesById = new Map<string, ChangeSeries>();
    for (const raw of Array.isArray(doc.series) ? doc.series : []) {
      const errors = validate ? schemaErrors(validate.series, raw) : [];
      if (errors.length) {
        problems.push({
          file,
          message: `series ${idOf(raw)}: ${errors.slice(0, 3).join('; ')}`,
        });
        continue;
      }
      seriesById.set(raw.id, raw);
      allSeries.push(raw);
    }
    doc.changes.forEach((raw, index) => {
      const label = `${file}#${index} ${idOf(raw)}`;
      const errors = validate ? schemaErrors(validate.change, raw) : [];
      if (errors.length) {
        problems.push({ file, message: `${label}: ${errors.slice(0, 3).join('; ')}` });
        return;
      }
      const spec = raw as ChangeSpec;
      const semantic = semanticErrors(spec, seriesById);
      if (semantic.length) {
        problems.push({ file, message: `${label}: ${semantic.join('; ')}` });
        return;
      }
      const duplicate = seenIds.get(spec.id);
      if (duplicate) {
        problems.push({ file, message: `${label}: id already used in ${duplicate}` });
        return;
      }
      seenIds.set(spec.id, file);
      const seriesInfo = spec.series ? seriesById.get(spec.series) : undefined;
      changes.push({
        ...spec,
        release: spec.release ?? seriesInfo!.release,
        author: spec.author ?? seriesInfo?.author,
        seriesInfo,
        file,
      });
    });
  }
  return makeChangeCatalog(changes, allSeries, problems);
}

/** The `id` of a raw data item for messages, whatever the item is. */
function idOf(raw: unknown): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : '(no id)';
}

function schemaErrors(validate: ValidateFunction, document: unknown): string[] {
  if (validate(document)) return [];
  // oneOf failures explain themselves badly; the most specific message is the deepest path.
  const errors = [...(validate.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length);
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
}

function semanticErrors(spec: ChangeSpec, seriesById: Map<string, ChangeSeries>): string[] {
  const errors: string[] = [];
  if (spec.series && !seriesById.has(spec.series)) errors.push(`unknown series '${spec.series}'`);
  if (!spec.release && !(spec.series && seriesById.has(spec.series)))
    errors.push('no release (give `release` or a `series`)');
  const visit = (probe: ProbeSpec, where: string) => {
    for (const pattern of patternsOf(probe)) {
      try {
        compileTokenPattern(pattern);
      } catch (err) {
        errors.push(`${where}: ${(err as Error).message}`);
      }
    }
    if (probe.missing && !probe.function) errors.push(`${where}: \`missing\` only applies to function probes`);
    if (probe.kind && !(probe.defines || probe.lacks)) errors.push(`${where}: \`kind\` only applies to defines/lacks`);
    if (probe.expect && !(probe.calls || probe.contains || probe.file))
      errors.push(`${where}: \`expect\` only applies to calls, contains and file`);
    probe.anyOf?.forEach((alternative, i) => visit(alternative, `${where}.anyOf[${i}]`));
    if (probe.onlyIf) visit(probe.onlyIf, `${where}.onlyIf`);
  };
  spec.probes.forEach((probe, i) => visit(probe, `probes[${i}]`));
  return errors;
}

export function patternsOf(probe: ProbeSpec): string[] {
  if (probe.contains === undefined) return [];
  return Array.isArray(probe.contains) ? probe.contains : [probe.contains];
}

export function makeChangeCatalog(
  changes: TrackedChange[],
  series: ChangeSeries[] = [],
  problems: ChangeProblem[] = [],
): ChangeCatalog {
  const byId = new Map(changes.map((change) => [change.id, change]));
  const bySymbol = new Map<string, TrackedChange[]>();
  for (const change of changes) {
    for (const symbol of change.symbols) {
      const list = bySymbol.get(symbol) ?? [];
      list.push(change);
      bySymbol.set(symbol, list);
    }
  }
  return {
    changes,
    series,
    problems,
    byId: (id) => byId.get(id),
    touching: (symbol) => bySymbol.get(symbol) ?? [],
  };
}

const shippedChanges = shippedData(() => loadChangeCatalog());

/** The shipped changes, loaded once per process. */
export function getChangeCatalog(): ChangeCatalog {
  return shippedChanges.get();
}
