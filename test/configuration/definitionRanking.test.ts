import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigurationStatusNotification, IndexStatusNotification } from '../../protocol';
import { LspTestClient } from '../protocol/lspClient';

// Go to Definition on a function with a CONFIG_ stub opens the definition live in the configuration first
// (issue 24), on the hand-written tree of test/fixtures/config-rank; a file the makefiles do not build ranks last.
const root = path.join(__dirname, '..', 'fixtures', 'config-rank');
const CALLER = 'include/linux/memremap.h';
const callerText = fs.readFileSync(path.join(root, CALLER), 'utf8');

async function definitionsWith(kernelConfig: string): Promise<string[]> {
  const client = new LspTestClient(root);
  try {
    await client.initialize({ cacheDir: fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-rank-')), kernelConfig });
    await client.waitForNotification(IndexStatusNotification.method, (status) => status.state === 'ready');
    if (kernelConfig !== 'all')
      await client.waitForNotification(ConfigurationStatusNotification.method, (status) => status.mode === 'config');
    client.open(CALLER, callerText);
    const lines = callerText.split('\n');
    const line = lines.findIndex((l) => l.includes('return memremap_pages('));
    const locations = await client.request('textDocument/definition', {
      textDocument: { uri: client.uri(CALLER) },
      position: { line, character: lines[line].indexOf('memremap_pages') + 2 },
    });
    return locations.map((l: any) => `${path.relative(root, new URL(l.uri).pathname)}:${l.range.start.line}`);
  } finally {
    await client.shutdown();
  }
}

test('the definition live in the configuration comes first; the #else stub of a configured-in feature last', async () => {
  const all = await definitionsWith('all');
  const on = await definitionsWith(path.join(root, 'zone-device-on.config'));
  const off = await definitionsWith(path.join(root, 'zone-device-off.config'));
  // All configurations: the caller's own file's definition comes first (the stub).
  assert.equal(all[0], 'include/linux/memremap.h:6', `all configurations: ${all.join(', ')}`);
  assert.equal(on[0], 'mm/memremap.c:3', `CONFIG_ZONE_DEVICE=y: ${on.join(', ')}`);
  assert.equal(on.at(-1), 'include/linux/memremap.h:6', 'the inactive #else stub goes last');
  // Off, the stub is live and mm/memremap.c is not built (mm/Makefile: obj-$(CONFIG_ZONE_DEVICE) += memremap.o):
  // the stub first, the file the configuration does not build after it.
  assert.equal(off[0], 'include/linux/memremap.h:6', `CONFIG_ZONE_DEVICE off: ${off.join(', ')}`);
  assert.ok(off.indexOf('mm/memremap.c:3') > off.indexOf('include/linux/memremap.h:6'), off.join(', '));
  assert.deepEqual([...off].sort(), [...all].sort(), 'ranking reorders, never drops');
  assert.deepEqual([...on].sort(), [...all].sort(), 'ranking reorders, never drops');
});
