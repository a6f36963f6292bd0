import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { loadDiagrams } from '../../server/src/diagrams/loader';
import { buildDiagram } from '../../server/src/diagrams/diagramService';
import { layoutVariant } from '../../server/src/diagrams/layout';
import { renderSvg } from '../../server/src/diagrams/svgRenderer';
import { renderMermaid } from '../../server/src/diagrams/mermaidRenderer';
import { escapeMermaid } from '../../server/src/diagrams/escape';
import type { DiagramVariant } from '../../server/src/diagrams/types';
import { main } from '../../server/src/main';

const { diagrams } = loadDiagrams();
const fixtures = path.join(__dirname, '..', 'fixtures', 'diagrams');

const hostile: DiagramVariant = {
  id: 'hostile',
  label: 'hostile',
  appliesTo: [{ kernel: { min: '6.1' } }],
  steps: [
    {
      id: 'a',
      label: '</text><script>alert(1)</script> "quoted" & \'single\' \u0001',
      function: 'evil_fn',
      note: 'note <img src=x onerror=alert(1)>',
      source: { thread: 'x@y', subject: '<b>subject</b>' },
    },
    { id: 'end', kind: 'state', label: 'end"] --> X[click', source: { tree: 'mm/x.c' } },
  ],
  transitions: [{ from: 'a', to: 'end', label: '|pipe| "q" #;' }],
};

function textOf(svg: string): string[] {
  return [...svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((match) => match[1]);
}

async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await main(argv, {
    out: sink((s) => {
      out += s;
    }),
    err: sink((s) => {
      err += s;
    }),
  });
  return { code, out, err };
}

describe('layout and SVG', () => {
  for (const diagram of diagrams) {
    for (const variant of diagram.variants) {
      it(`${diagram.id}/${variant.id}: every step is a node with its function name as text, no overlaps`, () => {
        const layout = layoutVariant(variant);
        assert.equal(layout.nodes.length, variant.steps.length);
        assert.equal(layout.edges.length, variant.transitions.length);
        for (const edge of layout.edges) assert.ok(edge.points.length >= 2, `${edge.from}->${edge.to} has a route`);
        for (let i = 0; i < layout.nodes.length; i++) {
          const a = layout.nodes[i];
          assert.ok(
            a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width + 1 && a.y + a.height <= layout.height + 1,
            `${a.id} inside the canvas`,
          );
          for (const b of layout.nodes.slice(i + 1)) {
            const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
            assert.ok(!overlap, `${a.id} overlaps ${b.id}`);
          }
        }
        const svg = renderSvg(layout, { title: diagram.title, standalone: true });
        const texts = textOf(svg);
        for (const step of variant.steps) {
          if (step.function) assert.ok(texts.includes(`${step.function}()`), `${step.function} drawn as text`);
          assert.ok(svg.includes(`data-step="${step.id}"`));
        }
      });
    }
  }

  it('standalone SVG is self-contained; the inline one carries no URL at all', () => {
    const result = buildDiagram(diagrams, { id: 'device-exclusive' });
    assert.match(
      result.standaloneSvg,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /,
    );
    const withoutNamespace = result.standaloneSvg.replace(' xmlns="http://www.w3.org/2000/svg"', '');
    for (const svg of [withoutNamespace, result.svg]) {
      assert.doesNotMatch(svg, /https?:|href|<script|<image|<foreignObject|style=|@import/i);
    }
    // Only references inside the document: the arrow marker.
    assert.deepEqual([...new Set([...result.svg.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]))], ['#kml-arrow']);
  });

  it('escapes hostile labels, notes and subjects', () => {
    const svg = renderSvg(layoutVariant(hostile), { title: 'T <x>', standalone: true });
    assert.doesNotMatch(svg, /<script|<img|<b>|\u0001/);
    assert.match(
      svg,
      /&lt;\/text&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;/,
    );
    assert.match(svg, /note &lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(svg, /<title>T &lt;x&gt;<\/title>/);
  });
});

