/**
 * Server start-up on a tree as an editor sees it (issue 17): spawn, `initialize`, then at once a definition request
 * on a file of the tree (it waits for the index). Reports the time from spawn to the answered `initialize`, to the
 * first answered definition, and to the index being ready, for a cold start (an empty cache folder: the server
 * indexes the tree) and then a warm start (the cache it wrote).
 *
 *   nice -n 10 node --import tsx scripts/hardening/startupTime.ts --root TREE [--file FILE] [--warm-only --cache-dir DIR]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspDriver } from '../../server/src/cli/bench/lspDriver';

function firstCFile(root: string, rel = ''): string | undefined {
  for (const entry of fs
    .readdirSync(path.join(root, rel), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isFile() && entry.name.endsWith('.c')) return child;
    if (entry.isDirectory()) {
      const found = firstCFile(root, child);
      if (found) return found;
    }
  }
  return undefined;
}

async function start(root: string, cacheDir: string, file: string): Promise<string> {
  const spawned = performance.now();
  const driver = await LspDriver.start({ root, cacheDir, timeoutMs: 1_800_000, settings: { genericNavigation: true } });
  const initialized = performance.now() - spawned;
  try {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const lines = text.split('\n');
    let position = { line: 0, character: 0 };
    for (let line = 0; line < lines.length; line++) {
      const match = /\b[a-z_][a-z0-9_]{3,}\s*\(/.exec(lines[line]);
      if (match && !/^\s*(\*|\/\*|\/\/|#)/.test(lines[line])) {
        position = { line, character: match.index + 1 };
        break;
      }
    }
    const answer = await driver.definition(file, position);
    const firstAnswer = performance.now() - spawned;
    await driver.waitForIndex(1_800_000);
    const ready = performance.now() - spawned;
    return (
      `initialize ${(initialized / 1000).toFixed(2)} s, first definition (${file}:${position.line + 1}) ` +
      `${(firstAnswer / 1000).toFixed(2)} s (${Array.isArray(answer.result) ? answer.result.length : answer.result ? 1 : 0} location(s)), ` +
      `index ready ${(ready / 1000).toFixed(2)} s`
    );
  } finally {
    await driver.stop(60_000);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let root = '';
  let file: string | undefined;
  let cacheDir: string | undefined;
  let warmOnly = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = argv[++i];
    else if (argv[i] === '--file') file = argv[++i];
    else if (argv[i] === '--cache-dir') cacheDir = argv[++i];
    else if (argv[i] === '--warm-only') warmOnly = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!root) throw new Error('--root TREE is required');
  file ??= firstCFile(root);
  if (!file) throw new Error(`no .c file under ${root}`);
  const ownCache = !cacheDir;
  cacheDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-startup-'));
  try {
    if (!warmOnly)
      console.log(
        `startup: cold (empty cache): ${await start(root, cacheDir, file)}; load ${os.loadavg()[0].toFixed(1)}`,
      );
    console.log(`startup: warm: ${await start(root, cacheDir, file)}; load ${os.loadavg()[0].toFixed(1)}`);
  } finally {
    if (ownCache) fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`startup: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
