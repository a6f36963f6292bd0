import { test } from 'node:test';
import * as os from 'node:os';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { startInProcessServer } from '../lsp/inProcessServer';

// The real server wiring over an in-memory LSP stream, as an editor drives it: open, incremental
// changes, then documentSymbol and documentHighlight on the edited text.
test('document symbols and highlights over LSP follow incremental edits', async () => {
  const { client, capabilities, dispose } = await startInProcessServer({
    root: null,
    cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kml-doc-')),
    initializationOptions: {},
  });
  try {
    assert.equal(capabilities.documentHighlightProvider, true);
    assert.ok(capabilities.documentSymbolProvider);

    const uri = 'file:///nowhere/mm/demo.c';
    const text = 'static int demo_count;\n\nstatic void demo_inc(void)\n{\n\tdemo_count++;\n}\n';
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    // Rename the function and add a use, as two incremental changes.
    await client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 2, character: 12 }, end: { line: 2, character: 20 } }, text: 'demo_bump' },
        {
          range: { start: { line: 4, character: 14 }, end: { line: 4, character: 14 } },
          text: '\n\tdemo_count = demo_count * 2;',
        },
      ],
    });
    const symbols = await client.sendRequest<
      Array<{
        name: string;
        detail?: string;
      }>
    >('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail]),
      [
        ['demo_count', 'static int demo_count'],
        ['demo_bump', 'static void demo_bump(void)'],
      ],
    );
    const highlights = await client.sendRequest<
      Array<{ range: { start: { line: number; character: number } }; kind: number }>
    >('textDocument/documentHighlight', {
      textDocument: { uri },
      position: { line: 5, character: 15 },
    });
    assert.deepEqual(
      highlights.map((h) => [h.range.start.line, h.range.start.character, h.kind]),
      [
        [0, 11, 3],
        [4, 1, 3],
        [5, 1, 3],
        [5, 14, 2],
      ],
    );
    await client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual(await client.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }), []);
  } finally {
    await dispose();
  }
});
