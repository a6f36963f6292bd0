import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { startInProcessServer } from '../lsp/inProcessServer';
import { main } from '../../server/src/main';
import { captureIo } from '../captureIo';

const DEMO = [
  '#ifndef _DEMO_H', //                  1
  '#define _DEMO_H', //                  2
  '#ifdef CONFIG_ZONE_DEVICE', //        3
  'void demo_live(void);', //            4
  '#else', //                            5
  'static inline void demo_stub(void)', // 6
  '{', //                                7
  '}', //                                8
  '#endif', //                           9
  '#if IS_ENABLED(CONFIG_DEVICE_PRIVATE) && \\', // 10
  '\tdefined(CONFIG_MMU)', //           11
  'void demo_private(void);', //        12
  '#endif', //                          13
  '#endif', //                          14
  '',
].join('\n');

function makeTree(): { dir: string; root: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-regions-'));
  const root = path.join(dir, 'linux');
  fs.mkdirSync(path.join(root, 'include', 'linux'), { recursive: true });
  fs.mkdirSync(path.join(root, 'arch', 'arm64', 'mm'), { recursive: true });
  fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  fs.writeFileSync(
    path.join(root, '.config'),
    '# Linux/x86 6.12.0 Kernel Configuration\nCONFIG_X86=y\nCONFIG_MMU=y\nCONFIG_ZONE_DEVICE=y\n# CONFIG_DEVICE_PRIVATE is not set\n',
  );
  fs.writeFileSync(path.join(root, 'include', 'linux', 'demo.h'), DEMO);
  fs.writeFileSync(path.join(root, 'arch', 'arm64', 'mm', 'demo.c'), 'int arm64_only;\nint more;\n');
  return { dir, root };
}

async function startServer(dir: string, root: string, capabilities: object) {
  const received: Array<{ method: string; params: any }> = [];
  const server = await startInProcessServer({
    root,
    cacheDir: path.join(dir, 'cache'),
    capabilities,
    onAnyNotification: (method, params) => received.push({ method, params }),
  });
  const waitFor = async (predicate: (n: { method: string; params: any }) => boolean, timeoutMs = 20000) => {
    const started = Date.now();
    for (;;) {
      const found = [...received].reverse().find(predicate);
      if (found) return found;
      if (Date.now() - started > timeoutMs)
        throw new Error(`timed out; got ${JSON.stringify(received.map((n) => n.method))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    client: server.client,
    received,
    waitFor,
    // Background indexing still talks to the client: the connection is closed once it is done (under load, a
    // disposed connection otherwise fails the test after it ended).
    dispose: async () => {
      await waitFor((n) => n.method === 'kernelMmLens/indexStatus' && n.params.state === 'ready', 60000).catch(
        () => undefined,
      );
      await server.dispose();
    },
  };
}

const INACTIVE = 'textDocument/inactiveRegions';

test("inactive regions over LSP equal the CLI's, follow a configuration switch, and only go to clients that ask", async () => {
  const { dir, root } = makeTree();
  const server = await startServer(dir, root, {
    textDocument: { inactiveRegionsCapabilities: { inactiveRegions: true } },
  });
  try {
    const uri = pathToFileURL(path.join(root, 'include', 'linux', 'demo.h')).href;
    const status = await server.waitFor((n) => n.method === 'kernelMmLens/configurationStatus');
    assert.equal(status.params.mode, 'config');
    assert.equal(status.params.arch, 'x86');
    assert.equal(status.params.file, path.join(root, '.config'));
    await server.client.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'c', version: 1, text: DEMO },
    });
    const pushed = await server.waitFor((n) => n.method === INACTIVE && n.params.regions.length > 0);
    assert.equal(pushed.params.textDocument.uri, uri);
    // Whole lines, 0-based, clangd's shape: column 0 to the end of the last line.
    assert.deepEqual(pushed.params.regions, [
      { start: { line: 5, character: 0 }, end: { line: 7, character: 1 } },
      { start: { line: 11, character: 0 }, end: { line: 11, character: 24 } },
    ]);
    // The CLI answers the same lines (1-based, inclusive) from the same service.
    const { io, text, errors } = captureIo();
    const code = await main(
      ['regions', path.join(root, 'include', 'linux', 'demo.h'), path.join(root, 'arch'), '--json'],
      io,
    );
    assert.equal(code, 0, errors());
    const cli = JSON.parse(text());
    assert.deepEqual(cli, [
      {
        file: 'include/linux/demo.h',
        inactive: [
          [6, 8],
          [12, 12],
        ],
      },
      { file: 'arch/arm64/mm/demo.c', inactive: [[1, 2]] },
    ]);
    assert.deepEqual(
      pushed.params.regions.map((r: any) => [r.start.line + 1, r.end.line + 1]),
      cli[0].inactive,
    );

    // Switching to all configurations (settings pushed: this client has no workspace/configuration) re-evaluates.
    const before = server.received.length;
    await server.client.sendNotification('workspace/didChangeConfiguration', {
      settings: { kernelMmLens: { kernelConfig: 'all' } },
    });
    const cleared = await server.waitFor(
      (n) => n.method === INACTIVE && n.params.regions.length === 0 && server.received.indexOf(n) >= before,
    );
    assert.equal(cleared.params.textDocument.uri, uri);
    const allStatus = await server.client.sendRequest<any>('kernelMmLens/getConfigurationStatus');
    assert.equal(allStatus.mode, 'all');
    const choices = await server.client.sendRequest<any>('kernelMmLens/configurationChoices');
    assert.deepEqual(choices.arches, ['arm64']);
    assert.equal(choices.configs[0].file, path.join(root, '.config'));

    // An unreadable configuration: all configurations, and the status says why.
    await server.client.sendNotification('workspace/didChangeConfiguration', {
      settings: { kernelMmLens: { kernelConfig: 'no/such/config.xz' } },
    });
    const problem = await server.waitFor((n) => n.method === 'kernelMmLens/configurationStatus' && !!n.params.problem);
    assert.match(problem.params.problem, /cannot read .*no\/such\/config\.xz/);
    assert.equal(problem.params.mode, 'all');
  } finally {
    await server.dispose();
  }

  // A client that does not announce the extension gets no inactiveRegions notification.
  const quiet = await startServer(dir, root, {});
  try {
    const uri = pathToFileURL(path.join(root, 'include', 'linux', 'demo.h')).href;
    await quiet.waitFor((n) => n.method === 'kernelMmLens/configurationStatus');
    await quiet.client.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'c', version: 1, text: DEMO },
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(quiet.received.filter((n) => n.method === INACTIVE).length, 0);
  } finally {
    await quiet.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