describe('Mermaid', () => {
  it('renders flowchart TD with one node per step, state shapes and labelled edges', () => {
    const variant = diagrams.find((d) => d.id === 'folio-walk')!.variants[0];
    const text = renderMermaid(variant, { title: 'folio_walk', highlight: new Set(['walk-start']) });
    const lines = text.split('\n');
    assert.equal(lines[1], 'flowchart TD');
    assert.ok(lines.includes('  s_mmap_locked(["Caller holds the mmap lock #40;read#41; and<br/>has the VMA"])'), text);
    assert.ok(lines.some((line) => line.startsWith('  s_walk_start["') && line.includes('folio_walk_start#40;#41;')));
    assert.ok(lines.includes('  s_walk_start -->|"folio + PTL"| s_inspect'));
    assert.ok(lines.includes('  class s_walk_start highlight'));
  });

  it('escapes every character Mermaid could read as syntax', () => {
    const text = renderMermaid(hostile, { title: 'x' });
    assert.ok(text.includes('s_end(["end#quot;#93; --#gt; X#91;click"])'), text);
    assert.ok(text.includes('s_a -->|"#124;pipe#124; #quot;q#quot; #35;#59;"| s_end'), text);
    assert.equal(escapeMermaid('a\nb'), 'a b');
  });
});

describe('kernel-mm-lens diagram (CLI)', () => {
  it('--list names every diagram and variant', async () => {
    const { code, out } = await runCli(['diagram', '--list']);
    assert.equal(code, 0);
    for (const diagram of diagrams) {
      assert.match(out, new RegExp(`^${diagram.id} `, 'm'));
      for (const variant of diagram.variants) assert.ok(out.includes(`--variant ${variant.id}`));
    }
  });

  it('picks the variant from the tree and writes Mermaid or SVG', async () => {
    const legacy = await runCli([
      'diagram',
      'device-exclusive',
      '--format',
      'mermaid',
      '--tree',
      path.join(fixtures, 'tree-legacy'),
    ]);
    assert.equal(legacy.code, 0, legacy.err);
    assert.match(
      legacy.err,
      /variant rmap-walk-legacy for 6\.12 \(kernel 6\.12 is < 6\.15; make_device_exclusive_range exists in the tree\)/,
    );
    assert.match(legacy.out, /^%% .*\nflowchart TD\n/);
    assert.match(legacy.out, /page_make_device_exclusive_one#40;#41;/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-cli-'));
    try {
      const file = path.join(dir, 'de.svg');
      const modern = await runCli([
        'diagram',
        'device-exclusive',
        '--tree',
        path.join(fixtures, 'tree-6.15'),
        '--kernel-version',
        '6.12',
        '-o',
        file,
      ]);
      assert.equal(modern.code, 0, modern.err);
      assert.equal(modern.out, '');
      // The code (folio_walk_start call) outweighs the version given on the command line.
      assert.match(modern.err, /variant folio-walk-6\.15 for 6\.12/);
      const svg = fs.readFileSync(file, 'utf8');
      assert.ok(textOf(svg).includes('folio_walk_start()'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports bad input with exit code 2', async () => {
    assert.equal((await runCli(['diagram', 'nope'])).code, 2);
    assert.match((await runCli(['diagram', 'nope'])).err, /no diagram 'nope'; known: /);
    assert.equal((await runCli(['diagram', 'folio-walk', '--format', 'png'])).code, 2);
    assert.equal((await runCli(['diagram', 'folio-walk', '--kernel-version', 'banana'])).code, 2);
    assert.equal((await runCli(['diagram', 'folio-walk', '--tree', path.join(fixtures, 'does-not-exist')])).code, 2);
    assert.equal((await runCli(['diagram', 'folio-walk', '--variant', 'nope'])).code, 2);
    assert.equal((await runCli(['diagram'])).code, 2);
  });
});
