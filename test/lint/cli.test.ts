import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { runLintCli } from './runLintCli';

const fixtures = path.join(__dirname, '..', 'fixtures', 'lint');
const oldTree = path.join(fixtures, 'old-tree');
const newTree = path.join(fixtures, 'new-tree');
// The official SARIF 2.1.0 (rtm.5) JSON schema, as shipped in the MIT-licensed @microsoft/jest-sarif package.
const sarifSchemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

describe('kernel-mm-lens lint (CLI)', () => {
  it('text: gcc-style lines relative to the tree root; a 6.17 tree fails with errors', async () => {
    const { code, out, err } = await runLintCli(newTree);
    assert.equal(code, 1);
    assert.deepEqual(
      out
        .trim()
        .split('\n')
        .map((line) => line.replace(/: (error|note|warning): .*\[/, ': $1: [')),
      [
        'mm/Kconfig:3:9: error: [removed-api:devmap-kconfig]',
        'mm/sample.c:1:10: error: [removed-api:pfn-t-header]',
        'mm/sample.c:5:9: error: [removed-api:devmap-pxx-test]',
        'mm/sample.c:5:47: error: [removed-api:swp-device-exclusive-types]',
      ],
    );
    assert.match(out, /mm\/sample\.c:5:9: error: `pmd_devmap\(\)` was removed in 6\.17: /);
    assert.match(err, /3 files checked against 6\.17: 4 error/);
  });

  it('an old (6.1) tree gets notes and exits 0, unless --fail-on information', async () => {
    const normal = await runLintCli(oldTree);
    assert.equal(normal.code, 0);
    assert.match(
      normal.out,
      /mm\/sample\.c:5:9: note: `pmd_devmap\(\)` is removed upstream in 6\.17; when forward-porting/,
    );
    // uses are information in the tree's own version (definitions only hints)
    assert.equal((await runLintCli('--fail-on', 'information', oldTree)).code, 1);
    assert.equal((await runLintCli('--fail-on', 'warning', oldTree)).code, 0);
  });

  it('--kernel-version overrides the Makefile; --severity tunes a rule code', async () => {
    assert.equal((await runLintCli('--kernel-version', '6.17', oldTree)).code, 1);
    const relaxed = await runLintCli('--severity', 'removed-api=warning', newTree);
    assert.equal(relaxed.code, 0);
    assert.match(relaxed.out, /: warning: /);
    assert.equal((await runLintCli('--severity', 'removed-api=warning', '--fail-on', 'warning', newTree)).code, 1);
  });

  it('json: an array of findings with the documented fields', async () => {
    const { code, out } = await runLintCli('--format', 'json', path.join(newTree, 'mm', 'sample.c'));
    assert.equal(code, 1);
    const findings = JSON.parse(out);
    assert.equal(findings.length, 3);
    const devmap = findings.find((f: { symbol: string }) => f.symbol === 'pmd_devmap');
    const { message, replacement, href, ...fields } = devmap;
    assert.deepEqual(fields, {
      file: 'mm/sample.c',
      line: 5,
      column: 9,
      endLine: 5,
      endColumn: 19,
      symbol: 'pmd_devmap',
      rule: 'removed-api',
      ruleId: 'devmap-pxx-test',
      severity: 'error',
      removedIn: '6.17',
      context: 'code',
    });
    assert.match(message, /^`pmd_devmap\(\)` was removed in 6\.17/);
    assert.match(replacement, /pmd_trans_huge/);
    assert.match(href, /^https:\/\/lore\.kernel\.org\/all\//);
    const swp = findings.find((f: { symbol: string }) => f.symbol === 'SWP_DEVICE_EXCLUSIVE_WRITE');
    assert.deepEqual(swp.fix.edits, [
      { line: 5, column: 47, endLine: 5, endColumn: 73, newText: 'SWP_DEVICE_EXCLUSIVE' },
    ]);
  });

  it('sarif: a valid SARIF 2.1.0 log (official schema) with rules, regions and fixes', async () => {
    const { code, out } = await runLintCli('--format', 'sarif', newTree);
    assert.equal(code, 1);
    const log = JSON.parse(out) as {
      version: string;
      runs: Array<{ results: any[]; tool: { driver: { rules: Array<{ id: string }> } } }>;
    };
    // unicodeRegExp off: the schema's language pattern has a stray ']' that only non-unicode regexes accept.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(sarifSchemaPath, 'utf8')));
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const run0 = log.runs[0];
    assert.equal(log.version, '2.1.0');
    assert.equal(run0.results.length, 4);
    const result = run0.results.find((r: { ruleId: string }) => r.ruleId === 'removed-api/devmap-pxx-test');
    assert.equal(run0.tool.driver.rules[result.ruleIndex].id, 'removed-api/devmap-pxx-test');
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: 'mm/sample.c', uriBaseId: 'SRCROOT' },
      region: { startLine: 5, startColumn: 9, endLine: 5, endColumn: 19 },
    });
    const kconfig = run0.results.find((r: { ruleId: string }) => r.ruleId === 'removed-api/devmap-kconfig');
    assert.deepEqual(kconfig.fixes[0].artifactChanges[0].replacements[0], {
      deletedRegion: { startLine: 3, startColumn: 1, endLine: 4, endColumn: 1 },
      insertedContent: { text: '' },
    });
    // The validator really checks: a log without the required version fails.
    assert.equal(validate({ ...log, version: undefined }), false);
  });

  it('usage errors exit 2 with a message', async () => {
    for (const argv of [
      ['--format', 'xml', newTree],
      ['--fail-on', 'fatal', newTree],
      ['--kernel-version', 'six', newTree],
      [],
      [path.join(newTree, 'nope')],
      ['--severity', 'x', newTree],
    ]) {
      const { code, err } = await runLintCli(...argv);
      assert.equal(code, 2, argv.join(' '));
      assert.match(err, /kernel-mm-lens lint: /);
    }
  });
});

