/**
 * The one loader of the knowledge data shipped in server/data (catalog, lint rules, call contexts, diagrams,
 * threads, name generators, attribute macros): where it is, how a file or a folder of YAML files is read and
 * parsed (size-limited, alias-limited, through the build's JSON twin when there is one), and `shippedData`,
 * the once-per-process memo every shipped data set is loaded through.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { dataDir } from './paths';

/** Data files are hand-written YAML: anything larger is a mistake, refused with a message. */
const MAX_DATA_FILE_BYTES = 512 * 1024;
/** YAML aliases allowed in one document (the default of the yaml package is 100; a billion-laughs file is refused). */
const MAX_ALIAS_COUNT = 50;

/** Path of a file or folder of the shipped data, e.g. dataPath('catalog'). */
export function dataPath(...parts: string[]): string {
  return path.join(dataDir(), ...parts);
}

/** Parses one data document's YAML text (throws the parser's error). */
export function parseDataYaml(text: string): unknown {
  return yamlParser().parse(text, { maxAliasCount: MAX_ALIAS_COUNT });
}

/**
 * Reads a YAML data file, through the JSON twin the build writes next to it when the twin was made from
 * this exact text. Each index worker needs name-generators.yaml: parsing it with the `yaml` package cost
 * about 140 ms per worker at start-up, plus as much again of optimising-compiler time for the parser, on
 * the two cores the workers need; JSON.parse takes a fraction of a millisecond. A YAML file edited after
 * the build no longer matches its twin's hash and is parsed as YAML.
 */
export function readDataDocument(yamlFile: string): unknown {
  return documentOf(fs.readFileSync(yamlFile, 'utf8'), yamlFile);
}

function documentOf(text: string, yamlFile: string): unknown {
  let stored: { sourceSha1?: unknown; document?: unknown } | undefined;
  try {
    stored = JSON.parse(fs.readFileSync(jsonTwinOf(yamlFile), 'utf8')) as typeof stored;
  } catch {
    stored = undefined; // no twin (sources run directly) or an unreadable one: the YAML decides
  }
  if (stored && stored.sourceSha1 === sha1(text)) return stored.document;
  return parseDataYaml(text);
}

/** One file of a data folder: its parsed document, or why it was not read. */
export type DataFile = { name: string; document: unknown } | { name: string; problem: string };

/**
 * Every `*.yaml`/`*.yml` file of a data folder, in name order, each parsed or with a one-line problem (not a
 * regular file, too large, unreadable, invalid YAML). `problem` is set when the folder itself cannot be listed.
 */
export function readDataFolder(folder: string, what: string): { files: DataFile[]; problem?: string } {
  let names: string[];
  try {
    names = fs
      .readdirSync(folder)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort();
  } catch (error) {
    return { files: [], problem: `${folder}: cannot list ${what} (${(error as Error).message})` };
  }
  return { files: names.map((name) => readDataFile(path.join(folder, name), name)) };
}

function readDataFile(file: string, name: string): DataFile {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { name, problem: 'not a regular file' };
    if (stat.size > MAX_DATA_FILE_BYTES) {
      return { name, problem: `file is ${stat.size} bytes, more than the ${MAX_DATA_FILE_BYTES} allowed` };
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return { name, problem: `cannot read (${(error as Error).message})` };
  }
  try {
    return { name, document: documentOf(text, file) };
  } catch (error) {
    return { name, problem: `invalid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** A data set loaded from the shipped files on first use and kept for the process (see `shippedData`). */
export interface ShippedData<T> {
  get(): T;
}

const everyShippedData: Array<{ forget(): void }> = [];

/**
 * The once-per-process memo of a shipped data set: `load` runs on the first `get()` only. Every data
 * singleton of the server is made here, so each data set is loaded once however many features use it.
 */
export function shippedData<T>(load: () => T): ShippedData<T> {
  let loaded = false;
  let value: T | undefined;
  const data = {
    get(): T {
      if (!loaded) {
        value = load();
        loaded = true;
      }
      return value as T;
    },
    forget(): void {
      loaded = false;
      value = undefined;
    },
  };
  everyShippedData.push(data);
  return data;
}

/** Tests that edit shipped data in place: the next `get()` of every data set loads it again. */
export function forgetShippedData(): void {
  for (const data of everyShippedData) data.forget();
}

/** The build's twin: { sourceSha1, document } (see scripts/build.mjs). */
function jsonTwinOf(yamlFile: string): string {
  return yamlFile.replace(/\.ya?ml$/, '') + '.json';
}

function sha1(text: string): string {
  return crypto.createHash('sha1').update(text, 'utf8').digest('hex');
}

/**
 * The YAML parser, loaded on first use only: an index worker that finds the JSON twin of its data never
 * initialises it (see readDataDocument).
 */
function yamlParser(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose: workers skip the parser
  return require('yaml') as typeof import('yaml');
}
