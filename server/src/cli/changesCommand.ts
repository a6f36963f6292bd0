import * as path from 'path';
import type { CliCommand, CliIO } from './command';
import { parseArgs, stringOption, UsageError } from './args';
import { treeIndexForCli } from './treeIndexForCli';
import { findKernelTreeRoot, formatKernelVersion, parseKernelVersion } from '../base/kernelVersion';
import type { KernelIndex } from '../indexing/types';
import { changesJson } from '../knowledge/changes/changesJson';
import { getChangeCatalog } from '../knowledge/changes/changeCatalog';
import { changeLabel } from '../knowledge/changes/changeEvaluation';
import type { ChangeResult, ChangeStatus } from '../knowledge/changes/changeTypes';
import { treeChangesFor } from '../knowledge/changes/treeChanges';

/**
 * `kernel-mm-lens changes [TREE]`: the backporter's checklist. For every tracked upstream change, whether this
 * tree's code has it (present, absent, partial, unknown) with the line that shows it. Reads only the files the
 * probes name unless --index asks for the whole-tree index, so it answers in about a second on a full tree.
 */
export const changesCommand: CliCommand = {
  name: 'changes',
  usage: 'changes [--json] [--topic T] [--status S] [--index] [--cache-dir DIR] [--kernel-version X.Y] [TREE]',
  summary: 'List the tracked upstream changes this tree has, from its code (backports included), with evidence.',
  options: {
    json: {
      help: 'print JSON: { tree, kernelVersion, basis, changes: [{ id, messageId, subject, release, status, evidence, ... }] }',
    },
    topic: { value: true, help: 'only changes of this topic (device-exclusive, leaf-entries, fs-dax, devmap, ...)' },
    status: { value: true, help: 'only changes with this status: present, absent, partial or unknown' },
    index: {
      help: 'answer from the whole-tree index (built and cached on first use) instead of the files the probes name',
    },
    'cache-dir': { value: true, help: 'index cache folder for --index (default $XDG_CACHE_HOME/kernel-mm-lens)' },
    'kernel-version': {
      value: true,
      help: "classify against this version instead of the tree Makefile's (backport / missing)",
    },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length > 1) throw new UsageError(`changes takes one TREE, got ${args.positionals.length}`);
    const override = stringOption(args, 'kernel-version');
    const version = override === undefined ? undefined : parseKernelVersion(override);
    if (override !== undefined && !version) throw new UsageError(`--kernel-version: not a version: ${override}`);
    const status = stringOption(args, 'status');
    if (status !== undefined && !['present', 'absent', 'partial', 'unknown'].includes(status)) {
      throw new UsageError(`--status: expected present, absent, partial or unknown, got ${status}`);
    }
    const start = path.resolve(args.positionals[0] ?? '.');
    const root = findKernelTreeRoot(start);
    if (!root) {
      io.err.write(
        `kernel-mm-lens changes: no kernel tree at or above ${start} (a top-level Makefile with VERSION and PATCHLEVEL)\n`,
      );
      return 2;
    }
    const catalog = getChangeCatalog();
    for (const problem of catalog.problems) io.err.write(`changes: ${problem.file}: ${problem.message}\n`);
    const index = args.options.index ? await loadIndex(root, stringOption(args, 'cache-dir'), io) : undefined;
    const changes = treeChangesFor(root, { index, version, catalog });
    const topic = stringOption(args, 'topic');
    const results = changes.all({ topic }).filter((result) => !status || result.status === status);
    if (args.options.json) {
      io.out.write(`${JSON.stringify(changesJson(changes, root, results), null, 2)}\n`);
    } else {
      writeTable(
        io,
        root,
        changes.version ? formatKernelVersion(changes.version, true) : 'unknown',
        changes.basis,
        results,
      );
    }
    return catalog.problems.length ? 1 : 0;
  },
};

const MARK: Record<ChangeStatus, string> = {
  present: 'present',
  absent: 'absent ',
  partial: 'partial',
  unknown: 'unknown',
};

function writeTable(io: CliIO, root: string, version: string, basis: string, results: ChangeResult[]): void {
  io.out.write(
    `Tree ${root} (Makefile ${version}); answers from ${basis === 'index' ? 'the whole-tree index' : 'the files the probes name'}\n\n`,
  );
  for (const result of results) {
    const release = result.change.release.version ? `mainline ${result.change.release.version}` : 'not in mainline yet';
    const note =
      result.versionRelation === 'backport' ? ' [backport]' : result.versionRelation === 'missing' ? ' [missing]' : '';
    io.out.write(`${MARK[result.status]}  ${changeLabel(result.change)} (${release})${note}\n`);
    if (result.evidence) {
      const where = result.evidence.line ? `${result.evidence.file}:${result.evidence.line}` : result.evidence.file;
      io.out.write(`          ${where}${result.evidence.text ? `  ${oneLine(result.evidence.text)}` : ''}\n`);
    }
    if (result.status === 'partial') {
      for (const probe of result.probes)
        io.out.write(
          `          ${probe.outcome === 'holds' ? 'yes' : probe.outcome === 'fails' ? 'no ' : '?  '} ${probe.label}\n`,
        );
    }
  }
  const count = (s: ChangeStatus) => results.filter((r) => r.status === s).length;
  io.out.write(
    `\n${results.length} changes: ${count('present')} present, ${count('partial')} partial, ${count('absent')} absent, ${count('unknown')} unknown; ${results.filter((r) => r.versionRelation === 'backport').length} backported\n`,
  );
}

/** Evidence text is the tree's text: keep it on one line and free of control characters in a terminal. */
function oneLine(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) ? ' ' : ch;
  }
  return out;
}

async function loadIndex(root: string, cacheDir: string | undefined, io: CliIO): Promise<KernelIndex | undefined> {
  try {
    return await treeIndexForCli(root, cacheDir);
  } catch (err) {
    io.err.write(
      `kernel-mm-lens changes: index unavailable (${(err as Error).message}); reading the files the probes name\n`,
    );
    return undefined;
  }
}
