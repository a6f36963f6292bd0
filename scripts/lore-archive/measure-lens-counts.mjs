#!/usr/bin/env node
// Issue 20's "one count" check on real files: starts the language server as an editor does (`lsp --stdio`), opens
// C files of a real tree, asks for their code lenses, and for every review-thread lens asks what a click on it
// opens (kernelMmLens/threadsForSymbol with the lens's argument). Prints one line per lens whose number differs
// from the list, and a summary. Mail sources (the generated list archive by default) make the counts non-trivial.
// Usage: node scripts/lore-archive/measure-lens-counts.mjs [TREE] [FILE...] [--mail PATH]...
//   (defaults: linux-source-6.12 in ~/.cache/kernel-mm-lens/trees, mm/ksm.c mm/rmap.c, the generated archive)
// Only the named files are given to the server (a temporary root holding copies of them, removed afterwards), so
// no whole-tree index runs.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
const positional = [];
const mail = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--mail') mail.push(process.argv[++i]);
  else positional.push(process.argv[i]);
}
const tree = positional[0] ?? join(cacheHome, 'kernel-mm-lens', 'trees', 'linux-source-6.12');
const files = positional.length > 1 ? positional.slice(1) : ['mm/ksm.c', 'mm/rmap.c'];
if (mail.length === 0) {
  const archive = join(cacheHome, 'kernel-mm-lens', 'lore-archive', 'linux-mm-generated.mbox');
  if (existsSync(archive)) mail.push(archive);
}
const makefile = join(tree, 'Makefile');
if (!existsSync(makefile)) {
  console.log(`lens counts: ${tree} is not a kernel tree, skipped (scripts/install-kernel-trees.sh 6.12)`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'kml-lens-counts-'));
const fakeRoot = join(work, 'linux');
mkdirSync(fakeRoot);
writeFileSync(join(fakeRoot, 'Makefile'), readFileSync(makefile, 'utf8').split('\n').slice(0, 6).join('\n') + '\n');
for (const file of files) {
  mkdirSync(dirname(join(fakeRoot, file)), { recursive: true });
  copyFileSync(join(tree, file), join(fakeRoot, file));
}

// A minimal LSP client over stdio (Content-Length framing).
const server = spawn(process.execPath, [join(root, 'bin', 'kernel-mm-lens.js'), 'lsp', '--stdio'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
let buffer = Buffer.alloc(0);
let nextId = 1;
const pending = new Map();
server.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
    buffer = buffer.subarray(headerEnd + 4 + length);
    if (message.id !== undefined && message.method) send({ jsonrpc: '2.0', id: message.id, result: null });
    else if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  }
});
function send(message) {
  const body = Buffer.from(JSON.stringify(message));
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (message) => (message.error ? reject(new Error(message.error.message)) : resolve(message.result)));
    send({ jsonrpc: '2.0', id, method, params });
  });
}
const notify = (method, params) => send({ jsonrpc: '2.0', method, params });

try {
  const started = Date.now();
  await request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(fakeRoot).href,
    capabilities: {},
    initializationOptions: { cacheDir: join(work, 'cache'), settings: { mailSources: mail } },
  });
  notify('initialized', {});
  // The mail is read once; the thread list waits for it, so ask once before the lenses.
  await request('kernelMmLens/threadsForSymbol', { symbol: 'pmd_devmap' });
  console.log(`mail read in ${((Date.now() - started) / 1000).toFixed(1)} s (${mail.join(', ') || 'bundled only'})`);
  let lensesSeen = 0;
  let mismatches = 0;
  for (const file of files) {
    const uri = pathToFileURL(join(fakeRoot, file)).href;
    const text = readFileSync(join(fakeRoot, file), 'utf8');
    notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    const lenses = (await request('textDocument/codeLens', { textDocument: { uri } })) ?? [];
    const threadLenses = lenses.filter((lens) => lens.command?.command === 'kernelMmLens.showThreads');
    let sum = 0;
    for (const lens of threadLenses) {
      const shown = Number(/^(\d+) review thread/.exec(lens.command.title)?.[1]);
      const opened = await request('kernelMmLens/threadsForSymbol', { symbol: lens.command.arguments[0] });
      sum += shown;
      if (shown !== opened.length) {
        mismatches++;
        console.log(
          `MISMATCH ${file}:${lens.range.start.line + 1} ${lens.command.arguments[0]}: lens ${shown}, click ${opened.length}`,
        );
      }
    }
    lensesSeen += threadLenses.length;
    console.log(`${file}: ${threadLenses.length} thread lenses (${sum} threads in all), ${lenses.length} lenses`);
  }
  console.log(`lens counts: ${lensesSeen} thread lenses, ${mismatches} differ from what a click opens`);
  process.exitCode = mismatches ? 1 : 0;
} finally {
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
