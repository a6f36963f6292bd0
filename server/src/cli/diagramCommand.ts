import * as fs from 'fs';
import { treeChangesFor } from '../knowledge/changes/treeChanges';
import * as path from 'path';
import type { CliCommand } from './command';
import { parseArgs, stringOption, UsageError } from './args';
import { loadDiagrams } from '../diagrams/loader';
import { buildDiagram, DiagramLookupError, listDiagrams } from '../diagrams/diagramService';
import { FileHintEvidence } from '../diagrams/codeEvidence';
import { detectKernelVersion, formatKernelVersion, parseKernelVersion } from '../base/kernelVersion';

/**
 * `kernel-mm-lens diagram`: lifecycle diagrams for docs and cover letters.
 * With --tree, the variant is chosen from the tree's Makefile version and from the code itself (only the
 * files the diagram's rules name are read, so no index is needed).
 */
const options = {
  list: { help: 'List the diagrams and their variants.' },
  variant: { value: true, help: 'Variant id (default: the one matching --tree / --kernel-version, else the newest).' },
  format: { value: true, help: 'svg (standalone file) or mermaid (flowchart TD text). Default: svg.' },
  'kernel-version': {
    value: true,
    help: "Kernel version to pick the variant for, e.g. 6.12 (overrides the tree's Makefile).",
  },
  tree: { value: true, help: 'Kernel tree whose version and code choose the variant.' },
  output: { value: true, help: 'Write to this file instead of standard output (also -o FILE).' },
};

export const diagramCommand: CliCommand = {
  name: 'diagram',
  usage:
    'diagram --list | diagram NAME [--variant V] [--format svg|mermaid] [--kernel-version X.Y] [--tree PATH] [-o FILE]',
  summary: 'Render a lifecycle diagram (device-exclusive, folio_walk, ZONE_DEVICE refcount, ...) as SVG or Mermaid.',
  options,
  async run(argv, io) {
    // `-o FILE` is the conventional short form; the shared parser only knows long options.
    const args = parseArgs(
      argv.map((arg) => (arg === '-o' ? '--output' : arg)),
      options,
    );
    const { diagrams, problems } = loadDiagrams();
    for (const problem of problems) io.err.write(`kernel-mm-lens diagram: skipped invalid data: ${problem}\n`);

    if (args.options.list) {
      if (args.positionals.length > 0) throw new UsageError('--list takes no diagram name');
      for (const item of listDiagrams(diagrams)) {
        io.out.write(`${item.id.padEnd(24)} ${item.title}\n`);
        for (const variant of item.variants) io.out.write(`  --variant ${variant.id.padEnd(24)} ${variant.label}\n`);
      }
      return 0;
    }
    if (args.positionals.length !== 1) throw new UsageError('give exactly one diagram NAME (see --list)');
    const format = stringOption(args, 'format') ?? 'svg';
    if (format !== 'svg' && format !== 'mermaid')
      throw new UsageError(`--format must be svg or mermaid, not "${format}"`);

    const versionText = stringOption(args, 'kernel-version');
    if (versionText !== undefined && !parseKernelVersion(versionText))
      throw new UsageError(`--kernel-version: "${versionText}" is not a version like 6.12`);
    const tree = stringOption(args, 'tree');
    if (tree !== undefined) {
      let isDirectory = false;
      try {
        isDirectory = fs.statSync(tree).isDirectory();
      } catch {
        /* reported below */
      }
      if (!isDirectory) {
        io.err.write(`kernel-mm-lens diagram: --tree ${tree}: not a directory\n`);
        return 2;
      }
    }
    const kernelVersion = detectKernelVersion(tree ? path.resolve(tree) : undefined, versionText);

    let result;
    try {
      result = buildDiagram(
        diagrams,
        { id: args.positionals[0], variant: stringOption(args, 'variant') },
        {
          kernelVersion,
          evidence: tree ? new FileHintEvidence(path.resolve(tree)) : undefined,
          changes: tree ? treeChangesFor(path.resolve(tree), { version: kernelVersion }) : undefined,
        },
      );
    } catch (error) {
      if (error instanceof DiagramLookupError) {
        io.err.write(`kernel-mm-lens diagram: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
    const versionNote = kernelVersion ? ` for ${formatKernelVersion(kernelVersion)}` : '';
    io.err.write(`${result.id}: variant ${result.variant}${versionNote} (${result.variantReason})\n`);

    const text = format === 'svg' ? result.standaloneSvg : result.mermaid;
    const output = stringOption(args, 'output');
    if (output) {
      try {
        fs.writeFileSync(output, text);
      } catch (error) {
        io.err.write(`kernel-mm-lens diagram: cannot write ${output}: ${(error as Error).message}\n`);
        return 1;
      }
    } else {
      io.out.write(text);
    }
    return 0;
  },
};
