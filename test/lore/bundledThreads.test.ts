import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { loadBundledThreads, threadsDataDir } from '../../server/src/lore/bundledThreads';

const dir = threadsDataDir();
const schema = JSON.parse(fs.readFileSync(path.join(dir, 'threads.schema.json'), 'utf8'));
const yamlFiles = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

test('every bundled thread file validates against threads.schema.json', () => {
  assert.ok(yamlFiles.length >= 4);
  const validate = new Ajv({ allErrors: true }).compile(schema);
  for (const name of yamlFiles) {
    const ok = validate(parseYaml(fs.readFileSync(path.join(dir, name), 'utf8')));
    assert.ok(ok, `${name}: ${JSON.stringify(validate.errors, null, 2)}`);
  }
});

test('the schema rejects what it should (angle brackets in ids, unknown relation, missing sources)', () => {
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const message = {
    messageId: 'a@b',
    subject: 'subj',
    author: 'An Author',
    date: '2025-01-01',
    symbols: [],
    point: 'a point here',
    sources: ['seed 000'],
  };
  const wrap = (m: object) => ({ series: [{ id: 'x', series: 'a series', version: 1, messages: [m] }] });
  assert.equal(validate(wrap(message)), true);
  assert.equal(validate(wrap({ ...message, messageId: '<a@b>' })), false);
  assert.equal(validate(wrap({ ...message, symbols: [{ symbol: 'foo', relation: 'liked' }] })), false);
  assert.equal(validate(wrap({ ...message, sources: [] })), false);
  assert.equal(validate(wrap({ ...message, date: '30 Jan 2025' })), false);
});

test('Message-IDs are unique, replies point at known messages or stay unset, every series has its cover listed', () => {
  const index = loadBundledThreads((line) => assert.fail(line));
  const all = index.series.flatMap((s) => s.messages);
  assert.equal(index.byMessageId.size, all.length);
  for (const series of index.series) {
    if (series.coverMessageId)
      assert.ok(index.byMessageId.has(series.coverMessageId), `${series.id}: cover ${series.coverMessageId}`);
    for (const message of series.messages) {
      if (message.inReplyTo)
        assert.ok(
          index.byMessageId.has(message.inReplyTo),
          `${message.messageId} replies to unknown ${message.inReplyTo}`,
        );
    }
  }
});

test('every thread the catalog cites is in the bundled index (same Message-ID spelling)', (t) => {
  const catalogDir = path.join(dir, '..', 'catalog');
  if (!fs.existsSync(catalogDir)) {
    t.skip('no catalog yet');
    return;
  }
  const index = loadBundledThreads(() => undefined);
  const cited = new Set<string>();
  for (const name of fs.readdirSync(catalogDir).filter((n) => n.endsWith('.yaml'))) {
    const text = fs.readFileSync(path.join(catalogDir, name), 'utf8');
    for (const match of text.matchAll(/messageId:\s*['"]?([^\s'"]+)/g)) cited.add(match[1]);
  }
  assert.ok(cited.size > 0);
  for (const id of cited) {
    assert.doesNotMatch(id, /[<>]/);
    assert.ok(index.byMessageId.has(id), `catalog cites ${id}, which server/data/threads does not know`);
  }
});

test('a malformed data file is logged and skipped; the others still load', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-threads-'));
  try {
    fs.copyFileSync(path.join(dir, yamlFiles[0]), path.join(tmp, 'good.yaml'));
    fs.writeFileSync(path.join(tmp, 'broken.yaml'), 'series: [ {id: x, messages: [\n');
    fs.writeFileSync(
      path.join(tmp, 'wrong.yaml'),
      'series:\n  - id: y\n    series: s\n    messages:\n      - messageId: only-an-id@x\n',
    );
    const logs: string[] = [];
    const index = loadBundledThreads((line) => logs.push(line), tmp);
    assert.ok(index.byMessageId.size > 0);
    assert.ok(logs.some((l) => l.includes('broken.yaml') && l.includes('invalid YAML')));
    assert.ok(logs.some((l) => l.includes('wrong.yaml') && l.includes('malformed message')));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
