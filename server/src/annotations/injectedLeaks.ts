import type { Node, Parser } from 'web-tree-sitter';
import { parseKernelC } from '../parsing/kernelSource';
import type { CallContextCatalog } from './callContext';
import { findMissingReleases, calleeName, functionNameOf } from './releaseAnalysis';

/**
 * Recall check for the accuracy run: in real, silent code, delete one release statement at a time
 * (`folio_walk_end(&fw, vma);` → blanks) and see whether the rule now reports the leak in that function.
 */
export interface InjectedLeak {
  file: string;
  line: number;
  function: string;
  release: string;
  detected: boolean;
}

export function injectLeaks(
  parser: Parser,
  file: string,
  text: string,
  root: Node,
  catalog: CallContextCatalog,
): InjectedLeak[] {
  const results: InjectedLeak[] = [];
  const checked = [...catalog.functions.values()].filter((e) => e.checkRelease);
  for (const fn of root.descendantsOfType('function_definition')) {
    const body = fn?.childForFieldName('body');
    if (!fn || !body) continue;
    const calls = body.descendantsOfType('call_expression').filter((c): c is Node => !!c);
    // Releases of the checked acquires this function actually calls.
    const present = new Set(calls.map((c) => calleeName(c) ?? ''));
    const releasers = new Set(
      checked.filter((e) => present.has(e.name)).flatMap((e) => e.holds.flatMap((h) => h.releasedBy)),
    );
    if (releasers.size === 0) continue;
    const name = functionNameOf(fn);
    for (const call of calls) {
      const release = calleeName(call) ?? '';
      // Only releases written as their own statement, and not generic ones (spin_unlock) that other locks share.
      if (!releasers.has(release) || release === 'spin_unlock' || call.parent?.type !== 'expression_statement')
        continue;
      const statement = call.parent;
      const mutated =
        text.slice(0, statement.startIndex) +
        ' '.repeat(statement.endIndex - statement.startIndex - 1) +
        ';' +
        text.slice(statement.endIndex);
      const tree = parseKernelC(parser, mutated);
      try {
        const detected = findMissingReleases(tree.rootNode, catalog).some(
          (f) => f.functionName === name && f.obligation.held.releasedBy.includes(release),
        );
        results.push({ file, line: statement.startPosition.row + 1, function: name, release, detected });
      } finally {
        tree.delete();
      }
    }
  }
  return results;
}
