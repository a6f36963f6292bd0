import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NameTable } from '../../server/src/indexing/nameTable';
import * as path from 'path';
import { sortDefinedNames, sortDefinedNamesOffThread, sortFolded } from '../../server/src/indexing/nameOrder';
import { startIndexWorker } from '../../server/src/indexing/workerPool';
import { buildIndexForTests } from '../../server/src/indexing/testing';

async function idiomsIndexData() {
  return (await buildIndexForTests(path.join(__dirname, '..', 'fixtures', 'idioms'))).data;
}

function randomNames(count: number, seed: number): string[] {
  const alphabet = 'abcdefgABCDEFG_01';
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const length = 1 + (seed % 11);
    let name = '';
    for (let c = 0; c < length; c++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      name += alphabet[(seed >>> 8) % alphabet.length];
    }
    out.push(name);
  }
  return out;
}

test('the radix sort of names orders exactly as the case-insensitive comparison', () => {
  const table = new NameTable();
  const tricky = [
    'snd_soc_dapm',
    'SND_SOC',
    'snd_soc',
    'Snd_Soc',
    'snd_so',
    'a',
    'A',
    'aaaa',
    'AAAA',
    'aaaaa',
    'aaaab',
    'aaaaB',
    '__x',
    '_',
    '$',
    'folio_walk_start',
    'folio_walk_end',
    'FOLIO',
  ];
  for (const name of [...tricky, ...randomNames(5000, 7)]) table.intern(name);
  const ids = Uint32Array.from({ length: table.size }, (_, id) => id);
  const expected = [...ids].sort((a, b) => table.compareFolded(a, b));
  const actual = [...sortFolded(ids.slice(), table)];
  assert.deepEqual(
    actual.map((id) => table.name(id)),
    expected.map((id) => table.name(id)),
  );
  assert.deepEqual(actual, expected, 'names equal but for case keep id order');
});

test('the radix sort recurses into long shared prefixes (register-style names) and still orders exactly', () => {
  const table = new NameTable();
  const prefixes = ['mmUVD_RBC_RB_', 'MMUVD_RBC_RB_', 'mmUVD_RBC_', 'regGCVM_L2_CNTL', 'snd_soc_dapm_widget_', '__'];
  for (const name of randomNames(6000, 11))
    table.intern(prefixes[name.length % prefixes.length] + name + (name.length > 6 ? name : ''));
  for (const name of [
    'mmUVD_RBC_RB_',
    'mmuvd_rbc_rb_',
    'mmUVD_RBC_RB_a',
    'mmUVD_RBC_RB_A',
    'mmUVD_RBC_RB_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1',
    'mmUVD_RBC_RB_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0',
  ])
    table.intern(name);
  const ids = Uint32Array.from({ length: table.size }, (_, id) => id);
  const expected = [...ids].sort((a, b) => table.compareFolded(a, b));
  const actual = [...sortFolded(ids.slice(), table)];
  assert.deepEqual(
    actual.map((id) => table.name(id)),
    expected.map((id) => table.name(id)),
  );
  assert.deepEqual(actual, expected);
});

test('names sharing a 200 kB prefix sort without exhausting the stack (was RangeError in RunSorter.sort)', () => {
  // Minimised from a fuzzed file: a handful of identifiers that differ only after a very long common prefix.
  const table = new NameTable();
  const prefix = 'x'.repeat(200_000);
  for (const suffix of ['c', 'B', 'a', 'b0', '']) table.intern(prefix + suffix);
  table.intern('y');
  const ids = Uint32Array.from({ length: table.size }, (_, id) => id);
  const sorted = [...sortFolded(ids, table)].map((id) => table.name(id).slice(200_000 - 1) || '(y)');
  assert.deepEqual(sorted, ['x', 'xa', 'xB', 'xb0', 'xc', '(y)']);
});

test('names interned from bytes and from strings get the same ids', () => {
  const table = new NameTable();
  const first = table.intern('folio_walk_start');
  assert.equal(table.name(first), 'folio_walk_start');
  assert.equal(
    table.internBytes(Buffer.from('int folio_walk_start(', 'latin1'), 4, 20),
    first,
    'bytes find the id of the string',
  );
  const bytes = Buffer.from('xxfolio_walkyy', 'latin1');
  const prefixId = table.internBytes(bytes, 2, 12);
  assert.equal(table.name(prefixId), 'folio_walk');
  assert.notEqual(prefixId, first);
  assert.equal(table.get('folio_walk'), prefixId);
  assert.equal(table.intern('folio_walk'), prefixId);
});

test('the cold-build name sort on a worker thread gives the order the main thread computes', async () => {
  const data = await idiomsIndexData();
  const log: string[] = [];
  const offThread = await sortDefinedNamesOffThread(data, (line) => log.push(line)).ready;
  assert.deepEqual(log, [], 'the worker did the work');
  const inThread = sortDefinedNames(data);
  assert.ok(inThread.length > 40);
  assert.deepEqual([...offThread], [...inThread]);
});

test('a sort worker started ahead (while the last batches are read) is used for the name sort', async () => {
  const data = await idiomsIndexData();
  const log: string[] = [];
  const ahead = startIndexWorker();
  ahead.unref();
  const sorted = await sortDefinedNamesOffThread(data, (line) => log.push(line), ahead).ready;
  assert.deepEqual(log, [], 'no fallback to the main thread');
  assert.deepEqual([...sorted], [...sortDefinedNames(data)]);
  const exited = await Promise.race([
    new Promise((resolve) => ahead.once('exit', () => resolve(true))),
    new Promise((resolve) => setTimeout(() => resolve(false), 5000).unref()),
  ]);
  assert.equal(ahead.threadId === -1 || exited, true, 'the worker is stopped once it has answered');
});

test('a table reserved larger than needed is persisted and reloaded at its own size, and still finds every name', () => {
  const table = new NameTable();
  table.reserve(6000); // 16,384 slots; 5,000 names would need 16,384 too, 3,000 only 8,192
  const names = randomNames(3000, 11);
  const ids = names.map((name) => table.intern(name));
  const saved = table.serialize();
  assert.equal(
    saved.slots.length,
    16384,
    'kept at twice the minimum: no rehash of millions of names at the end of a build',
  );
  const loaded = new NameTable(saved.bytes.slice(), saved.offsets.slice(), saved.slots.slice());
  names.forEach((name, k) => assert.equal(loaded.get(name), ids[k]));
  assert.equal(loaded.get('not_a_name_here'), undefined);
});
