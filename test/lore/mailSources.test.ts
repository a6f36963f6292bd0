import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { detectMailSourceKind } from '../../server/src/lore/mail/mailReader';
import { fixture, loadMail, V1_PATCH, BROST_PATCH, POPPLE_BROST_REPLY, DAVID_READD_REPLY } from './helpers';

test('source kinds are detected from the file, not trusted from the name alone', () => {
  assert.equal(detectMailSourceKind(fixture('device-exclusive-v1.mbox')), 'mbox');
  assert.equal(detectMailSourceKind(fixture('do-swap-page.maildir')), 'maildir');
  assert.equal(detectMailSourceKind(fixture('fs-dax-v3-cover.eml')), 'eml');
  assert.equal(detectMailSourceKind(fixture('does-not-exist.mbox')), 'missing');
  assert.equal(detectMailSourceKind(fixture('.')), 'unsupported');
});

test('an mbox built from seed 000/001 yields its six messages with decoded headers', async () => {
  const { index, logs } = await loadMail(['device-exclusive-v1.mbox']);
  assert.equal(index.messages.size, 6);
  const patch = index.messages.get(V1_PATCH)!;
  assert.equal(patch.author, 'David Hildenbrand');
  assert.equal(patch.authorEmail, 'david@redhat.com');
  assert.equal(patch.date, '2025-01-29T11:54:02.000Z');
  assert.equal(patch.version, 1);
  assert.equal(patch.patchNumber, 4);
  assert.equal(patch.patchTotal, 12);
  assert.equal(patch.isPatch, true);
  assert.match((await index.withBody(patch)).body, /^\+\tfw_folio = folio_walk_start\(&fw, vma, addr, 0\);$/m);
  const reply = index.messages.get(DAVID_READD_REPLY)!;
  assert.equal(reply.isPatch, false);
  assert.equal(reply.inReplyTo, '180e9c2f-51fe-44ba-ac68-5aa7b7918ab0@redhat.com');
  assert.deepEqual(logs, []);
});

test('a maildir (cur/ and new/) and a gzip-compressed mbox are read too', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-gz-'));
  try {
    const gz = path.join(tmp, 'thread.mbox.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(fixture('device-exclusive-v1.mbox'))));
    const { index } = await loadMail(['do-swap-page.maildir', gz]);
    assert.ok(index.messages.has(BROST_PATCH));
    assert.ok(index.messages.has(POPPLE_BROST_REPLY));
    assert.ok(index.messages.has(V1_PATCH));
    assert.equal(index.messages.size, 8);
    assert.equal(index.messages.get(BROST_PATCH)!.source, fixture('do-swap-page.maildir'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a cut .mbox.gz keeps the messages read before the cut and says so', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-gzcut-'));
  try {
    const whole = zlib.gzipSync(fs.readFileSync(fixture('device-exclusive-v1.mbox')));
    const cut = path.join(tmp, 'cut.mbox.gz');
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const { index, logs } = await loadMail([cut]);
    assert.ok(index.messages.size >= 1 && index.messages.size < 6, `got ${index.messages.size} messages`);
    assert.ok(
      logs.some((line) => line.includes('cut.mbox.gz') && /read stopped|unexpected end/i.test(line)),
      logs.join('\n'),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('hostile mail: truncated mbox, no Message-ID, latin1, HTML-only, missing file', async () => {
  const { index, logs } = await loadMail([
    'truncated.mbox',
    'no-message-id.eml',
    'latin1.eml',
    'html-only.eml',
    'missing.mbox',
  ]);
  // Truncated: the complete message and the cut one are both there, and the cut is reported.
  assert.ok(index.messages.has('trunc-1@example.org'));
  assert.match((await index.withBody(index.messages.get('trunc-2@example.org')!)).body, /cut in the/);
  assert.ok(
    logs.some((line) => line.includes('truncated.mbox') && line.includes('last message may be cut')),
    logs.join('\n'),
  );
  // No Message-ID: a stable synthetic id, logged.
  const synthetic = [...index.messages.values()].find((m) => m.synthesisedId)!;
  assert.match(synthetic.messageId, /^synthetic\.[0-9a-f]{20}@kernel-mm-lens\.invalid$/);
  assert.ok(logs.some((line) => line.includes('no Message-ID') && line.includes(synthetic.messageId)));
  const again = await loadMail(['no-message-id.eml']);
  assert.ok(again.index.messages.has(synthetic.messageId), 'the synthetic id is stable across loads');
  // Latin-1 quoted-printable and an RFC 2047 encoded From.
  const latin1 = await index.withBody(index.messages.get('latin1-fixture@example.org')!);
  assert.equal(latin1.author, 'Jérôme Glisse');
  assert.match(latin1.body, /pas sûr: hmm_range_fault\(\) ne doit pas attendre ici\. Olá, grüße\./);
  // HTML only: converted to text, script/style gone.
  const html = await index.withBody(index.messages.get('html-only-fixture@example.org')!);
  assert.match(html.body, /I think dax_break_layout_inode\(\) must wait & retry\./);
  assert.doesNotMatch(html.body, /alert|<script|color: red/);
  assert.deepEqual(index.symbolHits('dax_break_layout_inode'), [
    { messageId: 'html-only-fixture@example.org', relation: 'review', rank: 2 },
  ]);
  assert.ok(logs.some((line) => line.includes('missing.mbox') && line.includes('not found')));
});

test('binary garbage and an empty file produce log lines, not messages or exceptions', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-bin-'));
  try {
    const binary = path.join(tmp, 'garbage.mbox');
    fs.writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const empty = path.join(tmp, 'empty.mbox');
    fs.writeFileSync(empty, '');
    const { index, logs } = await loadMail([binary, empty]);
    assert.equal(index.messages.size, 0);
    assert.ok(
      logs.some((line) => line.includes('garbage.mbox') && /not a mail message|unparseable/.test(line)),
      logs.join('\n'),
    );
    assert.ok(
      logs.some((line) => line.includes('empty.mbox')),
      logs.join('\n'),
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
