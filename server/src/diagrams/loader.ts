import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { dataDir } from '../base/paths';
import { validateDiagram } from './schema';
import type { Diagram } from './types';

/** Diagram files larger than this are refused (they are hand-written YAML; anything bigger is a mistake). */
const MAX_FILE_BYTES = 512 * 1024;

export interface DiagramLoadResult {
  diagrams: Diagram[];
  /** One message per rejected file: `<file>: <problem>`. Loading never throws for bad data. */
  problems: string[];
}

/** Loads and validates every `*.yaml` under `<dataDir>/diagrams` (or `dir`). Invalid files are skipped and reported. */
export function loadDiagrams(dir = path.join(dataDir(), 'diagrams')): DiagramLoadResult {
  const diagrams: Diagram[] = [];
  const problems: string[] = [];
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
      .sort();
  } catch (error) {
    return { diagrams, problems: [`${dir}: cannot list diagrams (${(error as Error).message})`] };
  }
  const seen = new Set<string>();
  for (const name of names) {
    const file = path.join(dir, name);
    const result = loadDiagramFile(file);
    if ('problems' in result) {
      problems.push(...result.problems.map((problem) => `${name}: ${problem}`));
      continue;
    }
    if (seen.has(result.diagram.id)) {
      problems.push(`${name}: diagram id '${result.diagram.id}' is already defined by another file`);
      continue;
    }
    seen.add(result.diagram.id);
    diagrams.push(result.diagram);
  }
  return { diagrams, problems };
}

export function loadDiagramFile(file: string): { diagram: Diagram } | { problems: string[] } {
  let text: string;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { problems: ['not a regular file'] };
    if (stat.size > MAX_FILE_BYTES)
      return { problems: [`file is ${stat.size} bytes, more than the ${MAX_FILE_BYTES} allowed`] };
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return { problems: [`cannot read (${(error as Error).message})`] };
  }
  return parseDiagramText(text);
}

/** Parses and validates the text of one diagram file. */
export function parseDiagramText(text: string): { diagram: Diagram } | { problems: string[] } {
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 50 });
  } catch (error) {
    return { problems: [`invalid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const problems = validateDiagram(data);
  return problems.length > 0 ? { problems } : { diagram: data as Diagram };
}

/** Every function a diagram names in its steps (sorted, unique), for catalog cross-checks and lookups. */
export function functionsOfDiagram(diagram: Diagram): string[] {
  const names = new Set<string>();
  for (const variant of diagram.variants) {
    for (const step of variant.steps) if (step.function) names.add(step.function);
  }
  return [...names].sort();
}
