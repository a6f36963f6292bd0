import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDiagrams } from '../../server/src/diagrams/loader';
import { selectVariant } from '../../server/src/diagrams/variantSelection';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import { getChangeCatalog } from '../../server/src/knowledge/changes/changeCatalog';

// The tracked-change evidence (knowledge/changes TreeChanges.hasAll) as a variant rule: a 6.12 tree that has the
// folio_walk conversion of make_device_exclusive() backported shows the 6.15 variant; one without it the old one.
const diagrams = loadDiagrams().diagrams;
const deviceExclusive = diagrams.find((d) => d.id === 'device-exclusive')!;
const v612 = parseKernelVersion('6.12');
const having = (present: string[] | undefined) => ({
  hasAll: (ids: readonly string[]) => (present === undefined ? undefined : ids.every((id) => present.includes(id))),
});

test('a changes rule decides the variant by the tree having the tracked change', () => {
  const backported = selectVariant(deviceExclusive, {
    kernelVersion: v612,
    changes: having(['dx-fixes-04-folio-walk']),
  });
  assert.equal(backported.variant.id, 'folio-walk-6.15');
  assert.match(backported.reason, /the tree has dx-fixes-04-folio-walk/);
  const without = selectVariant(deviceExclusive, { kernelVersion: v612, changes: having([]) });
  assert.equal(without.variant.id, 'rmap-walk-legacy');
  // evidence that cannot tell counts for nothing: the release number decides
  const unknown = selectVariant(deviceExclusive, { kernelVersion: v612, changes: having(undefined) });
  assert.equal(unknown.variant.id, 'rmap-walk-legacy');
  const rule = unknown.outcomes.find((o) => o.variant === 'folio-walk-6.15')!.rules.find((r) => 'changes' in r.rule)!;
  assert.equal(rule.matches, undefined);
});

test('every changes rule of the shipped diagrams names a tracked change', () => {
  const catalog = getChangeCatalog();
  let rules = 0;
  for (const diagram of diagrams)
    for (const variant of diagram.variants)
      for (const rule of variant.appliesTo)
        if ('changes' in rule)
          for (const id of rule.changes) {
            rules++;
            assert.ok(catalog.byId(id), `${diagram.id}/${variant.id}: unknown change ${id}`);
          }
  assert.ok(rules >= 2, `${rules} changes rules`);
});
