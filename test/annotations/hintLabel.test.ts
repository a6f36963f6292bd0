import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { loadCallContext } from '../../server/src/annotations/callContext';
import {
  INLAY_HINT_MAX_LENGTH,
  callHintLabel,
  conditionPrefix,
  fitHintLabel,
  freeTextHintLabel,
  releaseFunctions,
} from '../../server/src/annotations/hintLabel';

const dataDirectory = path.join(__dirname, '..', '..', 'server', 'data', 'call-context');

test('the release function comes after the held state and survives when the label is tight', () => {
  assert.equal(
    fitHintLabel({ condition: '', held: 'PTL held', releases: ['folio_walk_end'] }),
    'PTL held → folio_walk_end()',
  );
  // too long with the held words: they go, the release function stays
  const label = fitHintLabel({
    condition: 'on success: ',
    held: 'page-table lock and PTE mapping',
    releases: ['pte_unmap_unlock'],
  });
  assert.equal(label, 'on success: → pte_unmap_unlock()');
  // nothing fits: the first release function alone, marked when more follow
  assert.equal(
    fitHintLabel({ condition: '', held: 'x', releases: ['a'.repeat(30), 'b'.repeat(30)] }, 40),
    `→ ${'a'.repeat(30)}()…`,
  );
});

test('negated calls read "on success:", plain ones keep their condition', () => {
  assert.equal(conditionPrefix('false', { negated: true }), 'on success: ');
  assert.equal(conditionPrefix('false', { negated: false }), 'if true: ');
  assert.equal(conditionPrefix('nonzero', { negated: false }), 'if 0: ');
  assert.equal(conditionPrefix('nonzero', { negated: true }), 'on success: ');
  assert.equal(conditionPrefix('none', { negated: true }), '');
  const trylock = { failure: 'false' as const, holds: [{ what: 'folio lock', releasedBy: ['folio_unlock'] }] };
  assert.equal(callHintLabel(trylock, { negated: true }), 'on success: folio lock → folio_unlock()');
  assert.equal(callHintLabel(trylock, { negated: false }), 'if true: folio lock → folio_unlock()');
});

test('a data label with its own arrow is used as written', () => {
  const entry = { failure: 'none' as const, holds: [], label: 'pages locked+ref → unlock_page()+put_page()' };
  assert.equal(callHintLabel(entry, { negated: false }), 'pages locked+ref → unlock_page()+put_page()');
});

test('free catalog text is kept when it fits, else cut down to its release functions', () => {
  assert.equal(freeTextHintLabel('pgmap reference: put_dev_pagemap()'), 'pgmap reference: put_dev_pagemap()');
  const label = freeTextHintLabel('folio locked and referenced: folio_unlock() + folio_put() when done');
  assert.ok(label.length <= INLAY_HINT_MAX_LENGTH, label);
  assert.match(label, /folio_unlock\(\)/);
});

test('every shipped call-context entry gives a label of at most 43 characters naming its release function', () => {
  const catalog = loadCallContext(dataDirectory);
  assert.ok(catalog.functions.size >= 10);
  for (const entry of catalog.functions.values()) {
    for (const negated of [false, true]) {
      const label = callHintLabel(entry, { negated });
      assert.ok(label.length <= INLAY_HINT_MAX_LENGTH, `${entry.name}: "${label}" has ${label.length} characters`);
      const releases = releaseFunctions(entry.holds);
      if (releases.length)
        assert.ok(
          releases.some((name) => label.includes(`${name}()`)),
          `${entry.name}: "${label}" names none of ${releases.join(', ')}`,
        );
    }
  }
});
