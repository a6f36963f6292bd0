import * as path from 'path';
import * as fs from 'fs';
import type { CliCommand } from './command';
import { listOption, parseArgs, stringOption, UsageError } from './args';
import { ProgressBar } from './progressBar';
import { buildIndex } from '../indexing/indexBuilder';
import { digestIndex, formatIndexDigest } from '../indexing/indexDigest';
import { defaultCacheDir } from '../base/paths';
import type { SkipReason } from '../base/regularFile';
import { DEFAULT_SETTINGS } from '../../../protocol';

/** ` (fifo 2, device 1, too-large 3)`: the skipped paths by reason, or nothing when none was skipped. */
function formatReasons(byReason: Partial<Record<SkipReason, number>>): string {
  const parts = Object.entries(byReason).map(([reason, count]) => `${reason} ${count}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export const indexCommand: CliCommand = {
  name: 'index',
  usage: 'index [--cache-dir DIR] [--exclude GLOB]... [--rebuild] [--json] [--digest] PATH',
  summary: 'Build or refresh the persistent index of a kernel tree and print what it indexed.',
  options: {
    'cache-dir': {
      value: true,
      help: 'Index cache folder (default $XDG_CACHE_HOME/kernel-mm-lens, else ~/.cache/kernel-mm-lens).',
    },
    'no-cache': { help: 'Do not read or write the persistent index.' },
    exclude: { value: true, repeat: true, help: 'Glob (relative to PATH) to leave out, e.g. "drivers/staging/**".' },
    'max-file-size': {
      value: true,
      help: `Skip files larger than this many bytes (default ${DEFAULT_SETTINGS.maxFileSize}).`,
    },
    workers: { value: true, help: 'Worker threads (default: one per core).' },
    rebuild: { help: 'Ignore the cache and index every file again.' },
    verbose: { help: 'Print a line for every skipped file, with its reason.' },
    json: { help: 'Print the statistics as JSON.' },
    digest: {
      help: 'Also print CRC-32 digests of all definitions and all occurrence blocks (compare two builds; needs a cache folder).',
    },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length !== 1) throw new UsageError('expected exactly one PATH');
    const root = path.resolve(args.positionals[0]);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      io.err.write(`kernel-mm-lens index: ${root} is not a folder\n`);
      return 2;
    }
    const maxFileSize = Number(stringOption(args, 'max-file-size') ?? DEFAULT_SETTINGS.maxFileSize);
    if (!Number.isFinite(maxFileSize) || maxFileSize <= 0)
      throw new UsageError('--max-file-size must be a positive number');
    const bar = new ProgressBar(io.err);
    let skippedLines = 0;
    const result = await buildIndex({
      root,
      cacheDir: args.options['no-cache'] ? undefined : (stringOption(args, 'cache-dir') ?? defaultCacheDir()),
      exclude: listOption(args, 'exclude'),
      maxFileSize,
      workers: Number(stringOption(args, 'workers') ?? 0),
      rebuild: args.options.rebuild === true,
      onProgress: (message, percent) => bar.update(message, percent),
      log: (message) => {
        if (message.startsWith('skipped ')) {
          if (args.options.verbose) io.err.write(`${message}\n`);
          else skippedLines++;
          return;
        }
        if (!message.startsWith('index:') || args.options.verbose) io.err.write(`${message}\n`);
      },
    });
    bar.done();
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const stats = {
      root,
      ...result.stats,
      peakRssMb: Math.round(peakRssMb),
      cacheFile: result.cacheFile,
      cacheBytes: result.cacheBytes,
    };
    if (args.options.json) {
      io.out.write(`${JSON.stringify(stats, null, 2)}\n`);
    } else {
      const store = result.index?.data.occurrenceStore;
      io.out.write(
        [
          `indexed ${root}`,
          `  files       ${stats.files} (${stats.parsed} read, ${stats.fromCache} unchanged from the cache)`,
          `  symbols     ${stats.symbols}`,
          `  references  ${stats.references}`,
          `  skipped     ${stats.skipped}${formatReasons(stats.skippedByReason)}${skippedLines && !args.options.verbose ? ' (--verbose lists them)' : ''}`,
          `  seconds     ${stats.seconds.toFixed(2)}`,
          `  peak memory ${stats.peakRssMb} MB (RSS)`,
          result.cacheFile
            ? `  cache       ${result.cacheFile}${result.cacheBytes ? ` (${(result.cacheBytes / 1e6).toFixed(1)} MB written)` : ' (up to date)'}`
            : '  cache       disabled',
          ...(store
            ? [
                `  occurrences ${store.path} (${(store.bytes / 1e6).toFixed(1)} MB, read on demand by reference queries)`,
              ]
            : []),
          '',
        ].join('\n'),
      );
    }
    if (args.options.digest && result.index) io.out.write(formatIndexDigest(digestIndex(result.index.data)));
    return result.cancelled ? 1 : 0;
  },
};
