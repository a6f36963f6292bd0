import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { functionsOfDiagram, loadDiagrams, parseDiagramText } from '../../server/src/diagrams/loader';
import { dataDir } from '../../server/src/base/paths';

const diagramDir = path.join(dataDir(), 'diagrams');

describe('diagram data files', () => {
  const { diagrams, problems } = loadDiagrams();

  it('every file validates against the schema', () => {
    assert.deepEqual(problems, []);
    const files = fs.readdirSync(diagramDir).filter((name) => name.endsWith('.yaml'));
    assert.equal(diagrams.length, files.length);
    for (const file of files) {
      const parsed = parseDiagramText(fs.readFileSync(path.join(diagramDir, file), 'utf8'));
      assert.ok('diagram' in parsed, `${file}: ${'problems' in parsed ? parsed.problems.join('; ') : ''}`);
      assert.equal(`${parsed.diagram.id}.yaml`, file, 'file name is the diagram id');
    }
  });

  it('has the agreed diagram and variant ids (hovers, lint and the catalog link to them)', () => {
    const ids = Object.fromEntries(diagrams.map((d) => [d.id, d.variants.map((v) => v.id)]));
    assert.deepEqual(ids['device-exclusive'], ['folio-walk-6.15', 'rmap-walk-legacy']);
    assert.deepEqual(ids['zone-device-refcount'], ['after-6.15', 'before-6.15']);
    for (const id of ['folio-walk', 'fsdax-layout-break', 'device-private-fault']) assert.ok(ids[id], id);
  });

  it('every step that runs code names a function, and every diagram explains what changed between variants', () => {
    for (const diagram of diagrams) {
      for (const variant of diagram.variants) {
        for (const step of variant.steps) {
          if ((step.kind ?? 'step') === 'step') assert.ok(step.function, `${diagram.id}/${variant.id}/${step.id}`);
          assert.ok(step.source.thread || step.source.tree);
        }
      }
      if (diagram.variants.length > 1) assert.ok(diagram.changes && diagram.changes.items.length > 0, diagram.id);
    }
  });

  it('the device-exclusive diagram records the notifier events of both eras', () => {
    const [modern, legacy] = diagrams.find((d) => d.id === 'device-exclusive')!.variants;
    const events = (steps: typeof modern.steps) =>
      Object.fromEntries(steps.filter((s) => s.notifier).map((s) => [s.id, s.notifier]));
    assert.equal(events(modern.steps)['notify-exclusive'], 'MMU_NOTIFY_EXCLUSIVE');
    assert.equal(events(modern.steps).revoke, 'MMU_NOTIFY_CLEAR');
    assert.equal(events(legacy.steps).revoke, 'MMU_NOTIFY_EXCLUSIVE');
  });

  it('rejects malformed diagrams with a message naming the problem', () => {
    const good = fs.readFileSync(path.join(diagramDir, 'folio-walk.yaml'), 'utf8');
    const cases: Array<[string, RegExp]> = [
      [good.replace('        function: folio_walk_end\n', ''), /must have required property 'function'/],
      [good.replace('{ from: walk-end, to: after }', '{ from: walk-end, to: nowhere }'), /unknown step 'nowhere'/],
      [
        good.replace('title: folio_walk protocol', 'title: folio_walk protocol\ncolour: red'),
        /additional properties \('colour'\)/,
      ],
      [good.replace('min: "6.12"', 'min: "six"'), /must match pattern/],
      [good.replace('thread: 20240802155524.517137-3-david@redhat.com', 'thread: "<script>@x"'), /must match pattern/],
      ['id: [unclosed', /invalid YAML/],
      ['', /must be object/],
    ];
    for (const [text, expected] of cases) {
      const result = parseDiagramText(text);
      assert.ok('problems' in result, `accepted: ${text.slice(0, 40)}`);
      assert.match(result.problems.join('\n'), expected);
    }
  });

  it('skips a bad file and a duplicate id without losing the good ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-diagrams-'));
    try {
      fs.copyFileSync(path.join(diagramDir, 'folio-walk.yaml'), path.join(dir, 'a.yaml'));
      fs.copyFileSync(path.join(diagramDir, 'folio-walk.yaml'), path.join(dir, 'b.yaml'));
      fs.writeFileSync(path.join(dir, 'c.yaml'), Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x3a]));
      fs.writeFileSync(path.join(dir, 'd.yaml'), 'x: '.repeat(300_000));
      const loaded = loadDiagrams(dir);
      assert.deepEqual(
        loaded.diagrams.map((d) => d.id),
        ['folio-walk'],
      );
      assert.match(loaded.problems.join('\n'), /b\.yaml: diagram id 'folio-walk' is already defined/);
      assert.match(loaded.problems.join('\n'), /c\.yaml: /);
      assert.match(loaded.problems.join('\n'), /d\.yaml: file is \d+ bytes/);
      assert.match(loadDiagrams(path.join(dir, 'missing')).problems[0], /cannot list diagrams/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every function a diagram names is a catalog symbol, and catalog diagram links name real diagrams', async (t) => {
    let catalogModule: typeof import('../../server/src/knowledge/catalog');
    try {
      catalogModule = await import('../../server/src/knowledge/catalog');
    } catch (error) {
      t.skip(`catalog module not available yet: ${(error as Error).message}`);
      return;
    }
    const catalog = catalogModule.loadCatalog();
    const missing = diagrams.flatMap((diagram) =>
      functionsOfDiagram(diagram)
        .filter((name) => !catalogModule.lookupSymbol(name, catalog))
        .map((name) => `${diagram.id}: ${name}`),
    );
    assert.deepEqual(missing, [], 'functions named by diagrams but absent from server/data/catalog');
    const variantsOf = new Map(diagrams.map((d) => [d.id, new Set(d.variants.map((v) => v.id))]));
    const broken = catalog.entries.flatMap((entry) =>
      (entry.diagrams ?? [])
        .filter(
          (ref) => !variantsOf.has(ref.id) || (ref.variant !== undefined && !variantsOf.get(ref.id)!.has(ref.variant)),
        )
        .map((ref) => `${entry.name} -> ${ref.id}${ref.variant ? `/${ref.variant}` : ''}`),
    );
    assert.deepEqual(broken, [], 'catalog entries linking to diagrams or variants that do not exist');
  });
});
