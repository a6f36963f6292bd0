import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CliCommand } from './command';
import { parseLintCliOptions } from './lintOptions';
import { parseArgs, listOption, stringOption, UsageError } from './args';
import { detectKernelVersion, formatKernelVersion } from '../base/kernelVersion';
import { defaultLintRules } from '../lint/rules';
import { findTreeRoot } from '../lint/fileWalker';
import { lintPaths, type LintRunOptions } from '../lint/lintRunner';
import { ConfigurationService } from '../configuration/configurationService';
import { formatJson, formatSarif, formatText, type OutputFormat } from '../lint/formats';
import { atLeast } from '../lint/severity';
import type { LintSeverity } from '../lint/ruleTypes';
import { PACKAGE_VERSION } from '../base/paths';

const DEFAULT_MAX_FILE_SIZE = 8 * 1024 * 1024;

/**
 * `kernel-mm-lens lint`: the removed-API lint for CI. Exit status: 0 clean, 1 a finding at or above --fail-on,
 * 2 usage error or unusable rule data.
 */
export const lintCommand: CliCommand = {
  name: 'lint',
  usage:
    'lint [--format text|json|sarif] [--kernel-version X.Y] [--fail-on LEVEL] [--exclude GLOB]... [--config FILE] PATH...',
  summary: 'Report uses of removed mm APIs (devmap, pfn_t, old device-exclusive API, follow_page) for CI.',
  options: {
    format: { value: true, help: 'text (gcc-style, default), json (array of findings) or sarif (SARIF 2.1.0).' },
    'kernel-version': { value: true, help: "Version the code is meant for (default: the tree's top-level Makefile)." },
    'fail-on': {
      value: true,
      help: 'Exit 1 when a finding is at or above: error (default), warning, information, hint.',
    },
    exclude: {
      value: true,
      repeat: true,
      help: 'Glob relative to the tree root to skip (drivers/staging/**, *.mod.c).',
    },
    severity: {
      value: true,
      repeat: true,
      help: 'Override a severity: RULE=LEVEL, RULE a code (removed-api, removed-api-definition) or rule id; LEVEL error|warning|information|hint|off.',
    },
    'max-file-size': { value: true, help: `Skip larger files (bytes; default ${DEFAULT_MAX_FILE_SIZE}).` },
    jobs: {
      value: true,
      help: 'Worker threads for the prefilter (default: one per core, none for small runs; 0 = none).',
    },
    quiet: { help: 'Do not report skipped files on stderr.' },
    config: {
      value: true,
      help: 'Kernel configuration (.config, .gz, .xz): code it leaves out (#if branches, other arches) is not linted.',
    },
    arch: { value: true, help: "With --config: the architecture whose arch/ is live (default: the configuration's)." },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    const format = (stringOption(args, 'format') ?? 'text') as OutputFormat;
    if (!['text', 'json', 'sarif'].includes(format))
      throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
    const { failOn, versionText, overrides } = parseLintCliOptions(args);
    const maxFileSize = numberOption(stringOption(args, 'max-file-size'), '--max-file-size') ?? DEFAULT_MAX_FILE_SIZE;
    const jobs = numberOption(stringOption(args, 'jobs'), '--jobs');
    if (args.positionals.length === 0)
      throw new UsageError('give at least one PATH (a kernel tree, a directory or files)');
    for (const input of args.positionals) {
      if (!fs.existsSync(input)) throw new UsageError(`${input}: no such file or directory`);
    }

    const rules = defaultLintRules();
    if (rules.problems.length) {
      for (const problem of rules.problems) io.err.write(`kernel-mm-lens lint: rule data: ${problem}\n`);
      if (rules.rules.length === 0) return 2;
    }
    const root = findTreeRoot(args.positionals[0]);
    const version = detectKernelVersion(root, versionText);
    const treeVersion = detectKernelVersion(root);
    const quiet = args.options.quiet === true;
    const configFile = stringOption(args, 'config');
    let inactiveRegions: LintRunOptions['inactiveRegions'];
    if (configFile !== undefined) {
      const configuration = new ConfigurationService();
      const state = await configuration.configure({
        root,
        kernelConfig: configFile,
        arch: stringOption(args, 'arch') ?? '',
      });
      if (state.problem) {
        io.err.write(`kernel-mm-lens lint: ${state.problem}\n`);
        return 2;
      }
      inactiveRegions = (file, text) =>
        configuration.regions(path.relative(root, file).split(path.sep).join('/'), text, false);
    }
    const result = await lintPaths(args.positionals, {
      root,
      rules,
      inactiveRegions,
      version,
      treeVersion,
      overrides,
      exclude: listOption(args, 'exclude'),
      maxFileSize,
      workers: jobs,
      onSkip: (file, reason) => {
        if (!quiet)
          io.err.write(`kernel-mm-lens lint: skipped ${path.relative(process.cwd(), file) || file}: ${reason}\n`);
      },
    });

    if (format === 'json') io.out.write(formatJson(result.files));
    else if (format === 'sarif')
      io.out.write(
        formatSarif(result.files, { toolVersion: PACKAGE_VERSION, rootUri: `${pathToFileURL(root).toString()}/` }),
      );
    else io.out.write(formatText(result.files));

    const all = result.files.flatMap((file) => file.findings);
    if (format === 'text' && !quiet) {
      const counts = (['error', 'warning', 'information', 'hint'] as LintSeverity[])
        .map((level) => [level, all.filter((finding) => finding.severity === level).length] as const)
        .filter(([, n]) => n > 0)
        .map(([level, n]) => `${n} ${level}`)
        .join(', ');
      io.err.write(
        `kernel-mm-lens lint: ${result.scanned} files checked against ${version ? formatKernelVersion(version) : 'an unknown kernel version'}: ${counts || 'no findings'}\n`,
      );
    }
    return all.some((finding) => atLeast(finding.severity, failOn)) ? 1 : 0;
  },
};

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} wants a non-negative integer, not "${value}"`);
  return Number(value);
}
