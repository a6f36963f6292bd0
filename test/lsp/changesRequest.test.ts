import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { startInProcessServer } from './inProcessServer';
import { Requests } from '../../protocol';

const fixture = path.join(__dirname, '..', 'fixtures', 'changes', 'tree-6.12-partial');

// The real server over in-memory streams: the changes view's request and the hover agree on the evidence.
void test('kernelMmLens/treeChanges and the hover answer from the same evidence', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lsp-changes-'));
  const root = path.join(dir, 'linux');
  fs.cpSync(fixture, root, { recursive: true });
  const { client, dispose } = await startInProcessServer({ root, cacheDir: path.join(dir, 'cache') });
  try {
    const report = await client.sendRequest(Requests.treeChanges, {});
    assert.ok(report);
    assert.equal(report.tree, root);
    assert.match(report.kernelVersion ?? '', /^6\.12/);
    const byMessage = (id: string) => report.changes.find((change) => change.messageId === id);
    const v2of02 = byMessage('20250210193801.781278-3-david@redhat.com');
    assert.equal(v2of02?.status, 'present');
    assert.equal(v2of02?.versionRelation, 'backport');
    assert.equal(v2of02?.evidence?.file, 'mm/rmap.c');
    assert.equal(byMessage('20250210193801.781278-8-david@redhat.com')?.status, 'absent');
    const topic = await client.sendRequest(Requests.treeChanges, { topic: 'fs-dax', refresh: true });
    assert.ok(topic && topic.changes.length > 0);
    assert.ok(topic.changes.every((change) => change.topics.includes('fs-dax')));

    const rmap = path.join(root, 'mm', 'rmap.c');
    const text = fs.readFileSync(rmap, 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('int make_device_exclusive_range('));
    const uri = pathToFileURL(rmap).href;
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    const hover = await client.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line, character: 6 },
    });
    assert.ok(hover);
    assert.match(
      hover.contents.value,
      /\*\*Code evidence:\*\* Backported in this tree \(6\.12\): [^\n]*reject hugetlb/,
    );
  } finally {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
