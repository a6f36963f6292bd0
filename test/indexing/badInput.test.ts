import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildIndex } from '../../server/src/indexing/indexBuilder';
import { cacheFileFor } from '../../server/src/indexing/cacheStore';
import { runExtraction } from '../../server/src/indexing/workerPool';
import { IndexDataBuilder } from '../../server/src/indexing/indexData';
import { MAX_IDENTIFIER_LENGTH } from '../../server/src/parsing/lexer';

function tempTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-bad-'));
  fs.mkdirSync(path.join(root, 'mm'));
  fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\n');
  fs.writeFileSync(
    path.join(root, 'mm', 'good.c'),
    'int good_function(void) { return folio_walk_start(0, 0, 0, 0) != 0; }\n',
  );
  return root;
}

async function index(root: string, cacheDir?: string) {
  const lines: string[] = [];
  const result = await buildIndex({
    root,
    cacheDir,
    maxFileSize: 1024 * 1024,
    workers: 1,
    log: (line) => lines.push(line),
  });
  return { result, lines };
}

test('binary, oversized, invalid UTF-8, symlink loops and broken links: the index finishes and says why', async () => {
  const root = tempTree();
  fs.writeFileSync(path.join(root, 'mm', 'binary.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
  // A 50 MB generated header, far above the size limit.
  const big = path.join(root, 'mm', 'generated_regs.h');
  const fd = fs.openSync(big, 'w');
  const chunk = Buffer.from('#define REG_XXXXXXXXXXXXXXXX 0x1234\n'.repeat(30000));
  for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.writeFileSync(
    path.join(root, 'mm', 'latin1.c'),
    Buffer.concat([
      Buffer.from('/* J'),
      Buffer.from([0xe9, 0xff, 0xfe]),
      Buffer.from('r\xf4me */\nint survives_bad_utf8(void) { return 0; }\n', 'latin1'),
    ]),
  );
  fs.symlinkSync('..', path.join(root, 'mm', 'loop'));
  fs.symlinkSync('self', path.join(root, 'mm', 'self'));
  fs.symlinkSync('does-not-exist.c', path.join(root, 'mm', 'dangling.c'));
  const { result, lines } = await index(root);
  assert.ok(result.index);
  assert.deepEqual(
    result.index.findDefinitions('good_function').map((d) => d.file),
    ['mm/good.c'],
  );
  assert.deepEqual(
    result.index.findDefinitions('survives_bad_utf8').map((d) => d.file),
    ['mm/latin1.c'],
  );
  const reasons = new Map(result.index.data.skipped.map((s) => [s.file, s.reason]));
  assert.match(reasons.get('mm/binary.c') ?? '', /binary/);
  assert.match(reasons.get('mm/generated_regs.h') ?? '', /larger than the size limit/);
  assert.match(reasons.get('mm/dangling.c') ?? '', /a symbolic link to nothing/);
  assert.match(reasons.get('mm/self') ?? '', /symbolic link loop/);
  // A link to the tree itself: a loop (every file is indexed once, under its real path).
  assert.match(reasons.get('mm/loop') ?? '', /already indexed|symbolic link loop/);
  assert.ok(
    lines.some((line) => line.startsWith('skipped mm/binary.c')),
    'each skipped file gets a log line',
  );
  assert.equal(result.index.data.files.filter((f) => f.includes('loop/')).length, 0, 'the loop is not followed');
});

test('a file deleted while indexing is reported, the rest is indexed', async () => {
  const root = tempTree();
  const files = [
    { index: 0, file: 'mm/good.c', size: 80 },
    { index: 1, file: 'mm/vanished.c', size: 10 },
  ];
  const builder = new IndexDataBuilder(files.map((f) => ({ file: f.file, size: f.size, mtimeMs: 0 })));
  const errors: string[] = [];
  await runExtraction({
    root,
    files,
    maxFileSize: 1 << 20,
    workers: 1,
    onBatch: (batch) => builder.addBatch(batch, (file, error) => errors.push(`${file}: ${error}`)),
  });
  assert.deepEqual(errors, ['mm/vanished.c: deleted while being read']);
  const data = builder.build(root, 'k', []);
  assert.deepEqual(data.files, ['mm/good.c']);
});

test(
  'unreadable files are skipped with a reason (when not running as root)',
  { skip: process.getuid?.() === 0 ? 'root can read anything' : false },
  async () => {
    const root = tempTree();
    const secret = path.join(root, 'mm', 'secret.c');
    fs.writeFileSync(secret, 'int hidden;');
    fs.chmodSync(secret, 0);
    const { result } = await index(root);
    assert.match(result.index!.data.skipped.find((s) => s.file === 'mm/secret.c')?.reason ?? '', /unreadable/);
  },
);

test('the persistent cache is reused when nothing changed and refreshed per changed file', async () => {
  const root = tempTree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-cache-'));
  const first = await index(root, cacheDir);
  assert.equal(first.result.stats.parsed, 2);
  const second = await index(root, cacheDir);
  assert.equal(second.result.stats.fromCache, 2);
  assert.equal(second.result.stats.parsed, 0);
  fs.writeFileSync(path.join(root, 'mm', 'good.c'), 'int renamed_function(void) { return 1; }\n');
  fs.utimesSync(path.join(root, 'mm', 'good.c'), new Date(), new Date(Date.now() + 5000));
  const third = await index(root, cacheDir);
  assert.equal(third.result.stats.parsed, 1);
  assert.deepEqual(
    third.result.index!.findDefinitions('renamed_function').map((d) => d.file),
    ['mm/good.c'],
  );
  assert.deepEqual(third.result.index!.findDefinitions('good_function'), []);
});

test('a truncated, corrupt or foreign cache is discarded with a log line and rebuilt', async () => {
  const root = tempTree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-cache-'));
  await index(root, cacheDir);
  const cacheFile = cacheFileFor(cacheDir, root);
  const size = fs.statSync(cacheFile).size;
  fs.truncateSync(cacheFile, Math.floor(size / 2));
  let run = await index(root, cacheDir);
  assert.ok(
    run.lines.some((line) => /discarded: checksum mismatch/.test(line)),
    run.lines.join('\n'),
  );
  assert.equal(run.result.stats.parsed, 2);
  assert.deepEqual(
    run.result.index!.findDefinitions('good_function').map((d) => d.file),
    ['mm/good.c'],
  );
  // Garbage with the right name, then a valid file of another format.
  fs.writeFileSync(cacheFile, 'not an index at all');
  run = await index(root, cacheDir);
  assert.ok(run.lines.some((line) => /bad magic/.test(line)));
  const bytes = fs.readFileSync(cacheFile);
  bytes.writeUInt32LE(999, 8);
  fs.writeFileSync(cacheFile, bytes);
  run = await index(root, cacheDir);
  assert.ok(run.lines.some((line) => /format version 999/.test(line)));
  assert.ok(run.result.index);
});

test('the bulk reader: a FIFO, a folder, an oversized or binary file and a vanished file each get a reason, never a hang', async () => {
  const { SourceReader } = await import('../../server/src/indexing/fileExtraction');
  const { execFileSync } = await import('child_process');
  const root = tempTree();
  const reader = new SourceReader();
  const fifo = path.join(root, 'mm', 'pipe.c');
  execFileSync('mkfifo', [fifo]);
  assert.deepEqual(reader.read(fifo, 1 << 20), { error: 'a FIFO (named pipe), not a regular file' });
  assert.deepEqual(reader.read(path.join(root, 'mm'), 1 << 20), { error: 'a directory where a file was expected' });
  assert.deepEqual(reader.read(path.join(root, 'mm', 'gone.c'), 1 << 20), { error: 'deleted while being read' });
  fs.writeFileSync(path.join(root, 'mm', 'big.c'), 'x'.repeat(5000));
  assert.match(
    (reader.read(path.join(root, 'mm', 'big.c'), 4096) as { error: string }).error,
    /larger than the size limit \(5000 > 4096/,
  );
  fs.writeFileSync(path.join(root, 'mm', 'elf.c'), Buffer.from([0x7f, 0x45, 0, 1]));
  assert.deepEqual(reader.read(path.join(root, 'mm', 'elf.c'), 1 << 20), { error: 'binary content (NUL bytes)' });
  // The reused buffer never leaks a previous, longer file into a shorter one.
  fs.writeFileSync(path.join(root, 'mm', 'long.c'), `int long_one(void);\n${'/* pad */\n'.repeat(200000)}`);
  assert.equal((reader.read(path.join(root, 'mm', 'long.c'), 4 << 20) as { text: string }).text.length, 20 + 2_000_000);
  const good = reader.read(path.join(root, 'mm', 'good.c'), 1 << 20) as { text: string; size: number; mtimeMs: number };
  assert.equal(good.text, fs.readFileSync(path.join(root, 'mm', 'good.c'), 'utf8'));
  assert.equal(good.size, fs.statSync(path.join(root, 'mm', 'good.c')).size);
  assert.equal(good.mtimeMs, fs.statSync(path.join(root, 'mm', 'good.c')).mtimeMs);
});

test('a cache with one flipped byte anywhere is rejected by its checksum and rebuilt', async () => {
  const root = tempTree();
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-crc-'));
  await index(root, cacheDir);
  const file = cacheFileFor(cacheDir, root);
  const bytes = fs.readFileSync(file);
  bytes[Math.floor(bytes.length * 0.6)] ^= 0x10;
  fs.writeFileSync(file, bytes);
  const { result, lines } = await index(root, cacheDir);
  assert.ok(
    lines.some((line) => /index cache .* discarded: checksum mismatch \(truncated or corrupt\); rebuilding/.test(line)),
    lines.join('\n'),
  );
  assert.deepEqual(
    result.index!.findDefinitions('good_function').map((d) => d.file),
    ['mm/good.c'],
  );
  assert.equal(result.stats.fromCache, 0);
});

test('identifiers longer than the cap are not indexed, and the file says so once in the log', async () => {
  const root = tempTree();
  // Minimised from the mutated corpus (issue 17): declarations whose names are tens of kilobytes long.
  const long = 'x'.repeat(MAX_IDENTIFIER_LENGTH + 1);
  const atCap = 'y'.repeat(MAX_IDENTIFIER_LENGTH);
  fs.writeFileSync(
    path.join(root, 'mm', 'long_names.c'),
    `int ${long}0(void);\nint ${long}1(void);\nstruct ${long}s { int kept_field; };\n` +
      `int ${atCap};\nint after_long_names(void) { return ${long}0(); }\n`,
  );
  const { result, lines } = await index(root);
  assert.ok(result.index);
  const names = result.index.data.names;
  assert.equal(names.get(`${long}0`), undefined, 'an over-long name is not in the name table');
  assert.equal(names.get(`${long}s`), undefined);
  assert.deepEqual(result.index.findDefinitions(`${long}1`), []);
  assert.deepEqual(
    result.index.findDefinitions(atCap).map((d) => d.file),
    ['mm/long_names.c'],
    'a name of exactly the cap is indexed',
  );
  assert.deepEqual(
    result.index.findDefinitions('after_long_names').map((d) => d.file),
    ['mm/long_names.c'],
    'the rest of the file is indexed',
  );
  const messages = lines.filter((line) => line.startsWith('indexed mm/long_names.c in part'));
  assert.equal(messages.length, 1, lines.join('\n'));
  assert.match(messages[0], new RegExp(`4 identifier\\(s\\) longer than ${MAX_IDENTIFIER_LENGTH} characters`));
});
