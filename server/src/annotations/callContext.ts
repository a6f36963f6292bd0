import { dataPath, readDataFolder, shippedData } from '../base/dataFiles';
import { parseKernelVersion, compareKernelVersions, type KernelVersion } from '../base/kernelVersion';
import { CALL_CONTEXT_FORMAT, CALL_CONTEXT_VERSION, FAILURE_KINDS } from './callContextSchema';

/**
 * Loads the call-site context data (server/data/call-context/*.yaml): what a tracked call leaves the caller
 * holding, how it is released, and whether it can fail. Inlay hints and the missing-release rule read it.
 */
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface HeldResource {
  what: string;
  releasedBy: string[];
}

export interface CallContextEntry {
  name: string;
  /** The full sentence (tooltip). */
  hint: string;
  /** The inlay hint's words for what is held ("PTL held"); see annotations/hintLabel.ts. */
  label?: string;
  /** How the call reports that it took nothing: NULL, false, a non-zero int, an ERR_PTR. */
  failure: FailureKind;
  /**
   * Argument that names the object acquired (`&folio` for make_device_exclusive); default: the result, then every
   * argument.
   */
  keyArgument?: number;
  holds: HeldResource[];
  checkRelease: boolean;
  checkReleaseReason?: string;
  /**
   * false: storing the result in a parameter's field (`vmf->pte`) does not hand it over; the function must still
   * release it.
   */
  parameterFieldIsHandOver?: boolean;
  /** Fields of the key object whose zero value means nothing is held (`args.cpages` after migrate_vma_setup). */
  nothingHeldWhenZero?: string[];
  since?: string;
  until?: string;
  sources: string[];
  /** Data file the entry came from (for messages). */
  file: string;
}

export interface InsideNote {
  text: string;
  /** The inlay hint's words (at most 43 characters); `text` goes to the tooltip. */
  label?: string;
  since?: string;
  until?: string;
}
export interface InsideFunctionContext {
  name: string;
  notes: InsideNote[];
  sources: string[];
  file: string;
}

export interface CallContextCatalog {
  functions: Map<string, CallContextEntry>;
  /** Release function name → entries it releases. */
  releasers: Map<string, CallContextEntry[]>;
  insideFunctions: Map<string, InsideFunctionContext>;
  /** Problems found while loading (bad files are skipped, not fatal). */
  problems: string[];
}

const shippedCallContext = shippedData(() => readCallContext(dataPath('call-context')));

/** The shipped call-context data (loaded once per process), or that of another folder (tests). */
export function loadCallContext(directory?: string): CallContextCatalog {
  return directory === undefined ? shippedCallContext.get() : readCallContext(directory);
}

function readCallContext(directory: string): CallContextCatalog {
  const catalog: CallContextCatalog = {
    functions: new Map(),
    releasers: new Map(),
    insideFunctions: new Map(),
    problems: [],
  };
  const folder = readDataFolder(directory, 'call-context data');
  if (folder.problem) catalog.problems.push(folder.problem);
  for (const file of folder.files) {
    try {
      if ('problem' in file) throw new Error(file.problem);
      addFile(catalog, file.name, file.document);
    } catch (err) {
      catalog.problems.push(`${file.name}: ${(err as Error).message}`);
    }
  }
  for (const entry of catalog.functions.values()) {
    for (const held of entry.holds) {
      for (const releaser of held.releasedBy) {
        const list = catalog.releasers.get(releaser) ?? [];
        if (!list.includes(entry)) list.push(entry);
        catalog.releasers.set(releaser, list);
      }
    }
  }
  return catalog;
}

/** A function entry as written in the YAML, once entryProblem() found nothing wrong with it. */
interface RawFunctionEntry {
  name: string;
  hint: string;
  label?: unknown;
  failure: FailureKind;
  key?: { argument?: number };
  holds: Array<{ what: unknown; releasedBy: unknown[] }>;
  checkRelease: boolean;
  checkReleaseReason?: string;
  parameterFieldIsHandOver?: unknown;
  nothingHeldWhenZero?: unknown;
  since?: string;
  until?: string;
  sources: unknown[];
}

