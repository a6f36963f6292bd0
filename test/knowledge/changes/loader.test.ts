import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { changesDir, loadChangeCatalog } from '../../../server/src/knowledge/changes/changeCatalog';

/** A temporary changes folder with the shipped schema and the given YAML files. */
function folderWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-changes-'));
  fs.copyFileSync(path.join(changesDir(), 'changes.schema.json'), path.join(dir, 'changes.schema.json'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const good = `
series:
  - id: s1
    title: "a series"
    author: Someone
    release: { version: "6.15", basis: verified, source: "a pull request" }
changes:
  - id: c1
    series: s1
    subject: "mm: do a thing"
    topics: [rmap]
    symbols: [do_thing]
    summary: Does a thing in our own words.
    probes:
      - { defines: do_thing, in: [mm/thing.c] }
    sources: [a source]
`;

void test("a valid file loads, and a change inherits its series' release and author", () => {
  const catalog = loadChangeCatalog(folderWith({ 'a.yaml': good }));
  assert.deepEqual(catalog.problems, []);
  const change = catalog.byId('c1')!;
  assert.equal(change.release.version, '6.15');
  assert.equal(change.author, 'Someone');
  assert.equal(change.file, 'a.yaml');
  assert.deepEqual(
    catalog.touching('do_thing').map((c) => c.id),
    ['c1'],
  );
});

void test('bad changes are reported and skipped; the others still load', () => {
  const bad = `
changes:
  - id: no-release
    subject: "mm: something"
    commit: 0123456789ab
    topics: [rmap]
    symbols: [x]
    summary: Has no release and no series.
    probes: [{ defines: x }]
    sources: [a source]
  - id: unknown-series
    series: nope
    subject: "mm: other"
    topics: [rmap]
    symbols: [x]
    summary: Names a series that does not exist.
    probes: [{ defines: x }]
    sources: [a source]
  - id: bad-pattern
    subject: "mm: third"
    commit: 0123456789ab
    release: { basis: pending, source: "posted" }
    topics: [rmap]
    symbols: [x]
    summary: Its pattern has no literal token.
    probes: [{ function: f, contains: "$_" }]
    sources: [a source]
  - id: two-kinds
    subject: "mm: fourth"
    commit: 0123456789ab
    release: { basis: pending, source: "posted" }
    topics: [rmap]
    symbols: [x]
    summary: A probe with two questions at once.
    probes: [{ defines: x, lacks: y }]
    sources: [a source]
  - id: path-escape
    subject: "mm: fifth"
    commit: 0123456789ab
    release: { basis: pending, source: "posted" }
    topics: [rmap]
    symbols: [x]
    summary: A probe that names a path outside the tree.
    probes: [{ file: ../etc/passwd }]
    sources: [a source]
  - id: verified-without-version
    subject: "mm: sixth"
    commit: 0123456789ab
    release: { basis: verified, source: "a pull" }
    topics: [rmap]
    symbols: [x]
    summary: Claims a verified release without naming it.
    probes: [{ defines: x }]
    sources: [a source]
`;
  const catalog = loadChangeCatalog(
    folderWith({ 'a.yaml': good, 'b.yaml': bad, 'c.yaml': 'changes: [unterminated', 'd.yaml': 'just: text\n' }),
  );
  assert.deepEqual(
    catalog.changes.map((c) => c.id),
    ['c1'],
  );
  const messages = catalog.problems.map((p) => `${p.file}: ${p.message}`).join('\n');
  for (const expected of [
    /b\.yaml: .*no-release: no release/,
    /unknown-series: unknown series 'nope'/,
    /bad-pattern: .*no literal token/,
    /two-kinds: /,
    /path-escape: .*must match pattern/,
    /verified-without-version: .*version/,
    /c\.yaml: invalid YAML/,
    /d\.yaml: expected a top-level `changes:` list/,
  ]) {
    assert.match(messages, expected);
  }
});

void test('a duplicate id is reported once and the first one kept', () => {
  const catalog = loadChangeCatalog(
    folderWith({ 'a.yaml': good, 'b.yaml': good.replace('id: s1', 'id: s2').replace('series: s1', 'series: s2') }),
  );
  assert.equal(catalog.changes.length, 1);
  assert.equal(catalog.changes[0].file, 'a.yaml');
  assert.match(catalog.problems[0].message, /id already used in a\.yaml/);
});

void test('a missing folder or schema is a problem, not a crash', () => {
  const missing = loadChangeCatalog(path.join(os.tmpdir(), 'kml-no-such-dir-for-changes'));
  assert.equal(missing.changes.length, 0);
  assert.ok(missing.problems.length >= 1);
});
