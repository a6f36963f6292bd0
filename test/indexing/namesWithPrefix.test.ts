import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { buildIndexForTests } from '../../server/src/indexing/testing';

void test('namesWithPrefix: defined names only, case-insensitive, in order, bounded, edited files included', async () => {
  const index = await buildIndexForTests(path.join(__dirname, '..', 'fixtures', 'semantics'));
  const names = index.namesWithPrefix('folio_w', 50);
  assert.deepEqual(names, [
    'folio_walk',
    'folio_walk_end',
    'folio_walk_flags_t',
    'folio_walk_level',
    'folio_walk_start',
  ]);
  assert.deepEqual(index.namesWithPrefix('FOLIO_W', 50), names);
  assert.equal(index.namesWithPrefix('folio_w', 2).length, 2);
  // `fw` is only ever a local or a parameter: no defined name starts with `fw_n` until an edit defines one.
  assert.deepEqual(index.namesWithPrefix('fw_n', 50), []);
  index.updateFile('mm/ksm.c', 'int fw_new_helper(void);\n');
  assert.deepEqual(index.namesWithPrefix('fw_n', 50), ['fw_new_helper']);
});
