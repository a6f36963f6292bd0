import type { Tree, Node } from 'web-tree-sitter';
import type { KernelVersion } from '../base/kernelVersion';
import { appliesToVersion, type CallContextCatalog } from './callContext';
import { calleeName, functionNameOf } from './releaseAnalysis';

/**
 * Inlay hints of the call-site context: after the closing paren of a tracked call, what the caller now holds;
 * after the opening line of a function with an inside note (remove_device_exclusive_entry), the context in force.
 * Only the requested (visible) range is walked.
 */
export interface CallHint {
  line: number;
  character: number;
  label: string;
  tooltip: string;
}

export interface HintRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Hint text for functions the call-context data does not describe (from the symbol catalog's `callContext.after`). */
export type FallbackHint = (name: string) => { hint: string; sources: string[] } | undefined;

export function callContextHints(
  tree: Tree,
  range: HintRange,
  catalog: CallContextCatalog,
  version?: KernelVersion,
  fallback?: FallbackHint,
): CallHint[] {
  const hints: CallHint[] = [];
  const start = { row: range.start.line, column: 0 };
  const end = { row: range.end.line + 1, column: 0 };
  for (const call of tree.rootNode.descendantsOfType('call_expression', start, end)) {
    if (!call || call.hasError) continue;
    const name = calleeName(call);
    const entry = name ? catalog.functions.get(name) : undefined;
    if (!name || !insideFunction(call)) continue;
    const anchor = call.childForFieldName('arguments') ?? call;
    if (!entry) {
      const extra = fallback?.(name);
      if (extra)
        hints.push({
          line: anchor.endPosition.row,
          character: anchor.endPosition.column,
          label: ` ⟶ ${extra.hint}`,
          tooltip: `${name}(): ${extra.hint}\nSources: ${extra.sources.join('; ')}`,
        });
      continue;
    }
    hints.push({
      line: anchor.endPosition.row,
      character: anchor.endPosition.column,
      label: ` ⟶ ${entry.hint}`,
      tooltip: [
        `${entry.name}(): ${entry.hint}`,
        entry.checkRelease
          ? 'checked by the missing-release rule'
          : entry.checkReleaseReason
            ? `not checked for a missing release: ${entry.checkReleaseReason}`
            : '',
        `Sources: ${entry.sources.join('; ')}`,
      ]
        .filter(Boolean)
        .join('\n'),
    });
  }
  for (const fn of tree.rootNode.descendantsOfType('function_definition', start, end)) {
    if (!fn) continue;
    const context = catalog.insideFunctions.get(functionNameOf(fn));
    const body = fn.childForFieldName('body');
    if (!context || !body) continue;
    const line = body.startPosition.row;
    if (line < range.start.line || line > range.end.line) continue;
    const notes = context.notes.filter((note) => appliesToVersion(note, version));
    if (notes.length === 0) continue;
    hints.push({
      line,
      character: body.startPosition.column + 1,
      label: ` ${notes.map((n) => n.text).join(' · ')}`,
      tooltip: `${context.name}(): ${notes.map((n) => n.text).join('\n')}\nSources: ${context.sources.join('; ')}`,
    });
  }
  return hints.sort((a, b) => a.line - b.line || a.character - b.character);
}

function insideFunction(node: Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.type === 'function_definition') return true;
    if (parent.type === 'preproc_function_def' || parent.type === 'preproc_def') return false;
  }
  return false;
}
