import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { startInProcessServer } from '../lsp/inProcessServer';
import { Requests } from '../../protocol';

// The real server over an in-memory stream: inlay hints, code lenses and the notes requests, as an editor uses them.
test('inlay hints, code lenses and notes over LSP', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lsp-ann-'));
  const root = path.join(dir, 'linux');
  fs.mkdirSync(path.join(root, 'mm'), { recursive: true });
  fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'annotations', 'hints.c'), 'utf8');
  fs.writeFileSync(path.join(root, 'mm', 'memory.c'), text);
  const notesFile = path.join(dir, 'shared-notes.json');
  const published = new Map<string, Array<{ code?: string; range: { start: { line: number } }; severity?: number }>>();
  const { client, capabilities, dispose } = await startInProcessServer({
    root,
    cacheDir: path.join(dir, 'cache'),
    initializationOptions: { cacheDir: path.join(dir, 'cache'), settings: { notesFile } },
    register: (connection) =>
      connection.onNotification(
        'textDocument/publishDiagnostics',
        (params: { uri: string; diagnostics: Array<{ code?: string; range: { start: { line: number } } }> }) => {
          published.set(params.uri, params.diagnostics);
        },
      ),
  });
  try {
    assert.ok(capabilities.inlayHintProvider);
    assert.ok(capabilities.codeLensProvider);
    const uri = pathToFileURL(path.join(root, 'mm', 'memory.c')).href;
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });

    const hints = await client.sendRequest<Array<{ position: { line: number }; label: string; tooltip?: string }>>(
      'textDocument/inlayHint',
      {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
      },
    );
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.label.trim()]),
      [
        [4, 'notifier event: MMU_NOTIFY_EXCLUSIVE'],
        [6, 'pgmap ref → put_dev_pagemap()'],
        [9, 'PTL held → folio_walk_end()'],
      ],
    );
    // VS Code cuts labels at 43 characters by default: the full sentence is in the tooltip.
    for (const hint of hints) assert.ok(hint.label.length <= 43, hint.label);
    assert.match(hints[0].tooltip ?? '', /revocation meaning, changed to MMU_NOTIFY_CLEAR in 6\.15/);
    assert.match(hints[2].tooltip ?? '', /page-table lock held until folio_walk_end\(\)/);

    const lenses = await client.sendRequest<
      Array<{
        range: { start: { line: number } };
        command: { title: string; command: string; arguments: unknown[] };
      }>
    >('textDocument/codeLens', { textDocument: { uri } });
    const lifecycle = lenses.find((l) => l.command.command === 'kernelMmLens.openDiagram');
    assert.ok(lifecycle, 'remove_device_exclusive_entry is a lifecycle step');
    assert.match(lifecycle.command.title, /^Device-exclusive entry · step \d+ of \d+ ›$/);
    assert.equal(lifecycle.range.start.line, 3);
    assert.deepEqual((lifecycle.command.arguments[0] as { id: string; symbol: string }).id, 'device-exclusive');
    // One count: a thread lens says exactly how many entries the list it opens has.
    const threadLenses = lenses.filter((l) => l.command.command === 'kernelMmLens.showThreads');
    assert.ok(threadLenses.length > 0, 'a function with review threads has a thread lens');
    for (const lens of threadLenses) {
      const symbol = lens.command.arguments[0] as string;
      const listed = await client.sendRequest(Requests.threadsForSymbol, { symbol });
      assert.equal(lens.command.title, `${listed.length} review thread${listed.length === 1 ? '' : 's'}`, symbol);
    }
    // ... and the hover of a tracked symbol lists the same number.
    const hover = await client.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 8, character: 12 }, // folio_walk_start
    });
    const walkThreads = await client.sendRequest(Requests.threadsForSymbol, { symbol: 'folio_walk_start' });
    assert.ok(walkThreads.length > 0);
    assert.match(hover!.contents.value, new RegExp(`\\*\\*Review threads \\(${walkThreads.length}\\)\\*\\*`));

    const added = await client.sendRequest(Requests.notesAdd, {
      uri,
      line: 9,
      body: 'Walk started here; see <20240802155524.517137-3-david@redhat.com>',
      author: 'R',
    });
    assert.equal(added.symbol, 'remove_device_exclusive_entry');
    assert.equal(added.uri, uri);
    assert.match(
      added.bodyMarkdown,
      /\(https:\/\/lore\.kernel\.org\/all\/20240802155524\.517137-3-david@redhat\.com\/\)/,
    );
    await client.sendRequest(Requests.notesReply, { id: added.id, body: 'ok', author: 'A' });
    await client.sendRequest(Requests.notesResolve, { id: added.id, resolved: true });
    const listed = await client.sendRequest(Requests.notesList, { uri });
    assert.equal(listed.notesFile, notesFile);
    assert.deepEqual(
      listed.notes.map((n) => [n.status, n.line, n.replies.length, n.state]),
      [['resolved', 9, 1, 'anchored']],
    );
    const exported = await client.sendRequest(Requests.notesExport, { format: 'markdown' });
    assert.match(exported.text, /## `remove_device_exclusive_entry` — `mm\/memory\.c:10` \(resolved\)/);
    assert.ok(fs.existsSync(notesFile));
    // The lint publisher merges the missing-release warnings into the document's diagnostics.
    const faulty = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'annotations', 'release_faulty.c'), 'utf8');
    const faultyUri = pathToFileURL(path.join(root, 'mm', 'faulty.c')).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: faultyUri, languageId: 'c', version: 1, text: faulty },
    });
    const expected = faulty.split('\n').flatMap((line, i) => (line.includes('// EXPECT') ? [i] : []));
    for (let i = 0; i < 400 && !(published.get(faultyUri) ?? []).some((d) => d.code === 'missing-release'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const lines = [
      ...new Set(
        (published.get(faultyUri) ?? []).filter((d) => d.code === 'missing-release').map((d) => d.range.start.line),
      ),
    ].sort((a, b) => a - b);
    assert.deepEqual(lines, expected);
    await assert.rejects(client.sendRequest(Requests.notesReply, { id: 'n-missing', body: 'x' }), /no note n-missing/);
  } finally {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
