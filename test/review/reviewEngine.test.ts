import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import { main } from '../../server/src/main';
import { captureIo } from '../captureIo';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import { patchInputFromFiles, patchInputFromText } from '../../server/src/review/patchInput';
import { reviewPatches } from '../../server/src/review/reviewEngine';

const fixtures = path.join(__dirname, '..', 'fixtures', 'review');
const tree618 = path.join(fixtures, 'tree-6.18');
const patchFile = (name: string) => path.join(fixtures, 'patches', name);

/** 1-based lines of `file` whose text contains `needle`. */
function linesWith(file: string, needle: string): number[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.includes(needle) ? [i + 1] : []));
}

async function review(file: string, version = '6.18', options: { noTree?: boolean } = {}) {
  return reviewPatches(patchInputFromFiles([file]), {
    root: options.noTree ? undefined : tree618,
    version: parseKernelVersion(version),
  });
}

test('an added pmd_devmap() on a 6.18 tree is exactly one error, at the + line; context and removed uses are silent', async () => {
  const file = patchFile('add-pmd-devmap.patch');
  const { result } = await review(file);
  // The patch carries pmd_devmap on a removed line, pud_devmap on a context line and pmd_devmap on one + line.
  const plus = linesWith(file, '+\treturn pmd_trans_huge(*pmd) || pmd_devmap(*pmd);');
  assert.equal(plus.length, 1);
  assert.ok(linesWith(file, '-#define demo_pmd_special(pmd)\tpmd_devmap(pmd)').length === 1);
  assert.ok(linesWith(file, ' \tif (pud_trans_huge(*pud) || pud_devmap(*pud))').length === 1);
  assert.deepEqual(
    result.findings.map((f) => [f.rule, f.severity, f.file, f.line, f.patchLine]),
    [['removed-api', 'error', 'mm/huge_memory.c', 18, plus[0]]],
  );
  // The post-image line is where the + line lands in the tree after the patch.
  const after = fs.readFileSync(path.join(tree618, 'mm/huge_memory.c'), 'utf8').split('\n');
  assert.equal(after[21 - 1], '\treturn pmd_trans_huge(*pmd);', 'the tree itself is never written');
  assert.match(result.findings[0].message, /pmd_devmap\(\)` was removed in 6\.17/);
  assert.deepEqual(Object.keys(result), ['patches', 'findings', 'symbols', 'threads', 'versions']);
  assert.deepEqual(Object.keys(result.findings[0]).sort(), [
    'file',
    'line',
    'message',
    'patchFile',
    'patchLine',
    'rule',
    'severity',
  ]);
  assert.deepEqual(result.patches, [
    {
      subject: '[PATCH] mm/huge_memory: treat devmap PMDs as huge in demo_pmd_is_huge()',
      version: 1,
      patchId: result.patches[0].patchId,
      hunks: [{ file: 'mm/huge_memory.c', applies: true }],
    },
  ]);
  assert.match(result.patches[0].patchId ?? '', /^[0-9a-f]{40}$/);
});

test('the same added line on a tree before the removal is advice, not an error', async () => {
  const { result } = await review(patchFile('add-pmd-devmap.patch'), '6.12');
  assert.equal(result.findings.length, 1);
  assert.notEqual(result.findings[0].severity, 'error');
  assert.notEqual(result.findings[0].severity, 'warning');
});

test('a patch that leaves folio_walk_start() held on a new path is a missing-release warning on its + line', async () => {
  const file = patchFile('missing-release.patch');
  const { result } = await review(file);
  const plusReturn = linesWith(file, '+\t\treturn -EINVAL;');
  assert.deepEqual(
    result.findings.map((f) => [f.rule, f.severity, f.file, f.line, f.patchLine]),
    [['missing-release', 'warning', 'mm/walk_user.c', 35, plusReturn[0]]],
  );
  assert.match(
    result.findings[0].message,
    /folio_walk_start\(\) on line 31 .* this return is reached without folio_walk_end\(\)/,
  );
});

test('a hunk whose context is not in the tree is reported as not applying, never placed', async () => {
  const diff = [
    'diff --git a/mm/walk_user.c b/mm/walk_user.c',
    '--- a/mm/walk_user.c',
    '+++ b/mm/walk_user.c',
    '@@ -16,3 +16,4 @@ int demo_folio_is_anon(struct vm_area_struct *vma, unsigned long addr)',
    ' \tthis line is not in the tree;',
    '+\tif (pmd_devmap(*pmd))',
    '+\t\treturn 0;',
    ' \tnor is this one;',
    '',
  ].join('\n');
  const { result } = await reviewPatches(patchInputFromText('-', diff), {
    root: tree618,
    version: parseKernelVersion('6.18'),
  });
  assert.deepEqual(result.patches[0].hunks, [{ file: 'mm/walk_user.c', applies: false }]);
  const byRule = Object.fromEntries(result.findings.map((f) => [f.rule, f]));
  assert.equal(byRule['hunk-does-not-apply'].patchLine, 4);
  assert.equal(byRule['hunk-does-not-apply'].line, null);
  // The added lines are still linted, on the hunk's own text, with no tree position.
  assert.deepEqual(
    [
      byRule['removed-api'].severity,
      byRule['removed-api'].file,
      byRule['removed-api'].line,
      byRule['removed-api'].patchLine,
    ],
    ['error', 'mm/walk_user.c', null, 6],
  );
});

test('without a tree nothing is placed and the added lines are linted on their own', async () => {
  const { result, problems } = await review(patchFile('add-pmd-devmap.patch'), '6.18', { noTree: true });
  assert.ok(result.patches[0].hunks.every((h) => !h.applies));
  assert.deepEqual(
    result.findings.filter((f) => f.rule === 'removed-api').map((f) => [f.severity, f.line]),
    [['error', null]],
  );
  assert.ok(problems.some((p) => /no kernel tree/.test(p)));
});

test('CLI: exit status like lint, JSON as specified, SARIF valid against the official schema', async () => {
  const run = async (...argv: string[]) => {
    const captured = captureIo();
    const code = await main(['review', ...argv], captured.io);
    return { code, out: captured.text(), err: captured.errors() };
  };
  const devmap = await run(patchFile('add-pmd-devmap.patch'), '--tree', tree618, '--json', '--no-threads');
  assert.equal(devmap.code, 1);
  assert.deepEqual(
    JSON.parse(devmap.out).findings.map((f: any) => f.rule),
    ['removed-api'],
  );
  const leak = await run(patchFile('missing-release.patch'), '--tree', tree618, '--no-threads', '--quiet');
  assert.equal(leak.code, 0, 'a warning does not fail the default --fail-on error');
  assert.match(leak.out, /missing-release\]\(mm\/walk_user\.c:35\)/);
  const strict = await run(
    patchFile('missing-release.patch'),
    '--tree',
    tree618,
    '--no-threads',
    '--fail-on',
    'warning',
  );
  assert.equal(strict.code, 1);
  assert.equal((await run('--tree', tree618)).code, 2);
  assert.equal((await run(path.join(fixtures, 'no-such.patch'))).code, 2);

  const sarif = await run(patchFile('add-pmd-devmap.patch'), '--tree', tree618, '--sarif', '--no-threads');
  const log: any = JSON.parse(sarif.out);
  const schema = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schema, 'utf8')));
  const valid = validate(JSON.parse(sarif.out));
  assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 3)));
  const location = log.runs[0].results[0].locations[0].physicalLocation;
  assert.ok(location.artifactLocation.uri.endsWith('add-pmd-devmap.patch'));
  assert.equal(location.region.startLine, linesWith(patchFile('add-pmd-devmap.patch'), '|| pmd_devmap(*pmd)')[0]);
});
