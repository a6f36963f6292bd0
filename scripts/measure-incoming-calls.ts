/**
 * Incoming calls of a callback-prone function (default `kvfree`, 1,400 callers on 6.12) as an editor asks them, on a
 * real tree with an index cache already built: the first and second request, then a body edit of one file and the
 * request again. In-process (index loaded once; wall and CPU time of each request) and over LSP (the server as an
 * editor starts it; client-side round trip). One run per number; on a shared machine read them as same-run ratios.
 * Run: node --import tsx scripts/measure-incoming-calls.ts --root TREE --cache-dir DIR [--name kvfree]
 *      [--file mm/util.c] [--edit mm/util.c] [--lsp-only | --in-process-only]
 * For in-process CPU numbers, run it bundled like the server (under tsx the lexer reads its character constants
 * through module getters and costs several times more):
 *   npx esbuild scripts/measure-incoming-calls.ts --bundle --platform=node --target=node20 --format=cjs \
 *     --alias:web-tree-sitter=$(node -p "require.resolve('web-tree-sitter')") --main-fields=main,module \
 *     --outfile=dist/measureIncoming.js && node dist/measureIncoming.js --root TREE --cache-dir DIR
 */
import * as fs from 'fs';
import * as path from 'path';
import { LspDriver } from '../server/src/cli/bench/lspDriver';
import { treeIndexForCli } from '../server/src/cli/treeIndexForCli';
import { incomingCallEdges } from '../server/src/knowledge/callGraph';
import { opsTablesOnDisk } from '../server/src/knowledge/opsTableAccess';
import type { KernelIndex } from '../server/src/indexing/types';

const argv = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const root = path.resolve(option('root')!);
const cacheDir = path.resolve(option('cache-dir')!);
const name = option('name', 'kvfree')!;
const definitionFile = option('file', 'mm/util.c')!;
const editedFile = option('edit', 'mm/util.c')!;
const repo = path.join(__dirname, '..');

/** A body-only edit: a statement-free line at the start of the first function body of the file named `name`. */
function editedText(text: string): string {
  const at = text.indexOf('\n{\n');
  return at < 0 ? `${text}\n` : `${text.slice(0, at + 3)}\t;\n${text.slice(at + 3)}`;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await run();
  const used = process.cpuUsage(cpu);
  return { ms: Math.round(performance.now() - start), cpuMs: Math.round((used.user + used.system) / 1000), result };
}

async function inProcess() {
  const index = (await treeIndexForCli(root, cacheDir)) as KernelIndex & {
    updateFile(file: string, text: string): unknown;
  };
  if (!index) throw new Error(`cannot index ${root}`);
  const access = await opsTablesOnDisk(index);
  const ask = () => incomingCallEdges(index, name, { ops: access });
  const first = await timed(ask);
  const second = await timed(ask);
  // What an edit does: the live index takes the new text; before per-file invalidation the editor also emptied the
  // ops tables (forget() on every change), now the index's change event drops that file's entries only.
  const text = fs.readFileSync(path.join(root, editedFile), 'utf8');
  index.updateFile(editedFile, editedText(text));
  const ops = access.ops as { forgetFile?: unknown; forget(): void };
  if (typeof ops.forgetFile !== 'function') ops.forget();
  const afterEdit = await timed(ask);
  // The direct callers alone (index only), warm: what the ops tables add is the rest.
  const direct = await timed(() => incomingCallEdges(index, name, {}));
  return {
    directOnlyWarm: { ms: direct.ms, cpuMs: direct.cpuMs, edges: direct.result.length },
    edges: first.result.length,
    indirect: first.result.filter((e) => e.via).length,
    first: { ms: first.ms, cpuMs: first.cpuMs },
    second: { ms: second.ms, cpuMs: second.cpuMs },
    afterEdit: { ms: afterEdit.ms, cpuMs: afterEdit.cpuMs, edges: afterEdit.result.length },
  };
}

async function overLsp() {
  const command = [process.execPath, path.join(repo, 'dist', 'server.js'), 'lsp', '--stdio'];
  const serverLog: string[] = [];
  const driver = await LspDriver.start({
    root,
    cacheDir,
    settings: {},
    command,
    timeoutMs: 600_000,
    log: (line) => serverLog.push(line),
  });
  try {
    await driver.waitForIndex(1_800_000);
    // References are answered by the full index only: wait for it (a warm start answers from the cache's look-up
    // index first), with a name that shares nothing with the one measured.
    const other = fs.readFileSync(path.join(root, 'mm/memory.c'), 'utf8').split('\n');
    const at = other.findIndex((l) => /^vm_fault_t do_swap_page\(/.test(l));
    const warmup = await driver.references('mm/memory.c', { line: at, character: 12 });
    const lines = fs.readFileSync(path.join(root, definitionFile), 'utf8').split('\n');
    const line = lines.findIndex((l) => new RegExp(`^\\S.*\\b${name}\\(`).test(l));
    if (line < 0) throw new Error(`no definition of ${name} in ${definitionFile}`);
    driver.open(definitionFile);
    const item = (await driver.prepareCallHierarchy(definitionFile, { line, character: lines[line].indexOf(name) + 1 }))
      .result?.[0];
    if (!item) throw new Error(`no call hierarchy item for ${name}`);
    const first = await driver.incomingCalls(item);
    const second = await driver.incomingCalls(item);
    const uri = driver.open(editedFile);
    const text = fs.readFileSync(path.join(root, editedFile), 'utf8');
    driver.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: editedText(text) }],
    });
    // The server re-indexes an edited document 150 ms after typing stops.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const afterEdit = await driver.incomingCalls(item);
    const count = (answer: { result?: unknown }) => ((answer.result as unknown[] | null) ?? []).length;
    return {
      fullIndexWaitMs: Math.round(warmup.ms),
      edges: count(first),
      first: first.ms,
      second: second.ms,
      afterEdit: afterEdit.ms,
      afterEditEdges: count(afterEdit),
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}\nserver log (last lines):\n${serverLog.slice(-20).join('\n')}`, {
      cause: err,
    });
  } finally {
    await driver.stop(60_000);
  }
}

async function main() {
  const result: Record<string, unknown> = { name, load: fs.readFileSync('/proc/loadavg', 'utf8').trim() };
  const attempt = async (run: () => Promise<unknown>) => {
    try {
      return await run();
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  if (!argv.includes('--lsp-only')) result.inProcess = await attempt(inProcess);
  if (!argv.includes('--in-process-only')) result.lsp = await attempt(overLsp);
  result.loadAfter = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
