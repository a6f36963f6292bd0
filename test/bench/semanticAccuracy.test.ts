import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspDriver } from '../../server/src/cli/bench/lspDriver';
import { judgeSemantics, sitesOf } from '../../server/src/cli/bench/semanticAccuracy';

const fixture = path.join(__dirname, '..', 'fixtures', 'semantics');
const bundle = path.join(__dirname, '..', '..', 'dist', 'server.js');

void test('sites: member accesses and calls with arguments in bodies, from the token truth', () => {
  const text = [
    'static int f(struct s *p)',
    '{',
    '\t/* q->not_code */',
    '\tg(p->a, "x, y", h(1));',
    '\treturn p->b.c + sizeof(int);',
    '}',
    '',
  ].join('\n');
  const { members, calls } = sitesOf(text, 'mm/f.c');
  assert.deepEqual(
    members.map((m) => m.name),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(
    calls.map((c) => [c.name, c.arguments]),
    [
      ['g', 3],
      ['h', 1],
    ],
  );
});

void test(
  'completion, signature help and the issue 18 probes judged over LSP on the hand-written tree',
  { timeout: 180_000 },
  async (t) => {
    if (!fs.existsSync(bundle)) {
      t.skip('dist/server.js missing: run npm run build');
      return;
    }
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-sem-bench-'));
    fs.cpSync(fixture, root, { recursive: true });
    const server = await LspDriver.start({ root, cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-sem-cache-')) });
    try {
      await server.waitForIndex(60_000);
      const report = await judgeSemantics(server, root, ['mm/ksm.c', 'mm/memory.c', 'mm/idioms.c'], {
        seed: 1,
        quota: 6,
      });
      assert.equal(report.memberCompletion.n, 6);
      assert.equal(report.memberCompletion.containsMember, 6, report.memberCompletion.misses.join('; '));
      assert.equal(report.memberCompletion.onlyFields, 6);
      assert.ok(report.signatureHelp.n >= 3);
      assert.equal(report.signatureHelp.answered, report.signatureHelp.n, report.signatureHelp.misses.join('; '));
      assert.deepEqual(
        report.probes.map((p) => [p.ok, p.detail]).filter(([ok]) => !ok),
        [],
      );
      assert.ok(report.latency['textDocument/completion'].count >= 7);
      assert.ok(report.latency.firstAfterOpen.count >= 2, 'the first request on each opened file is timed apart');
    } finally {
      await server.stop();
    }
  },
);
