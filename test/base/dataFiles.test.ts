import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forgetShippedData, readDataFolder, shippedData } from '../../server/src/base/dataFiles';
import { shippedDiagrams } from '../../server/src/diagrams/loader';
import { getCatalog } from '../../server/src/knowledge/catalog';

test('a data folder is read in name order, each file parsed or with its problem', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-data-'));
  try {
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'entries: [1, 2]\n');
    fs.writeFileSync(path.join(dir, 'a.yml'), 'key: [unclosed\n');
    fs.writeFileSync(path.join(dir, 'c.yaml'), 'x: '.repeat(300_000));
    fs.mkdirSync(path.join(dir, 'd.yaml'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not data\n');
    const { files, problem } = readDataFolder(dir, 'examples');
    assert.equal(problem, undefined);
    assert.deepEqual(
      files.map((file) => file.name),
      ['a.yml', 'b.yaml', 'c.yaml', 'd.yaml'],
    );
    assert.match((files[0] as { problem: string }).problem, /^invalid YAML: /);
    assert.deepEqual((files[1] as { document: unknown }).document, { entries: [1, 2] });
    assert.match((files[2] as { problem: string }).problem, /^file is 900000 bytes, more than/);
    assert.equal((files[3] as { problem: string }).problem, 'not a regular file');
    assert.match(readDataFolder(path.join(dir, 'missing'), 'examples').problem ?? '', /cannot list examples/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('shipped data is loaded once per process, and again after forgetShippedData', () => {
  let loads = 0;
  const data = shippedData(() => ({ load: ++loads }));
  assert.equal(data.get(), data.get());
  assert.equal(loads, 1);
  forgetShippedData();
  assert.deepEqual(data.get(), { load: 2 });
  // The diagram request and the code lenses share one load of the diagrams; the catalog likewise.
  assert.equal(shippedDiagrams(), shippedDiagrams());
  assert.ok(shippedDiagrams().diagrams.length > 0);
  assert.equal(getCatalog(), getCatalog());
});
