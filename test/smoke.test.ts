import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCLanguage, createCParser } from '../server/src/parsing/treeSitter';

test('the pinned C grammar loads and parses a kernel-style function', async () => {
  const language = await loadCLanguage();
  assert.ok(language.abiVersion >= 13);
  const parser = await createCParser();
  const tree = parser.parse('static inline int folio_walk_demo(struct folio *folio) { return 0; }');
  try {
    assert.equal(tree!.rootNode.firstChild!.type, 'function_definition');
  } finally {
    tree!.delete();
    parser.delete();
  }
});
