import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { createCParser } from '../../server/src/parsing/treeSitter';
import { loadCallContext, appliesToVersion } from '../../server/src/annotations/callContext';
import { callContextSchema } from '../../server/src/annotations/callContextSchema';
import { callContextHints } from '../../server/src/annotations/callHints';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import { getCatalog } from '../../server/src/knowledge/catalog';

const dataDirectory = path.join(__dirname, '..', '..', 'server', 'data', 'call-context');

test('every call-context data file validates against the schema and loads without problems', () => {
  const validate = new Ajv({ allErrors: true }).compile(callContextSchema);
  const files = fs.readdirSync(dataDirectory).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 5);
  for (const file of files) {
    const ok = validate(parseYaml(fs.readFileSync(path.join(dataDirectory, file), 'utf8')));
    assert.ok(ok, `${file}: ${JSON.stringify(validate.errors)}`);
  }
  const catalog = loadCallContext(dataDirectory);
  assert.deepEqual(catalog.problems, []);
  for (const name of [
    'folio_walk_start',
    'make_device_exclusive',
    'get_dev_pagemap',
    'mmu_notifier_invalidate_range_start',
    'pte_offset_map_lock',
    'migrate_vma_setup',
    'mmap_read_lock',
    'folio_trylock',
  ]) {
    assert.ok(catalog.functions.has(name), name);
  }
  assert.equal(catalog.functions.get('folio_walk_start')?.hint, 'page-table lock held until folio_walk_end()');
  assert.deepEqual(
    catalog.releasers.get('folio_walk_end')?.map((e) => e.name),
    ['folio_walk_start'],
  );
});

