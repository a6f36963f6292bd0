import type { Diagram, DiagramVariant } from '../diagrams/types';
import { selectVariant } from '../diagrams/variantSelection';
import type { KernelVersion } from '../base/kernelVersion';

/**
 * Code-lens content for function definitions: lifecycle markers ("device-exclusive lifecycle · step 4 of 9 ›")
 * from the diagram data. (Review-thread counts come from the thread service: lsp/features/codeLens.ts.)
 * Pure functions: the LSP feature supplies the definitions found in the document and the loaded data.
 */
export interface LifecycleMarker {
  title: string;
  diagramId: string;
  variant: string;
  stepId: string;
  step: number;
  steps: number;
}

/**
 * Markers for the diagrams whose variant for this tree (kernel version and code evidence, as the diagram view
 * chooses it) has a step done by `functionName`. A diagram whose tree variant lacks the function gets no marker: a
 * lens on folio_walk_start in a 6.12 tree must not open the 6.15 device-exclusive variant, which the tree does not
 * have. `chooseVariant` may be memoised by the caller (it reads code).
 */
export function lifecycleMarkers(
  functionName: string,
  diagrams: Diagram[],
  version?: KernelVersion,
  chooseVariant: (diagram: Diagram) => DiagramVariant = (diagram) =>
    selectVariant(diagram, { kernelVersion: version }).variant,
): LifecycleMarker[] {
  const markers: LifecycleMarker[] = [];
  for (const diagram of diagrams) {
    if (!diagram.variants.some((v) => v.steps.some((s) => s.function === functionName))) continue;
    const variant = chooseVariant(diagram);
    const steps = variant.steps.filter((s) => (s.kind ?? 'step') === 'step');
    const index = steps.findIndex((s) => s.function === functionName);
    if (index < 0) continue;
    markers.push({
      title: `${shortTitle(diagram.title)} · step ${index + 1} of ${steps.length} ›`,
      diagramId: diagram.id,
      variant: variant.id,
      stepId: steps[index].id,
      step: index + 1,
      steps: steps.length,
    });
  }
  return markers;
}

function shortTitle(title: string): string {
  return title.length > 48 ? `${title.slice(0, 47)}…` : title;
}
