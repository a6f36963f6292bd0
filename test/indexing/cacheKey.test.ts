import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { EXTRACTOR_DATA_FILES, extractorFingerprint } from '../../server/src/parsing/extractorFingerprint';
import { dataDir } from '../../server/src/base/paths';

function tinyTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-key-'));
  fs.mkdirSync(path.join(root, 'mm'));
  fs.writeFileSync(path.join(root, 'mm', 'a.c'), 'int demo_a(void) { return 0; }\n');
  fs.writeFileSync(path.join(root, 'mm', 'b.c'), 'PAGEFLAG(Demo, demo, PF_ANY)\n');
  return root;
}

async function build(root: string, cacheDir: string, fingerprint: string, log: string[] = []) {
  const result = await buildIndex({
    root,
    cacheDir,
    maxFileSize: 1 << 20,
    workers: 1,
    extractorFingerprint: fingerprint,
    log: (line) => log.push(line),
  });
  assert.ok(result.index);
  return result;
}

void test('the extractor fingerprint follows the text of every data file the extractors read', () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-data-'));
  for (const name of EXTRACTOR_DATA_FILES) fs.copyFileSync(path.join(dataDir(), name), path.join(copy, name));
  const original = extractorFingerprint(copy);
  assert.equal(extractorFingerprint(copy), original, 'stable for the same data');
  assert.equal(original, extractorFingerprint(dataDir()));
  for (const name of EXTRACTOR_DATA_FILES) {
    const file = path.join(copy, name);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${text}# an edit\n`);
    assert.notEqual(extractorFingerprint(copy), original, `${name} is part of the fingerprint`);
    fs.writeFileSync(file, text);
  }
});

void test('a cache built by another extractor or other data is re-extracted, even for unchanged files', async () => {
  const root = tinyTree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-cache-'));
  const first = await build(root, cacheDir, 'extractor-a');
  assert.equal(first.stats.parsed, 2);
  const same = await build(root, cacheDir, 'extractor-a');
  assert.equal(same.stats.fromCache, 2, 'same extractor: every unchanged file from the cache');
  const log: string[] = [];
  const other = await build(root, cacheDir, 'extractor-b', log);
  assert.equal(other.stats.fromCache, 0, 'another extractor: nothing from the cache');
  assert.equal(other.stats.parsed, 2);
  assert.ok(
    log.some((line) => /another extractor/.test(line)),
    log.join('\n'),
  );
  assert.deepEqual(
    other.index!.findDefinitions('folio_test_demo').map((d) => d.file),
    ['mm/b.c'],
  );
});
