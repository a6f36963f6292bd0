import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadDiagrams } from '../../server/src/diagrams/loader';
import { buildDiagram } from '../../server/src/diagrams/diagramService';
import { FileHintEvidence, IndexEvidence, sourceCalls } from '../../server/src/diagrams/codeEvidence';
import { selectVariant } from '../../server/src/diagrams/variantSelection';
import { resolveStepWithIndex } from '../../server/src/diagrams/stepLocations';
import { detectKernelVersion, parseKernelVersion } from '../../server/src/base/kernelVersion';
import type { KernelIndex } from '../../server/src/indexing/types';
import type { Diagram } from '../../server/src/diagrams/types';
import { indexFixture } from './fixtureIndex';

const fixtures = path.join(__dirname, '..', 'fixtures', 'diagrams');
const newTree = path.join(fixtures, 'tree-6.15');
const oldTree = path.join(fixtures, 'tree-legacy');
const { diagrams } = loadDiagrams();
const byId = (id: string): Diagram => diagrams.find((d) => d.id === id)!;

// Which variant each fixture tree must select, and therefore must contain every function of.
const expected: Record<string, Record<string, string>> = {
  'tree-6.15': {
    'device-exclusive': 'folio-walk-6.15',
    'folio-walk': 'since-6.12',
    'zone-device-refcount': 'after-6.15',
    'fsdax-layout-break': 'common-helper-6.15',
    'device-private-fault': 'page-lock-6.15',
  },
  'tree-legacy': {
    'device-exclusive': 'rmap-walk-legacy',
    'zone-device-refcount': 'before-6.15',
    'fsdax-layout-break': 'per-filesystem-legacy',
    'device-private-fault': 'page-ref-legacy',
  },
};

const indexes: Record<string, KernelIndex> = {};