describe('kernel-mm-lens lint: walking hostile directories', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-walk-'));
    fs.mkdirSync(path.join(dir, 'mm'));
    fs.mkdirSync(path.join(dir, 'drivers', 'staging'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'mm', 'a.c'), 'int a(pmd_t p) { return pmd_devmap(p); }\n');
    fs.writeFileSync(path.join(dir, 'drivers', 'staging', 'b.c'), 'int b(pte_t p) { return pte_devmap(p); }\n');
    fs.writeFileSync(
      path.join(dir, 'mm', 'blob.h'),
      Buffer.concat([Buffer.from('pfn_t x;'), Buffer.alloc(16), Buffer.from('pfn_t y;')]),
    );
    fs.writeFileSync(path.join(dir, 'mm', 'huge.h'), `${'/* filler */\n'.repeat(200)}pfn_t big;\n`);
    fs.writeFileSync(path.join(dir, 'mm', 'notes.txt'), 'pmd_devmap(x)\n');
    fs.symlinkSync('..', path.join(dir, 'mm', 'loop'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lints C files, skips binary, huge, excluded and non-source files, survives a symlink loop', async () => {
    const { code, out, err } = await runLintCli(
      '--kernel-version',
      '6.17',
      '--max-file-size',
      '1000',
      '--exclude',
      'drivers/staging/**',
      dir,
    );
    assert.equal(code, 1);
    assert.deepEqual(
      out
        .trim()
        .split('\n')
        .map((line) => line.split(': ')[0]),
      ['mm/a.c:1:25'],
    );
    assert.match(err, /skipped .*mm\/blob\.h: binary \(NUL bytes\)/);
    assert.match(err, /skipped .*mm\/huge\.h: larger than the size limit \(\d+ > 1000 bytes\)/);
    assert.match(err, /skipped .*loop: a symbolic link loop/);
    assert.doesNotMatch(err, /staging|notes\.txt/);
    const withStaging = await runLintCli('--kernel-version', '6.17', '--quiet', dir);
    assert.match(withStaging.out, /drivers\/staging\/b\.c:1:25: error: `pte_devmap\(\)`/);
    assert.equal(withStaging.err, '');
  });

  it('the same result with the prefilter in worker threads', async () => {
    const inline = await runLintCli('--kernel-version', '6.17', '--quiet', '--jobs', '0', dir);
    const threaded = await runLintCli('--kernel-version', '6.17', '--quiet', '--jobs', '2', dir);
    assert.equal(threaded.out, inline.out);
    assert.ok(inline.out.length > 0);
  });
});
