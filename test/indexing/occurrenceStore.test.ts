import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import type { TreeIndex } from '../../server/src/indexing/treeIndex';
import type { Reference } from '../../server/src/indexing/types';

const fixtures = path.join(__dirname, '..', 'fixtures');

/** A copy of the fixture trees in one temporary tree (both idioms and the small kernel layout). */
function fixtureTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-occ-'));
  fs.cpSync(path.join(fixtures, 'index-tree'), root, { recursive: true });
  fs.cpSync(path.join(fixtures, 'idioms'), path.join(root, 'idioms'), { recursive: true });
  return root;
}

async function build(
  root: string,
  cacheDir: string | undefined,
  log: string[] = [],
  rebuild = false,
): Promise<TreeIndex> {
  const result = await buildIndex({
    root,
    cacheDir,
    maxFileSize: 1 << 20,
    workers: 2,
    rebuild,
    log: (line) => log.push(line),
  });
  return result.index!;
}

const key = (r: Reference) =>
  `${r.file}:${r.range.start.line}:${r.range.start.character}-${r.range.end.character} call=${r.isCall} def=${r.isDefinition} pp=${r.inPreprocessor} in=${r.enclosingFunction ?? '-'}`;

async function allReferences(index: TreeIndex): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let id = 0; id < index.data.names.size; id++) {
    const name = index.data.names.name(id);
    const references = await index.findReferences(name);
    if (references.length > 0) out.set(name, references.map(key));
  }
  return out;
}

test('references read from the occurrence store are exactly those found by re-lexing the files', async () => {
  const root = fixtureTree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-occ-cache-'));
  const stored = await build(root, cacheDir);
  const relexed = await build(root, undefined);
  assert.ok(stored.data.occurrenceStore, 'a build with a cache folder writes a store');
  assert.ok([...stored.data.fileOccOffset].filter((o) => o >= 0).length >= 8, 'C files have blocks');
  assert.equal(relexed.data.occurrenceStore, undefined);
  const fromStore = await allReferences(stored);
  const fromSources = await allReferences(relexed);
  assert.ok(fromSources.size > 150, `many names compared (${fromSources.size})`);
  assert.deepEqual(fromStore, fromSources);
  // The enclosing function and the call flag survive the round trip (what incoming calls rely on).
  const calls = (await stored.findReferences('make_device_exclusive')).filter((r) => r.isCall && !r.isDefinition);
  assert.deepEqual(
    calls.map((r) => [r.file, r.enclosingFunction]),
    [['lib/test_hmm.c', 'dmirror_exclusive']],
  );

  // Warm start from the cache: same answers, still from the store.
  const warm = await build(root, cacheDir);
  assert.equal(warm.data.occurrenceStore?.generation, stored.data.occurrenceStore?.generation);
  assert.deepEqual(await allReferences(warm), fromSources);
});

test('a damaged, truncated or foreign occurrence store is reported once and references come from the sources', async () => {
  const root = fixtureTree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-occ-cache-'));
  const expected = (await (await build(root, undefined)).findReferences('folio_walk_start')).map(key);
  assert.ok(expected.length >= 3);
  await build(root, cacheDir);
  const storeFile = (await build(root, cacheDir)).data.occurrenceStore!.path;
  const original = fs.readFileSync(storeFile);

  const damages: Array<[string, (bytes: Buffer) => Buffer, RegExp]> = [
    ['truncated', (bytes) => bytes.subarray(0, bytes.length - 100), /expected .* \(truncated or rewritten\)/],
    [
      'foreign generation',
      (bytes) => {
        const copy = Buffer.from(bytes);
        copy.write('0123456789abcdef', 16, 'latin1');
        return copy;
      },
      /another index build/,
    ],
    [
      'garbage header',
      (bytes) => {
        const copy = Buffer.from(bytes);
        copy.fill(0x41, 0, 8);
        return copy;
      },
      /not an occurrence store/,
    ],
    [
      'corrupt blocks',
      (bytes) => {
        const copy = Buffer.from(bytes);
        for (let k = 48; k < copy.length; k += 4) copy.writeUInt32LE(0xdeadbeef, k);
        return copy;
      },
      /does not match the index/,
    ],
  ];
  for (const [what, damage, message] of damages) {
    fs.writeFileSync(storeFile, damage(original));
    const log: string[] = [];
    const index = await build(root, cacheDir, log);
    const first = (await index.findReferences('folio_walk_start')).map(key);
    const second = (await index.findReferences('folio_walk_start')).map(key);
    assert.deepEqual(first, expected, what);
    assert.deepEqual(second, expected, what);
    const lines = log.filter((line) => line.startsWith('occurrence store'));
    assert.equal(lines.length, 1, `${what}: one clear line (${log.join(' | ')})`);
    assert.match(lines[0], message, what);
  }
  fs.rmSync(storeFile);
  const log: string[] = [];
  const index = await build(root, cacheDir, log);
  assert.deepEqual((await index.findReferences('folio_walk_start')).map(key), expected, 'missing store');
  assert.match(log.find((line) => line.startsWith('occurrence store')) ?? '', /cannot open it \(ENOENT\)/);

  // A rebuild writes a new store and the index uses it again.
  const rebuilt = await build(root, cacheDir, [], true);
  assert.ok(rebuilt.occurrences?.usable);
  assert.deepEqual((await rebuilt.findReferences('folio_walk_start')).map(key), expected);
});

test('an edited file is answered from its new text, the others from the store', async () => {
  const root = fixtureTree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-occ-cache-'));
  const index = await build(root, cacheDir);
  const before = (await index.findReferences('folio_walk_start')).map((r) => r.file);
  const rmap = fs.readFileSync(path.join(root, 'mm', 'rmap.c'), 'utf8');
  index.updateFile('mm/rmap.c', `${rmap}\nint extra_caller(void) { return folio_walk_start(0, 0, 0, 0) != 0; }\n`);
  const after = await index.findReferences('folio_walk_start');
  assert.equal(after.length, before.length + 1);
  assert.deepEqual(
    after.filter((r) => r.enclosingFunction === 'extra_caller').map((r) => r.file),
    ['mm/rmap.c'],
  );
});
