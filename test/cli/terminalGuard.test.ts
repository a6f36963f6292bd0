import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { guardedStream } from '../../server/src/cli/terminalGuard';
import { HOSTILE_STRINGS, plainTextProblem } from '../fuzz/outputSafety';

function capture(): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = true;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

test('hostile text reaches the terminal with every control and bidi character as a visible escape', () => {
  const { stream, text } = capture();
  const guarded = guardedStream(stream);
  assert.equal(guarded.isTTY, true);
  for (const hostile of HOSTILE_STRINGS) guarded.write(`${hostile}\n`);
  const out = text();
  assert.equal(plainTextProblem(out), undefined);
  assert.ok(out.includes('\\u001b[31mred\\u001b[0m'));
  assert.ok(out.includes('admin\\u202e\\u2066gnp.exe'));
  assert.ok(out.includes('<script>'), 'HTML is text in a terminal: shown as is');
});

test('a progress redraw keeps its leading carriage return, and only that one', () => {
  const { stream, text } = capture();
  guardedStream(stream).write('\r[####] 50% mm/evil\r\u001b[2Kname.c');
  assert.equal(text(), '\r[####] 50% mm/evil\\u000d\\u001b[2Kname.c');
});

test('JSON written through the guard parses to exactly the same value, with no raw control byte', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }), (values) => {
      const { stream, text } = capture();
      guardedStream(stream).write(JSON.stringify({ values }, null, 2));
      const out = text();
      assert.equal(plainTextProblem(out.replace(/\n/g, '')), undefined);
      assert.deepEqual(JSON.parse(out), { values });
    }),
    { numRuns: 300, seed: 22 },
  );
});
