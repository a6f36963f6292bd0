import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lifecycleMarkers } from '../../server/src/annotations/codeLenses';
import { loadDiagrams } from '../../server/src/diagrams/loader';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import type { Diagram } from '../../server/src/diagrams/types';

const source = { thread: 'x@y' };
const diagram: Diagram = {
  id: 'walk',
  title: 'folio_walk protocol',
  summary: 's',
  variants: [
    {
      id: 'v1',
      label: '6.12+',
      appliesTo: [{ kernel: { min: '6.12' } }],
      steps: [
        { id: 'lock', label: 'take mmap lock', function: 'mmap_read_lock', source },
        { id: 'held', kind: 'state', label: 'PTL held', source },
        { id: 'start', label: 'start', function: 'folio_walk_start', source },
        { id: 'end', label: 'end', function: 'folio_walk_end', source },
      ],
      transitions: [],
    },
  ],
};

test('lifecycle marker: step number counts steps only (not states), with the diagram and step to open', () => {
  const [marker] = lifecycleMarkers('folio_walk_end', [diagram], parseKernelVersion('6.12'));
  assert.deepEqual(marker, {
    title: 'folio_walk protocol · step 3 of 3 ›',
    diagramId: 'walk',
    variant: 'v1',
    stepId: 'end',
    step: 3,
    steps: 3,
  });
  assert.deepEqual(lifecycleMarkers('unrelated', [diagram]), []);
});

test('lifecycle markers from the shipped diagrams pick the variant of the tree version', () => {
  const { diagrams } = loadDiagrams();
  const modern = lifecycleMarkers('remove_device_exclusive_entry', diagrams, parseKernelVersion('6.15'));
  const legacy = lifecycleMarkers('page_make_device_exclusive_one', diagrams, parseKernelVersion('6.12'));
  const dx = modern.find((m) => m.diagramId === 'device-exclusive');
  assert.ok(dx, 'remove_device_exclusive_entry is a device-exclusive step');
  assert.match(dx.title, /^Device-exclusive entry · step \d+ of \d+ ›$/);
  assert.ok(dx.step >= 1 && dx.step <= dx.steps);
  assert.equal(legacy.find((m) => m.diagramId === 'device-exclusive')?.variant, 'rmap-walk-legacy');
});

test('a lifecycle lens only for the variant the tree has: folio_walk_start in 6.12 is no 6.15 device-exclusive step', () => {
  const { diagrams } = loadDiagrams();
  const markers = lifecycleMarkers('folio_walk_start', diagrams, parseKernelVersion('6.12'));
  assert.deepEqual(
    markers.map((m) => m.diagramId),
    ['folio-walk'],
  );
  // in a 6.15 tree the device-exclusive entry is made through folio_walk_start: both lenses
  const newer = lifecycleMarkers('folio_walk_start', diagrams, parseKernelVersion('6.15'));
  assert.deepEqual(newer.map((m) => m.diagramId).sort(), ['device-exclusive', 'folio-walk']);
});
