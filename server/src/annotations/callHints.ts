import type { Tree, Node } from 'web-tree-sitter';
import type { KernelVersion } from '../base/kernelVersion';
import { appliesToVersion, type CallContextCatalog } from './callContext';
import { calleeName, functionNameOf } from './releaseAnalysis';
import { callHintLabel, fitHintLabel, INLAY_HINT_MAX_LENGTH, type CallSiteShape } from './hintLabel';

/**
 * Inlay hints of the call-site context: after the closing paren of a tracked call, what the caller now holds and
 * the function that releases it ("PTL held → folio_walk_end()", at most 43 characters: hintLabel.ts); after the
 * opening brace of a function with an inside note (remove_device_exclusive_entry), the context in force. The
 * full sentences go to the tooltip. Only the requested (visible) range is walked.
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

/**
 * Hint for functions the call-context data does not describe (the symbol catalog's `callContext`): only when the
 * catalog names the release functions, so that the label can name them too.
 */
export type FallbackHint = (name: string) => { hint: string; release: string[]; sources: string[] } | undefined;

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
  const inFunction = new EnclosingDefinitions(tree.rootNode.descendantsOfType(ENCLOSING_TYPES, start, end));
  for (const call of tree.rootNode.descendantsOfType('call_expression', start, end)) {
    if (!call || call.hasError) continue;
    const name = calleeName(call);
    const entry = name ? catalog.functions.get(name) : undefined;
    if (!name || !inFunction.contains(call)) continue;
    const anchor = call.childForFieldName('arguments') ?? call;
    const site = callSiteShape(call);
    const successNote = site.negated ? 'The result is negated here: the branch below is the failure.' : '';
    if (!entry) {
      const extra = fallback?.(name);
      if (extra && extra.release.length > 0) {
        const colon = extra.hint.indexOf(':');
        const held =
          colon > 0 && colon < 30 && !extra.hint.slice(0, colon).includes('(') ? extra.hint.slice(0, colon) : '';
        hints.push({
          line: anchor.endPosition.row,
          character: anchor.endPosition.column,
          label: fitHintLabel({ condition: '', held, releases: extra.release }),
          tooltip: [`${name}(): ${extra.hint}`, successNote, `Sources: ${extra.sources.join('; ')}`]
            .filter(Boolean)
            .join('\n'),
        });
      }
      continue;
    }
    hints.push({
      line: anchor.endPosition.row,
      character: anchor.endPosition.column,
      label: callHintLabel(entry, site),
      tooltip: [
        `${entry.name}(): ${entry.hint}`,
        successNote,
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
      label: insideNoteLabel(notes),
      tooltip: `${context.name}(): ${notes.map((n) => n.text).join('\n')}\nSources: ${context.sources.join('; ')}`,
    });
  }
  return hints.sort((a, b) => a.line - b.line || a.character - b.character);
}

/** `!call(...)` (through parentheses): the code right after it runs when the call failed. */
export function callSiteShape(call: Node): CallSiteShape {
  let parent = call.parent;
  while (parent?.type === 'parenthesized_expression') parent = parent.parent;
  return { negated: parent?.type === 'unary_expression' && parent.childForFieldName('operator')?.type === '!' };
}

/** The labels of the notes that have one, joined while they fit; the others are counted ("+1"); all in the tooltip. */
export function insideNoteLabel(notes: Array<{ text: string; label?: string }>): string {
  const labelled = notes.filter((note) => note.label);
  if (labelled.length === 0) return `ⓘ ${notes.length} context note${notes.length === 1 ? '' : 's'}`;
  let label = labelled[0].label!;
  let shown = 1;
  for (const note of labelled.slice(1)) {
    const next = `${label} · ${note.label}`;
    if (next.length > INLAY_HINT_MAX_LENGTH) break;
    label = next;
    shown++;
  }
  const rest = notes.length - shown;
  const withRest = rest > 0 ? `${label} +${rest}` : label;
  return withRest.length <= INLAY_HINT_MAX_LENGTH ? withRest : label.slice(0, INLAY_HINT_MAX_LENGTH);
}

const ENCLOSING_TYPES = ['function_definition', 'preproc_def', 'preproc_function_def'];

/**
 * Whether a node is in a function body (and not in a macro definition there), from the ranges of the function and
 * macro definitions around the hinted range, asked in document order. Walking up with `node.parent` costs the
 * node's depth per step in tree-sitter (each parent is found again from the root), so from a call 18,000 blocks
 * deep the walk took 114 s and blocked the server (issue 17, a mutated file of the fuzzed corpus).
 */
class EnclosingDefinitions {
  /** The definitions around the last node asked about, outermost first (tree nodes nest, so ranges do). */
  private readonly open: Array<{ end: number; isFunction: boolean }> = [];
  private next = 0;
  private lastStart = -1;

  /** `definitions` in document order, as descendantsOfType returns them. */
  constructor(private readonly definitions: Array<Node | null>) {}

  /** True when the innermost definition around `node` is a function definition. Nodes in document order. */
  contains(node: Node): boolean {
    const at = node.startIndex;
    if (at < this.lastStart) throw new Error('EnclosingDefinitions: nodes out of document order');
    this.lastStart = at;
    while (this.next < this.definitions.length) {
      const definition = this.definitions[this.next];
      if (definition && definition.startIndex > at) break;
      this.next++;
      if (!definition) continue;
      this.closeBefore(definition.startIndex + 1);
      this.open.push({ end: definition.endIndex, isFunction: definition.type === 'function_definition' });
    }
    this.closeBefore(at + 1);
    return this.open.length > 0 && this.open[this.open.length - 1].isFunction;
  }

  /** Drops the definitions that end before `offset`: they do not contain what comes next. */
  private closeBefore(offset: number): void {
    while (this.open.length > 0 && this.open[this.open.length - 1].end < offset) this.open.pop();
  }
}