describe('diagram steps resolve in kernel-style fixture trees', () => {
  before(async () => {
    for (const tree of ['tree-6.15', 'tree-legacy']) {
      const built = await indexFixture(path.join(fixtures, tree));
      if (!built.real)
        process.stderr.write(`diagram tests: real index unavailable (${built.why}); using the lexer fixture index\n`);
      indexes[tree] = built.index;
    }
  });

  for (const tree of Object.keys(expected)) {
    for (const [id, variant] of Object.entries(expected[tree])) {
      it(`${tree}: ${id} selects ${variant} and every step function resolves`, () => {
        const root = path.join(fixtures, tree);
        const index = indexes[tree];
        const result = buildDiagram(
          diagrams,
          { id },
          {
            kernelVersion: detectKernelVersion(root),
            evidence: new IndexEvidence(index),
            resolveStep: (step) => resolveStepWithIndex(index, step, (file) => `file:///tree/${file}`),
          },
        );
        assert.equal(result.variant, variant, result.variantReason);
        const unresolved = result.steps
          .filter((step) => step.function && (!step.location || step.missing))
          .map((step) => step.function);
        assert.deepEqual(unresolved, []);
        for (const step of result.steps.filter((s) => s.function))
          assert.match(step.location!.uri, /^file:\/\/\/tree\/[a-z]/);
      });
    }
  }

  it('a step with `at` jumps to the line of that call inside the function', () => {
    const index = indexes['tree-6.15'];
    const step = byId('device-exclusive').variants[0].steps.find((s) => s.id === 'lock-folio')!;
    const resolved = resolveStepWithIndex(index, step, (file) => file);
    assert.equal(resolved.location!.uri, 'mm/rmap.c');
    // Line 46 (1-based) of the fixture: `ret = folio_lock_killable(folio);`
    assert.equal(resolved.location!.range.start.line, 45);
    assert.equal(resolved.location!.range.start.character, 7);
  });

  it('a step whose `at` was renamed upstream jumps to the new name and says so (softleaf_* since 6.19)', async () => {
    // A tree after the swapops predicates became softleaf_* helpers: do_swap_page no longer names
    // is_device_private_entry, so the step would fall back to the definition line without `atAlso`.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmm-softleaf-'));
    try {
      fs.mkdirSync(path.join(root, 'mm'));
      fs.writeFileSync(
        path.join(root, 'mm', 'memory.c'),
        [
          'vm_fault_t do_swap_page(struct vm_fault *vmf)',
          '{',
          '\tsoftleaf_t entry = softleaf_from_pte(vmf->orig_pte);',
          '',
          '\tif (softleaf_is_device_private(entry))',
          '\t\treturn vmf->page->pgmap->ops->migrate_to_ram(vmf);',
          '\treturn 0;',
          '}',
          '',
        ].join('\n'),
      );
      const { index } = await indexFixture(root);
      const step = byId('device-private-fault').variants[0].steps.find((s) => s.id === 'fault')!;
      assert.equal(step.at, 'is_device_private_entry');
      const resolved = resolveStepWithIndex(index, step, (file) => file);
      assert.equal(resolved.at, 'softleaf_is_device_private');
      assert.equal(resolved.location!.uri, 'mm/memory.c');
      assert.deepEqual(resolved.location!.range.start, { line: 4, character: 5 });
      // The diagram highlights the step for the new name too.
      const built = buildDiagram(diagrams, { id: 'device-private-fault', symbol: 'softleaf_is_device_private' }, {});
      assert.ok(built.steps.some((s) => s.id === 'fault' && s.highlighted));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('a function the tree lacks is reported missing (legacy step in a 6.15 tree)', () => {
    const step = byId('device-exclusive').variants[1].steps.find((s) => s.function === 'make_device_exclusive_range')!;
    assert.deepEqual(
      resolveStepWithIndex(indexes['tree-6.15'], step, (file) => file),
      { missing: true },
    );
  });

  it('code evidence beats a contradicting kernel version, both ways', () => {
    const choiceOld = selectVariant(byId('device-exclusive'), {
      kernelVersion: parseKernelVersion('6.16'),
      evidence: new IndexEvidence(indexes['tree-legacy']),
    });
    assert.equal(choiceOld.variant.id, 'rmap-walk-legacy');
    const choiceNew = selectVariant(byId('device-exclusive'), {
      kernelVersion: parseKernelVersion('6.1'),
      evidence: new IndexEvidence(indexes['tree-6.15']),
    });
    assert.equal(choiceNew.variant.id, 'folio-walk-6.15');
    assert.match(choiceNew.reason, /make_device_exclusive \(mm\/rmap\.c\) calls folio_walk_start/);
  });

  it('without code evidence the kernel version decides, and without either the newest variant is the default', () => {
    assert.equal(
      selectVariant(byId('device-exclusive'), { kernelVersion: parseKernelVersion('6.12') }).variant.id,
      'rmap-walk-legacy',
    );
    assert.equal(
      selectVariant(byId('device-exclusive'), { kernelVersion: parseKernelVersion('6.15') }).variant.id,
      'folio-walk-6.15',
    );
    const fallback = selectVariant(byId('device-exclusive'), {});
    assert.equal(fallback.variant.id, 'folio-walk-6.15');
    assert.match(fallback.reason, /^default/);
  });

  it('file-hint evidence (no index) reads the code the rules name', () => {
    for (const [tree, variant] of [
      ['tree-6.15', 'page-lock-6.15'],
      ['tree-legacy', 'page-ref-legacy'],
    ]) {
      const choice = selectVariant(byId('device-private-fault'), {
        evidence: new FileHintEvidence(path.join(fixtures, tree)),
      });
      assert.equal(choice.variant.id, variant, choice.reason);
    }
  });

  it('a call mentioned only in a comment does not count', () => {
    const source = new FileHintEvidence(oldTree).functionSource('do_swap_page', 'mm/memory.c')!;
    assert.match(source.text, /trylock_page\(page\) must not count/);
    assert.equal(sourceCalls(source, 'trylock_page'), false);
    assert.equal(sourceCalls(source, 'get_page'), true);
  });

  it('file hints cannot escape the tree', () => {
    const evidence = new FileHintEvidence(newTree);
    assert.equal(evidence.symbolExists('make_device_exclusive', '../tree-legacy/include/linux/rmap.h'), undefined);
    assert.equal(evidence.symbolExists('make_device_exclusive', 'include/linux/rmap.h'), true);
  });

  it('a symbol picks the diagram and highlights its step; a legacy-only symbol shows the legacy variant', () => {
    const index = indexes['tree-6.15'];
    const options = { kernelVersion: detectKernelVersion(newTree), evidence: new IndexEvidence(index) };
    const walk = buildDiagram(diagrams, { symbol: 'folio_walk_start' }, options);
    assert.equal(walk.id, 'device-exclusive');
    assert.deepEqual(
      walk.steps.filter((s) => s.highlighted).map((s) => s.id),
      ['folio-walk-recheck'],
    );
    assert.ok(walk.alternatives.includes('folio-walk'));
    assert.match(walk.svg, /class="kml-node kml-step kml-highlight" data-step="folio-walk-recheck"/);

    const legacy = buildDiagram(diagrams, { symbol: 'page_make_device_exclusive_one' }, options);
    assert.equal(legacy.variant, 'rmap-walk-legacy');
    assert.match(legacy.variantReason, /only variant with a step for page_make_device_exclusive_one/);
    const lens = buildDiagram(
      diagrams,
      { id: 'device-exclusive', symbol: 'make_device_exclusive', step: 'clear-pte' },
      options,
    );
    assert.deepEqual(
      lens.steps.filter((s) => s.highlighted).map((s) => s.id),
      ['clear-pte'],
    );
    assert.throws(
      () => buildDiagram(diagrams, { symbol: 'no_such_function' }, options),
      /no diagram has a step for no_such_function/,
    );
    assert.throws(
      () => buildDiagram(diagrams, { id: 'device-exclusive', variant: 'nope' }, options),
      /has no variant 'nope'/,
    );
  });
});

describe('diagram by symbol', () => {
  it('opens the diagram whose variant for the tree shows the symbol first', () => {
    const { diagrams } = loadDiagrams();
    const result = buildDiagram(
      diagrams,
      { symbol: 'folio_walk_start' },
      { kernelVersion: parseKernelVersion('6.12') },
    );
    assert.equal(result.id, 'folio-walk');
    assert.equal(result.variant, 'since-6.12');
    assert.ok(result.alternatives.includes('device-exclusive'), 'the other diagram is named as an alternative');
    // ... but its variant for a 6.12 tree has no folio_walk_start step: "Open Lifecycle Diagram" opens folio-walk
    assert.deepEqual(result.alternativesInTree, []);
    const newer = buildDiagram(diagrams, { symbol: 'folio_walk_start' }, { kernelVersion: parseKernelVersion('6.15') });
    assert.deepEqual([newer.id, ...(newer.alternativesInTree ?? [])].sort(), ['device-exclusive', 'folio-walk']);
  });
});
