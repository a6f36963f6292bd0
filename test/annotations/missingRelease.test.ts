import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { loadCallContext } from '../../server/src/annotations/callContext';
import { MISSING_RELEASE_CODE } from '../../server/src/annotations/missingRelease';
import { missingReleaseDiagnostics } from '../../server/src/lsp/features/missingRelease';

const fixtures = path.join(__dirname, '..', 'fixtures', 'annotations');

async function diagnosticsOf(file: string) {
  const text = fs.readFileSync(path.join(fixtures, file), 'utf8');
  const document = TextDocument.create(`file:///fixture/${file}`, 'c', 1, text);
  const parser = await createCParser();
  const tree = parser.parse(text);
  try {
    assert.ok(tree);
    return { text, diagnostics: missingReleaseDiagnostics(document, tree, loadCallContext()) };
  } finally {
    tree?.delete();
    parser.delete();
  }
}

function expectedLines(text: string): number[] {
  return text.split('\n').flatMap((line, i) => (line.includes('// EXPECT') ? [i] : []));
}

test('no missing-release warning on correct callers (failure checks, goto cleanup, loops, hand-over, switch)', async () => {
  const { diagnostics } = await diagnosticsOf('release_correct.c');
  assert.deepEqual(
    diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message as string}`),
    [],
  );
});

test('a warning on exactly the faulty exits, with the rule explained', async () => {
  const { text, diagnostics } = await diagnosticsOf('release_faulty.c');
  const lines = [...new Set(diagnostics.map((d) => d.range.start.line))].sort((a, b) => a - b);
  assert.deepEqual(lines, expectedLines(text));
  const messages = diagnostics.map((d) => d.message as string);
  for (const d of diagnostics) {
    assert.equal(d.code, MISSING_RELEASE_CODE);
    assert.match(d.message as string, /Rule: every path that leaves/);
    assert.equal(d.relatedInformation?.length, 1);
  }
  const walk = messages.find((m) => m.startsWith('folio_walk_start()'));
  assert.ok(walk, 'folio_walk_start leak reported');
  assert.match(walk, /page-table lock/);
  assert.match(walk, /folio_walk_end\(\)/);
  assert.match(walk, /if \(!folio\)/);
  const dx = messages.filter((m) => m.startsWith('make_device_exclusive()'));
  assert.equal(dx.length, 1, 'only the missing reference is reported, the unlock was done');
  assert.match(dx[0], /folio reference/);
  assert.match(dx[0], /folio_put\(\)/);
});

test('pathological nesting ends with no finding instead of a hang or a crash', async () => {
  const depth = 40;
  const open = Array.from({ length: depth }, (_, i) => `for (i${i} = 0; i${i} < n; i${i}++) {`).join('\n');
  const close = '}'.repeat(depth);
  const text = `int f(struct vm_area_struct *vma, int n)\n{\n\tstruct folio_walk fw;\n${open}\nif (!folio_walk_start(&fw, vma, 0, 0)) continue;\nif (n) return 1;\nfolio_walk_end(&fw, vma);\n${close}\nreturn 0;\n}\n`;
  const parens = `int g(void)\n{\n\tfolio_walk_start(&fw, vma, 0, 0);\n\treturn ${'('.repeat(3000)}1${')'.repeat(3000)};\n}\n`;
  const parser = await createCParser();
  for (const source of [text, parens]) {
    const tree = parser.parse(source);
    try {
      assert.ok(tree);
      const document = TextDocument.create('file:///x.c', 'c', 1, source);
      const diagnostics = missingReleaseDiagnostics(document, tree, loadCallContext());
      assert.ok(Array.isArray(diagnostics));
    } finally {
      tree?.delete();
    }
  }
  parser.delete();
});
