#!/usr/bin/env node
// Latency of the MCP tools as an agent sees it: starts `kernel-mm-lens mcp --root TREE` from the bundle, talks to it
// with the SDK's client over stdio, waits for the index (the first find_definition), then calls each tool ROUNDS
// times on a spread of mm symbols and prints p50/p99/max per tool (milliseconds, client-side round trip), after
// one first call per tool that is reported apart.
// Usage: node scripts/mcp-latency.mjs TREE [--rounds N] [--cache-dir DIR] [--patch FILE [--previous FILE]] [--json FILE]
// One run per number you report; on a shared machine read the numbers as same-run ratios.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const k = argv.indexOf(`--${name}`);
  return k >= 0 ? argv[k + 1] : fallback;
};
const tree = argv[0] && !argv[0].startsWith('--') ? resolve(argv[0]) : undefined;
if (!tree) {
  console.error('usage: node scripts/mcp-latency.mjs TREE [--rounds N] [--cache-dir DIR] [--patch FILE] [--json FILE]');
  process.exit(2);
}
const rounds = Number(option('rounds', '50'));
const serverArgs = [join(here, '..', 'bin', 'kernel-mm-lens.js'), 'mcp', '--root', tree];
if (option('cache-dir')) serverArgs.push('--cache-dir', resolve(option('cache-dir')));

const SYMBOLS = [
  'folio_walk_start',
  'make_device_exclusive',
  'pte_offset_map_lock',
  'pmd_devmap',
  'try_to_migrate',
  'hmm_range_fault',
  'dax_layout_busy_page',
  'folio_lock',
  'vm_normal_page',
  'migrate_vma_setup',
];

const transport = new StdioClientTransport({ command: process.execPath, args: serverArgs, stderr: 'pipe' });
transport.stderr?.on('data', (chunk) => process.stderr.write(chunk));
const client = new Client({ name: 'mcp-latency', version: '1.0.0' });
const started = performance.now();
await client.connect(transport);
const connected = performance.now();
await client.listTools();
const first = await client.callTool({ name: 'find_definition', arguments: { symbol: 'folio_walk_start' } });
if (first.isError) throw new Error(first.content[0].text);
const ready = performance.now();

async function time(name, args) {
  const t = performance.now();
  const result = await client.callTool({ name, arguments: args });
  const ms = performance.now() - t;
  if (result.isError) throw new Error(`${name} ${JSON.stringify(args)}: ${result.content[0].text}`);
  return { ms, result: result.structuredContent };
}

const calls = {
  explain_symbol: (s) => ({ symbol: s }),
  find_definition: (s) => ({ symbol: s }),
  find_references: (s) => ({ symbol: s, limit: 50 }),
  call_hierarchy: (s) => ({ symbol: s, direction: 'incoming', limit: 50 }),
  review_threads: (s) => ({ symbol: s }),
};
// The first call of each tool is reported apart (it may load data); the samples are the warm calls after it.
const firstCall = {};
for (const [name, args] of Object.entries(calls)) firstCall[name] = Math.round((await time(name, args(SYMBOLS[1]))).ms);
const samples = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, args] of Object.entries(calls)) {
    const symbol = SYMBOLS[round % SYMBOLS.length];
    (samples[name] ??= []).push((await time(name, args(symbol))).ms);
  }
}
const lintRounds = Math.max(3, Math.floor(rounds / 10));
for (let round = 0; round < lintRounds; round++) {
  (samples.lint ??= []).push((await time('lint', { path: 'mm/rmap.c' })).ms);
}
let review;
if (option('patch')) {
  const patch = readFileSync(resolve(option('patch')), 'utf8');
  const previous = option('previous') ? readFileSync(resolve(option('previous')), 'utf8') : undefined;
  const { ms, result } = await time('review_patch', { patch, ...(previous ? { previous } : {}) });
  samples.review_patch = [ms];
  review = {
    ms: Math.round(ms),
    patches: result.result.patches.map((p) => ({ subject: p.subject, hunks: p.hunks })),
    findings: result.result.findings.map(
      (f) => `${f.severity} ${f.rule} ${f.file}:${f.line} (patch line ${f.patchLine})`,
    ),
    symbols: result.result.symbols.map((s) => `${s.name} [${s.relations.join(',')}] ${s.status}`),
    threads: result.result.threads.length,
    versions: {
      added: result.result.versions.added.map((p) => p.subject),
      dropped: result.result.versions.dropped.map((p) => p.subject),
      changed: result.result.versions.changed.map((p) => p.current.subject),
      unchanged: result.result.versions.unchanged.map((p) => p.current.subject),
      possiblyUnaddressed: result.result.versions.possiblyUnaddressed.map(
        (u) => `${u.author}: ${u.quoted.join(' / ')}`,
      ),
    },
  };
}
const incoming = await time('call_hierarchy', { symbol: 'folio_walk_start', direction: 'incoming', limit: 200 });
const explain = await time('explain_symbol', { symbol: 'make_device_exclusive' });
await client.close();

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const report = {
  tree,
  rounds,
  startMs: Math.round(connected - started),
  indexReadyMs: Math.round(ready - connected),
  firstCallMs: firstCall,
  tools: Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [
      name,
      {
        n: values.length,
        p50: +quantile(values, 0.5).toFixed(1),
        p99: +quantile(values, 0.99).toFixed(1),
        max: +Math.max(...values).toFixed(1),
      },
    ]),
  ),
  folioWalkStartCallers: incoming.result.total,
  makeDeviceExclusive: {
    releases: explain.result.facts?.releases?.map((r) => `${r.release} ${r.what ?? ''}`.trim()),
    status: explain.result.facts?.status?.text,
    sources: explain.result.facts?.sources?.length,
  },
  review,
};
console.log(JSON.stringify(report, null, 2));
if (option('json')) writeFileSync(resolve(option('json')), JSON.stringify(report, null, 2));
