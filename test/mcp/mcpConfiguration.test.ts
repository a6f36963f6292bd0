/**
 * The MCP server with a kernel configuration (issue 24): `kernel-mm-lens mcp --config FILE` (or the tree's .config)
 * orders the call hierarchy and the definitions as `kernel-mm-lens calls --config FILE` and the editor do, and marks
 * what the configuration does not compile. Hand-written tree test/fixtures/config-rank: memremap_pages has a
 * definition in mm/memremap.c (built only with CONFIG_ZONE_DEVICE) and an #else stub in its header; its callers are
 * compiled with ZONE_DEVICE on (devmem_setup) or off (devmem_fallback).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ConfigurationStatusNotification, IndexStatusNotification, Requests } from '../../protocol';
import { LspTestClient } from '../protocol/lspClient';

const fixture = path.join(__dirname, '..', 'fixtures', 'config-rank');
const bundle = path.join(__dirname, '..', '..', 'dist', 'server.js');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-mcp-config-'));
const cacheDir = path.join(scratch, 'cache');
const OFF = path.join(fixture, 'zone-device-off.config');
const ON = path.join(fixture, 'zone-device-on.config');
const clients: Client[] = [];

after(async () => {
  for (const client of clients) await client.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function agent(root: string, extra: string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bundle, 'mcp', '--root', root, '--cache-dir', cacheDir, ...extra],
    stderr: 'pipe',
  });
  const client = new Client({ name: 'kernel-mm-lens-config-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
  const result: any = await client.callTool({ name, arguments: args });
  assert.notEqual(result.isError, true, `${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent;
}

/** One edge as both surfaces say it: function, file:line, how reached, whether the configuration compiles it. */
const edge = (name: string, file: string, line: number, via: string | undefined, inactive: string | undefined) =>
  `${name} ${file}:${line} ${via ?? 'direct'}${inactive ? ` inactive(${inactive})` : ''}`;

function cliEdges(root: string, name: string, config: string[], outgoing = false): string[] {
  const run = spawnSync(
    process.execPath,
    [bundle, 'calls', name, '--root', root, '--cache-dir', cacheDir, '--json', ...config].concat(
      outgoing ? ['--outgoing'] : [],
    ),
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout).calls.map((c: any) =>
    edge(c.function.name, c.function.file, c.function.line, c.via, c.inactive),
  );
}

async function mcpEdges(client: Client, name: string, direction: 'incoming' | 'outgoing'): Promise<string[]> {
  const result = await call(client, 'call_hierarchy', { symbol: name, direction, limit: 200 });
  return result.items.map((c: any) => edge(c.function.name, c.function.file, c.function.line, c.via, c.inactive));
}

/**
 * Go to Definition in the editor, from the call in memremap_default (the header), under a configuration; and the
 * same server's find_definition tool (VS Code's language-model tools ask it through kernelMmLens/agentTool).
 */
async function lspDefinitions(kernelConfig: string): Promise<{ locations: string[]; tool: string[] }> {
  const client = new LspTestClient(fixture);
  try {
    await client.initialize({ cacheDir: path.join(scratch, 'lsp-cache'), kernelConfig });
    await client.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
    await client.waitForNotification(ConfigurationStatusNotification.method, (status) => status.mode === 'config');
    const file = 'include/linux/memremap.h';
    const text = fs.readFileSync(path.join(fixture, file), 'utf8');
    client.open(file, text);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('return memremap_pages('));
    const locations = await client.request('textDocument/definition', {
      textDocument: { uri: client.uri(file) },
      position: { line, character: lines[line].indexOf('memremap_pages') + 2 },
    });
    const tool = await client.request(Requests.agentTool.method, {
      name: 'find_definition',
      input: { symbol: 'memremap_pages' },
    });
    assert.ok(tool.ok, JSON.stringify(tool));
    return {
      locations: locations.map(
        (l: any) => `${path.relative(fixture, new URL(l.uri).pathname)}:${l.range.start.line + 1}`,
      ),
      tool: tool.result.items.map((d: any) => `${d.file}:${d.line}${d.inactive ? ` inactive(${d.inactive})` : ''}`),
    };
  } finally {
    await client.shutdown();
  }
}

