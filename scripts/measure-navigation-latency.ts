/**
 * Issue 16's latency target (p99 of definition and references <= 50 ms), measured IN-PROCESS so that slow requests
 * can be profiled: the real language server over in-memory streams, on a tree with a warm index cache, asked the
 * same sequence the navigation-accuracy bench asks (navigationAccuracy.ts judgeNames): for each sampled name, open
 * the clicked file, definition, references, workspace symbol (the name and its initials query), the call
 * hierarchy for function names, close the file. The clicked positions are read from a bench report
 * (`bench --accuracy-only --json FILE`: navigationAccuracy.names.perName[].click), so this replays the bench's sample.
 *
 * Every request is timed; any request over --log-over ms is printed with its name. With --profile-over MS each
 * definition/references request runs under the V8 profiler (node:inspector) and those over MS are written as
 * .cpuprofile files to --profile-dir (open them in Chrome DevTools or speedscope).
 *
 * Run: node --import tsx scripts/measure-navigation-latency.ts --root TREE --cache-dir DIR --names REPORT.json
 *        [--config FILE|all] [--limit N] [--log-over MS] [--profile-over MS --profile-dir DIR] [--no-calls]
 *        [--json OUT]
 */
import * as fs from 'fs';
import * as path from 'path';
import { Session } from 'node:inspector/promises';
import { PassThrough } from 'stream';
import { pathToFileURL } from 'url';
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import { startLanguageServer } from '../server/src/lsp/server';
import { fuzzyQueryOf } from '../server/src/cli/bench/navigationAccuracy';
import { percentile } from '../server/src/cli/bench/lspDriver';
import { Requests } from '../protocol';

const argv = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const root = fs.realpathSync(path.resolve(option('root')!));
const cacheDir = path.resolve(option('cache-dir')!);
const namesFile = option('names')!;
const kernelConfig = option('config', '');
const limit = Number(option('limit', '100000'));
const logOver = Number(option('log-over', '1000'));
const profileOver = option('profile-over') !== undefined ? Number(option('profile-over')) : undefined;
const profileDir = option('profile-dir', '/tmp');
const withCalls = !argv.includes('--no-calls');
const jsonOut = option('json');
const started = performance.now();
const stamp = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
const say = (line: string) => process.stderr.write(`${stamp()} ${line}\n`);

interface Sampled {
  name: string;
  category: string;
  click: string;
}
const report = JSON.parse(fs.readFileSync(namesFile, 'utf8')) as {
  navigationAccuracy?: { names?: { perName: Sampled[] } };
  names?: { perName: Sampled[] };
};
const sample = (report.navigationAccuracy?.names ?? report.names)!.perName.slice(0, limit);

interface Record {
  method: string;
  name: string;
  ms: number;
  at: string;
  results?: number;
}
const records: Record[] = [];

async function main(): Promise<void> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startLanguageServer({
    connection: createConnection(
      ProposedFeatures.all,
      new StreamMessageReader(toServer),
      new StreamMessageWriter(toClient),
    ),
    cacheDir,
  });
  const client: MessageConnection = createMessageConnection(
    new StreamMessageReader(toClient),
    new StreamMessageWriter(toServer),
  );
  let fullIndexAt: string | undefined;
  client.onNotification('window/logMessage', (params: { message: string }) => {
    if (argv.includes('--server-log')) say(`server: ${params.message}`);
    if (!fullIndexAt && /index (ready|loaded)|full index|checked/i.test(params.message)) fullIndexAt = stamp();
  });
  client.onNotification(() => undefined);
  client.onRequest(() => null);
  client.listen();
  const session = new Session();
  session.connect();
  if (profileOver !== undefined) {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    fs.mkdirSync(profileDir!, { recursive: true });
  }

  const rootUri = pathToFileURL(root).href;
  await client.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
    capabilities: { textDocument: { definition: {}, references: {}, callHierarchy: {} }, workspace: { symbol: {} } },
    initializationOptions: { cacheDir, settings: kernelConfig ? { kernelConfig } : {}, workspaceTrusted: true },
  });
  await client.sendNotification('initialized', {});
  // As the bench's driver: wait until the index answers (the early index of a warm start counts).
  for (;;) {
    const status = (await client.sendRequest(Requests.indexStatus)) as { state: string };
    if (status.state === 'ready') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  say('index ready (early answers)');

  const timed = async <T>(method: string, name: string, params: unknown, profile = false): Promise<T> => {
    if (profile && profileOver !== undefined) await session.post('Profiler.start');
    const t0 = performance.now();
    const result = (await client.sendRequest(method, params)) as T;
    const ms = performance.now() - t0;
    const results = Array.isArray(result) ? result.length : result ? 1 : 0;
    records.push({ method, name, ms, at: stamp(), results });
    if (profile && profileOver !== undefined) {
      const { profile: cpu } = await session.post('Profiler.stop');
      if (ms > profileOver) {
        const out = path.join(profileDir!, `${method.replace(/\W+/g, '_')}-${name}-${Math.round(ms)}ms.cpuprofile`);
        fs.writeFileSync(out, JSON.stringify(cpu));
      }
    }
    if (ms > logOver) say(`SLOW ${method} ${name}: ${ms.toFixed(1)} ms (${results} results)`);
    return result;
  };

  let done = 0;
  for (const entry of sample) {
    const [file, line, column] = entry.click.split(/:(?=\d)/);
    const absolute = path.join(root, file);
    const uri = pathToFileURL(absolute).href;
    const position = { line: Number(line) - 1, character: Number(column) - 1 };
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'c', version: 1, text: fs.readFileSync(absolute, 'utf8') },
    });
    const textDocument = { uri };
    await timed('textDocument/definition', entry.name, { textDocument, position }, true);
    await timed(
      'textDocument/references',
      entry.name,
      { textDocument, position, context: { includeDeclaration: true } },
      true,
    );
    await timed('workspace/symbol', entry.name, { query: entry.name });
    const fuzzy = fuzzyQueryOf(entry.name);
    if (fuzzy) await timed('workspace/symbol', fuzzy, { query: fuzzy });
    if (withCalls && ['function', 'staticMulti', 'exported', 'syscall'].includes(entry.category)) {
      const items =
        (await timed<unknown[] | null>('textDocument/prepareCallHierarchy', entry.name, {
          textDocument,
          position,
        })) ?? [];
      for (const item of items) await timed('callHierarchy/incomingCalls', entry.name, { item });
    }
    await client.sendNotification('textDocument/didClose', { textDocument });
    if (++done % 50 === 0) say(`${done}/${sample.length} names`);
  }
  say(`full index reported at ${fullIndexAt ?? '(not seen)'}`);

  const byMethod = new Map<string, number[]>();
  for (const r of records) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r.ms]);
  console.log('request                              count   p50       p99       max');
  for (const [method, values] of byMethod)
    console.log(
      `${method.padEnd(37)}${String(values.length).padEnd(8)}${percentile(values, 50).toFixed(1).padEnd(10)}${percentile(values, 99).toFixed(1).padEnd(10)}${Math.max(...values).toFixed(1)}`,
    );
  const slowest = (method: string) =>
    records
      .filter((r) => r.method === method)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8)
      .map((r) => `${r.name} ${r.ms.toFixed(1)} (at ${r.at})`)
      .join(', ');
  console.log(`slowest definitions: ${slowest('textDocument/definition')}`);
  console.log(`slowest references: ${slowest('textDocument/references')}`);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(records, null, 1));
  await client.sendRequest('shutdown');
  client.dispose();
  session.disconnect();
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
