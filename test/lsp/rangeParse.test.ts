// Go to Definition and Find References on a document that has no tree yet parse only the function or macro around
// the name to learn that it is neither a local nor a member (semanticDocuments.ts, certainlyNot): the answers must be
// those of the whole parse, and a global name in a function must not cost the whole document's parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { DEFAULT_SETTINGS } from '../../protocol';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { semanticDefinition, semanticDocuments, semanticLocalReferences } from '../../server/src/lsp/semanticDocuments';
import { treeRelativePathOfUri } from '../../server/src/lsp/treePaths';
import type { ServerContext } from '../../server/src/lsp/context';

const fixtures = path.join(__dirname, '..', 'fixtures');

async function harness(fixture: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-range-parse-'));
  fs.cpSync(fixture, root, { recursive: true });
  const built = await buildIndex({ root, cacheDir: `${root}-cache`, maxFileSize: 1 << 20, workers: 1, rebuild: true });
  assert.ok(built.index);
  const index = built.index;
  const documents = new DocumentStore(undefined, () => undefined, { parseMsPerKib: 1000 });
  const ctx = {
    documents,
    root,
    settings: () => DEFAULT_SETTINGS,
    relativePathOfUri: (uri: string) => treeRelativePathOfUri(root, uri),
    uriOfRelativePath: (file: string) => pathToFileURL(path.join(root, file)).toString(),
    currentIndex: () => index,
    log: () => undefined,
  } as unknown as ServerContext;
  return {
    root,
    index,
    documents,
    ctx,
    done: () => {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(`${root}-cache`, { recursive: true, force: true });
    },
  };
}

/** Every identifier of the text, as LSP positions. */
function identifierPositions(text: string): Array<{ name: string; line: number; character: number }> {
  const out: Array<{ name: string; line: number; character: number }> = [];
  text.split('\n').forEach((line, number) => {
    if (line.startsWith('//')) return;
    for (const match of line.matchAll(/[A-Za-z_]\w*/g))
      out.push({ name: match[0], line: number, character: match.index });
  });
  return out;
}

for (const file of ['range-parse/mm/ranges.c', 'semantics/mm/ksm.c'])
  void test(`${file}: definitions and local references right after opening equal those of the whole parse`, async () => {
    const fixture = path.join(fixtures, file.split('/')[0]);
    const relative = file.split('/').slice(1).join('/');
    const { root, index, documents, ctx, done } = await harness(fixture);
    try {
      const uri = pathToFileURL(path.join(root, relative)).toString();
      const text = fs.readFileSync(path.join(root, relative), 'utf8');
      let quick = 0;
      let answered = 0;
      for (const [k, at] of identifierPositions(text).entries()) {
        const position = { line: at.line, character: at.character };
        documents.open(uri, 'c', k + 1, text);
        const parsesBefore = documents.parses;
        const rangesBefore = semanticDocuments(ctx).rangeTrees.parses;
        const opened = await semanticDefinition(ctx, uri, position, index);
        const openedReferences = await semanticLocalReferences(ctx, uri, position, true);
        // Only the range was parsed: the whole-parse path was not needed for this name.
        if (documents.parses === parsesBefore && semanticDocuments(ctx).rangeTrees.parses > rangesBefore) quick++;
        assert.ok(await documents.tree(uri));
        assert.equal(documents.hasTree(uri), true);
        const ranges = semanticDocuments(ctx).rangeTrees.parses;
        const parsed = await semanticDefinition(ctx, uri, position, index);
        const parsedReferences = await semanticLocalReferences(ctx, uri, position, true);
        assert.equal(semanticDocuments(ctx).rangeTrees.parses, ranges, 'a document with a tree is not parsed in parts');
        assert.deepEqual(opened, parsed, `definition of ${at.name} at ${at.line + 1}:${at.character + 1}`);
        assert.deepEqual(
          openedReferences,
          parsedReferences,
          `references of ${at.name} at ${at.line + 1}:${at.character + 1}`,
        );
        if (parsed?.locations || parsedReferences) answered++;
      }
      assert.ok(quick >= 20, `${quick} names answered from a parse of their function or macro only`);
      assert.ok(answered >= 10, `${answered} locals or members`);
      assert.equal(documents.liveTrees, 1);
    } finally {
      done();
    }
  });

void test('a call of a global function in a just-opened document: no whole parse, one parse of its function', async () => {
  const { root, index, documents, ctx, done } = await harness(path.join(fixtures, 'range-parse'));
  try {
    const uri = pathToFileURL(path.join(root, 'mm/ranges.c')).toString();
    const text = fs.readFileSync(path.join(root, 'mm/ranges.c'), 'utf8');
    documents.open(uri, 'c', 1, text);
    const line = text.split('\n').findIndex((l) => l.includes('return walk_step(chunk_count)'));
    const position = { line, character: text.split('\n')[line].indexOf('walk_step') };
    assert.equal(await semanticDefinition(ctx, uri, position, index), undefined);
    assert.equal(await semanticLocalReferences(ctx, uri, position, true), undefined);
    assert.equal(documents.parses, 0);
    assert.equal(semanticDocuments(ctx).rangeTrees.parses, 2);
    assert.equal(documents.liveTrees, 0);
    // A name at file scope in no recorded definition: the text between the records around it is parsed.
    const exported = text.split('\n').findIndex((l) => l.startsWith('EXPORT_SYMBOL(unused_local)'));
    assert.equal(await semanticDefinition(ctx, uri, { line: exported, character: 15 }, index), undefined);
    assert.equal(documents.parses, 0);
    assert.equal(semanticDocuments(ctx).rangeTrees.parses, 3);
    // The local of the same function: the whole parse answers it.
    const local = { line: line - 1, character: text.split('\n')[line - 1].indexOf('never_used') };
    const definition = await semanticDefinition(ctx, uri, local, index);
    assert.equal(definition?.locations?.[0]?.range.start.line, line - 1);
    assert.equal(documents.parses, 1);
  } finally {
    done();
  }
});
