import type { DiagramStepInfo } from '../../../protocol';
import type { KernelIndex } from '../indexing/types';
import { IndexEvidence, identifierLine } from './codeEvidence';
import type { DiagramStep } from './types';

/**
 * Where a step happens in the tree: the line of its `at` identifier inside the function's body when that is
 * found, else the function's definition; `missing` when the index has no definition at all.
 */
export function resolveStepWithIndex(
  index: KernelIndex,
  step: DiagramStep,
  uriOf: (file: string) => string,
): Pick<DiagramStepInfo, 'location' | 'missing'> {
  if (!step.function) return {};
  const definitions = index.findDefinitions(step.function);
  if (definitions.length === 0) return { missing: true };
  if (step.at) {
    const source = new IndexEvidence(index).functionSource(step.function);
    const hit = source && identifierLine(source, step.at);
    if (source && hit) {
      return {
        location: {
          uri: uriOf(source.file),
          range: {
            start: { line: hit.line, character: hit.character },
            end: { line: hit.line, character: hit.character + hit.length },
          },
        },
      };
    }
  }
  const definition = definitions.find((candidate) => !candidate.isDeclaration) ?? definitions[0];
  return { location: { uri: uriOf(definition.file), range: definition.nameRange } };
}