test('mcp --config: call_hierarchy gives the edges, order and marks of kernel-mm-lens calls --config', async () => {
  for (const config of [OFF, ON]) {
    const client = await agent(fixture, ['--config', config]);
    const incoming = await mcpEdges(client, 'memremap_pages', 'incoming');
    assert.deepEqual(incoming, cliEdges(fixture, 'memremap_pages', ['--config', config]), path.basename(config));
    const marked = incoming.filter((e) => e.includes(' inactive('));
    assert.ok(marked.length > 0 && marked.length < incoming.length, incoming.join('\n'));
    assert.ok(
      incoming.findIndex((e) => e.includes(' inactive(')) === incoming.length - marked.length,
      `compiled callers first: ${incoming.join('\n')}`,
    );
    // ZONE_DEVICE off: devmem_setup's #ifdef branch is out and devmem_fallback (#ifndef) is in; on, the reverse.
    const setup = incoming.find((e) => e.startsWith('devmem_setup '));
    const fallback = incoming.find((e) => e.startsWith('devmem_fallback '));
    if (config === OFF) {
      assert.match(setup ?? '', /inactive\(config off: #ifdef CONFIG_ZONE_DEVICE/);
      assert.doesNotMatch(fallback ?? 'missing inactive(', /inactive\(/);
    } else {
      assert.doesNotMatch(setup ?? 'missing inactive(', /inactive\(/);
      assert.match(fallback ?? '', /inactive\(/);
    }
    const outgoing = await mcpEdges(client, 'devmem_probe', 'outgoing');
    assert.deepEqual(outgoing, cliEdges(fixture, 'devmem_probe', ['--config', config], true));
    const answer = await call(client, 'call_hierarchy', { symbol: 'memremap_pages', direction: 'incoming' });
    assert.match(answer.configuration, new RegExp(path.basename(config).replace('.', '\\.')));
  }
});

test('mcp --config: find_definition puts the live definition first, as Go to Definition does, and marks the rest', async () => {
  const off = await agent(fixture, ['--config', OFF]);
  const on = await agent(fixture, ['--config', ON]);
  const all = await agent(fixture, ['--config', 'all']);
  const items = async (client: Client) =>
    (await call(client, 'find_definition', { symbol: 'memremap_pages' })).items.map(
      (d: any) => `${d.file}:${d.line}${d.inactive ? ` inactive(${d.inactive})` : ''}`,
    );
  const [offItems, onItems, allItems] = [await items(off), await items(on), await items(all)];
  // Off: the #else stub is the live one; mm/memremap.c is not built (mm/Makefile obj-$(CONFIG_ZONE_DEVICE)).
  assert.equal(offItems[0], 'include/linux/memremap.h:7', offItems.join('\n'));
  assert.ok(
    offItems.some((d: string) => /^mm\/memremap\.c:4 inactive\(not built: mm\/Makefile:3/.test(d)),
    offItems.join('\n'),
  );
  assert.equal(onItems[0], 'mm/memremap.c:4', onItems.join('\n'));
  assert.match(onItems.find((d: string) => d.startsWith('include/linux/memremap.h:7')) ?? '', /inactive\(#else/);
  assert.ok(
    allItems.every((d: string) => !d.includes('inactive(')),
    'all configurations: nothing marked',
  );
  assert.deepEqual([...offItems.map(stripMark)].sort(), [...allItems].sort(), 'reordered, never dropped');
  // The first definition is the editor's first under the same configuration; the editor's agent tool says the same.
  for (const [config, mcpItems] of [
    [OFF, offItems],
    [ON, onItems],
  ] as const) {
    const editor = await lspDefinitions(config);
    assert.equal(stripMark(mcpItems[0]), editor.locations[0], path.basename(config));
    assert.deepEqual(editor.tool, mcpItems, `kernelMmLens/agentTool find_definition, ${path.basename(config)}`);
  }
});

const stripMark = (item: string) => item.replace(/ inactive\(.*$/, '');

test("mcp without --config uses the tree's .config, as calls and the editor do; a missing --config file is refused", async () => {
  const tree = path.join(scratch, 'tree-with-config');
  fs.cpSync(fixture, tree, { recursive: true });
  fs.copyFileSync(OFF, path.join(tree, '.config'));
  const client = await agent(tree, []);
  const incoming = await mcpEdges(client, 'memremap_pages', 'incoming');
  assert.deepEqual(incoming, cliEdges(tree, 'memremap_pages', ['--config', OFF]));
  assert.ok(
    incoming.some((e) => e.includes(' inactive(')),
    incoming.join('\n'),
  );

  const refused = spawnSync(
    process.execPath,
    [bundle, 'mcp', '--root', fixture, '--config', path.join(scratch, 'no-such.config')],
    {
      encoding: 'utf8',
      input: '',
      timeout: 30_000,
    },
  );
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--config .*no-such\.config: no such file/);
});
