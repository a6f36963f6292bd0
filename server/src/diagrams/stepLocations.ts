import type { DiagramStepInfo } from '../../../protocol';
import type { KernelIndex } from '../indexing/types';
import { IndexEvidence, identifierLine } from './codeEvidence';
import type { DiagramStep } from './types';

/**
 * Where a step happens in the tree: the line of its `at` identifier (or of the first of its other names,
 * `atAlso`, that the body uses: the step then names that one) inside the function's body when that is found,
 * else the function's definition; `missing` when the index has no definition at all.
 */
export function resolveStepWithIndex(
  index: KernelIndex,
  step: DiagramStep,
  uriOf: (file: string) => string,
): Pick<DiagramStepInfo, 'location' | 'missing' | 'at'> {
  if (!step.function) return {};
  const definitions = index.findDefinitions(step.function);
  if (definitions.length === 0) return { missing: true };
  const source = step.at ? new IndexEvidence(index).functionSource(step.function) : undefined;
  const names = step.at ? [step.at, ...(step.atAlso ?? [])] : [];
  for (const name of source ? names : []) {
    const hit = identifierLine(source!, name);
    if (source && hit) {
      return {
        ...(name !== step.at ? { at: name } : {}),
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
