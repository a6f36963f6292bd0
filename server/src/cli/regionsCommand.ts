import * as fs from 'fs';
import * as path from 'path';
import type { CliCommand } from './command';
import { parseArgs, stringOption, UsageError } from './args';
import { findKernelTreeRoot } from '../base/kernelVersion';
import { walkTree } from '../base/treeWalker';
import { readSourceFile } from '../indexing/fileExtraction';
import { DEFAULT_SETTINGS } from '../../../protocol';
import { ALL_CONFIGURATIONS, ConfigurationService, describeInactive } from '../configuration/configurationService';
import type { InactiveRegion } from '../parsing/inactiveRegions';

/** Files whose conditionals the preprocessor evaluates: C sources, headers, assembly and linker scripts. */
export function isPreprocessedFile(name: string): boolean {
  return /\.(c|h|S)$/.test(name);
}

export interface FileRegions {
  /** Path relative to the tree, with '/'. */
  file: string;
  /** 1-based inclusive line ranges. */
  inactive: Array<[number, number]>;
}

/**
 * `kernel-mm-lens regions FILE|DIR... [--config FILE] [--arch ARCH] [--json]`: the lines a kernel configuration
 * leaves out of each file (the same service as the editor's inactive regions). Directories are walked for C files.
 */
export const regionsCommand: CliCommand = {
  name: 'regions',
  usage: 'regions FILE|DIR... [--config FILE|all] [--arch ARCH] [--root DIR] [--json]',
  summary: "Print the lines a kernel configuration leaves out (#if groups decided false, other architectures' arch/).",
  options: {
    config: {
      value: true,
      help: "configuration file (.config, .gz, .xz); 'all' for all configurations (default: .config at the tree root)",
    },
    arch: { value: true, help: "architecture whose arch/ folder is live (default: the configuration's)" },
    root: { value: true, help: 'kernel tree root (default: found upwards from the first FILE)' },
    json: { help: 'print [{"file", "inactive": [[first, last], ...]}] (1-based inclusive lines)' },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length === 0) throw new UsageError('regions needs at least one FILE or DIR');
    const inputs = args.positionals.map((p) => path.resolve(p));
    const rootOption = stringOption(args, 'root');
    const root = rootOption
      ? path.resolve(rootOption)
      : findKernelTreeRoot(isDirectory(inputs[0]) ? inputs[0] : path.dirname(inputs[0]));
    if (!root) {
      io.err.write('kernel-mm-lens regions: no kernel tree found above the first file; give --root DIR\n');
      return 2;
    }
    const service = new ConfigurationService();
    const state = await service.configure({
      root,
      kernelConfig: stringOption(args, 'config') ?? '',
      arch: stringOption(args, 'arch') ?? '',
    });
    if (state.problem) {
      io.err.write(`kernel-mm-lens regions: ${state.problem}\n`);
      return 2;
    }
    if (state.mode === 'all' && stringOption(args, 'config') !== ALL_CONFIGURATIONS)
      io.err.write(
        `kernel-mm-lens regions: no configuration (no .config in ${root}, no --config): all configurations, nothing inactive${state.arch ? ` but other architectures' arch/` : ''}\n`,
      );

    const results: Array<FileRegions & { regions: InactiveRegion[] }> = [];
    let problems = 0;
    for (const input of inputs) {
      const rel = path.relative(root, input);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        io.err.write(`kernel-mm-lens regions: ${input} is outside the tree ${root}\n`);
        problems++;
        continue;
      }
      const files = isDirectory(input)
        ? walkTree(input, { accept: isPreprocessedFile, links: 'real-path' })
            .sort()
            .map((file) => path.join(input, file))
        : [input];
      for (const absolute of files) {
        const file = path.relative(root, absolute).split(path.sep).join('/');
        const read = readSourceFile(absolute, DEFAULT_SETTINGS.maxFileSize * 4);
        if ('error' in read) {
          io.err.write(`kernel-mm-lens regions: ${file}: ${read.error}\n`);
          problems++;
          continue;
        }
        const regions = service.regions(file, read.text);
        results.push({ file, inactive: regions.map((r) => [r.first + 1, r.last + 1]), regions });
      }
    }
    if (args.options.json) {
      io.out.write(`${JSON.stringify(results.map(({ file, inactive }) => ({ file, inactive })))}\n`);
    } else {
      const header = state.mode === 'config' ? `${state.file} (arch ${state.arch ?? '?'})` : 'all configurations';
      io.out.write(`configuration: ${header}\n`);
      for (const result of results) {
        if (result.regions.length === 0) {
          io.out.write(`${result.file}: all live\n`);
          continue;
        }
        for (const region of result.regions)
          io.out.write(`${result.file}:${region.first + 1}-${region.last + 1}: ${describeInactive(region)}\n`);
      }
    }
    return problems > 0 ? 1 : 0;
  },
};

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}
