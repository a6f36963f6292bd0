import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';
import { ThreadService } from '../../server/src/lore/threadService';
import { fixture, DAVID_READD_REPLY } from './helpers';

const GRAMMAR = path.join(__dirname, '..', '..', 'syntaxes', 'kernel-thread.tmLanguage.json');

async function loadGrammar(): Promise<vsctm.IGrammar> {
  // The oniguruma wasm ships inside the npm package: nothing is downloaded.
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'text.kernel-thread' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
  });
  const grammar = await registry.loadGrammar('text.kernel-thread');
  assert.ok(grammar);
  return grammar;
}

/**
 * Scopes of the first token of each line (and of every token, joined), line by line with the rule stack carried over.
 */
function tokenize(grammar: vsctm.IGrammar, text: string): Array<{ line: string; first: string[]; all: string[][] }> {
  let stack = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return { line, first: result.tokens[0]?.scopes ?? [], all: result.tokens.map((t) => t.scopes) };
  });
}

function scopesOf(lines: ReturnType<typeof tokenize>, predicate: (line: string) => boolean): string[] {
  const found = lines.find((l) => predicate(l.line));
  assert.ok(found, 'line not found');
  return found.all.flat();
}

test('kernel-thread grammar scopes a real rendered thread: headers, quote depth, diff, trailers', async () => {
  const grammar = await loadGrammar();
  const service = new ThreadService(
    () => undefined,
    () => [fixture('device-exclusive-v1.mbox')],
  );
  const doc = await service.threadDocument(DAVID_READD_REPLY);
  const lines = tokenize(grammar, doc.text);

  assert.ok(scopesOf(lines, (l) => l.startsWith('======== [5/6]')).includes('meta.separator.message.kernel-thread'));
  const from = lines.find((l) => l.line === 'From: Alistair Popple <apopple@nvidia.com>')!;
  assert.ok(from.all[0].includes('keyword.other.header.kernel-thread'));
  assert.ok(from.all.at(-1)!.includes('meta.header-value.kernel-thread'));
  // No string scope anywhere: themes paint strings red, and a thread is prose, not string literals.
  assert.deepEqual(
    lines.flatMap((l) => l.all.flat()).filter((scope) => scope.startsWith('string.')),
    [],
  );
  assert.ok(scopesOf(lines, (l) => l.startsWith('Subject: ')).includes('markup.bold.subject.kernel-thread'));
  assert.ok(
    scopesOf(lines, (l) => l.startsWith('Message-ID: <547f6335')).includes('keyword.other.header.kernel-thread'),
  );

  assert.ok(
    scopesOf(lines, (l) => l.startsWith('> I will have to look')).includes('markup.quote.level1.kernel-thread'),
  );
  assert.ok(
    scopesOf(lines, (l) => l.startsWith('>> I will have to look')).includes('markup.quote.level2.kernel-thread'),
  );
  assert.ok(
    scopesOf(lines, (l) => l.startsWith('>>> We require a writable PTE')).includes('markup.quote.level3.kernel-thread'),
  );

  assert.ok(
    scopesOf(lines, (l) => l === 'diff --git a/mm/rmap.c b/mm/rmap.c').includes('meta.diff.header.git.kernel-thread'),
  );
  assert.ok(scopesOf(lines, (l) => l.startsWith('@@ -2375,131')).includes('meta.diff.range.unified.kernel-thread'));
  assert.ok(
    scopesOf(lines, (l) => l.startsWith('@@ -2375,131')).includes('entity.name.function.hunk-context.kernel-thread'),
  );
  assert.ok(
    scopesOf(lines, (l) => l === '+\tfolio_walk_end(&fw, vma);').includes('markup.inserted.diff.kernel-thread'),
  );
  assert.ok(
    scopesOf(lines, (l) => l === '-struct make_exclusive_args {').includes('markup.deleted.diff.kernel-thread'),
  );
  assert.ok(scopesOf(lines, (l) => l === '-- ').includes('comment.line.signature-separator.kernel-thread'));

  const sob = lines.find((l) => l.line === 'Signed-off-by: David Hildenbrand <david@redhat.com>')!;
  assert.ok(sob.all[0].includes('keyword.other.trailer.kernel-thread'));
  assert.ok(!sob.all.flat().some((s) => s.startsWith('markup.')), 'a trailer is not diff or quote');
});

test('trailers and prose outside a diff: "- item" is not a deleted line, Fixes: has its sha', async () => {
  const grammar = await loadGrammar();
  const text = [
    '======== [1/1] A Author',
    'From: A Author <a@example.org>',
    'Subject: [PATCH] mm: x',
    '',
    'Changes:',
    '- keep the notifier',
    '',
    'Fixes: 1afaeb8293c9 ("mm/migrate: Trylock device page in do_swap_page")',
    'Reviewed-by: Some One <one@example.org>',
    'Acked-by: Other One <other@example.org>',
    'Tested-by: T <t@example.org>',
    'Reported-by: R <r@example.org>',
    'Link: https://lore.kernel.org/all/x@y/',
    'Cc: stable@vger.kernel.org',
    '---',
    'diff --git a/mm/memory.c b/mm/memory.c',
    '--- a/mm/memory.c',
    '+++ b/mm/memory.c',
    '@@ -1,1 +1,1 @@ vm_fault_t do_swap_page(struct vm_fault *vmf)',
    '-old',
    '+new',
    'Prose after the diff.',
    '- not a diff line any more',
  ].join('\n');
  const lines = tokenize(grammar, text);
  const scopes = (line: string) => lines.find((l) => l.line === line)!.all.flat();
  assert.ok(!scopes('- keep the notifier').includes('markup.deleted.diff.kernel-thread'));
  assert.ok(
    scopes('Fixes: 1afaeb8293c9 ("mm/migrate: Trylock device page in do_swap_page")').includes(
      'constant.other.commit-sha.kernel-thread',
    ),
  );
  for (const trailer of ['Reviewed-by', 'Acked-by', 'Tested-by', 'Reported-by', 'Link', 'Cc']) {
    assert.ok(
      lines.find((l) => l.line.startsWith(`${trailer}:`))!.all[0].includes('keyword.other.trailer.kernel-thread'),
      trailer,
    );
  }
  assert.ok(scopes('--- a/mm/memory.c').includes('meta.diff.header.from-file.kernel-thread'));
  assert.ok(scopes('+++ b/mm/memory.c').includes('meta.diff.header.to-file.kernel-thread'));
  assert.ok(scopes('-old').includes('markup.deleted.diff.kernel-thread'));
  assert.ok(scopes('+new').includes('markup.inserted.diff.kernel-thread'));
  assert.ok(!scopes('- not a diff line any more').includes('markup.deleted.diff.kernel-thread'));
  assert.ok(scopes('From: A Author <a@example.org>').includes('keyword.other.header.kernel-thread'));
});
