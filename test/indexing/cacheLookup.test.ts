// The warm-start index that answers from the cache file with positioned reads must answer exactly like the full
// in-memory index, and a damaged cache must give an error or nothing, never a hang or a wrong crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { cacheFileFor, CacheError } from '../../server/src/indexing/cacheStore';
import { CacheLookupIndex } from '../../server/src/indexing/cacheLookup';
import type { Definition } from '../../server/src/indexing/types';

const fixture = path.join(__dirname, '..', 'fixtures', 'index-tree');

async function cachedFixture() {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lookup-'));
  const built = await buildIndex({ root: fixture, cacheDir, maxFileSize: 1 << 20, workers: 1, rebuild: true });
  assert.ok(built.index);
  return { cacheDir, cacheFile: cacheFileFor(cacheDir, fixture), full: built.index };
}

const shape = (definitions: Definition[]) =>
  definitions.map((d) => ({
    name: d.name,
    kind: d.kind,
    file: d.file,
    nameRange: d.nameRange,
    range: d.range,
    container: d.container,
    isDeclaration: d.isDeclaration,
    isStatic: d.isStatic,
    arch: d.arch,
    signature: d.signature,
  }));

test('answers every name, file and prefix of the fixture like the full index', async () => {
  const { cacheDir, cacheFile, full } = await cachedFixture();
  const lookup = CacheLookupIndex.open(cacheFile, fixture);
  try {
    const names = new Set<string>();
    for (const file of full.data.files) for (const d of full.definitionsInFile(file)) names.add(d.name);
    assert.ok(names.size > 20, `${names.size} names`);
    for (const name of [...names, 'CONFIG_ZONE_DEVICE', 'CONFIG_ARCH_HAS_PTE_DEVMAP', 'no_such_name']) {
      assert.deepEqual(shape(lookup.findDefinitions(name)), shape(full.findDefinitions(name)), name);
      assert.deepEqual(shape(lookup.findDeclarations(name)), shape(full.findDeclarations(name)), name);
      assert.deepEqual(lookup.filesMentioning(name).sort(), full.filesMentioning(name).sort(), name);
    }
    for (const file of full.data.files)
      assert.deepEqual(shape(lookup.definitionsInFile(file)), shape(full.definitionsInFile(file)), file);
    // definitionAt / functionAt / findDefinitions with a kind filter (issue 16's navigation) answer alike
    let positioned = 0;
    for (const file of full.data.files) {
      for (const d of full.definitionsInFile(file)) {
        const { line, character } = d.nameRange.start;
        assert.deepEqual(
          shape([lookup.definitionAt(file, d.name, line, character)].filter((x) => x !== undefined)),
          shape([full.definitionAt(file, d.name, line, character)].filter((x) => x !== undefined)),
          `${file}:${line}:${character} ${d.name}`,
        );
        positioned++;
        for (const at of [d.range.start.line, d.range.end.line, d.range.end.line + 1])
          assert.deepEqual(
            shape([lookup.functionAt(file, d.name, at)].filter((x) => x !== undefined)),
            shape([full.functionAt(file, d.name, at)].filter((x) => x !== undefined)),
            `functionAt ${file}:${at} ${d.name}`,
          );
      }
    }
    assert.ok(positioned > 20);
    assert.equal(lookup.definitionAt(full.data.files[0], 'no_such_name', 0, 0), undefined);
    const functionsOnly = (kind: string) => kind === 'function';
    for (const name of names)
      assert.deepEqual(
        shape(lookup.findDefinitions(name, functionsOnly)),
        shape(full.findDefinitions(name, functionsOnly)),
        name,
      );
    for (const prefix of ['folio_walk', 'PMD', 'make_dev']) {
      const fromFull = full
        .searchSymbols(prefix, { limit: 50 })
        .filter((d) => d.name.toLowerCase().startsWith(prefix.toLowerCase()));
      assert.deepEqual(shape(lookup.searchSymbols(prefix, { limit: 50 })), shape(fromFull), prefix);
    }
    // completion's names (issue 18) from the cache: the same names in the same order as the full index
    for (const prefix of ['folio', 'f', 'PMD', 'pmd_', 'make_dev', 'CONFIG', 'no_such_prefix', '']) {
      const expected = full.namesWithPrefix(prefix, 40);
      assert.deepEqual(lookup.namesWithPrefix(prefix, 40), expected, prefix);
      if (prefix === 'folio' || prefix === 'f') assert.ok(expected.length > 1, `${prefix}: ${expected.join(', ')}`);
    }
    assert.deepEqual(lookup.namesWithPrefix('f', 2), full.namesWithPrefix('f', 2));
    const stats = lookup.stats();
    assert.equal(stats.files, full.stats().files);
    assert.equal(stats.symbols, full.stats().symbols);
    assert.equal(stats.references, full.stats().references);
    assert.deepEqual(stats.skippedByReason, full.stats().skippedByReason);
  } finally {
    lookup.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

// Regression (issue 16): on the 6.12 tree the first references request of a warm start waited for the whole cache
// to be read and the tree checked (19.4 s in one bench run); the warm-start index now reads the occurrence store.
test('references come from the occurrence store without waiting for the full index, as the full index gives them', async () => {
  const { cacheDir, cacheFile, full } = await cachedFixture();
  let waited = 0;
  const lookup = CacheLookupIndex.open(cacheFile, fixture, {
    fullIndex: () => {
      waited++;
      return Promise.resolve(full);
    },
  });
  try {
    const names = new Set<string>();
    for (const file of full.data.files) for (const d of full.definitionsInFile(file)) names.add(d.name);
    let compared = 0;
    for (const name of [...names, 'no_such_name']) {
      for (const firstFile of [undefined, ...full.filesMentioning(name)]) {
        const expected = await full.findReferences(name, { firstFile });
        assert.deepEqual(await lookup.findReferences(name, { firstFile }), expected, `${name} from ${firstFile}`);
        assert.deepEqual(
          await lookup.findReferences(name, { firstFile, limit: 2 }),
          await full.findReferences(name, { firstFile, limit: 2 }),
          `${name} limit 2`,
        );
        compared += expected.length;
      }
    }
    assert.ok(compared > 100, `${compared} references compared`);
    assert.equal(waited, 0, 'no references request waited for the full index');
    assert.ok(lookup.storedAnswers > 20);
    // CONFIG_ names are also spelled without the prefix in Kconfig files (re-read: they have no block).
    for (const name of ['CONFIG_ZONE_DEVICE', 'CONFIG_ARCH_HAS_PTE_DEVMAP']) {
      const expected = await full.findReferences(name);
      assert.ok(
        expected.some((reference) => reference.file.endsWith('Kconfig')),
        name,
      );
      assert.deepEqual(await lookup.findReferences(name), expected, name);
    }
    assert.equal(waited, 0);
  } finally {
    lookup.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('references wait for the full index when the occurrence store is gone', async () => {
  const { cacheDir, cacheFile, full } = await cachedFixture();
  for (const name of fs.readdirSync(path.dirname(cacheFile)))
    if (name.startsWith('occurrences-')) fs.rmSync(path.join(path.dirname(cacheFile), name));
  let waited = 0;
  const lookup = CacheLookupIndex.open(cacheFile, fixture, {
    fullIndex: () => {
      waited++;
      return Promise.resolve(full);
    },
  });
  try {
    const expected = await full.findReferences('folio_walk_start');
    assert.ok(expected.length > 0);
    assert.deepEqual(await lookup.findReferences('folio_walk_start'), expected);
    assert.equal(waited, 1);
  } finally {
    lookup.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('a foreign, truncated or scrambled cache gives a CacheError or no answer, never a hang', async () => {
  const { cacheDir, cacheFile } = await cachedFixture();
  try {
    assert.throws(() => CacheLookupIndex.open(cacheFile, '/some/other/tree'), CacheError);
    const bytes = fs.readFileSync(cacheFile);
    const truncated = path.join(cacheDir, 'truncated.bin');
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    assert.throws(() => CacheLookupIndex.open(truncated, fixture), CacheError);
    fs.writeFileSync(truncated, bytes.subarray(0, 10));
    assert.throws(() => CacheLookupIndex.open(truncated, fixture), CacheError);
    // Every byte after the header flipped: answers may be wrong (the CRC of the full read catches that) but each
    // query ends, with a result or a CacheError.
    const scrambled = Buffer.from(bytes);
    const headerEnd = 16 + scrambled.readUInt32LE(12);
    for (let k = headerEnd + 64; k < scrambled.length; k += 7) scrambled[k] ^= 0xa5;
    const file = path.join(cacheDir, 'scrambled.bin');
    fs.writeFileSync(file, scrambled);
    let lookup: CacheLookupIndex | undefined;
    try {
      lookup = CacheLookupIndex.open(file, fixture);
    } catch (err) {
      assert.ok(err instanceof CacheError, String(err));
    }
    for (const name of ['folio_walk_start', 'pmd_devmap', 'x'])
      for (const query of [
        () => lookup?.findDefinitions(name),
        () => lookup?.filesMentioning(name),
        () => lookup?.searchSymbols(name),
        () => lookup?.findReferences(name),
      ]) {
        try {
          await query();
        } catch (err) {
          assert.ok(err instanceof CacheError || err instanceof RangeError || err instanceof TypeError, String(err));
        }
      }
    lookup?.close();
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
