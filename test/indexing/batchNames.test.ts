import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchNames } from '../../server/src/indexing/batchNames';
import { nameHashes } from '../../server/src/parsing/nameHash';
import { KEYWORD_COUNT } from '../../server/src/parsing/extractionSink';
import { NameTable } from '../../server/src/indexing/nameTable';
import { C_KEYWORDS, tokenize, TokenKind } from '../../server/src/parsing/lexer';
import { BatchPacker } from '../../server/src/indexing/batchPacker';
import { extractText } from '../../server/src/indexing/fileExtraction';

test('string hashes of a name are the ones the lexer computes for it', () => {
  const stream = tokenize('static int folio_walk_start(struct folio_walk *fw, $x, _a9);');
  let identifiers = 0;
  for (let i = 0; i < stream.count; i++) {
    if (stream.kind[i] !== TokenKind.Identifier) continue;
    identifiers++;
    const name = stream.tokenText(i);
    assert.deepEqual(nameHashes(name), [stream.hash[i], stream.hash2[i]], name);
    const table = new NameTable();
    assert.equal(
      stream.hash[i] >>> 0,
      table.hashOf(table.intern(name)),
      "the first hash is the whole-tree table's FNV-1a",
    );
  }
  assert.equal(identifiers, 8);
});

test('a batch table gives keywords the lowest ids and every other name one id, through growth', () => {
  const names = new BatchNames();
  assert.equal(names.size, KEYWORD_COUNT);
  assert.equal(names.intern('struct'), [...C_KEYWORDS].indexOf('struct'));
  const many = Array.from({ length: 200_000 }, (_, k) => `name_${k.toString(36)}`);
  const ids = many.map((name) => names.intern(name));
  assert.equal(new Set(ids).size, many.length);
  assert.ok(ids.every((id) => id >= KEYWORD_COUNT));
  // After the table grew several times, every name still finds its own id, from a string or a text range.
  many.forEach((name, k) => assert.equal(names.intern(name), ids[k]));
  const text = `x ${many[123_456]} y`;
  const [h, h2] = nameHashes(many[123_456]);
  assert.equal(names.internRange(text, 2, 2 + many[123_456].length, h, h2), ids[123_456]);
  assert.equal(names.name(ids[99_999]), many[99_999]);

  // What goes to the main thread: bytes and end offsets in id order, with the FNV-1a of each name.
  const list = names.finish();
  assert.equal(list.ends.length, names.size);
  const table = new NameTable();
  for (let id = 0, start = 0; id < list.ends.length; start = list.ends[id++]) {
    assert.equal(table.internBytes(list.bytes, start, list.ends[id]), id, 'hashed by the table itself');
    assert.equal(list.hashes[id] >>> 0, table.hashOf(id));
  }
  assert.equal(table.name(ids[42]), many[42]);

  names.reset();
  assert.equal(names.size, KEYWORD_COUNT, 'a reset keeps only the keywords');
  assert.equal(names.intern('name_0'), KEYWORD_COUNT);
});

test("names of many files in one batch: the worker's name-id cache gives the ids the batch table gives", () => {
  const packer = new BatchPacker();
  packer.startBatch();
  // A small file, a file with more distinct names than its cache is sized for, and the small file again.
  const small = 'static int shared_helper(int a) { return other_helper(a) + shared_helper(a - 1); }\n';
  const crowded = Array.from({ length: 3000 }, (_, k) => `int v${k} = w${k} + shared_helper(${k});`).join('\n');
  const files = [small, crowded, small];
  const identsOf: string[][] = [];
  files.forEach((text, index) => {
    packer.add(index, extractText(`f${index}.c`, text, undefined, packer.collector), true);
  });
  const batch = packer.finishBatch();
  const nameOf = (id: number) =>
    Buffer.from(batch.nameBytes.subarray(id === 0 ? 0 : batch.nameEnds[id - 1], batch.nameEnds[id])).toString('latin1');
  let at = 0;
  for (const file of batch.files) {
    identsOf.push([...batch.idents.subarray(at, at + file.identCount)].map(nameOf));
    at += file.identCount;
  }
  assert.deepEqual(identsOf[0], ['shared_helper', 'a', 'other_helper']);
  assert.deepEqual(identsOf[2], identsOf[0], 'the same file later in the batch gets the same names');
  assert.equal(identsOf[1].length, 6001, 'v*, w* and shared_helper: many names share cache entries');
  assert.equal(new Set(identsOf[1]).size, identsOf[1].length);
  assert.ok(identsOf[1].includes('w2999') && identsOf[1].includes('shared_helper'));
  assert.equal(
    new Set([...batch.nameEnds].map((_, id) => nameOf(id))).size,
    batch.nameEnds.length,
    'every name once in the batch',
  );

  // The next batch starts a new table: nothing the caches remember from the last one may leak into it.
  packer.startBatch();
  packer.add(
    0,
    extractText('g.c', 'int zeta(void) { return shared_helper(1) + other_helper(2); }', undefined, packer.collector),
    true,
  );
  const next = packer.finishBatch();
  const nextName = (id: number) =>
    Buffer.from(next.nameBytes.subarray(id === 0 ? 0 : next.nameEnds[id - 1], next.nameEnds[id])).toString('latin1');
  assert.deepEqual([...next.idents].map(nextName), ['zeta', 'shared_helper', 'other_helper']);
});
