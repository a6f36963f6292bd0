import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { MailIndex } from '../../server/src/lore/mailIndex';
import { DEFAULT_MAIL_LIMITS } from '../../server/src/lore/mail/limits';
import { MboxSplitter, type SplitMessage } from '../../server/src/lore/mail/mboxSplitter';
import { parseMail } from '../../server/src/lore/mail/parseMail';
import { ThreadService } from '../../server/src/lore/threadService';
import { execFileSync } from 'node:child_process';

/**
 * Mail is untrusted input (issue 22's list): every limit skips or cuts one message with a counted reason and
 * the rest of the source is still read; memory stays bounded. Inputs are minimal and written here.
 */

function mail(id: string, headers: string[], body: string): string {
  return [
    'From mboxrd@z Thu Jan  1 00:00:00 1970',
    'From: Ann Author <ann@example.org>',
    'Date: Mon, 3 Feb 2025 10:00:00 +0000',
    `Message-ID: <${id}>`,
    ...headers,
    '',
    body,
    '',
  ].join('\n');
}

async function withTemp<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-limits-'));
  try {
    return await run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function load(file: string, options = {}): Promise<{ index: MailIndex; logs: string[] }> {
  const logs: string[] = [];
  const index = await MailIndex.load([file], (line) => logs.push(line), options);
  return { index, logs };
}

test('a header block over the limit skips that message only, with a counted reason', async () => {
  await withTemp(async (dir) => {
    const file = path.join(dir, 'big-header.mbox');
    const huge = `X-Junk: ${'a'.repeat(300 * 1024)}`;
    fs.writeFileSync(
      file,
      mail('before@x', ['Subject: before'], 'first') +
        mail('huge@x', ['Subject: huge', huge], 'body') +
        mail('after@x', ['Subject: after'], 'last'),
    );
    const { index, logs } = await load(file);
    assert.deepEqual([...index.messages.keys()], ['before@x', 'after@x']);
    assert.equal(index.stats.skipped['header-size'], 1);
    assert.ok(
      logs.some((l) => l.includes('1 message(s) header block over the limit, skipped')),
      logs.join('\n'),
    );
  });
});

test('1,000-deep MIME nesting is skipped quickly (depth limit), the neighbours are read', async () => {
  await withTemp(async (dir) => {
    const file = path.join(dir, 'mime.mbox');
    let body = 'the innermost text mentions deep_symbol_here()';
    for (let depth = 999; depth >= 0; depth--)
      body = `--b${depth}\nContent-Type: multipart/mixed; boundary="b${depth + 1}"\n\n${body}\n--b${depth}--`;
    fs.writeFileSync(
      file,
      mail('deep@x', ['Subject: deep', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b0"'], body) +
        mail('after@x', ['Subject: after'], 'last'),
    );
    const { index } = await load(file);
    assert.deepEqual([...index.messages.keys()], ['after@x']);
    assert.equal(index.stats.skipped['mime-depth'], 1);
  });
});

test('a multipart mail within the limits keeps its text parts and patch attachments, decoded', () => {
  const raw = Buffer.from(
    [
      'From: Ann <ann@example.org>',
      'Message-ID: <mime@x>',
      'Subject: [PATCH] mm: attached',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=FC=DFe: see the attached patch for attached_symbol_one().',
      '--outer',
      'Content-Type: text/x-patch; name="0001.patch"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(
        'diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n+++ b/mm/x.c\n@@ -1,1 +1,1 @@ int f(void)\n-old_call();\n+new_call();\n',
      ).toString('base64'),
      '--outer',
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--outer--',
      '',
    ].join('\n'),
  );
  const outcome = parseMail(raw, { source: 'x', offset: 0, length: raw.length }, DEFAULT_MAIL_LIMITS, {
    mboxrd: false,
  });
  assert.ok('message' in outcome);
  const message = outcome.message;
  assert.match(message.body, /Grüße: see the attached patch/);
  assert.deepEqual(message.files, ['mm/x.c']);
  const symbols = new Map(message.symbols.map((s) => [s.symbol, s.relation]));
  assert.equal(symbols.get('new_call'), 'patch');
  assert.equal(symbols.get('attached_symbol_one'), 'mention');
  assert.ok(message.patchId && /^[0-9a-f]{40}$/.test(message.patchId));
});

test('too many References skip the message; a 10,000-deep reply chain is read, threaded and shown in bounded time', async () => {
  await withTemp(async (dir) => {
    const file = path.join(dir, 'chain.mbox');
    const fd = fs.openSync(file, 'w');
    try {
      const refs = Array.from({ length: 1500 }, (_, i) => `<r${i}@x>`).join(' ');
      fs.writeSync(fd, mail('many-refs@x', ['Subject: refs', `References: ${refs}`], 'x'));
      fs.writeSync(fd, mail('c0@x', ['Subject: [PATCH] mm: chain_symbol_root()'], 'chain_symbol_root() changes.'));
      for (let i = 1; i < 10_000; i++)
        fs.writeSync(fd, mail(`c${i}@x`, ['Subject: Re: chain', `In-Reply-To: <c${i - 1}@x>`], `Reply ${i}.`));
    } finally {
      fs.closeSync(fd);
    }
    const { index } = await load(file);
    assert.equal(index.stats.skipped.references, 1);
    assert.equal(index.messages.size, 10_000);
    assert.equal(index.threads.rootOf('c9999@x'), 'c0@x');
    const service = new ThreadService(() => undefined, { mailSources: () => [file] });
    const entries = await service.threadsForSymbol('chain_symbol_root');
    assert.equal(entries.length, 1);
    const doc = await service.threadDocument('c9999@x');
    assert.ok(doc.found && doc.text.length > 0);
  });
});

test('reference loops, NUL bytes, bad charsets and `From ` lines in bodies: parsed, never hung', async () => {
  await withTemp(async (dir) => {
    const file = path.join(dir, 'odd.mbox');
    fs.writeFileSync(
      file,
      mail('loop-a@x', ['Subject: Re: loop', 'References: <loop-b@x>'], 'a') +
        mail('loop-b@x', ['Subject: Re: loop', 'References: <loop-a@x>'], 'b') +
        mail('nul@x', ['Subject: nul\u0000here'], 'text with a \u0000 NUL and nul_symbol_x()') +
        mail(
          'charset@x',
          ['Subject: =?x-no-such-charset?B?aGVsbG8=?=', 'Content-Type: text/plain; charset="utf-7\u0001"'],
          'charset_symbol_y() text',
        ) +
        // An mboxo body line "From ..." after an empty line, without the shape of a separator: not a new message.
        mail('from-line@x', ['Subject: from'], 'Hello\n\nFrom the changelog of v2: from_symbol_z() moved.\nbye'),
    );
    const { index } = await load(file);
    assert.deepEqual([...index.messages.keys()].sort(), ['charset@x', 'from-line@x', 'loop-a@x', 'loop-b@x', 'nul@x']);
    assert.equal(index.messages.get('charset@x')!.subject, 'hello');
    assert.ok(index.symbolHits('from_symbol_z').length === 1);
    assert.ok(index.symbolHits('nul_symbol_x').length === 1);
    const root = index.threads.rootOf('loop-a@x');
    assert.ok(root === 'loop-a@x' || root === 'loop-b@x');
    assert.ok(index.threads.threadOf('loop-a@x').length >= 1);
  });
});

test('the per-message time limit skips a message without stopping the source', () => {
  const raw = Buffer.from('From: a@x\nMessage-ID: <slow@x>\nSubject: s\n\nbody\n');
  const outcome = parseMail(
    raw,
    { source: 'x', offset: 0, length: raw.length },
    { ...DEFAULT_MAIL_LIMITS, maxMessageMs: -1 },
    { mboxrd: true },
  );
  assert.deepEqual(outcome, { skipped: 'time' });
});

test('a gzip bomb (one real message, then 1 GB of lines) stops at the compression-ratio limit, keeping what was read', async () => {
  await withTemp(async (dir) => {
    const file = path.join(dir, 'bomb.mbox.gz');
    const fd = fs.openSync(file, 'w');
    try {
      // Concatenated gzip members form one valid gzip stream; 1 MiB of one line compresses to about 1 KB.
      fs.writeSync(fd, zlib.gzipSync(mail('real@x', ['Subject: [PATCH] mm: bomb_neighbour()'], 'bomb_neighbour()')));
      const member = zlib.gzipSync(Buffer.alloc(1024 * 1024, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n'));
      for (let i = 0; i < 1024; i++) fs.writeSync(fd, member);
    } finally {
      fs.closeSync(fd);
    }
    assert.ok(fs.statSync(file).size < 4 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    const { index, logs } = await load(file);
    assert.ok(index.messages.has('real@x'));
    assert.ok(
      logs.some((l) => l.includes('gzip bomb')),
      logs.join('\n'),
    );
    // The one giant "message" after it was cut at the per-message limit, not buffered.
    assert.ok(process.memoryUsage().rss - before < 300 * 1024 * 1024);
  });
});

test('the mbox splitter takes any bytes: offsets and lengths cover the stream, messages stay within the limit', () => {
  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let round = 0; round < 50; round++) {
    const parts: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = random();
      parts.push(
        r < 0.2
          ? 'From mboxrd@z Thu Jan  1 00:00:00 1970\n'
          : r < 0.3
            ? '\n'
            : r < 0.4
              ? 'From x\n'
              : r < 0.5
                ? '\r\n'
                : 'x'.repeat(Math.floor(random() * 300)) + (random() < 0.8 ? '\n' : ''),
      );
    }
    const bytes = Buffer.from(`From a@b Thu Jan  1 00:00:00 1970\n${parts.join('')}`);
    const messages: SplitMessage[] = [];
    const splitter = new MboxSplitter({ maxMessageBytes: 200, maxLineBytes: 64 }, (m) => messages.push(m));
    // Arbitrary chunk boundaries.
    for (let at = 0; at < bytes.length;) {
      const size = 1 + Math.floor(random() * 97);
      splitter.push(bytes.subarray(at, at + size));
      at += size;
    }
    splitter.end();
    let expected = 0;
    for (const message of messages) {
      // Between two messages there can only be separator lines of empty messages (not passed on).
      const gap = bytes.toString('latin1', expected, message.offset);
      assert.ok(gap === '' || /^(From [^\n]*\n)+$/.test(gap), `round ${round}: gap ${JSON.stringify(gap)}`);
      assert.ok(message.content.length <= 200);
      assert.equal(message.cut, message.length - (message.content.length + separatorLength(bytes, message.offset)) > 0);
      expected = message.offset + message.length;
    }
    const tail = bytes.toString('latin1', expected);
    assert.ok(tail === '' || /^(From [^\n]*\n?)+$/.test(tail), `round ${round}: the messages cover the stream`);
  }
});

function separatorLength(bytes: Buffer, offset: number): number {
  if (bytes.toString('latin1', offset, offset + 5) !== 'From ') return 0;
  const newline = bytes.indexOf(0x0a, offset);
  return newline < 0 ? bytes.length - offset : newline + 1 - offset;
}

test('a maildir of 2,000 files is read completely', async () => {
  await withTemp(async (dir) => {
    const maildir = path.join(dir, 'md');
    fs.mkdirSync(path.join(maildir, 'cur'), { recursive: true });
    fs.mkdirSync(path.join(maildir, 'new'));
    for (let i = 0; i < 2000; i++)
      fs.writeFileSync(
        path.join(maildir, i % 2 ? 'cur' : 'new', `${1700000000 + i}.M${i}.host:2,S`),
        mail(
          `md${i}@x`,
          [`Subject: [PATCH v${1 + (i % 3)}] mm: maildir_symbol_${i % 10}()`],
          `maildir_symbol_${i % 10}() body`,
        ).replace(/^From mboxrd.*\n/, ''),
      );
    // A FIFO in the maildir is skipped, never opened for a blocking read.
    let fifo = false;
    try {
      execFileSync('mkfifo', [path.join(maildir, 'cur', 'zz-fifo')]);
      fifo = true;
    } catch {
      // no mkfifo here: the rest of the test still holds
    }
    const { index, logs } = await load(maildir);
    assert.equal(index.messages.size, 2000);
    assert.equal(index.symbolHits('maildir_symbol_3').length, 200);
    if (fifo) assert.ok(logs.some((l) => l.includes('zz-fifo') && l.includes('not a readable regular file')));
    const withBody = await index.withBody(index.messages.get('md7@x')!);
    assert.match(withBody.body, /maildir_symbol_7\(\) body/);
  });
});
