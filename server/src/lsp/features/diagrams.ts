import { ResponseError, ErrorCodes } from 'vscode-languageserver/node';
import type { DiagramParams, DiagramResult, DiagramListItem } from '../../../../protocol';
import { Requests } from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { shippedDiagrams } from '../../diagrams/loader';
import { buildDiagram, DiagramLookupError, listDiagrams } from '../../diagrams/diagramService';
import { FileHintEvidence, IndexEvidence } from '../../diagrams/codeEvidence';
import { resolveStepWithIndex } from '../../diagrams/stepLocations';
import type { Diagram } from '../../diagrams/types';

/**
 * `kernelMmLens/diagram` and `kernelMmLens/listDiagrams`: lifecycle diagrams for the webview (or any
 * editor that can show SVG). Steps are resolved to locations through the index; when the index is not ready
 * yet the diagram is still returned, with the variant chosen from the files the rules name and `unresolved`.
 */
let problemsLogged = false;

function diagrams(ctx: ServerContext): Diagram[] {
  const loaded = shippedDiagrams();
  if (!problemsLogged) {
    problemsLogged = true;
    for (const problem of loaded.problems) ctx.log(`diagrams: skipped invalid data: ${problem}`);
  }
  return loaded.diagrams;
}

export function handleDiagramRequest(ctx: ServerContext, params: DiagramParams): DiagramResult {
  const index = ctx.currentIndex();
  const kernelVersion = ctx.kernelVersion();
  const evidence = index ? new IndexEvidence(index) : ctx.root ? new FileHintEvidence(ctx.root) : undefined;
  try {
    const result = buildDiagram(diagrams(ctx), sanitize(params), {
      kernelVersion,
      evidence,
      changes: ctx.treeChanges(),
      resolveStep: index
        ? (step) => resolveStepWithIndex(index, step, (file) => ctx.uriOfRelativePath(file))
        : undefined,
    });
    return index ? result : { ...result, unresolved: true };
  } catch (error) {
    if (error instanceof DiagramLookupError) throw new ResponseError(ErrorCodes.InvalidParams, error.message);
    throw error;
  }
}

/** Params come from any client: keep only short strings. */
function sanitize(params: unknown): DiagramParams {
  const record = (params && typeof params === 'object' ? params : {}) as Record<string, unknown>;
  const pick = (key: string) =>
    typeof record[key] === 'string' && record[key].length <= 200 ? record[key] : undefined;
  return { id: pick('id'), symbol: pick('symbol'), variant: pick('variant'), step: pick('step') };
}

export const diagramsFeature: ServerFeature = {
  name: 'diagrams',
  capabilities: () => ({}),
  register(ctx) {
    ctx.connection.onRequest(Requests.listDiagrams, (): DiagramListItem[] => listDiagrams(diagrams(ctx)));
    ctx.connection.onRequest(Requests.diagram, (params: DiagramParams) => handleDiagramRequest(ctx, params));
  },
};
