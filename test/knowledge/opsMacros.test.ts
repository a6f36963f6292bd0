import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../server/src/main';
import { captureIo } from '../captureIo';
import { buildIndexForTests } from '../../server/src/indexing/testing';
import { snippetParser } from '../../server/src/semantics/snippetParser';
import { DiskSources } from '../../server/src/semantics/sourceAccess';
import { TypeResolver } from '../../server/src/semantics/typeResolver';
import { OpsTables } from '../../server/src/knowledge/opsTables';
import {
  compileOpsMacros,
  OpsMacroError,
  scanMacroStores,
  unexpandedMacrosStoring,
} from '../../server/src/parsing/macroStores';
import { dataPath, readDataDocument } from '../../server/src/base/dataFiles';

// Ops tables built by macros (issue 24): the table macros of data/ops-macros.yaml are expanded as data; a table
// macro of the tree's own that the data does not describe is named, never silently missed.
const ROOT = path.join(__dirname, '..', 'fixtures', 'ops-tree');
const read = (file: string) => {
  try {
    return fs.readFileSync(path.join(ROOT, file), 'utf8');
  } catch {
    return undefined;
  }
};

async function tables() {
  const index = await buildIndexForTests(ROOT);
  const parser = await snippetParser();
  const resolver = new TypeResolver({ index, parser, sources: new DiskSources((file) => index.absolutePath(file)) });
  return new OpsTables(index, read, { resolver, parser });
}

test('the shipped table macros compile; a bad entry is refused with its name', () => {
  const source = dataPath('ops-macros.yaml');
  const macros = compileOpsMacros(readDataDocument(source), source);
  assert.ok(macros.size >= 15, `${macros.size} macros`);
  assert.deepEqual(
    macros.get('__ATTR_RW')!.stores.map((s) => s.field),
    ['show', 'store'],
  );
  assert.throws(
    () => compileOpsMacros({ tables: [{ macro: 'X', params: ['a'], type: 'declared', stores: { f: '{b}_f' } }] }, 't'),
    (err: Error) => err instanceof OpsMacroError && /X: \{b\} is not a parameter/.test(err.message),
  );
});

test('invocations of table macros store functions; declared types come from the declaration; #define bodies do not count', () => {
  const text = [
    'static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);',
    'DEFINE_SHOW_ATTRIBUTE(slab_debug);',
    'static DEVICE_ATTR_RO(numa_node);',
    '#define MY_ATTR(_n) static struct kobj_attribute _n##_attr = __ATTR_RW(_n)',
    '/* __ATTR_RO(in_comment) */ static struct kobj_attribute x = __ATTR(x, 0644, x_get, NULL);',
    'MY_ATTR(mine);',
    '#define PASTED_ATTR(_n) static struct kobj_attribute _n##_attr = __ATTR(_n, 0444, _n##_get, NULL)',
    '#define MY_RO(_n, _show) __ATTR(_n, 0444, _show, NULL)',
    'static struct device_attribute dev_attrs[] = {',
    '\t__ATTR_RO(alpha),',
    '\t__ATTR(beta, 0644, beta_get, beta_put),',
    '\tMY_RO(gamma, gamma_get),',
    '\t__ATTR_NULL,',
    '};',
    'static struct holder h = { .attr = __ATTR_RO(delta) };',
  ].join('\n');
  assert.deepEqual(
    scanMacroStores(text).map((s) => `${s.macro}: ${s.structType ?? '?'}.${s.field} = ${s.value}`),
    [
      '__ATTR_RW: kobj_attribute.show = enabled_show',
      '__ATTR_RW: kobj_attribute.store = enabled_store',
      'DEFINE_SHOW_ATTRIBUTE: file_operations.read = seq_read',
      'DEFINE_SHOW_ATTRIBUTE: file_operations.llseek = seq_lseek',
      'DEFINE_SHOW_ATTRIBUTE: file_operations.release = single_release',
      'DEFINE_SHOW_ATTRIBUTE: file_operations.open = slab_debug_open',
      'DEVICE_ATTR_RO: device_attribute.show = numa_node_show',
      '__ATTR: kobj_attribute.show = x_get',
      // The file's own wrapper of a data macro, parameters passed through: expanded, with the type its body declares.
      'MY_ATTR: kobj_attribute.show = mine_show',
      'MY_ATTR: kobj_attribute.store = mine_store',
      // Elements of an array of structs take the array's type (a wrapper that leaves the type to the declaration too).
      '__ATTR_RO: device_attribute.show = alpha_show',
      '__ATTR: device_attribute.show = beta_get',
      '__ATTR: device_attribute.store = beta_put',
      'MY_RO: device_attribute.show = gamma_get',
      // A list of a struct that is no array: the field's type is not the list's.
      '__ATTR_RO: ?.show = delta_show',
    ],
  );
  assert.deepEqual(unexpandedMacrosStoring(text, 'show'), [{ macro: 'PASTED_ATTR', line: 6 }]);
  assert.deepEqual(unexpandedMacrosStoring(text, 'fault'), []);
});

test('implementations include tables built by data macros and name the macro left unexpanded', async () => {
  const ops = await tables();
  const show = ops.implementations('kobj_attribute', 'show');
  assert.deepEqual(
    show.map((s) => `${s.function} ${s.kind} ${s.macro}`),
    ['run_show macro KSM_ATTR', 'pages_shared_show macro __ATTR_RO'],
  );
  assert.deepEqual(
    ops.implementations('kobj_attribute', 'store').map((s) => `${s.function} ${s.file}:${s.line + 1} ${s.macro}`),
    ['run_store mm/ksm_like.c:17 KSM_ATTR'],
    "the file's own KSM_ATTR(run) wraps __ATTR_RW: expanded",
  );
  assert.deepEqual(
    ops.unexpandedMacros('show').map((m) => `${m.macro} ${m.file}:${m.line + 1}`),
    ['KSM_ATTR_PASTED mm/ksm_like.c:32'],
  );
  assert.ok(
    ops.implementations('file_operations', 'open').some((s) => s.function === 'ksm_stats_open' && s.kind === 'macro'),
  );
  // Where a callback is installed, for the hover: by a data macro, and by a plain initialiser.
  assert.deepEqual(
    ops.installationsOf('pages_shared_show')!.map((s) => `${s.type}.${s.field} ${s.file}:${s.line + 1}`),
    ['kobj_attribute.show mm/ksm_like.c:23'],
  );
  assert.deepEqual(
    ops.installationsOf('dmirror_devmem_fault')!.map((s) => `${s.type}.${s.field} ${s.file}:${s.line + 1}`),
    ['dev_pagemap_ops.migrate_to_ram lib/test_hmm.c:15'],
  );
  assert.equal(ops.installationsOf('dmirror_devmem_fault', 0), ops.installationsOf('dmirror_devmem_fault'), 'cached');
});

test('kernel-mm-lens implementations says which tables a macro builds that it does not expand', async () => {
  const io = captureIo();
  const code = await main(
    [
      'implementations',
      'kobj_attribute.show',
      '--root',
      ROOT,
      '--cache-dir',
      fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-om-')),
    ],
    io.io,
  );
  assert.equal(code, 0, io.errors());
  assert.match(io.text(), /^pages_shared_show\tmm\/ksm_like\.c:23 \(__ATTR_RO\)$/m);
  assert.match(io.text(), /^run_show\tmm\/ksm_like\.c:17 \(KSM_ATTR\)$/m);
  assert.match(
    io.errors(),
    /note: show is also stored by tables that KSM_ATTR_PASTED\(\) builds \(mm\/ksm_like\.c:32\), a macro not expanded/,
  );
});
