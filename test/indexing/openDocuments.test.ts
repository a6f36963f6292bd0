import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildIndexForTests } from '../../server/src/indexing/testing';

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-open-'));
  fs.mkdirSync(path.join(root, 'mm'));
  fs.writeFileSync(path.join(root, 'mm', 'a.c'), 'int demo_open_a(void) { return demo_open_b(); }\n');
  fs.writeFileSync(path.join(root, 'mm', 'b.c'), 'PAGEFLAG(Demo, demo, PF_ANY)\nint demo_open_b(void) { return 1; }\n');
  return root;
}

void test('opening a file without editing it keeps its indexed entries; an edit is laid over them until closed', async () => {
  const root = tree();
  const index = await buildIndexForTests(root);
  const text = fs.readFileSync(path.join(root, 'mm', 'b.c'), 'utf8');
  const before = index.findDefinitions('folio_test_demo').map((d) => `${d.file}:${d.nameRange.start.line}`);
  const overlaid = () => (index as unknown as { overlay: Map<string, unknown> }).overlay.size;
  index.setDocumentText('mm/b.c', text);
  assert.equal(overlaid(), 0, 'the unedited document is the indexed file: nothing laid over the index');
  assert.deepEqual(
    index.findDefinitions('folio_test_demo').map((d) => `${d.file}:${d.nameRange.start.line}`),
    before,
  );
  // An edit: the document's text counts, generated names included.
  index.setDocumentText('mm/b.c', `\n${text}int demo_open_c(void) { return 2; }\n`);
  assert.equal(overlaid(), 1);
  assert.deepEqual(
    index.findDefinitions('folio_test_demo').map((d) => `${d.file}:${d.nameRange.start.line}`),
    ['mm/b.c:1'],
  );
  assert.deepEqual(
    index.findDefinitions('demo_open_c').map((d) => d.file),
    ['mm/b.c'],
  );
  // Closing without saving: the file on disk counts again.
  index.documentClosed('mm/b.c');
  assert.equal(overlaid(), 0);
  assert.deepEqual(index.findDefinitions('demo_open_c'), []);
  assert.deepEqual(
    index.findDefinitions('folio_test_demo').map((d) => `${d.file}:${d.nameRange.start.line}`),
    before,
  );
  // Saved while open, then closed: the saved text counts.
  fs.writeFileSync(path.join(root, 'mm', 'b.c'), `${text}int demo_open_d(void) { return 3; }\n`);
  index.setDocumentText('mm/b.c', `${text}int demo_open_d(void) { return 3; }\n`);
  index.documentClosed('mm/b.c');
  assert.deepEqual(
    index.findDefinitions('demo_open_d').map((d) => d.file),
    ['mm/b.c'],
  );
});
