import { dataPath, parseDataYaml, readDataFolder, shippedData } from '../base/dataFiles';
import { validateDiagram } from './schema';
import type { Diagram } from './types';

export interface DiagramLoadResult {
  diagrams: Diagram[];
  /** One message per rejected file: `<file>: <problem>`. Loading never throws for bad data. */
  problems: string[];
}

/** Loads and validates every `*.yaml` under `<dataDir>/diagrams` (or `dir`). Invalid files are skipped and reported. */
export function loadDiagrams(dir = dataPath('diagrams')): DiagramLoadResult {
  const diagrams: Diagram[] = [];
  const folder = readDataFolder(dir, 'diagrams');
  const problems: string[] = folder.problem ? [folder.problem] : [];
  const seen = new Set<string>();
  for (const file of folder.files) {
    const result = 'problem' in file ? { problems: [file.problem] } : diagramOf(file.document);
    if ('problems' in result) {
      problems.push(...result.problems.map((problem) => `${file.name}: ${problem}`));
      continue;
    }
    if (seen.has(result.diagram.id)) {
      problems.push(`${file.name}: diagram id '${result.diagram.id}' is already defined by another file`);
      continue;
    }
    seen.add(result.diagram.id);
    diagrams.push(result.diagram);
  }
  return { diagrams, problems };
}

const shipped = shippedData(() => loadDiagrams());

/** The shipped diagrams, loaded once per process (the diagram request and the code lenses share them). */
export function shippedDiagrams(): DiagramLoadResult {
  return shipped.get();
}

/** Parses and validates the text of one diagram file. */
export function parseDiagramText(text: string): { diagram: Diagram } | { problems: string[] } {
  let data: unknown;
  try {
    data = parseDataYaml(text);
  } catch (error) {
    return { problems: [`invalid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  return diagramOf(data);
}

function diagramOf(data: unknown): { diagram: Diagram } | { problems: string[] } {
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
