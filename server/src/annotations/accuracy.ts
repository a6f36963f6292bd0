import * as fs from 'fs';
import * as path from 'path';
import { createCParser } from '../parsing/treeSitter';
import { kernelFileKind } from '../parsing/kernelFiles';
import { walkTree } from '../base/treeWalker';
import { parseKernelC } from '../parsing/kernelSource';
import { loadCallContext, type CallContextCatalog } from './callContext';
import { findMissingReleases, calleeName } from './releaseAnalysis';
import { describeMissingRelease } from './missingRelease';
import { injectLeaks, type InjectedLeak } from './injectedLeaks';

/**
 * Runs the missing-release rule over every file of a real kernel tree that calls a checked acquire function,
 * for the accuracy/benchmark run (never from unit tests: it parses hundreds of kernel files).
 * Every reported finding on released kernel code is a false positive until shown otherwise.
 */
export interface AccuracyFinding {
  file: string;
  line: number;
  function: string;
  acquire: string;
  message: string;
}

export interface AccuracyReport {
  root: string;
  filesScanned: number;
  filesParsed: number;
  /** Call sites of each checked acquire function that the rule analysed. */
  callSites: Record<string, number>;
  findings: AccuracyFinding[];
  skipped: Array<{ file: string; reason: string }>;
  /** Functions with a checked acquire that were analysed, and those given up (over budget: silent, not proven). */
  functions: number;
  gaveUp: string[];
  /** With `injectLeaks`: each release deleted in turn from silent real code, and whether the rule then caught it. */
  injected?: InjectedLeak[];
  seconds: number;
}

/** Top-level folders without kernel C worth checking. */
const SKIP_DIRS = ['Documentation', 'tools', 'scripts', 'samples', 'LICENSES', 'usr'];
const MAX_FILE_BYTES = 4 * 1024 * 1024;

export async function checkTreeForFalsePositives(
  root: string,
  options: { catalog?: CallContextCatalog; onProgress?: (file: string) => void; injectLeaks?: boolean } = {},
): Promise<AccuracyReport> {
  const started = Date.now();
  const catalog = options.catalog ?? loadCallContext();
  const checked = [...catalog.functions.values()].filter((entry) => entry.checkRelease).map((entry) => entry.name);
  const pattern = new RegExp(`\\b(${checked.join('|')})\\s*\\(`);
  const report: AccuracyReport = {
    root,
    filesScanned: 0,
    filesParsed: 0,
    callSites: Object.fromEntries(checked.map((n) => [n, 0])),
    findings: [],
    skipped: [],
    functions: 0,
    gaveUp: [],
    injected: options.injectLeaks ? [] : undefined,
    seconds: 0,
  };
  const stats = { functions: 0, gaveUp: 0, gaveUpIn: [] as string[] };
  const parser = await createCParser();
  try {
    for (const file of walkSources(root, report)) {
      report.filesScanned++;
      let text: string;
      try {
        const stat = fs.statSync(file);
        if (stat.size > MAX_FILE_BYTES) {
          report.skipped.push({ file, reason: 'too large' });
          continue;
        }
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        report.skipped.push({ file, reason: (err as Error).message });
        continue;
      }
      if (!pattern.test(text)) continue;
      options.onProgress?.(file);
      // Same masking of attribute macros as the open-document store, so the run sees what the editor sees.
      let tree;
      try {
        tree = parseKernelC(parser, text);
      } catch (err) {
        report.skipped.push({ file, reason: `parse failed: ${(err as Error).message}` });
        continue;
      }
      try {
        report.filesParsed++;
        const relative = path.relative(root, file).split(path.sep).join('/');
        for (const call of tree.rootNode.descendantsOfType('call_expression')) {
          const name = call ? calleeName(call) : undefined;
          if (call && name && name in report.callSites && insideFunctionBody(call)) report.callSites[name]++;
        }
        const before = stats.gaveUpIn.length;
        const findings = findMissingReleases(tree.rootNode, catalog, stats);
        report.gaveUp.push(...stats.gaveUpIn.slice(before).map((name) => `${relative}: ${name}`));
        if (report.injected && findings.length === 0)
          report.injected.push(...injectLeaks(parser, relative, text, tree.rootNode, catalog));
        for (const finding of findings) {
          report.findings.push({
            file: relative,
            line: finding.exit.startPosition.row + 1,
            function: finding.functionName,
            acquire: finding.obligation.entry.name,
            message: describeMissingRelease(finding),
          });
        }
      } finally {
        tree.delete();
      }
    }
  } finally {
    parser.delete();
  }
  report.functions = stats.functions;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

function insideFunctionBody(node: import('web-tree-sitter').Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) if (parent.type === 'function_definition') return true;
  return false;
}

function* walkSources(root: string, report: AccuracyReport): Generator<string> {
  const files = walkTree(root, {
    accept: (name) => kernelFileKind(name) === 'c',
    exclude: SKIP_DIRS,
    links: 'first-seen',
    onSkip: (file, reason) => report.skipped.push({ file, reason }),
  });
  for (const file of files.sort()) yield path.join(root, file);
}
