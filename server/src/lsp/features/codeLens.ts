import { CodeLensRefreshRequest, type CodeLens } from 'vscode-languageserver/node';
import type { Node } from 'web-tree-sitter';
import { ClientCommands } from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { lifecycleMarkers } from '../../annotations/codeLenses';
import { onThreadsChanged, threadServiceFor } from '../threadServiceHost';
import { shippedDiagrams } from '../../diagrams/loader';
import type { Diagram, DiagramVariant } from '../../diagrams/types';
import { selectVariant } from '../../diagrams/variantSelection';
import { FileHintEvidence, IndexEvidence } from '../../diagrams/codeEvidence';
import type { KernelIndex } from '../../indexing/types';

/**
 * Code lenses on definitions: lifecycle markers that open the diagram at the function's step, and the number of
 * review threads the thread service lists for the function (the same list a click on the lens opens). Data that
 * fails to load only removes its lenses (logged once).
 */
interface LensData {
  diagrams: Diagram[];
}

let cached: LensData | undefined;

/**
 * The variant of each diagram for this tree, chosen once per index (its code evidence reads function bodies) and
 * kept until the index or the settings change.
 */
function variantChooser(ctx: ServerContext): (diagram: Diagram) => DiagramVariant {
  const index = ctx.currentIndex();
  const version = ctx.kernelVersion();
  const key = `${version ? `${version.major}.${version.minor}` : '?'}`;
  if (!chosen || chosen.index !== index || chosen.key !== key) chosen = { index, key, variants: new Map() };
  const memo = chosen.variants;
  const evidence = index ? new IndexEvidence(index) : ctx.root ? new FileHintEvidence(ctx.root) : undefined;
  const changes = ctx.treeChanges();
  return (diagram) => {
    let variant = memo.get(diagram.id);
    if (!variant) {
      variant = selectVariant(diagram, { kernelVersion: version, evidence, changes }).variant;
      memo.set(diagram.id, variant);
    }
    return variant;
  };
}
let chosen: { index: KernelIndex | undefined; key: string; variants: Map<string, DiagramVariant> } | undefined;

function lensData(ctx: ServerContext): LensData {
  if (cached) return cached;
  const data: LensData = { diagrams: [] };
  try {
    const loaded = shippedDiagrams();
    data.diagrams = loaded.diagrams;
    for (const problem of loaded.problems) ctx.log(`code lens: diagram data: ${problem}`);
  } catch (err) {
    ctx.log(`code lens: no lifecycle markers (${String(err)})`);
  }
  cached = data;
  return data;
}

function definitionNames(root: Node): Array<{ name: string; node: Node }> {
  const out: Array<{ name: string; node: Node }> = [];
  for (const fn of root.descendantsOfType(['function_definition', 'preproc_function_def', 'preproc_def'])) {
    if (!fn) continue;
    let nameNode: Node | null;
    if (fn.type === 'function_definition') {
      let d = fn.childForFieldName('declarator');
      while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
      nameNode = d?.childForFieldName('declarator') ?? null;
    } else {
      nameNode = fn.childForFieldName('name');
    }
    if (nameNode && nameNode.type === 'identifier') out.push({ name: nameNode.text, node: nameNode });
  }
  return out;
}

export const codeLensFeature: ServerFeature = {
  name: 'codeLens',
  capabilities: () => ({ codeLensProvider: { resolveProvider: false } }),
  register(ctx) {
    // Counts change when the mail is read or lei answers: ask the client to fetch the lenses again.
    onThreadsChanged(ctx, () => void ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined));
    ctx.connection.onCodeLens(async (params, token): Promise<CodeLens[]> => {
      if (!ctx.settings().codeLens) return [];
      const tree = await ctx.documents.tree(params.textDocument.uri);
      if (!tree || token.isCancellationRequested) return [];
      const data = lensData(ctx);
      const version = ctx.kernelVersion();
      const chooseVariant = variantChooser(ctx);
      const lenses: CodeLens[] = [];
      // Names and ranges are read before the first await: the tree is only valid until the next edit.
      const definitions = definitionNames(tree.rootNode).map(({ name, node }) => ({
        name,
        range: {
          start: { line: node.startPosition.row, character: node.startPosition.column },
          end: { line: node.endPosition.row, character: node.endPosition.column },
        },
      }));
      for (const { name, range } of definitions) {
        for (const marker of lifecycleMarkers(name, data.diagrams, version, chooseVariant)) {
          lenses.push({
            range,
            command: {
              title: marker.title,
              command: ClientCommands.openDiagram,
              arguments: [{ id: marker.diagramId, symbol: name, variant: marker.variant, step: marker.stepId }],
            },
          });
        }
        // The same list the thread picker, the hover and the CLI show: its length is the count.
        const threads = await threadServiceFor(ctx).threadsForSymbol(name);
        if (token.isCancellationRequested) return [];
        if (threads.length > 0) {
          lenses.push({
            range,
            command: {
              title: `${threads.length} review thread${threads.length === 1 ? '' : 's'}`,
              command: ClientCommands.showThreads,
              arguments: [name],
            },
          });
        }
      }
      return lenses;
    });
  },
};
