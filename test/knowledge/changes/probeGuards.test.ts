import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluateProbe } from '../../../server/src/knowledge/changes/probes';
import { FileTreeSource } from '../../../server/src/knowledge/changes/treeSource';

/** A throw-away tree with the given files (hand-written one-liners, not kernel files). */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-guards-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

const older = tree({
  'include/linux/page-flags.h': '#define PAGE_MAPPING_ANON 0x1\n#define PAGE_MAPPING_DAX_COW 0x1\n',
  'include/linux/rmap.h': 'struct anon_vma { int x; };\n',
});
const newer = tree({
  'include/linux/page-flags.h': '#define PAGE_MAPPING_ANON 0x1\n',
  'include/linux/rmap.h':
    'static inline void __folio_rmap_sanity_checks(struct folio *folio, enum pgtable_level level)\n{\n}\n',
});

void test('lacks with older names: the removed thing under any of its names', () => {
  const probe = { lacks: ['PAGE_MAPPING_DAX_SHARED', 'PAGE_MAPPING_DAX_COW'], in: ['include/linux/page-flags.h'] };
  const old = evaluateProbe(probe, new FileTreeSource(older));
  assert.equal(old.outcome, 'fails');
  assert.deepEqual(
    { file: old.evidence?.file, line: old.evidence?.line },
    { file: 'include/linux/page-flags.h', line: 2 },
  );
  const current = evaluateProbe(probe, new FileTreeSource(newer));
  assert.equal(current.outcome, 'holds');
  assert.match(current.detail, /none of PAGE_MAPPING_DAX_SHARED, PAGE_MAPPING_DAX_COW is defined/);
});

void test('onlyIf: an absence is judged only where the code that used the symbol exists', () => {
  const probe = {
    lacks: 'RMAP_LEVEL_PTE',
    in: ['include/linux/rmap.h'],
    onlyIf: { defines: '__folio_rmap_sanity_checks', in: ['include/linux/rmap.h'] },
  };
  const old = evaluateProbe(probe, new FileTreeSource(older));
  assert.equal(old.outcome, 'unknown');
  assert.match(old.detail, /^not judged here: defines __folio_rmap_sanity_checks does not hold/);
  assert.equal(evaluateProbe(probe, new FileTreeSource(newer)).outcome, 'holds');
});

void test('lacks in a tree that has none of the files where the symbol lived cannot tell', () => {
  const empty = tree({ Makefile: 'VERSION = 6\n' });
  const result = evaluateProbe({ lacks: '__replace_page', in: ['kernel/events/uprobes.c'] }, new FileTreeSource(empty));
  assert.equal(result.outcome, 'unknown');
});
