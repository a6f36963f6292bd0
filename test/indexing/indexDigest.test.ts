import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { digestIndex } from '../../server/src/indexing/indexDigest';

async function digestOf(root: string, workers: number) {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-digest-cache-'));
  try {
    const result = await buildIndex({ root, cacheDir, maxFileSize: 1 << 20, workers, rebuild: true });
    assert.ok(result.index);
    return digestIndex(result.index.data);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

test('the index digest is the same for two builds and changes with a definition or an occurrence', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-digest-tree-'));
  try {
    fs.mkdirSync(path.join(root, 'mm'));
    fs.writeFileSync(
      path.join(root, 'mm', 'a.c'),
      'struct folio;\nint folio_put(struct folio *folio)\n{\n\treturn put(folio);\n}\n',
    );
    fs.writeFileSync(
      path.join(root, 'mm', 'b.c'),
      '#define PUT(x) folio_put(x)\nstatic int b(void) { return PUT(0); }\n',
    );
    const first = await digestOf(root, 2);
    const second = await digestOf(root, 1);
    assert.equal(first.problem, undefined);
    assert.equal(first.files, 2);
    assert.equal(first.occurrenceBlocks, 2);
    assert.deepEqual(second, first);

    // Same definitions (same text length), one more occurrence: only the occurrence digest moves.
    fs.writeFileSync(
      path.join(root, 'mm', 'b.c'),
      '#define PUT(x) folio_put(x)\nstatic int b(void) { return PUT(b); }\n',
    );
    const moreUses = await digestOf(root, 1);
    assert.equal(moreUses.definitionsCrc, first.definitionsCrc);
    assert.notEqual(moreUses.occurrencesCrc, first.occurrencesCrc);

    // A definition one line lower: the definition digest moves.
    fs.writeFileSync(
      path.join(root, 'mm', 'a.c'),
      '\nstruct folio;\nint folio_put(struct folio *folio)\n{\n\treturn put(folio);\n}\n',
    );
    const moved = await digestOf(root, 1);
    assert.notEqual(moved.definitionsCrc, moreUses.definitionsCrc);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