test('a damaged data file is reported and skipped, the others still load', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-cc-'));
  try {
    fs.copyFileSync(path.join(dataDirectory, 'folio-walk.yaml'), path.join(dir, 'folio-walk.yaml'));
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'format: [unclosed');
    fs.writeFileSync(
      path.join(dir, 'wrong.yaml'),
      'format: kernel-mm-lens-call-context\nversion: 1\nfunctions:\n  - name: x\n    hint: h\n',
    );
    const catalog = loadCallContext(dir);
    assert.ok(catalog.functions.has('folio_walk_start'));
    assert.equal(catalog.problems.length, 2, catalog.problems.join('\n'));
    assert.match(catalog.problems.join('\n'), /broken\.yaml/);
    assert.match(catalog.problems.join('\n'), /wrong\.yaml: x: unknown failure kind/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('version bounds select the inside-function note', () => {
  assert.equal(appliesToVersion({ since: '6.15' }, parseKernelVersion('6.12')), false);
  assert.equal(appliesToVersion({ until: '6.15' }, parseKernelVersion('6.12')), true);
  assert.equal(appliesToVersion({ since: '6.15' }, parseKernelVersion('6.17')), true);
  assert.equal(appliesToVersion({ until: '6.15' }, undefined), false);
});

test('hints sit after the closing paren of tracked calls in the range, plus the inside note of the function', async () => {
  const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'annotations', 'hints.c'), 'utf8');
  const parser = await createCParser();
  const tree = parser.parse(text);
  try {
    assert.ok(tree);
    const catalog = loadCallContext(dataDirectory);
    const all = callContextHints(
      tree,
      { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
      catalog,
      parseKernelVersion('6.12'),
    );
    const lines = text.split('\n');
    const byLabel = (needle: string) => all.filter((h) => h.label.includes(needle));
    const walk = byLabel('PTL held → folio_walk_end()');
    assert.equal(walk.length, 1, 'the macro body is not a call site; the call in the function is');
    assert.equal(walk[0].line, 9);
    assert.equal(lines[9].slice(0, walk[0].character).trimEnd().endsWith('addr, 0)'), true);
    const pgmap = byLabel('pgmap ref → put_dev_pagemap()');
    assert.equal(pgmap.length, 1);
    assert.equal(lines[pgmap[0].line].slice(0, pgmap[0].character).endsWith('get_dev_pagemap(pfn, NULL)'), true);
    const inside = all.filter((h) => h.label.includes('MMU_NOTIFY_EXCLUSIVE'));
    assert.equal(inside.length, 1, '6.12 tree: the pre-6.15 notifier note');
    assert.equal(inside[0].line, 4);
    const newer = callContextHints(
      tree,
      { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
      catalog,
      parseKernelVersion('6.15'),
    );
    assert.ok(newer.some((h) => h.label.includes('MMU_NOTIFY_CLEAR')));
    const visible = callContextHints(
      tree,
      { start: { line: 10, character: 0 }, end: { line: 12, character: 0 } },
      catalog,
      parseKernelVersion('6.12'),
    );
    assert.deepEqual(visible, [], 'nothing outside the visible range');
  } finally {
    tree?.delete();
    parser.delete();
  }
});

test('every tracked function present before 6.15 exists in the real 6.12 tree; releases in 6.12 or 6.1 (skipped without the trees)', (t) => {
  const trees = path.join(os.homedir(), '.cache', 'kernel-mm-lens', 'trees');
  const files = [
    'include/linux/pagewalk.h',
    'include/linux/mm.h',
    'include/linux/pagemap.h',
    'include/linux/page_ref.h',
    'include/linux/mmap_lock.h',
    'include/linux/mmu_notifier.h',
    'include/linux/memremap.h',
    'include/linux/migrate.h',
    'include/linux/rmap.h',
    'mm/memory.c',
    'mm/filemap.c',
  ];
  const read = (tree: string) =>
    files
      .map((f) => {
        try {
          return fs.readFileSync(path.join(trees, tree, f), 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n');
  if (!fs.existsSync(path.join(trees, 'linux-source-6.12'))) {
    t.skip('6.12 tree not installed');
    return;
  }
  const six12 = read('linux-source-6.12');
  const six1 = read('linux-source-6.1');
  const catalog = loadCallContext(dataDirectory);
  const version = parseKernelVersion('6.12');
  const present = [...catalog.functions.values()].filter((e) => appliesToVersion({ since: e.since }, version));
  const has = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);
  const acquires = [...present.map((e) => e.name), ...catalog.insideFunctions.keys()];
  assert.deepEqual(
    acquires.filter((name) => !has(six12, name)),
    [],
  );
  const releases = [...new Set(present.flatMap((e) => e.holds.flatMap((h) => h.releasedBy)))];
  assert.deepEqual(
    releases.filter((name) => !has(six12, name) && !has(six1, name)),
    [],
  );
});

test('the symbol catalog and the call-context data agree on how tracked calls are released', () => {
  const symbols = getCatalog();
  const catalog = loadCallContext(dataDirectory);
  const disagreements: string[] = [];
  for (const entry of symbols.entries) {
    const data = catalog.functions.get(entry.name);
    if (!entry.callContext?.release || !data) continue;
    const ours = new Set(data.holds.flatMap((h) => h.releasedBy));
    for (const release of entry.callContext.release)
      if (!ours.has(release))
        disagreements.push(`${entry.name}: catalog releases with ${release}, call-context data does not`);
  }
  assert.deepEqual(disagreements, []);
});

test('calls the data does not describe fall back to the catalog hint when it names the release', async () => {
  const parser = await createCParser();
  const tree = parser.parse(
    'void f(void)\n{\n\tcustom_acquire(x);\n\tfolio_walk_start(&fw, vma, 0, 0);\n\tvague_acquire(y);\n\tif (!folio_trylock(folio))\n\t\treturn;\n}\n',
  );
  try {
    assert.ok(tree);
    const hints = callContextHints(
      tree,
      { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } },
      loadCallContext(dataDirectory),
      undefined,
      (name) =>
        name === 'custom_acquire'
          ? { hint: 'custom held: custom_release() when done', release: ['custom_release'], sources: ['test'] }
          : name === 'vague_acquire'
            ? { hint: 'something held until later', release: [], sources: ['test'] }
            : undefined,
    );
    assert.deepEqual(
      hints.map((h) => [h.line, h.label]),
      [
        [2, 'custom held → custom_release()'],
        [3, 'PTL held → folio_walk_end()'],
        // negated: the branch below is the failure, so the label says when the lock is held
        [5, 'on success: folio locked → folio_unlock()'],
      ],
    );
    assert.match(hints[0].tooltip, /custom held: custom_release\(\) when done/);
    assert.match(hints[2].tooltip, /negated/);
  } finally {
    tree?.delete();
    parser.delete();
  }
});

test('call hints stay linear in nesting depth and still tell function bodies from macro bodies (issue 17)', async () => {
  // A call 20,000 blocks deep: walking up with tree-sitter's `parent` (each step found again from the root) took
  // 114 s on such a file of the mutated corpus and blocked the server. Also: a visible range that starts inside a
  // function (the function begins above it) and a macro body inside a function body.
  const depth = 20_000;
  const text = [
    'struct folio_walk;',
    'int deep(void)',
    '{',
    `${'if (a) {'.repeat(depth)} folio_walk_start(fw, vma, addr, 0); ${'}'.repeat(depth)}`,
    '}',
    'int shallow(void)',
    '{',
    '\tint x;',
    '#define WALK(fw) folio_walk_start(fw, vma, addr, 0)',
    '\tfolio_walk_start(fw, vma, addr, 0);',
    '\treturn 0;',
    '}',
    'int top = sizeof(folio_walk_start(fw, vma, addr, 0));',
  ].join('\n');
  const parser = await createCParser();
  const tree = parser.parse(text);
  try {
    assert.ok(tree);
    const catalog = loadCallContext(dataDirectory);
    const started = performance.now();
    const all = callContextHints(
      tree,
      { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
      catalog,
      parseKernelVersion('6.12'),
    );
    const walks = all.filter((h) => h.label.includes('folio_walk_end()')).map((h) => h.line);
    assert.deepEqual(walks, [3, 9], 'the deep call and the call in shallow(); not the macro body, not file scope');
    const visible = callContextHints(
      tree,
      { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } },
      catalog,
      parseKernelVersion('6.12'),
    );
    assert.deepEqual(
      visible.map((h) => h.line),
      [9],
      'a range inside a function that starts above it',
    );
    // A guard against the quadratic walk, not a timing: it took minutes.
    assert.ok(performance.now() - started < 60_000);
  } finally {
    tree?.delete();
    parser.delete();
  }
});
