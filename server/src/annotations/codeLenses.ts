import type { Diagram } from '../diagrams/types';
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

export function lifecycleMarkers(
  functionName: string,
  diagrams: Diagram[],
  version?: KernelVersion,
): LifecycleMarker[] {
  const markers: LifecycleMarker[] = [];
  for (const diagram of diagrams) {
    if (!diagram.variants.some((v) => v.steps.some((s) => s.function === functionName))) continue;
    // The variant that fits this tree's version, else the first one that has the function.
    const chosen = selectVariant(diagram, { kernelVersion: version }).variant;
    const variant = chosen.steps.some((s) => s.function === functionName)
      ? chosen
      : diagram.variants.find((v) => v.steps.some((s) => s.function === functionName))!;
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
