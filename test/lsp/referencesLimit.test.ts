/**
 * A name with more uses than an answer may carry (NULL has ~300k in a kernel): the answer holds MAX_REFERENCES
 * locations, those of the file the user is in first, and the log says it was cut.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspDriver, type Location } from '../../server/src/cli/bench/lspDriver';
import { MAX_REFERENCES } from '../../server/src/lsp/features/references';

test(
  'references of a name used everywhere: capped, this file first, said in the log',
  { timeout: 120_000 },
  async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-refcap-'));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-refcap-cache-'));
    fs.mkdirSync(path.join(root, 'mm'));
    fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\n');
    const uses = (n: number) => Array.from({ length: n }, () => '\tp = EVERYWHERE;').join('\n');
    fs.writeFileSync(path.join(root, 'mm', 'a.c'), `void a(void)\n{\n${uses(MAX_REFERENCES)}\n}\n`);
    fs.writeFileSync(path.join(root, 'mm', 'z.c'), `void z(void)\n{\n${uses(50)}\n}\n`);
    const lines: string[] = [];
    const driver = await LspDriver.start({ root, cacheDir, timeoutMs: 60_000, log: (line) => lines.push(line) });
    try {
      await driver.waitForIndex(60_000);
      const { result } = await driver.references('mm/z.c', { line: 2, character: 7 });
      const locations = result as Location[];
      assert.equal(locations.length, MAX_REFERENCES);
      assert.ok(
        locations.slice(0, 50).every((l) => l.uri.endsWith('/mm/z.c')),
        'the file the user is in first',
      );
      assert.ok(
        lines.some((line) => /EVERYWHERE is used more than 10000 times; the first 10000 are listed/.test(line)),
      );
    } finally {
      await driver.stop();
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  },
);
