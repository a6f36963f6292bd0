import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreadGraph } from '../../server/src/lore/threading';
import {
  loadMail,
  V1_COVER,
  V1_PATCH,
  POPPLE_V1_REPLY,
  DAVID_FIRST_REPLY,
  DAVID_READD_REPLY,
  SIMONA_REPLY,
} from './helpers';

test('the seed thread is rebuilt from References/In-Reply-To: who replied to whom', async () => {
  const { index } = await loadMail(['device-exclusive-v1.mbox']);
  const thread = index.threads.threadOf(DAVID_READD_REPLY);
  assert.deepEqual(
    thread.map((entry) => [entry.messageId, entry.parentId, entry.depth]),
    [
      [V1_COVER, undefined, 0],
      [V1_PATCH, V1_COVER, 1],
      [POPPLE_V1_REPLY, V1_PATCH, 2],
      [DAVID_FIRST_REPLY, POPPLE_V1_REPLY, 3],
      [DAVID_READD_REPLY, DAVID_FIRST_REPLY, 4],
      [SIMONA_REPLY, POPPLE_V1_REPLY, 3],
    ],
  );
  assert.equal(index.threads.rootOf(SIMONA_REPLY), V1_COVER);
});

test('reference loops are broken, self references ignored, orphans keep their missing ancestors', async () => {
  const { index } = await loadMail(['reference-loop.mbox']);
  const graph = index.threads;
  // loop-a says its parent is loop-b and loop-b says its parent is loop-a: one of the links must be refused.
  const parentA = graph.parentOf('loop-a@example.org');
  const parentB = graph.parentOf('loop-b@example.org');
  assert.ok(!(parentA === 'loop-b@example.org' && parentB === 'loop-a@example.org'), 'no two-message cycle');
  for (const id of ['loop-a@example.org', 'loop-b@example.org', 'loop-self@example.org', 'orphan@example.org']) {
    const thread = graph.threadOf(id);
    assert.ok(
      thread.some((entry) => entry.messageId === id),
      `${id} is in its own thread`,
    );
    assert.equal(new Set(thread.map((entry) => entry.messageId)).size, thread.length, 'no message listed twice');
  }
  assert.notEqual(graph.parentOf('loop-self@example.org'), 'loop-self@example.org');
  assert.equal(graph.rootOf('orphan@example.org'), 'never-received-root@example.org');
  const orphanThread = graph.threadOf('orphan@example.org');
  assert.deepEqual(
    orphanThread.map((entry) => [entry.messageId, entry.present]),
    [
      ['never-received-root@example.org', false],
      ['never-received-parent@example.org', false],
      ['orphan@example.org', true],
    ],
  );
});

test('a reply chain far deeper than the call stack is walked without overflowing', () => {
  const depth = 50_000;
  const inputs = Array.from({ length: depth }, (_, i) => ({
    messageId: `m${i}@x`,
    references: i ? [`m${i - 1}@x`] : [],
    date: '',
  }));
  const graph = new ThreadGraph(inputs);
  const thread = graph.threadOf(`m${depth - 1}@x`);
  assert.equal(thread.length, depth);
  assert.equal(thread[depth - 1].depth, depth - 1);
  assert.equal(graph.rootOf(`m${depth - 1}@x`), 'm0@x');
});

test('contradicting References from a later message do not move an existing parent', () => {
  const graph = new ThreadGraph([
    { messageId: 'b@x', references: ['a@x'], date: '1' },
    // c claims b descends from z: b already has a parent, so only c's own parent link (b) counts.
    { messageId: 'c@x', references: ['z@x', 'b@x'], date: '2' },
  ]);
  assert.equal(graph.parentOf('b@x'), 'a@x');
  assert.equal(graph.parentOf('c@x'), 'b@x');
  assert.equal(graph.rootOf('c@x'), 'a@x');
});
