import type {
  DiagramListItem,
  DiagramParams,
  DiagramResult,
  DiagramSourceInfo,
  DiagramStepInfo,
} from '../../../protocol';
import type { KernelVersion } from '../base/kernelVersion';
import type { CodeEvidence } from './codeEvidence';
import { layoutVariant } from './layout';
import { renderMermaid } from './mermaidRenderer';
import { renderSvg } from './svgRenderer';
import type { Diagram, DiagramSource, DiagramStep, DiagramVariant } from './types';
import { loreUrl } from './types';
import { selectVariant, type SelectionInput } from './variantSelection';

/**
 * One entry point for the CLI and the LSP request: choose the diagram (by id or by a symbol its steps
 * name), choose the variant matching the tree, lay it out, render SVG and Mermaid, and describe every step.
 */
export interface BuildOptions {
  kernelVersion?: KernelVersion;
  evidence?: CodeEvidence;
  /** Which tracked changes the tree has (decides the variants' `changes` rules). */
  changes?: SelectionInput['changes'];
  /** Where a step's code is, if the caller can tell (LSP: through the index). */
  resolveStep?: (step: DiagramStep) => Pick<DiagramStepInfo, 'location' | 'missing' | 'at'>;
}

export class DiagramLookupError extends Error {}

export function listDiagrams(diagrams: Diagram[]): DiagramListItem[] {
  return diagrams.map((diagram) => ({
    id: diagram.id,
    title: diagram.title,
    summary: diagram.summary,
    variants: diagram.variants.map((variant) => ({ id: variant.id, label: variant.label })),
  }));
}

function sourceInfo(source: DiagramSource): DiagramSourceInfo {
  return { ...source, url: source.thread ? loreUrl(source.thread) : undefined };
}

/** Steps of a variant that show `symbol`: the function doing the step, else the identifier the step happens at. */
function stepsShowing(steps: DiagramStep[], symbol: string): DiagramStep[] {
  const doing = steps.filter((step) => step.function === symbol);
  return doing.length > 0 ? doing : steps.filter((step) => step.at === symbol || (step.atAlso ?? []).includes(symbol));
}

function mentions(diagram: Diagram, symbol: string): boolean {
  return diagram.variants.some((variant) => stepsShowing(variant.steps, symbol).length > 0);
}

/**
 * The diagram asked for: by id, else the first whose steps name `symbol`, those whose variant for this tree
 * (`treeVariant`) shows it first: folio_walk_start in a 6.12 tree opens the folio_walk protocol, not the 6.15
 * device-exclusive variant. Throws DiagramLookupError with a user-facing message.
 */
export function findDiagram(
  diagrams: Diagram[],
  params: DiagramParams,
  treeVariant?: (diagram: Diagram) => DiagramVariant,
): { diagram: Diagram; alternatives: string[]; alternativesInTree: string[] } {
  if (params.id) {
    const diagram = diagrams.find((candidate) => candidate.id === params.id);
    if (!diagram)
      throw new DiagramLookupError(`no diagram '${params.id}'; known: ${diagrams.map((d) => d.id).join(', ')}`);
    const symbol = params.symbol;
    const others = symbol ? diagrams.filter((d) => d !== diagram && mentions(d, symbol)) : [];
    const inTree = others.filter((d) => treeVariant && stepsShowing(treeVariant(d).steps, symbol!).length > 0);
    return { diagram, alternatives: others.map((d) => d.id), alternativesInTree: inTree.map((d) => d.id) };
  }
  if (params.symbol) {
    const symbol = params.symbol;
    const matching = diagrams.filter((candidate) => mentions(candidate, symbol));
    if (matching.length === 0) throw new DiagramLookupError(`no diagram has a step for ${symbol}`);
    const inTree = (d: Diagram) => (treeVariant && stepsShowing(treeVariant(d).steps, symbol).length > 0 ? 0 : 1);
    const ranked = matching
      .map((diagram, order) => ({ diagram, order, rank: inTree(diagram) }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order)
      .map((entry) => entry.diagram);
    return {
      diagram: ranked[0],
      alternatives: ranked.slice(1).map((d) => d.id),
      alternativesInTree: ranked
        .slice(1)
        .filter((d) => inTree(d) === 0)
        .map((d) => d.id),
    };
  }
  throw new DiagramLookupError('give a diagram id or a symbol');
}

export function buildDiagram(diagrams: Diagram[], params: DiagramParams, options: BuildOptions = {}): DiagramResult {
  const { diagram, alternatives, alternativesInTree } = findDiagram(
    diagrams,
    params,
    (d) =>
      selectVariant(d, { kernelVersion: options.kernelVersion, evidence: options.evidence, changes: options.changes })
        .variant,
  );
  if (params.variant && !diagram.variants.some((variant) => variant.id === params.variant)) {
    throw new DiagramLookupError(
      `diagram '${diagram.id}' has no variant '${params.variant}'; variants: ${diagram.variants.map((v) => v.id).join(', ')}`,
    );
  }
  let choice = selectVariant(diagram, {
    kernelVersion: options.kernelVersion,
    evidence: options.evidence,
    changes: options.changes,
    requested: params.variant,
  });
  let reason = choice.reason;
  const symbol = params.symbol;
  if (symbol && !params.variant && stepsShowing(choice.variant.steps, symbol).length === 0) {
    // The user came from a symbol only an older/newer variant shows: show that one, it is what they are reading.
    const showing = choice.outcomes
      .filter(
        (outcome) => stepsShowing(diagram.variants.find((v) => v.id === outcome.variant)!.steps, symbol).length > 0,
      )
      .sort((a, b) => b.score - a.score)[0];
    if (showing) {
      choice = selectVariant(diagram, {
        kernelVersion: options.kernelVersion,
        evidence: options.evidence,
        changes: options.changes,
        requested: showing.variant,
      });
      reason = `the only variant with a step for ${symbol} (the tree matched: ${reason})`;
    }
  }
  const variant = choice.variant;
  const requestedStep = params.step ? variant.steps.find((step) => step.id === params.step) : undefined;
  const highlight = new Set(
    requestedStep ? [requestedStep.id] : symbol ? stepsShowing(variant.steps, symbol).map((step) => step.id) : [],
  );
  const layout = layoutVariant(variant, highlight);
  const title = `${diagram.title}: ${variant.label}`;
  const steps: DiagramStepInfo[] = variant.steps.map((step) => ({
    id: step.id,
    kind: step.kind ?? 'step',
    label: step.label,
    function: step.function,
    at: step.at,
    locks: step.locks ?? [],
    notifier: step.notifier,
    note: step.note,
    source: sourceInfo(step.source),
    highlighted: highlight.has(step.id),
    ...(step.function && options.resolveStep ? options.resolveStep(step) : {}),
  }));
  return {
    id: diagram.id,
    title: diagram.title,
    summary: diagram.summary,
    variant: variant.id,
    variantLabel: variant.label,
    variantReason: reason,
    variants: diagram.variants.map((v) => ({ id: v.id, label: v.label })),
    svg: renderSvg(layout, { title, standalone: false }),
    standaloneSvg: renderSvg(layout, { title, standalone: true }),
    mermaid: renderMermaid(variant, { title, highlight }),
    steps,
    changes: diagram.changes && {
      from: diagram.changes.from,
      to: diagram.changes.to,
      summary: diagram.changes.summary,
      items: diagram.changes.items.map((item) => ({ what: item.what, why: item.why, source: sourceInfo(item.source) })),
    },
    alternatives,
    alternativesInTree,
  };
}
