import type { KernelVersion } from '../base/kernelVersion';
import { createCParser } from '../parsing/treeSitter';
import { getCatalog, type Catalog } from '../knowledge/catalog';
import { defaultLintRules, type LintRuleSet } from '../lint/rules';
import { loadCallContext, type CallContextCatalog } from '../annotations/callContext';
import type { ThreadService } from '../lore/threadService';
import { lintAddedLines } from './addedLineLint';
import { analyseFunctions } from './functionAnalysis';
import { collectSymbolUse, newSymbolUse, trackedSymbols } from './touchedSymbols';
import { TreeOverlay, type AppliedFile } from './treeOverlay';
import { compareVersions, earlierFromInput, type CurrentPatch, type EarlierSeries } from './versionCompare';
import { earlierFromMail, seriesThreads } from './reviewThreads';
import type { PatchInput, ReviewFindingJson, ReviewPatchJson, ReviewResult } from './types';

/**
 * The one review engine: `kernel-mm-lens review`, the editor's "Review Patch or Series…" and the MCP
 * `review_patch` tool all call `reviewPatches`. For each patch of the input, in series order, the hunks are mapped
 * onto the tree (applied on an overlay, so later patches see the earlier ones), and then:
 * 1. the removed-API lint on the added lines only (lint service, severity for the tree's release);
 * 2. the duty checks on the post-image of every touched function (the missing-release analysis);
 * 3. the tracked symbols touched, called or no longer called, with their facts (knowledge layer);
 * 4. the review threads of the touched functions and symbols, and earlier versions of this series (thread service);
 * 5. with an earlier version (`previous`, or found in the thread service's mail): added, dropped, changed and
 *    unchanged patches, and the comments on the earlier version that this one possibly leaves unaddressed.
 * Deterministic: the same input, tree and mail give the same result.
 */

export interface ReviewOptions {
  /** The kernel tree the patches are mapped onto; undefined: no tree (nothing applies, lint on fragments). */
  root?: string;
  /** The tree's release (severity of the lint, release status of symbols). */
  version?: KernelVersion;
  /** Lint severity overrides (rule code or id → level), as `lint --severity`. */
  overrides?: Record<string, string>;
  /** The thread service (bundled threads, mail, lei answers); without it no threads and no mail lookup. */
  threads?: ThreadService;
  /** Ask the configured lei externals about the touched functions first (an explicit request). */
  searchExternals?: { allowRemote: boolean };
  /** The earlier version, read from a file (`--previous`). */
  previous?: { input: PatchInput; source: string };
  /** Whether the tree's index defines a name (release status wording); undefined when there is no index. */
  definedInTree?: (name: string) => boolean | undefined;
  catalog?: Catalog;
  rules?: LintRuleSet;
  callContext?: CallContextCatalog;
  /** Threads kept per touched symbol (ranked by the thread service). */
  threadsPerSymbol?: number;
  log?: (message: string) => void;
}

export interface ReviewOutcome {
  result: ReviewResult;
  /** What could not be read, applied or looked up: one sentence each. */
  problems: string[];
}

/** Touched names whose threads are looked up (a big series touches hundreds of functions). */
const MAX_THREAD_SYMBOLS = 60;
/** lei queries made for one review (each takes about a second). */
const MAX_EXTERNAL_QUERIES = 8;

export async function reviewPatches(input: PatchInput, options: ReviewOptions = {}): Promise<ReviewOutcome> {
  const problems = [...input.problems];
  const catalog = options.catalog ?? getCatalog();
  const rules = options.rules ?? defaultLintRules();
  const callContext = options.callContext ?? loadCallContext();
  const overlay = new TreeOverlay(options.root);
  const patches: ReviewPatchJson[] = [];
  const findings: ReviewFindingJson[] = [];
  const current: CurrentPatch[] = [];
  const use = newSymbolUse();
  const touchedFunctions = new Set<string>();
  const parser = await createCParser();
  try {
    input.patches.forEach((patch, index) => {
      const files: AppliedFile[] = patch.files.map((file) => overlay.apply(file));
      current.push({ message: patch, files });
      patches.push({
        subject: patch.subject,
        version: patch.version,
        patchId: patch.patchId ?? null,
        hunks: files.flatMap((file) => file.hunks.map((hunk) => ({ file: file.file, applies: hunk.applies }))),
      });
      for (const file of files) {
        for (const hunk of file.hunks) {
          if (hunk.applies) continue;
          findings.push({
            rule: 'hunk-does-not-apply',
            severity: 'warning',
            message: `This hunk does not apply to the tree: ${hunk.reason ?? 'its context is not there'}. Nothing in it was mapped onto the tree.`,
            file: file.file,
            line: null,
            patchFile: patch.inputFile,
            patchLine: hunk.hunk.inputLine ?? null,
          });
        }
      }
      findings.push(...lintAddedLines(patch, files, { rules, version: options.version, overrides: options.overrides }));
      for (const file of files) {
        const analysis = analyseFunctions(patch, file, parser, callContext);
        if (analysis.problem) problems.push(analysis.problem);
        findings.push(...analysis.findings);
        for (const name of analysis.touched) touchedFunctions.add(name);
        collectSymbolUse(use, index + 1, file, analysis.touched);
      }
    });
  } finally {
    parser.delete();
  }
  if (!options.root) problems.push('no kernel tree: hunks are not mapped, the lint reads each hunk on its own');
  const symbols = trackedSymbols(use, catalog, options.version, options.definedInTree);

  let earlier: EarlierSeries | undefined;
  if (options.previous) {
    earlier = earlierFromInput(options.previous.input.patches, options.previous.input.replies, options.previous.source);
    if (!earlier) problems.push(`${options.previous.source}: no patch found in the earlier version`);
  }
  const threads = [];
  if (options.threads) {
    const names = [...new Set([...symbols.map((s) => s.name), ...touchedFunctions])].slice(0, MAX_THREAD_SYMBOLS);
    if (options.searchExternals) {
      for (const name of names.slice(0, MAX_EXTERNAL_QUERIES)) {
        const search = await options.threads.searchExternals(name, {
          allowRemote: options.searchExternals.allowRemote,
        });
        options.log?.(search.message);
      }
    }
    const series = await seriesThreads(options.threads, input, names, options.threadsPerSymbol ?? 5);
    threads.push(...series.threads);
    if (!earlier) earlier = await earlierFromMail(options.threads, input, series.earlierVersions);
  }
  const versions = compareVersions(current, earlier);
  findings.sort(
    (a, b) =>
      a.patchFile.localeCompare(b.patchFile) ||
      (a.patchLine ?? Number.MAX_SAFE_INTEGER) - (b.patchLine ?? Number.MAX_SAFE_INTEGER) ||
      a.rule.localeCompare(b.rule),
  );
  return { result: { patches, findings, symbols, threads, versions }, problems };
}
