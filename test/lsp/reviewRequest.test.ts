import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { startInProcessServer } from './inProcessServer';
import { Requests } from '../../protocol';
import { UNSAFE_CHARACTERS } from '../../protocol/untrustedText';

const fixtures = path.join(__dirname, '..', 'fixtures');
const patchFixture = path.join(fixtures, 'review', 'editor', 'ksm-early-return.patch');

// The real server over in-memory streams, on a copy of the small e2e tree: what "Review Patch or Series…" and the
// editor's language-model tools ask.
async function withServer(run: (client: MessageConnection, dir: string, root: string) => Promise<void>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lsp-review-'));
  const root = path.join(dir, 'linux');
  fs.cpSync(path.join(fixtures, 'e2e-tree'), root, { recursive: true });
  const { client, dispose } = await startInProcessServer({ root, cacheDir: path.join(dir, 'cache') });
  try {
    await run(client, dir, root);
  } finally {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void test('kernelMmLens/reviewPatch: the finding on the patch line, the tree position and a quoted draft reply', async () => {
  await withServer(async (client) => {
    const answer = await client.sendRequest(Requests.reviewPatch, { paths: [patchFixture], threads: false });
    assert.deepEqual(answer.problems, []);
    assert.equal(answer.patches, 1);
    assert.equal(answer.kernelVersion, '6.12');
    assert.equal(answer.findings.length, 1, JSON.stringify(answer.findings));
    const [finding] = answer.findings;
    assert.equal(finding.rule, 'missing-release');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.patchFile, patchFixture);
    // The `+ return NULL;` line of the fixture, and its post-image line in mm/ksm.c.
    assert.equal(fs.readFileSync(patchFixture, 'utf8').split('\n')[finding.patchLine! - 1], '+\t\treturn NULL;');
    assert.equal(finding.file, 'mm/ksm.c');
    assert.equal(finding.line, 18);
    assert.equal(finding.patchSubject, '[PATCH] mm/ksm: skip KSM folios in get_mergeable_page()');
    const draft = finding.draftReply.split('\n');
    assert.equal(draft[0], 'Subject: Re: [PATCH] mm/ksm: skip KSM folios in get_mergeable_page()');
    assert.equal(draft[1], 'In-Reply-To: <20250303100000.1-sam@example.com>');
    assert.ok(draft.includes('On Mon, 03 Mar 2025 09:00:00 GMT, Sam Author wrote:'), finding.draftReply);
    assert.ok(draft.includes('> diff --git a/mm/ksm.c b/mm/ksm.c'), finding.draftReply);
    // The quote ends at the line the finding is about; the comment follows, wrapped.
    const lastQuoted = draft.map((line) => line.startsWith('> ')).lastIndexOf(true);
    assert.equal(draft[lastQuoted], '> +\t\treturn NULL;');
    assert.equal(draft[lastQuoted - 1], '> +\tif (folio && folio_test_ksm(folio))');
    assert.match(draft.slice(lastQuoted + 1).join(' '), /folio_walk_start\(\) on line 16 leaves the page-table lock/);
    assert.ok(draft.every((line) => line.length <= 100 || line.startsWith('> ')));
    assert.match(answer.report, /\[missing-release\]\(mm\/ksm\.c:18\)/);
  });
});

void test('kernelMmLens/reviewPatch: hostile subject and code lines reach the draft without control or bidi characters', async () => {
  await withServer(async (client, dir) => {
    const text = fs
      .readFileSync(patchFixture, 'utf8')
      .replace('Subject: [PATCH] mm/ksm:', 'Subject: [PATCH] mm/ksm: \u202eevil\u202c \u001b]0;title\u0007')
      .replace(
        '+\tif (folio && folio_test_ksm(folio))',
        '+\tif (folio && folio_test_ksm(folio)) /* \u2066\u001b[31m */',
      );
    const hostile = path.join(dir, 'hostile.patch');
    fs.writeFileSync(hostile, text);
    const answer = await client.sendRequest(Requests.reviewPatch, { paths: [hostile], threads: false });
    assert.equal(answer.findings.length, 1);
    const [finding] = answer.findings;
    for (const value of [finding.draftReply, finding.patchSubject, finding.message, answer.report]) {
      assert.equal(value.replace(/[\t\n]/g, '').match(UNSAFE_CHARACTERS), null, JSON.stringify(value));
    }
    assert.match(finding.draftReply, /^Subject: Re: \[PATCH\] mm\/ksm: evil/);
    assert.equal(finding.draftReply.split('\n').filter((line) => /^[A-Za-z-]+: /.test(line)).length >= 3, true);

    const missing = await client.sendRequest(Requests.reviewPatch, { paths: [path.join(dir, 'nothing-here.patch')] });
    assert.equal(missing.findings.length, 0);
    assert.match(missing.problems.join('\n'), /nothing-here\.patch: no such file or folder/);
    const relative = await client.sendRequest(Requests.reviewPatch, { paths: ['relative.patch'] });
    assert.deepEqual(relative.problems, ['No patch file or folder given.']);
  });
});

void test('kernelMmLens/agentTool: the MCP tools through the language server, schema-checked, inside the tree', async () => {
  await withServer(async (client) => {
    const explained = await client.sendRequest(Requests.agentTool, {
      name: 'explain_symbol',
      input: { symbol: 'folio_walk_start' },
    });
    assert.ok(explained.ok, JSON.stringify(explained));
    assert.equal(explained.result.symbol, 'folio_walk_start');
    assert.equal(explained.result.tracked, true);
    const definitions = (explained.result.definitions as { items: Array<{ file: string }> }).items;
    assert.ok(
      definitions.some((d) => d.file === 'mm/pagewalk.c'),
      JSON.stringify(definitions),
    );

    const reviewed = await client.sendRequest(Requests.agentTool, {
      name: 'review_patch',
      input: { patch: fs.readFileSync(patchFixture, 'utf8'), threads: false },
    });
    assert.ok(reviewed.ok, JSON.stringify(reviewed));
    const findings = (reviewed.result.result as { findings: Array<{ rule: string; line: number }> }).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line]),
      [['missing-release', 18]],
    );

    const outside = await client.sendRequest(Requests.agentTool, { name: 'lint', input: { path: '../etc/passwd' } });
    assert.equal(outside.ok, false);
    // "exactly one of" is checked by the tool (no top-level oneOf in the schema): neither and both are refused.
    const neither = await client.sendRequest(Requests.agentTool, { name: 'lint', input: {} });
    assert.deepEqual(neither, { ok: false, error: 'lint: give exactly one of `path`, `diff`' });
    const both = await client.sendRequest(Requests.agentTool, {
      name: 'review_patch',
      input: { patch: 'x', path: 'mm/ksm.c' },
    });
    assert.deepEqual(both, { ok: false, error: 'review_patch: give exactly one of `patch`, `path`' });
    const noDiagram = await client.sendRequest(Requests.agentTool, { name: 'diagram', input: {} });
    assert.deepEqual(noDiagram, { ok: false, error: 'diagram: give `id` or `symbol`' });
    const unknown = await client.sendRequest(Requests.agentTool, { name: 'rm_rf', input: {} });
    assert.deepEqual(unknown, { ok: false, error: 'unknown tool rm_rf' });
    const invalid = await client.sendRequest(Requests.agentTool, { name: 'explain_symbol', input: { symbol: 'a b' } });
    assert.equal(invalid.ok, false);
  });
});