interface RawInsideFunction {
  name: string;
  notes: Array<{ text: string; label?: unknown; since?: string; until?: string }>;
  sources?: unknown;
}

type Fields = Partial<Record<string, unknown>> | undefined;

function addFile(catalog: CallContextCatalog, file: string, document: unknown): void {
  const doc = document as Fields;
  if (!doc || doc.format !== CALL_CONTEXT_FORMAT || doc.version !== CALL_CONTEXT_VERSION) {
    throw new Error(`not a ${CALL_CONTEXT_FORMAT} version ${CALL_CONTEXT_VERSION} file`);
  }
  for (const item of asArray(doc.functions)) {
    const problem = entryProblem(item);
    if (problem) {
      catalog.problems.push(`${file}: ${problem}`);
      continue;
    }
    const raw = item as RawFunctionEntry;
    if (catalog.functions.has(raw.name)) {
      catalog.problems.push(`${file}: ${raw.name} is described twice`);
      continue;
    }
    catalog.functions.set(raw.name, {
      name: raw.name,
      hint: raw.hint,
      label: typeof raw.label === 'string' ? raw.label : undefined,
      failure: raw.failure,
      keyArgument: raw.key?.argument,
      holds: raw.holds.map((h) => ({ what: String(h.what), releasedBy: h.releasedBy.map(String) })),
      checkRelease: raw.checkRelease,
      checkReleaseReason: raw.checkReleaseReason,
      parameterFieldIsHandOver:
        typeof raw.parameterFieldIsHandOver === 'boolean' ? raw.parameterFieldIsHandOver : undefined,
      nothingHeldWhenZero: Array.isArray(raw.nothingHeldWhenZero) ? raw.nothingHeldWhenZero.map(String) : undefined,
      since: raw.since,
      until: raw.until,
      sources: raw.sources.map(String),
      file,
    });
  }
  for (const item of asArray(doc.insideFunctions)) {
    const fields = item as Fields;
    if (
      typeof fields?.name !== 'string' ||
      !Array.isArray(fields.notes) ||
      fields.notes.some((n) => typeof (n as Fields)?.text !== 'string')
    ) {
      catalog.problems.push(`${file}: malformed insideFunctions entry`);
      continue;
    }
    const raw = item as RawInsideFunction;
    catalog.insideFunctions.set(raw.name, {
      name: raw.name,
      file,
      sources: asArray(raw.sources).map(String),
      notes: raw.notes.map((n) => ({
        text: n.text,
        label: typeof n.label === 'string' ? n.label : undefined,
        since: n.since,
        until: n.until,
      })),
    });
  }
}

function entryProblem(item: unknown): string | undefined {
  const raw = item as Fields;
  if (typeof raw?.name !== 'string') return 'function entry without a name';
  if (typeof raw.hint !== 'string') return `${raw.name}: no hint`;
  if (!(FAILURE_KINDS as readonly string[]).includes(raw.failure as string))
    return `${raw.name}: unknown failure kind ${String(raw.failure)}`;
  if (!Array.isArray(raw.holds) || raw.holds.some((h) => !Array.isArray((h as Fields)?.releasedBy)))
    return `${raw.name}: malformed holds`;
  if (typeof raw.checkRelease !== 'boolean') return `${raw.name}: checkRelease must be true or false`;
  if (!Array.isArray(raw.sources) || raw.sources.length === 0) return `${raw.name}: no sources`;
  return undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * True when a note or entry bounded by since/until applies to the given kernel version (unknown version: current code).
 */
export function appliesToVersion(
  bounds: { since?: string; until?: string },
  version: KernelVersion | undefined,
): boolean {
  if (!version) return bounds.until === undefined;
  const since = parseKernelVersion(bounds.since);
  const until = parseKernelVersion(bounds.until);
  if (since && compareKernelVersions(version, since) < 0) return false;
  if (until && compareKernelVersions(version, until) >= 0) return false;
  return true;
}
