import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigurationStatusNotification, IndexStatusNotification } from '../../protocol';
import { LspTestClient } from '../protocol/lspClient';

// The configuration orders the call hierarchy and workspace symbols as it orders definitions (issue 24): what it
// compiles first, the rest last and marked. Hand-written tree: test/fixtures/config-rank.
const root = path.join(__dirname, '..', 'fixtures', 'config-rank');
const bundle = path.join(__dirname, '..', '..', 'dist', 'server.js');
const HEADER = 'include/linux/memremap.h';
const headerText = fs.readFileSync(path.join(root, HEADER), 'utf8');

interface Answers {
  roots: string[];
  callers: string[];
  symbols: string[];
  /** Names of the workspace symbols for `memremap`, in order. */
  names: string[];
}

const where = (uri: string, line: number) => `${path.relative(root, new URL(uri).pathname)}:${line}`;

async function answersWith(kernelConfig: string): Promise<Answers> {
  const client = new LspTestClient(root);
  try {
    await client.initialize({ cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-chrank-')), kernelConfig });
    await client.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
    if (kernelConfig !== 'all')
      await client.waitForNotification(ConfigurationStatusNotification.method, (status) => status.mode === 'config');
    client.open(HEADER, headerText);
    const lines = headerText.split('\n');
    const line = lines.findIndex((l) => l.includes('return memremap_pages('));
    const items = await client.request('textDocument/prepareCallHierarchy', {
      textDocument: { uri: client.uri(HEADER) },
      position: { line, character: lines[line].indexOf('memremap_pages') + 2 },
    });
    const incoming = await client.request('callHierarchy/incomingCalls', { item: items[0] });
    const symbols = await client.request('workspace/symbol', { query: 'memremap_pages' });
    const names = (await client.request('workspace/symbol', { query: 'memremap' })).map((s: any) => s.name);
    const mark = (detail: string | undefined) => (detail?.startsWith('inactive: ') ? ' (inactive)' : '');
    return {
      roots: items.map((i: any) => `${where(i.uri, i.selectionRange.start.line)}${mark(i.detail)}`),
      callers: incoming.map((c: any) => `${c.from.name}${mark(c.from.detail)}`),
      symbols: symbols
        .filter((s: any) => s.name === 'memremap_pages')
        .map(
          (s: any) =>
            `${where(s.location.uri, s.location.range.start.line)}${s.containerName?.includes('inactive: ') ? ' (inactive)' : ''}`,
        ),
      names,
    };
  } finally {
    await client.shutdown();
  }
}

function cliCallers(config: string): string[] {
  const run = spawnSync(
    process.execPath,
    [bundle, 'calls', 'memremap_pages', '--root', root, '--config', config, '--json'],
    {
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-chcli-')) },
    },
  );
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout).calls.map((c: any) => `${c.function.name}${c.inactive ? ' (inactive)' : ''}`);
}

test('call hierarchy and workspace symbols: compiled first, the others last and marked; the CLI agrees', async () => {
  const on = await answersWith(path.join(root, 'zone-device-on.config'));
  assert.equal(on.roots[0], 'mm/memremap.c:3', on.roots.join(', '));
  assert.equal(on.roots.at(-1), 'include/linux/memremap.h:6 (inactive)', 'the #else stub last, marked');
  assert.deepEqual(on.callers.slice(-1), ['devmem_fallback (inactive)'], on.callers.join(', '));
  assert.deepEqual(on.callers.slice(0, -1).sort(), ['devmem_probe', 'devmem_setup', 'memremap_default']);
  assert.equal(on.symbols[0], 'mm/memremap.c:3', on.symbols.join(', '));
  assert.equal(on.symbols.at(-1), 'include/linux/memremap.h:6 (inactive)');
  // One entry per name first: the stub of memremap_pages stays after memremap_default, the other name.
  assert.deepEqual(on.names, ['memremap_pages', 'memremap_default', 'memremap_pages'], on.names.join(', '));

  const off = await answersWith(path.join(root, 'zone-device-off.config'));
  assert.deepEqual(off.callers.slice(-1), ['devmem_setup (inactive)'], off.callers.join(', '));
  assert.ok(!off.callers.slice(0, -1).some((c) => c.includes('inactive')), off.callers.join(', '));

  const all = await answersWith('all');
  assert.ok(!all.callers.some((c) => c.includes('inactive')), 'no configuration: nothing marked');
  assert.deepEqual([...on.callers.map((c) => c.replace(' (inactive)', ''))].sort(), [...all.callers].sort());

  assert.deepEqual(cliCallers(path.join(root, 'zone-device-on.config')), on.callers, 'kernel-mm-lens calls agrees');
  assert.deepEqual(cliCallers(path.join(root, 'zone-device-off.config')), off.callers);
});
