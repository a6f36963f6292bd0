import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { catalogDir, compileCatalogSchema, loadCatalog, lookupSymbol } from '../../server/src/knowledge/catalog';

const dir = catalogDir();
const catalog = loadCatalog(dir);
const yamlFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));

test('every catalog file validates against the schema and loads without problems', () => {
  const validate = compileCatalogSchema(dir);
  assert.ok(yamlFiles.length >= 8, `expected the catalog split by topic, got ${yamlFiles.join(', ')}`);
  for (const file of yamlFiles) {
    const doc = parseYaml(fs.readFileSync(path.join(dir, file), 'utf8'));
    const ok = validate(doc);
    assert.ok(ok, `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  assert.deepEqual(catalog.problems, []);
  assert.ok(catalog.entries.length >= 150, `catalog has ${catalog.entries.length} entries`);
});

test('every entry has sources, and every thread a well-formed Message-ID and lore URL', () => {
  for (const entry of catalog.entries) {
    assert.ok(entry.sources.length > 0, `${entry.name} has no sources`);
    for (const source of entry.sources) assert.ok(String(source).trim().length >= 3, `${entry.name}: empty source`);
    for (const thread of entry.threads ?? []) {
      assert.match(thread.messageId, /^[^<>\s@]+@[^<>\s@]+\.?[^<>\s@]*$/, `${entry.name}: ${thread.messageId}`);
      assert.doesNotMatch(thread.messageId, /xxxxx/, `${entry.name}: obfuscated Message-ID ${thread.messageId}`);
      assert.match(thread.date, /^(2024|2025|2026)-\d{2}/);
    }
    for (const event of [entry.status.introduced, entry.status.removed, ...(entry.status.changed ?? [])]) {
      if (event) assert.ok(event.source.length > 3, `${entry.name}: status event without source`);
    }
  }
});

test('covers the symbols the issue lists, with the verified release data', () => {
  const must = [
    'make_device_exclusive',
    'make_device_exclusive_range',
    'folio_make_device_exclusive',
    'page_make_device_exclusive_one',
    'make_exclusive_args',
    'SWP_DEVICE_EXCLUSIVE',
    'SWP_DEVICE_EXCLUSIVE_READ',
    'SWP_DEVICE_EXCLUSIVE_WRITE',
    'SWP_DEVICE_NUM',
    'make_device_exclusive_entry',
    'make_readable_device_exclusive_entry',
    'make_writable_device_exclusive_entry',
    'is_device_exclusive_entry',
    'is_writable_device_exclusive_entry',
    'is_pfn_swap_entry',
    'pfn_swap_entry_to_page',
    'restore_exclusive_pte',
    'try_restore_exclusive_pte',
    'remove_device_exclusive_entry',
    'copy_nonpresent_pte',
    'zap_nonpresent_ptes',
    'MMU_NOTIFY_EXCLUSIVE',
    'MMU_NOTIFY_CLEAR',
    'mmu_notifier_range_init_owner',
    'mmu_notifier_invalidate_range_start',
    'mmu_notifier_invalidate_range_end',
    'mmu_interval_read_begin',
    'mmu_interval_read_retry',
    'HMM_DMIRROR_EXCLUSIVE',
    'HMM_DMIRROR_CHECK_EXCLUSIVE',
    'dmirror_exclusive',
    'dmirror_atomic_map',
    'nouveau_atomic_range_fault',
    'get_user_page_vma_remote',
    'FOLL_SPLIT_PMD',
    'can_change_pte_writable',
    'folio_lock_killable',
    'ptep_clear_flush',
    'set_pte_at',
    'CONFIG_DEVICE_PRIVATE',
    'folio_walk_start',
    'folio_walk_end',
    'folio_walk',
    'folio_walk_level',
    'FW_LEVEL_PTE',
    'FW_LEVEL_PMD',
    'FW_LEVEL_PUD',
    'folio_walk_flags_t',
    'FW_MIGRATION',
    'FW_ZEROPAGE',
    'follow_page',
    'vm_normal_page',
    'vm_normal_page_pmd',
    'vma_pgtable_walk_begin',
    'vma_pgtable_walk_end',
    'pte_devmap',
    'pmd_devmap',
    'pud_devmap',
    'pgd_devmap',
    'pte_mkdevmap',
    'pmd_mkdevmap',
    'pud_mkdevmap',
    '_PAGE_BIT_DEVMAP',
    '_PAGE_DEVMAP',
    'PTE_DEVMAP',
    'ARCH_HAS_PTE_DEVMAP',
    'CONFIG_ARCH_HAS_PTE_DEVMAP',
    '__HAVE_ARCH_PTE_DEVMAP',
    'pfn_t',
    'PFN_DEV',
    'PFN_MAP',
    'PFN_SPECIAL',
    'PFN_SG_CHAIN',
    'PFN_SG_LAST',
    'PFN_FLAGS_MASK',
    'pfn_t_devmap',
    'pfn_t_to_pfn',
    'pfn_to_pfn_t',
    'devmap_managed_key',
    'put_devmap_managed_folio_refs',
    '__put_devmap_managed_folio_refs',
    'put_devmap_managed_page',
    'put_devmap_managed_page_refs',
    'PAGE_MAPPING_DAX_SHARED',
    'vmf_insert_page_mkwrite',
    'vmf_insert_folio_pmd',
    'vmf_insert_folio_pud',
    'vmf_insert_pfn_pmd',
    'vmf_insert_pfn_pud',
    'vmf_insert_mixed',
    'dax_break_layout',
    'dax_break_layout_final',
    'dax_delete_mapping_range',
    'dax_layout_busy_page',
    'dax_layout_busy_page_range',
    'dax_page_is_idle',
    'dax_busy_page',
    'dax_associate_entry',
    'dax_disassociate_entry',
    'dax_folio_put',
    'dax_fault_iter',
    'free_zone_device_folio',
    'get_dev_pagemap',
    'put_dev_pagemap',
    'is_fsdax_page',
    'folio_is_fsdax',
    'is_zone_device_page',
    'folio_is_zone_device',
    'MEMORY_DEVICE_FS_DAX',
    'MEMORY_DEVICE_PRIVATE',
    'FS_DAX_LIMITED',
    'RMAP_LEVEL_PUD',
    'dax_direct_access',
    'do_swap_page',
    'migrate_to_ram',
    'dev_pagemap_ops',
    'migrate_vma_setup',
    'migrate_vma_pages',
    'migrate_vma_finalize',
    'migrate_device_finalize',
    'migrate_vma',
    'fault_page',
    'migrate_vma_collect_pmd',
    'migrate_device_unmap',
    '__migrate_device_finalize',
    'is_device_private_entry',
    'page_pgmap',
    'trylock_page',
  ];
  const missing = must.filter((name) => !lookupSymbol(name, catalog));
  assert.deepEqual(missing, []);
  assert.equal(catalog.lookupField('folio_walk', 'page')?.kind, 'field');
  assert.equal(catalog.lookupField('folio', 'share')?.kind, 'field');
  // Facts checked against the real trees (see the entries' `trees`/`sources`).
  assert.equal(catalog.lookup('folio_walk_start')?.status.introduced?.release, '6.12');
  assert.equal(catalog.lookup('follow_page')?.status.removed?.release, '6.12');
  assert.equal(catalog.lookup('make_device_exclusive_range')?.status.removed?.release, '6.15');
  assert.equal(catalog.lookup('pmd_devmap')?.status.removed?.release, '6.17');
  assert.equal(catalog.lookup('pfn_t')?.status.removed?.release, '6.17');
  assert.match(catalog.lookup('_PAGE_BIT_DEVMAP')!.status.trees!['6.12'], /57/);
  assert.match(catalog.lookup('_PAGE_BIT_DEVMAP')!.status.trees!['6.1'], /58/);
});

test('diagram references name existing diagram files and variants', () => {
  const diagramsDir = path.join(dir, '..', 'diagrams');
  const known = new Map<string, Set<string>>();
  for (const file of fs.readdirSync(diagramsDir).filter((f) => f.endsWith('.yaml'))) {
    const doc = parseYaml(fs.readFileSync(path.join(diagramsDir, file), 'utf8')) as {
      id: string;
      variants?: Array<{ id: string }>;
    };
    known.set(doc.id, new Set((doc.variants ?? []).map((v) => v.id)));
  }
  for (const entry of catalog.entries) {
    for (const ref of entry.diagrams ?? []) {
      assert.ok(known.has(ref.id), `${entry.name}: unknown diagram ${ref.id}`);
      if (ref.variant && known.get(ref.id)!.size > 0)
        assert.ok(known.get(ref.id)!.has(ref.variant), `${entry.name}: ${ref.id} has no variant ${ref.variant}`);
    }
  }
});

test('every function a diagram step names is a catalog symbol', () => {
  const diagramsDir = path.join(dir, '..', 'diagrams');
  const missing: string[] = [];
  for (const file of fs.readdirSync(diagramsDir).filter((f) => f.endsWith('.yaml'))) {
    for (const match of fs
      .readFileSync(path.join(diagramsDir, file), 'utf8')
      .matchAll(/^\s*function:\s*([A-Za-z_]\w*)/gm)) {
      if (!lookupSymbol(match[1], catalog)) missing.push(`${file}: ${match[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('invalid entries are reported and skipped; broken files never throw', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-catalog-'));
  try {
    fs.copyFileSync(path.join(dir, 'catalog.schema.json'), path.join(tmp, 'catalog.schema.json'));
    fs.writeFileSync(
      path.join(tmp, 'good.yaml'),
      [
        'entries:',
        '  - name: good_symbol',
        '    kind: function',
        '    topics: [folio-walk]',
        '    summary: A valid entry for the loader test.',
        '    explanation: Long enough explanation text for the schema to accept it here.',
        '    status: {}',
        '    sources: ["test"]',
        '  - name: no_sources',
        '    kind: function',
        '    topics: [folio-walk]',
        '    summary: Missing its sources list entirely.',
        '    explanation: Long enough explanation text for the schema to accept it here.',
        '    status: {}',
        '  - name: bad_thread',
        '    kind: macro',
        '    topics: [devmap]',
        '    summary: Thread with a broken Message-ID.',
        '    explanation: Long enough explanation text for the schema to accept it here.',
        '    status: {}',
        '    threads: [{ messageId: "<not an id>", subject: "x y z", author: "A B", date: "2025-01-01", point: "a point long enough" }]',
        '    sources: ["test"]',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(tmp, 'broken.yaml'), 'entries: [ {name: x\n  : : :');
    fs.writeFileSync(path.join(tmp, 'binary.yaml'), Buffer.from([0, 159, 146, 150, 0, 1, 2]));
    const loaded = loadCatalog(tmp);
    assert.deepEqual(
      loaded.entries.map((e) => e.name),
      ['good_symbol'],
    );
    const messages = loaded.problems.map((p) => `${p.file}: ${p.message}`).join('\n');
    assert.match(messages, /no_sources/);
    assert.match(messages, /bad_thread/);
    assert.match(messages, /broken\.yaml/);
    assert.ok(loaded.problems.length >= 4, messages);
    assert.equal(loadCatalog(path.join(tmp, 'does-not-exist')).entries.length, 0);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('struct members are only found through their struct unless unambiguous', () => {
  assert.equal(catalog.lookup('page'), undefined);
  assert.equal(catalog.lookup('pte'), undefined);
  assert.equal(catalog.lookup('migrate_to_ram')?.field?.container, 'dev_pagemap_ops');
  assert.equal(lookupSymbol('CONFIG_ZONE_DEVICE', catalog)?.name, 'ZONE_DEVICE');
  assert.equal(lookupSymbol('ARCH_HAS_PTE_DEVMAP', catalog)?.kind, 'kconfig');
});
