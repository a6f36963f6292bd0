import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { startInProcessServer } from '../lsp/inProcessServer';

type HoverResult = {
  contents: { kind: string; value: string };
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
} | null;

// The real server over in-memory streams: textDocument/hover as any LSP editor sends it.
test('textDocument/hover on call sites, #if conditions and Kconfig select lines', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lsp-hover-'));
  const root = path.join(dir, 'linux');
  fs.mkdirSync(path.join(root, 'mm'), { recursive: true });
  fs.mkdirSync(path.join(root, 'arch', 'x86'), { recursive: true });
  fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 3\n');
  const c = [
    '#ifdef CONFIG_ARCH_HAS_PTE_DEVMAP',
    'static int walk(struct vm_area_struct *vma, unsigned long addr)',
    '{',
    '\tstruct folio_walk fw;',
    '\tstruct folio *folio = folio_walk_start(&fw, vma, addr, 0);',
    '\tif (folio && pmd_devmap(fw.pmd))',
    '\t\tfolio_walk_end(&fw, vma);',
    '\treturn local_helper(addr);',
    '}',
    '#endif',
    '',
  ].join('\n');
  const kconfig = 'config X86\n\tdef_bool y\n\tselect ARCH_HAS_PTE_DEVMAP\t\tif X86_64\n';
  fs.writeFileSync(path.join(root, 'mm', 'walk.c'), c);
  fs.writeFileSync(path.join(root, 'arch', 'x86', 'Kconfig'), kconfig);
  const { client, capabilities, dispose } = await startInProcessServer({
    root,
    cacheDir: path.join(dir, 'cache'),
    initializationOptions: { cacheDir: path.join(dir, 'cache'), settings: { genericNavigation: false } },
  });
  try {
    assert.equal(capabilities.hoverProvider, true);
    const cUri = pathToFileURL(path.join(root, 'mm', 'walk.c')).href;
    const kUri = pathToFileURL(path.join(root, 'arch', 'x86', 'Kconfig')).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: cUri, languageId: 'c', version: 1, text: c },
    });
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: kUri, languageId: 'kconfig', version: 1, text: kconfig },
    });
    const hover = (uri: string, line: number, character: number) =>
      client.sendRequest<HoverResult>('textDocument/hover', {
        textDocument: { uri },
        position: { line, character },
      });

    const call = await hover(cUri, 4, 28);
    assert.ok(call);
    assert.equal(call.contents.kind, 'markdown');
    assert.match(call.contents.value, /^\*\*folio\\_walk\\_start\*\*/);
    assert.match(
      call.contents.value,
      /\*\*Status for this tree \(6\.12\):\*\* Introduced in 6\.12, this tree's release/,
    );
    assert.match(call.contents.value, /command:kernelMmLens\.openDiagram\?/);
    assert.deepEqual(call.range, { start: { line: 4, character: 23 }, end: { line: 4, character: 39 } });

    const condition = await hover(cUri, 0, 12);
    assert.ok(condition);
    assert.match(condition.contents.value, /^\*\*ARCH\\_HAS\\_PTE\\_DEVMAP\*\* — Kconfig symbol/);
    assert.match(condition.contents.value, /removed upstream in 6\.17/);

    const member = await hover(cUri, 5, 30);
    assert.ok(member);
    assert.match(member.contents.value, /^\*\*struct folio\\_walk::pmd\*\*/);

    const select = await hover(kUri, 2, 12);
    assert.ok(select);
    assert.match(select.contents.value, /ARCH\\_HAS\\_PTE\\_DEVMAP/);

    // genericNavigation is off: untracked symbols are left to clangd.
    assert.equal(await hover(cUri, 7, 10), null);
    // Whitespace, and positions past the end, give nothing rather than an error.
    assert.equal(await hover(cUri, 3, 0), null);
    assert.equal(await hover(cUri, 400, 3), null);
  } finally {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
