import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { PassThrough } from 'stream';
import { main } from '../../server/src/main';
import { findKernelTreeRoot } from '../../server/src/base/kernelVersion';

const fixtures = path.join(__dirname, '..', 'fixtures', 'knowledge');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (d) => {
    chunks.out += d;
  });
  err.on('data', (d) => {
    chunks.err += d;
  });
  const code = await main(argv, { out, err });
  return { code, ...chunks };
}

test('catalog --json prints every entry with name, kind, topics, summary, introduced, removed, replacement, threads, sources', async () => {
  const { code, out } = await run(['catalog', '--json']);
  assert.equal(code, 0);
  const entries = JSON.parse(out) as Array<Record<string, unknown>>;
  assert.ok(entries.length >= 150);
  for (const key of [
    'name',
    'kind',
    'topics',
    'summary',
    'introduced',
    'removed',
    'replacement',
    'threads',
    'sources',
  ]) {
    assert.ok(key in entries[0], `missing ${key}`);
  }
  const range = entries.find((e) => e.name === 'make_device_exclusive_range')!;
  assert.equal(range.removed, '6.15');
  assert.deepEqual((range.replacement as { symbols: string[] }).symbols, ['make_device_exclusive']);
  const thread = (range.threads as Array<{ url: string }>)[0];
  assert.match(thread.url, /^https:\/\/lore\.kernel\.org\/all\/[^/]+@[^/]+\/$/);
  const topic = await run(['catalog', '--json', '--topic', 'pfn-t']);
  const pfn = JSON.parse(topic.out) as Array<{ topics: string[] }>;
  assert.ok(pfn.length >= 15 && pfn.every((e) => e.topics.includes('pfn-t')));
});

test('hover FILE:LINE:COL prints the same Markdown, version from the Makefile or --kernel-version', async () => {
  const file = path.join(fixtures, 'tree-6.1', 'mm', 'rmap.c');
  // Line 15 is `int make_device_exclusive_range(...)`; column 6 is inside the name (1-based).
  const old = await run(['hover', `${file}:15:6`, '--no-index']);
  assert.equal(old.code, 0, old.err);
  assert.match(old.out, /^\*\*make\\_device\\_exclusive\\_range\*\*/);
  assert.match(
    old.out,
    /Status for this tree \(6\.1\):\*\* Exists in this tree \(6\.1\); removed upstream in 6\.15 — use `make_device_exclusive`/,
  );
  assert.doesNotMatch(old.out, /command:/, 'the terminal gets no editor command links');
  const forward = await run(['hover', `${file}:15:6`, '--no-index', '--kernel-version', '6.17']);
  assert.match(forward.out, /Not in 6\.17: was removed in 6\.15/);
  const nothing = await run(['hover', `${file}:1:1`, '--no-index']);
  assert.equal(nothing.code, 1);
  const bad = await run(['hover', 'no-position-here']);
  assert.equal(bad.code, 2);
  const missing = await run(['hover', `${path.join(fixtures, 'nope.c')}:1:1`]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read/);
});

test('the tree root is the nearest directory with a kernel Makefile', () => {
  assert.equal(findKernelTreeRoot(path.join(fixtures, 'tree-6.17', 'mm')), path.join(fixtures, 'tree-6.17'));
});
