import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { main } from '../../server/src/main';
import { FIXTURE_ROOT } from './fixtureTree';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (d) => (chunks.out += String(d)));
  err.on('data', (d) => (chunks.err += String(d)));
  const code = await main(argv, { out, err });
  return { code, ...chunks };
}

/** FILE:LINE:COL (1-based) of the nth `word` on the line containing `lineContains`. */
function where(file: string, lineContains: string, word: string, nth = 0): string {
  const lines = fs.readFileSync(path.join(FIXTURE_ROOT, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(lineContains));
  let column = -1;
  for (let k = 0; k <= nth; k++) column = lines[line].indexOf(word, column + 1);
  return `${path.join(FIXTURE_ROOT, file)}:${line + 1}:${column + 1}`;
}

void test('kernel-mm-lens hover on a local and on a member: the same answers as the editor', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-cli-hover-'));
  const local = await run(['hover', where('mm/ksm.c', 'if (folio) {', 'folio'), '--cache-dir', cacheDir]);
  assert.equal(local.code, 0, local.err);
  assert.match(local.out, /\*\*folio\*\* — local variable in `get_mergeable_page\(\)`/);
  assert.match(local.out, /struct folio \*folio/);

  const member = await run([
    'hover',
    where('mm/ksm.c', 'unsigned long addr = rmap_item->address;', 'address'),
    '--cache-dir',
    cacheDir,
  ]);
  assert.equal(member.code, 0, member.err);
  assert.match(member.out, /field of `struct ksm_rmap_item`/);

  // Without the index a local is still answered from the file itself.
  const offline = await run(['hover', where('mm/ksm.c', 'if (folio) {', 'folio'), '--no-index']);
  assert.match(offline.out, /local variable in `get_mergeable_page\(\)`/);
});
