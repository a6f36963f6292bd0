import * as crypto from 'crypto';
import * as fs from 'fs';

/**
 * Reads a YAML data file, through the JSON twin the build writes next to it when the twin was made from
 * this exact text. Each index worker needs name-generators.yaml: parsing it with the `yaml` package cost
 * about 140 ms per worker at start-up, plus as much again of optimising-compiler time for the parser, on
 * the two cores the workers need; JSON.parse takes a fraction of a millisecond. A YAML file edited after
 * the build no longer matches its twin's hash and is parsed as YAML.
 */
export function readDataDocument(yamlFile: string): unknown {
  const text = fs.readFileSync(yamlFile, 'utf8');
  const twin = jsonTwinOf(yamlFile);
  let stored: { sourceSha1?: unknown; document?: unknown } | undefined;
  try {
    stored = JSON.parse(fs.readFileSync(twin, 'utf8'));
  } catch {
    stored = undefined; // no twin (sources run directly) or an unreadable one: the YAML decides
  }
  if (stored && stored.sourceSha1 === sha1(text)) return stored.document;
  // Loaded only here, so a worker that finds the twin never initialises the YAML parser.
  const { parse } = require('yaml') as typeof import('yaml');
  return parse(text);
}

/** The build's twin: { sourceSha1, document } (see scripts/build.mjs). */
function jsonTwinOf(yamlFile: string): string {
  return yamlFile.replace(/\.ya?ml$/, '') + '.json';
}

function sha1(text: string): string {
  return crypto.createHash('sha1').update(text, 'utf8').digest('hex');
}
