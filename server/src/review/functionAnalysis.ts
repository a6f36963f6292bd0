import type { Node, Parser } from 'web-tree-sitter';
import { kernelFileKind } from '../parsing/kernelFiles';
import { parseKernelC } from '../parsing/kernelSource';
import type { CallContextCatalog } from '../annotations/callContext';
import { describeMissingRelease, MISSING_RELEASE_CODE } from '../annotations/missingRelease';
import { findMissingReleases, functionNameOf, type MissingRelease } from '../annotations/releaseAnalysis';
import type { AppliedFile } from './treeOverlay';
import type { PatchMessage, ReviewFindingJson } from './types';

/**
 * What a patch does to the functions of one C file: which functions it touches (a changed line inside the body,
 * in the post-image, or a removed line inside a function of the pre-image), and the duty checks on the post-image
 * of those functions — the missing-release analysis behind the editor's annotations (folio_walk_start() without
 * folio_walk_end() on a path, pte_offset_map_lock() without pte_unmap_unlock(), a folio left locked and
 * referenced). A duty finding the tree already had before the patch (same function, same acquire) is kept but
 * said to be old, as information: the reviewer asks what the patch breaks.
 */

export interface FunctionAnalysis {
  /** Functions of the post-image with a changed line, and pre-image functions with a removed line. */
  touched: string[];
  findings: ReviewFindingJson[];
  /** A parse that gave up (time limit), said once. */
  problem?: string;
}

export function analyseFunctions(
  patch: PatchMessage,
  applied: AppliedFile,
  parser: Parser,
  catalog: CallContextCatalog,
): FunctionAnalysis {
  const result: FunctionAnalysis = { touched: [], findings: [] };
  if (kernelFileKind(applied.file) !== 'c') return result;
  const changedAfter = new Set<number>();
  const removedBefore = new Set<number>();
  /** Post-image line -> input line, for every hunk line on the new side. */
  const inputLineOf = new Map<number, number>();
  for (const hunk of applied.hunks) {
    if (!hunk.applies) continue;
    let lastNew = (hunk.at ?? 1) - 1;
    hunk.hunk.lines.forEach((line, index) => {
      const post = hunk.newLineOf.get(index);
      if (post !== undefined) {
        lastNew = post;
        if (line.inputLine !== undefined) inputLineOf.set(post, line.inputLine);
      }
      if (line.kind === '+') changedAfter.add(post!);
      if (line.kind === '-') {
        // A removal changes the function around the place it was: the lines on both sides of the gap.
        changedAfter.add(lastNew);
        changedAfter.add(lastNew + 1);
        removedBefore.add(hunk.oldLineOf.get(index)!);
      }
    });
  }
  if (changedAfter.size === 0 && removedBefore.size === 0) return result;
  const touched = new Set<string>();
  // Nodes die with their tree: everything a finding needs is read inside withTree.
  let postFindings: PlainFinding[] = [];
  try {
    if (applied.after) {
      postFindings = withTree(parser, applied.after, (root) => {
        const inside = touchedFunctions(root, changedAfter);
        for (const name of inside.keys()) touched.add(name);
        const starts = new Set([...inside.values()].map((fn) => fn.startIndex));
        return findMissingReleases(root, catalog, undefined, { analyse: (fn) => starts.has(fn.startIndex) })
          .filter((finding) => [...inside.values()].some((fn) => contains(fn, finding.exit)))
          .map(plain);
      });
    }
    // The pre-image is asked about the same functions only: is a post-image finding one the tree already had?
    const postFunctions = new Set(postFindings.map((finding) => finding.functionName));
    let before = new Map<string, number>();
    if (applied.before && (removedBefore.size > 0 || postFindings.length > 0)) {
      before = withTree(parser, applied.before, (root) => {
        for (const name of touchedFunctions(root, removedBefore).keys()) touched.add(name);
        const counts = new Map<string, number>();
        if (postFindings.length > 0)
          for (const finding of findMissingReleases(root, catalog, undefined, {
            analyse: (fn) => postFunctions.has(functionNameOf(fn)),
          })) {
            const key = findingKey(finding);
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
        return counts;
      });
    }
    for (const finding of postFindings) {
      const old = (before.get(finding.key) ?? 0) > 0;
      if (old) before.set(finding.key, before.get(finding.key)! - 1);
      result.findings.push({
        rule: MISSING_RELEASE_CODE,
        severity: old ? 'information' : 'warning',
        message: old ? `${finding.message} (The tree had this before the patch.)` : finding.message,
        file: applied.file,
        line: finding.line,
        patchFile: patch.inputFile,
        patchLine: inputLineOf.get(finding.line) ?? inputLineOf.get(finding.acquireLine) ?? null,
      });
    }
  } catch (error) {
    result.problem = `${applied.file}: the functions could not be analysed (${(error as Error).message})`;
  }
  result.touched = [...touched];
  return result;
}

interface PlainFinding {
  message: string;
  /** 1-based post-image lines of the exit and of the acquiring call. */
  line: number;
  acquireLine: number;
  key: string;
  functionName: string;
}

function plain(finding: MissingRelease): PlainFinding {
  return {
    message: describeMissingRelease(finding),
    line: finding.exit.startPosition.row + 1,
    acquireLine: finding.obligation.call.startPosition.row + 1,
    key: findingKey(finding),
    functionName: finding.functionName,
  };
}

function withTree<T>(parser: Parser, lines: string[], use: (root: Node) => T): T {
  const tree = parseKernelC(parser, lines.join('\n'));
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Function definitions whose lines (1-based) include one of `lines`, by name. */
function touchedFunctions(root: Node, lines: Set<number>): Map<string, Node> {
  const found = new Map<string, Node>();
  for (const fn of root.descendantsOfType('function_definition')) {
    if (!fn) continue;
    const first = fn.startPosition.row + 1;
    const last = fn.endPosition.row + 1;
    for (const line of lines) {
      if (line >= first && line <= last) {
        found.set(functionNameOf(fn), fn);
        break;
      }
    }
  }
  return found;
}

function contains(fn: Node, node: Node): boolean {
  return node.startIndex >= fn.startIndex && node.endIndex <= fn.endIndex;
}

function findingKey(finding: MissingRelease): string {
  return `${finding.functionName}\0${finding.obligation.entry.name}\0${finding.obligation.held.what}`;
}
