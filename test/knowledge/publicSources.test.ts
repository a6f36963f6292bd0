import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { dataDir } from '../../server/src/base/paths';

// Hovers, lint explanations and thread documents show these files' sources to users, so every citation must be
// something a user can look up (a lore Message-ID, a commit, a file in a kernel tree), never our private notes.
const PRIVATE_CITATIONS: Array<[RegExp, string]> = [
  [/kernel-facts/i, 'cites the private research notes'],
  [/§/, 'cites a section of the private research notes'],
  [/\bseeds?[ /]\d{3}\b/i, 'cites a seed file instead of its lore Message-ID'],
];

function dataFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? dataFiles(full) : [full];
  });
}

test('no file under server/data cites the private research notes or seed files', () => {
  const files = dataFiles(dataDir());
  assert.ok(
    files.some((f) => f.includes(`${path.sep}threads${path.sep}`)),
    `data dir not found or empty: ${dataDir()}`,
  );
  const offending: string[] = [];
  for (const file of files) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const [pattern, why] of PRIVATE_CITATIONS) {
          if (pattern.test(line)) offending.push(`${path.relative(dataDir(), file)}:${i + 1}: ${why}: ${line.trim()}`);
        }
      });
  }
  assert.deepEqual(offending, []);
});
