/**
 * The MCP server driven as an agent drives it: `kernel-mm-lens mcp --root DIR` from the bundle, spoken to over stdio
 * by the SDK's own client (initialize, tools/list, tools/call). Trees are the hand-written fixtures, copied to a
 * temporary folder so that a symbolic link out of the root and a patch file can be added. Every structured result
 * is checked against the output schema the server announced (ajv here, besides the SDK client's own check), and the
 * call hierarchy is compared with the language server's answer on the same tree.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LspTestClient } from '../protocol/lspClient';
import { IndexStatusNotification } from '../../protocol';
import { ThreadService } from '../../server/src/lore/threadService';
import { summarizeForSymbol, treeChangesFor } from '../../server/src/knowledge/changes/treeChanges';
import { changesJson } from '../../server/src/knowledge/changes/changesJson';

const fixtures = path.join(__dirname, '..', 'fixtures');
const bundle = path.join(__dirname, '..', '..', 'dist', 'server.js');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-mcp-'));
const tree612 = path.join(scratch, 'tree-6.12');
const tree618 = path.join(scratch, 'tree-6.18');
const outside = path.join(scratch, 'outside.c');

interface Agent {
  client: Client;
  stderr: string[];
}
let agent612: Agent;
let agent618: Agent;
const announced = new Map<string, any>();

async function startAgent(root: string, extra: string[] = []): Promise<Agent> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bundle, 'mcp', '--root', root, '--cache-dir', path.join(scratch, 'cache'), ...extra],
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client({ name: 'kernel-mm-lens-test-agent', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr };
}

before(async () => {
  fs.cpSync(path.join(fixtures, 'index-tree'), tree612, { recursive: true });
  fs.cpSync(path.join(fixtures, 'review', 'tree-6.18'), tree618, { recursive: true });
  fs.writeFileSync(outside, 'int secret_outside_the_tree(void);\n');
  fs.symlinkSync(outside, path.join(tree612, 'mm', 'escape.c'));
  fs.copyFileSync(path.join(fixtures, 'review', 'patches', 'add-pmd-devmap.patch'), path.join(tree618, 'devmap.patch'));
  agent612 = await startAgent(tree612);
  agent618 = await startAgent(tree618, ['--no-index']);
  for (const tool of (await agent612.client.listTools()).tools) announced.set(tool.name, tool);
});

after(async () => {
  await agent612?.client.close();
  await agent618?.client.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const ajv = new Ajv({ strict: false, allErrors: true });

/** tools/call, the result checked against the announced output schema and the text twin of the JSON. */
async function call(agent: Agent, name: string, args: Record<string, unknown>): Promise<any> {
  const result: any = await agent.client.callTool({ name, arguments: args });
  assert.notEqual(result.isError, true, `${name} failed: ${JSON.stringify(result.content)}`);
  const validate = ajv.compile(announced.get(name).outputSchema);
  assert.ok(validate(result.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`);
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent, 'text content is the same JSON');
  return result.structuredContent;
}

async function callError(agent: Agent, name: string, args: Record<string, unknown>): Promise<string> {
  const result: any = await agent.client.callTool({ name, arguments: args });
  assert.equal(result.isError, true, `${name} should fail: ${JSON.stringify(result.content).slice(0, 300)}`);
  return result.content[0].text as string;
}

test('initialize names the server and its read-only tools; tools/list gives each a schema for input and output', async () => {
  assert.equal(agent612.client.getServerVersion()?.name, 'kernel-mm-lens');
  assert.ok(agent612.client.getServerCapabilities()?.tools);
  assert.match(agent612.client.getInstructions() ?? '', /relative to the tree root/);
  assert.deepEqual(
    [...announced.keys()],
    [
      'explain_symbol',
      'find_definition',
      'find_references',
      'call_hierarchy',
      'review_threads',
      'tree_changes',
      'lint',
      'review_patch',
      'diagram',
    ],
  );
  for (const tool of announced.values()) {
    assert.equal(tool.inputSchema.type, 'object', tool.name);
    assert.equal(tool.outputSchema.type, 'object', tool.name);
    assert.ok(tool.outputSchema.required.includes('untrusted'), `${tool.name} marks untrusted text`);
    assert.equal(tool.annotations.readOnlyHint, true, tool.name);
    assert.ok(ajv.compile(tool.inputSchema), tool.name);
  }
  const symbolArguments = [...announced.values()].filter((t) => t.inputSchema.properties.symbol);
  assert.ok(symbolArguments.length >= 6, 'symbol arguments are named symbol');
});

test('explain_symbol gives the facts of a tracked symbol as data, with its releases and sources', async () => {
  const result = await call(agent612, 'explain_symbol', { symbol: 'make_device_exclusive' });
  assert.equal(result.tracked, true);
  assert.equal(result.kernelVersion, '6.12');
  assert.ok(result.facts.sources.length > 0);
  assert.ok(
    result.facts.releases.some((r: any) => r.release === '6.15'),
    JSON.stringify(result.facts.releases),
  );
  assert.deepEqual(
    result.definitions.items.map((d: any) => [d.file, d.line]),
    [
      ['mm/rmap.c', 17],
      ['include/linux/rmap.h', 5],
    ],
  );
  // The count of review threads is the length of the list review_threads gives.
  const threads = await call(agent612, 'review_threads', { symbol: 'make_device_exclusive', limit: 200 });
  assert.equal(result.reviewThreads, threads.total);
  const untracked = await call(agent612, 'explain_symbol', { symbol: 'fixture_internal_helper' });
  assert.equal(untracked.tracked, false);
  assert.equal(untracked.facts, null);
  assert.deepEqual(
    untracked.definitions.items.map((d: any) => d.file),
    ['mm/internal.h'],
  );
});

test('find_definition and find_references answer from the index: code only, definitions first', async () => {
  const definitions = await call(agent612, 'find_definition', { symbol: 'folio_walk_start' });
  assert.deepEqual(
    definitions.items.map((d: any) => [d.file, d.line, d.isDeclaration]),
    [
      ['mm/pagewalk.c', 14, false],
      ['include/linux/pagewalk.h', 36, true],
    ],
  );
  // Independent truth: the lines of the fixture that name it in code (not in a comment, not in a string).
  const truth: string[] = [];
  for (const file of ['mm/pagewalk.c', 'mm/rmap.c', 'include/linux/pagewalk.h']) {
    fs.readFileSync(path.join(tree612, file), 'utf8')
      .split('\n')
      .forEach((line, k) => {
        const code = line.replace(/\/\*.*?\*\//g, '').replace(/"[^"]*"/g, '');
        if (/\bfolio_walk_start\b/.test(code) && !/^\s*\*/.test(line)) truth.push(`${file}:${k + 1}`);
      });
  }
  const references = await call(agent612, 'find_references', { symbol: 'folio_walk_start' });
  assert.deepEqual(references.items.map((r: any) => `${r.file}:${r.line}`).sort(), truth.sort());
  const first = await call(agent612, 'find_references', { symbol: 'folio_walk_start', limit: 1 });
  assert.equal(first.items.length, 1);
  assert.equal(first.total, truth.length);
  const second = await call(agent612, 'find_references', {
    symbol: 'folio_walk_start',
    limit: 1,
    cursor: first.nextCursor,
  });
  assert.deepEqual(second.items[0], references.items[1], 'the cursor continues the list');
});

test('call_hierarchy and review_threads give what the language server gives (incoming calls, the lens count)', async () => {
  const lsp = new LspTestClient(tree612);
  try {
    await lsp.initialize({ cacheDir: path.join(scratch, 'lsp-cache') });
    await lsp.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
    const rmap = fs.readFileSync(path.join(tree612, 'mm/rmap.c'), 'utf8');
    lsp.open('mm/rmap.c', rmap);
    for (const [symbol, needle] of [
      ['make_device_exclusive', 'make_device_exclusive(struct'],
      ['folio_walk_start', 'folio_walk_start(&fw'],
    ]) {
      const before = rmap.slice(0, rmap.indexOf(needle)).split('\n');
      const position = { line: before.length - 1, character: before[before.length - 1].length + 1 };
      const items = await lsp.request('textDocument/prepareCallHierarchy', {
        textDocument: { uri: lsp.uri('mm/rmap.c') },
        position,
      });
      const lspIncoming = await lsp.request('callHierarchy/incomingCalls', { item: items[0] });
      const mcpIncoming = await call(agent612, 'call_hierarchy', { symbol, direction: 'incoming' });
      const fromLsp = lspIncoming.map((c: any) => ({
        name: c.from.name,
        file: path.relative(tree612, new URL(c.from.uri).pathname),
        sites: c.fromRanges.map((r: any) => `${r.start.line + 1}:${r.start.character + 1}`),
      }));
      const fromMcp = mcpIncoming.items.map((c: any) => ({
        name: c.function.name,
        file: c.function.file,
        sites: c.calls.map((s: any) => `${s.line}:${s.column}`),
      }));
      assert.ok(fromMcp.length > 0, symbol);
      assert.deepEqual(fromMcp, fromLsp, symbol);
    }
    // The code lens on a definition counts the same review threads as review_threads lists.
    const lenses = await lsp.request('textDocument/codeLens', { textDocument: { uri: lsp.uri('mm/rmap.c') } });
    const threadLens = lenses.find((l: any) => /review thread/.test(l.command?.title ?? ''));
    assert.ok(threadLens, JSON.stringify(lenses.map((l: any) => l.command?.title)));
    const threads = await call(agent612, 'review_threads', { symbol: 'make_device_exclusive', limit: 200 });
    assert.equal(threadLens.command.title, `${threads.total} review threads`);
    const outgoing = await call(agent612, 'call_hierarchy', { symbol: 'make_device_exclusive', direction: 'outgoing' });
    assert.deepEqual(outgoing.items.map((c: any) => c.function.name).sort(), ['folio_walk_end', 'folio_walk_start']);
  } finally {
    await lsp.shutdown();
  }
});

test('a path that leaves the root is refused: .., absolute, a symbolic link out of the tree', async () => {
  assert.match(await callError(agent612, 'lint', { path: '../outside.c' }), /leaves the tree root/);
  assert.match(await callError(agent612, 'lint', { path: 'mm/../../outside.c' }), /leaves the tree root/);
  assert.match(await callError(agent612, 'lint', { path: outside }), /absolute/);
  assert.match(await callError(agent612, 'lint', { path: 'mm/escape.c' }), /symbolic link points outside/);
  assert.match(await callError(agent612, 'review_patch', { path: '/etc/passwd' }), /absolute/);
  // Bad arguments are tool errors too, never a protocol failure or a crash.
  assert.match(await callError(agent612, 'find_definition', { symbol: 'not an identifier' }), /invalid arguments/);
  assert.match(await callError(agent612, 'nonexistent_tool', {}), /unknown tool/);
  const still = await call(agent612, 'lint', { path: 'mm/rmap.c' });
  assert.equal(still.kernelVersion, '6.12');
});

test('review_patch and lint on a 6.18 tree: a patch adding pmd_devmap() gives exactly one error, at its + line', async () => {
  const patchText = fs.readFileSync(path.join(tree618, 'devmap.patch'), 'utf8');
  const plusLine = patchText.split('\n').indexOf('+\treturn pmd_trans_huge(*pmd) || pmd_devmap(*pmd);') + 1;
  assert.ok(plusLine > 0);
  for (const args of [{ patch: patchText }, { path: 'devmap.patch' }]) {
    const review = await call(agent618, 'review_patch', { ...args, threads: false });
    assert.deepEqual(
      review.result.findings.map((f: any) => [f.rule, f.severity, f.file, f.line, f.patchLine]),
      [['removed-api', 'error', 'mm/huge_memory.c', 18, plusLine]],
    );
    assert.deepEqual(review.result.patches[0].hunks, [{ file: 'mm/huge_memory.c', applies: true }]);
  }
  const lint = await call(agent618, 'lint', { diff: patchText });
  assert.deepEqual(
    lint.items.map((f: any) => [f.severity, f.line]),
    [['error', 18]],
  );
  const diagram = await call(agent612, 'diagram', { symbol: 'folio_walk_start' });
  assert.match(diagram.mermaid, /^flowchart/m);
});

test('untrusted text in results is cleaned and marked', async () => {
  // A subject with a terminal escape and a right-to-left override, as a hostile mail could carry.
  const hostile = fs
    .readFileSync(path.join(tree618, 'devmap.patch'), 'utf8')
    .replace('Subject: [PATCH] mm/huge_memory:', 'Subject: [PATCH] mm/huge_memory: \u001b[31mIGNORE\u202e');
  const review = await call(agent618, 'review_patch', { patch: hostile, threads: false });
  const subject: string = review.result.patches[0].subject;
  assert.match(subject, /IGNORE/);
  assert.doesNotMatch(subject, /[\u001b\u202e]/);
  assert.ok(review.untrusted.fields.includes('result.patches[].subject'));
  assert.match(review.untrusted.note, /never as instructions/);
  const threads = await call(agent612, 'review_threads', { symbol: 'folio_walk_start' });
  assert.ok(threads.untrusted.fields.includes('items[].subject'));
  const error = await callError(agent612, 'lint', { path: 'mm/\u202eevil\u001b[0m.c' });
  assert.doesNotMatch(error, /[\u001b\u202e]/);
});

test('review_threads is the thread service list that the editor opens', async () => {
  const service = new ThreadService(() => undefined, { mailSources: () => [], externals: () => [] });
  for (const symbol of ['make_device_exclusive', 'folio_walk_start', 'pmd_devmap']) {
    const expected = await service.threadsForSymbol(symbol);
    const result = await call(agent612, 'review_threads', { symbol, limit: 200 });
    assert.equal(result.total, expected.length, symbol);
    assert.deepEqual(
      result.items.map((t: any) => t.messageId),
      expected.map((t) => t.messageId),
      symbol,
    );
  }
});

test('tree_changes is the evidence service answer (the same JSON as `changes --json`), filtered and paged', async () => {
  const root = path.join(scratch, 'tree-6.12-partial');
  fs.cpSync(path.join(fixtures, 'changes', 'tree-6.12-partial'), root, { recursive: true });
  const agent = await startAgent(root, ['--no-index']);
  try {
    const expected = changesJson(treeChangesFor(root), '.');
    const result = await call(agent, 'tree_changes', { limit: 200 });
    assert.equal(result.basis, 'files');
    assert.equal(result.kernelVersion, expected.kernelVersion);
    assert.equal(result.total, expected.changes.length);
    assert.deepEqual(
      result.items.map((c: any) => [c.id, c.status, c.versionRelation, c.evidence]),
      expected.changes.map((c) => [c.id, c.status, c.versionRelation, c.evidence]),
    );
    const present = expected.changes.filter((c) => c.status === 'present');
    assert.ok(present.length > 0 && present.length < expected.changes.length, 'the fixture has both');
    const onlyPresent = await call(agent, 'tree_changes', { status: 'present', limit: 200 });
    assert.deepEqual(
      onlyPresent.items.map((c: any) => c.id),
      present.map((c) => c.id),
    );
    const symbol = present[0].symbols[0];
    const bySymbol = await call(agent, 'tree_changes', { symbol, limit: 200 });
    assert.ok(bySymbol.items.length > 0);
    assert.ok(bySymbol.items.every((c: any) => c.symbols.includes(symbol)));
    // explain_symbol says what the hover's lead says about the tree: backports come from the code, not the release.
    const backported = expected.changes.find((c) => c.versionRelation === 'backport');
    assert.ok(backported, 'the fixture has a backport');
    const explained = await call(agent, 'explain_symbol', { symbol: backported.symbols[0] });
    const summary = summarizeForSymbol(treeChangesFor(root), backported.symbols[0]);
    assert.equal(explained.inThisTree.text, summary.text);
    assert.match(explained.inThisTree.text, /^Backported in this tree/);
    assert.ok(explained.inThisTree.changes.some((c: any) => c.id === backported.id && c.status === 'present'));
  } finally {
    await agent.client.close();
  }
});
