/**
 * Standalone entry of the navigation-accuracy bench, from the sources (no bundle needed for the bench itself).
 * `kernel-mm-lens bench --accuracy-only [--index-cache DIR]` is the same measurement from the CLI; this entry is
 * kept because the front-end streams run it from their worktrees:
 *   npm run build && node --import tsx server/src/cli/bench/accuracyMain.ts [--json FILE] [--seed N]
 *     [--per-category N] [--clangd-quota N] [--cache-dir DIR] [--skip-clangd] [--skip-peers] [--skip-warm-start] [TREE]
 * TREE defaults to ~/.cache/kernel-mm-lens/trees/linux-source-6.12. Progress goes to stderr, the tables to stdout.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runNavigationAccuracy } from './navigationAccuracy';
import { formatAccuracyReport } from './accuracyReport';
import { benchCacheRoot } from './treeFiles';

async function main(argv: string[]): Promise<number> {
  const options: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (['--json', '--seed', '--per-category', '--clangd-quota', '--cache-dir'].includes(arg))
      options[arg.slice(2)] = argv[++k];
    else if (arg.startsWith('--')) options[arg.slice(2)] = true;
    else positionals.push(arg);
  }
  const root = path.resolve(positionals[0] ?? path.join(benchCacheRoot(), 'trees', 'linux-source-6.12'));
  if (!fs.existsSync(path.join(root, 'Makefile'))) {
    process.stderr.write(`no kernel tree at ${root}\n`);
    return 2;
  }
  const cacheDir =
    typeof options['cache-dir'] === 'string'
      ? options['cache-dir']
      : path.join(benchCacheRoot(), 'bench-accuracy-index');
  fs.mkdirSync(cacheDir, { recursive: true });
  const number = (name: string) => (typeof options[name] === 'string' ? Number(options[name]) : undefined);
  const report = await runNavigationAccuracy({
    root,
    cacheDir,
    seed: number('seed'),
    perCategory: number('per-category'),
    clangdQuota: number('clangd-quota'),
    skipClangd: !!options['skip-clangd'],
    skipPeers: !!options['skip-peers'],
    skipWarmStart: !!options['skip-warm-start'],
    log: (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`),
  });
  process.stdout.write(formatAccuracyReport(report));
  if (typeof options.json === 'string') fs.writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`accuracy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
