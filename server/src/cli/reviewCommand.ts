import * as path from 'path';
import { pathToFileURL } from 'url';
import type { CliCommand } from './command';
import { parseLintCliOptions } from './lintOptions';
import { listOption, parseArgs, stringOption, UsageError } from './args';
import { detectKernelVersion, findKernelTreeRoot, formatKernelVersion } from '../base/kernelVersion';
import { defaultCacheDir, PACKAGE_VERSION } from '../base/paths';
import { atLeast } from '../lint/severity';
import { ThreadService } from '../lore/threadService';
import { sanitiseLine } from '../lore/renderThread';
import { MAX_INPUT_BYTES, patchInputFromFiles, patchInputOf, decodeInput } from '../review/patchInput';
import { reviewPatches } from '../review/reviewEngine';
import { formatReviewJson, formatReviewSarif, formatReviewText } from '../review/reviewFormats';

/**
 * `kernel-mm-lens review FILE|- ...`: a patch, a `git format-patch` series (files or a folder), an mbox of a
 * series (`b4 am`), or a diff on stdin, reviewed against a kernel tree by the one review engine
 * (server/src/review). Exit status as `lint`: 0 nothing at or above --fail-on, 1 a finding at or above it,
 * 2 usage error or unreadable input.
 */
export const reviewCommand: CliCommand = {
  name: 'review',
  usage:
    'review FILE|DIR|- ... [--tree DIR] [--previous FILE] [--mail PATH]... [--external PATH|URL]... [--json|--sarif]',
  summary:
    'Review a patch or a series against a tree: lint of added lines, duties, tracked symbols, threads, versions.',
  options: {
    tree: { value: true, help: 'kernel tree to map the hunks onto (default: found upwards from the current folder)' },
    previous: {
      value: true,
      repeat: true,
      help: 'the earlier version of the series (file or folder; a `b4 mbox` with its replies finds unaddressed comments)',
    },
    mail: { value: true, repeat: true, help: 'mbox, maildir or .eml to search for threads and earlier versions' },
    external: {
      value: true,
      repeat: true,
      help: 'public-inbox inbox, lei external or lore URL to ask (lei) about the touched functions',
    },
    json: { help: 'print the result as JSON (patches, findings, symbols, threads, versions)' },
    sarif: { help: 'print the findings as SARIF 2.1.0, located on the patch file' },
    'kernel-version': { value: true, help: "release of the tree (default: the tree's Makefile)" },
    'fail-on': {
      value: true,
      help: 'exit 1 when a finding is at or above: error (default), warning, information, hint',
    },
    severity: { value: true, repeat: true, help: 'lint severity override RULE=LEVEL, as for lint' },
    'no-threads': { help: 'do not look up review threads (no mail is read)' },
    'cache-dir': {
      value: true,
      help: 'folder for the mail extraction cache (default: $XDG_CACHE_HOME/kernel-mm-lens)',
    },
    quiet: { help: 'no summary and no problem lines on stderr' },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length === 0)
      throw new UsageError('give a patch, a series (files or a folder), or - for stdin');
    if (args.options.json && args.options.sarif) throw new UsageError('--json and --sarif exclude each other');
    const { failOn, versionText, overrides } = parseLintCliOptions(args);
    const quiet = args.options.quiet === true;
    const say = (line: string): void => {
      if (!quiet) io.err.write(`kernel-mm-lens review: ${sanitiseLine(line)}\n`);
    };

    const input =
      args.positionals.length === 1 && args.positionals[0] === '-'
        ? patchInputOf([{ name: '-', text: await readStdin() }])
        : patchInputFromFiles(args.positionals);
    if (input.patches.length === 0) {
      for (const problem of input.problems) io.err.write(`kernel-mm-lens review: ${sanitiseLine(problem)}\n`);
      return 2;
    }
    const treeOption = stringOption(args, 'tree');
    const root = treeOption ? path.resolve(treeOption) : findKernelTreeRoot(process.cwd());
    if (treeOption && !findKernelTreeRoot(root!))
      say(`${treeOption}: no kernel Makefile found; reviewing against it anyway`);
    const version = detectKernelVersion(root, versionText);

    const previousPaths = listOption(args, 'previous');
    const previous = previousPaths.length
      ? { input: patchInputFromFiles(previousPaths), source: previousPaths.join(', ') }
      : undefined;
    for (const problem of previous?.input.problems ?? []) say(`--previous: ${problem}`);

    let threads: ThreadService | undefined;
    const externals = listOption(args, 'external').map((e) => (/^https?:\/\//i.test(e) ? e : path.resolve(e)));
    if (!args.options['no-threads']) {
      const cacheRoot = path.resolve(stringOption(args, 'cache-dir') ?? defaultCacheDir());
      const mail = listOption(args, 'mail').map((p) => path.resolve(p));
      threads = new ThreadService(
        (message) => {
          if (/not found|cannot read|neither|stopped|skipped|lei:/.test(message)) say(message);
        },
        {
          mailSources: () => mail,
          externals: () => externals,
          mailOptions: { cacheDir: path.join(cacheRoot, 'mail') },
          leiCacheDir: path.join(cacheRoot, 'lei'),
        },
      );
    }

    const { result, problems } = await reviewPatches(input, {
      root,
      version,
      overrides,
      threads,
      previous,
      // Naming externals on the command line is the explicit request a remote query needs.
      searchExternals: externals.length > 0 ? { allowRemote: true } : undefined,
      log: say,
    });
    for (const problem of problems) say(problem);

    if (args.options.json) io.out.write(formatReviewJson(result));
    else if (args.options.sarif)
      io.out.write(
        formatReviewSarif(result, {
          toolVersion: PACKAGE_VERSION,
          treeUri: root ? `${pathToFileURL(root).toString()}/` : undefined,
        }),
      );
    else io.out.write(formatReviewText(result));

    if (!args.options.json && !args.options.sarif) {
      const counts = (['error', 'warning', 'information', 'hint'] as const)
        .map((level) => [level, result.findings.filter((f) => f.severity === level).length] as const)
        .filter(([, n]) => n > 0)
        .map(([level, n]) => `${n} ${level}`)
        .join(', ');
      say(
        `${result.patches.length} patch${result.patches.length === 1 ? '' : 'es'} against ${root ?? 'no tree'} (${version ? formatKernelVersion(version) : 'unknown release'}): ${counts || 'no findings'}`,
      );
    }
    return result.findings.some((finding) => atLeast(finding.severity, failOn)) ? 1 : 0;
  },
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`stdin: larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buffer);
  }
  return decodeInput(Buffer.concat(chunks));
}
