import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import {
  defaultLintRules,
  loadLintRules,
  parseLintRuleText,
  prefilterRegExp,
  removalLink,
} from '../../server/src/lint/rules';
import { validateLintRuleFile } from '../../server/src/lint/ruleSchema';

const dataDir = path.join(__dirname, '..', '..', 'server', 'data', 'lint-rules');

describe('lint rule data', () => {
  it('every shipped rule file validates against the schema', () => {
    const files = fs.readdirSync(dataDir).filter((name) => name.endsWith('.yaml'));
    assert.ok(files.length >= 5);
    for (const name of files) {
      assert.deepEqual(validateLintRuleFile(parse(fs.readFileSync(path.join(dataDir, name), 'utf8'))), [], name);
    }
    assert.deepEqual(defaultLintRules().problems, []);
  });

  it('covers every symbol issue 4 names, with the release from the reference facts', () => {
    const rules = defaultLintRules();
    const removedIn = (name: string) =>
      (rules.identifiers.get(name) ?? rules.kconfigSymbols.get(name) ?? rules.headers.get(name))?.rule.removedIn;
    const expected: Record<string, string> = {
      follow_page: '6.12',
      make_device_exclusive_range: '6.15',
      make_readable_device_exclusive_entry: '6.15',
      make_writable_device_exclusive_entry: '6.15',
      is_writable_device_exclusive_entry: '6.15',
      SWP_DEVICE_EXCLUSIVE_READ: '6.15',
      SWP_DEVICE_EXCLUSIVE_WRITE: '6.15',
      put_devmap_managed_folio_refs: '6.15',
      __put_devmap_managed_folio_refs: '6.15',
      PAGE_MAPPING_DAX_SHARED: '6.15',
      devmap_managed_key: '6.15',
    };
    for (const name of [
      'pte_devmap',
      'pmd_devmap',
      'pud_devmap',
      'pgd_devmap',
      'pte_mkdevmap',
      'pmd_mkdevmap',
      'pud_mkdevmap',
      'hash__pmd_mkdevmap',
      'radix__pmd_mkdevmap',
      'radix__pud_mkdevmap',
      '_PAGE_BIT_DEVMAP',
      '_PAGE_DEVMAP',
      'PTE_DEVMAP',
      '_PAGE_DEVMAP_SHIFT',
      'ARCH_HAS_PTE_DEVMAP',
      'CONFIG_ARCH_HAS_PTE_DEVMAP',
      'pfn_t',
      'PFN_DEV',
      'PFN_MAP',
      'PFN_SPECIAL',
      'PFN_SG_CHAIN',
      'PFN_SG_LAST',
      'PFN_FLAGS_MASK',
      'pfn_t_to_pfn',
      'pfn_to_pfn_t',
      'pfn_t_devmap',
      'linux/pfn_t.h',
    ])
      expected[name] = '6.17';
    for (const [name, release] of Object.entries(expected)) assert.equal(removedIn(name), release, name);
    assert.equal(rules.identifiers.get('devmap_managed_key')!.rule.definitionRemovedIn, '6.17');
    assert.ok(rules.identifiers.has('__HAVE_ARCH_PTE_DEVMAP'));
  });

  it('every rule links its removal thread on lore, or says why its release is only a bound', () => {
    for (const rule of defaultLintRules().rules) {
      const link = removalLink(rule);
      if (link) assert.match(link, /^https:\/\/lore\.kernel\.org\/all\/[^/\s]+@[^/\s]+\/$/, rule.id);
      else assert.ok(rule.removedInNote, rule.id);
    }
  });

  it('the prefilter matches every rule name and rejects text without any', () => {
    const rules = defaultLintRules();
    const re = prefilterRegExp(rules);
    for (const name of [...rules.identifiers.keys(), ...rules.kconfigSymbols.keys(), '#include <linux/pfn_t.h>'])
      assert.ok(re.test(name), name);
    assert.equal(re.test('static int folio_walk_start(void) { return pte_special(pte); }'), false);
    assert.ok(rules.prefilterWords.length < 20);
  });

  it('malformed rule data is reported with its location, never thrown', () => {
    const good =
      'rules:\n  - id: x\n    symbols: [foo]\n    kind: function\n    removedIn: "6.17"\n    replacement: r\n    explanation: e\n    sources: [s]\n    removal: { messageId: a@b }\n';
    assert.deepEqual(parseLintRuleText(good).problems, []);
    assert.match(parseLintRuleText(good.replace('"6.17"', '"six"')).problems.join(), /removedIn: must match pattern/);
    assert.match(
      parseLintRuleText(good.replace('[foo]', '[{ name: foo, fix: { type: explode } }]')).problems.join(),
      /symbols\/0/,
    );
    assert.match(
      parseLintRuleText(good.replace('    removal: { messageId: a@b }\n', '')).problems.join(),
      /must match a schema in anyOf/,
    );
    assert.match(parseLintRuleText(good.replace('a@b', '<a@b>')).problems.join(), /messageId/);
    assert.match(
      parseLintRuleText(good + '    bogus: 1\n').problems.join(),
      /must NOT have additional properties 'bogus'/,
    );
    assert.match(parseLintRuleText('rules: [').problems.join(), /invalid YAML/);
    assert.match(parseLintRuleText('&a [*a, *a]').problems.join(), /.+/);
  });

  it('a directory with a bad file and a duplicate symbol still loads the good rules', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-rules-'));
    try {
      const rule = (id: string, symbol: string) =>
        `rules:\n  - id: ${id}\n    symbols: [${symbol}]\n    kind: macro\n    removedIn: "6.15"\n    replacement: r\n    explanation: e\n    sources: [s]\n    removedInNote: n\n`;
      fs.writeFileSync(path.join(dir, 'a.yaml'), rule('a', 'FOO'));
      fs.writeFileSync(path.join(dir, 'b.yaml'), rule('b', 'FOO'));
      fs.writeFileSync(path.join(dir, 'c.yaml'), 'rules: 7\n');
      fs.mkdirSync(path.join(dir, 'd.yaml'));
      const set = loadLintRules(dir);
      assert.deepEqual(
        set.rules.map((r) => r.id),
        ['a', 'b'],
      );
      assert.equal(set.identifiers.get('FOO')!.rule.id, 'a');
      assert.equal(set.problems.length, 3);
      assert.match(set.problems.join('\n'), /already covered by rule 'a'/);
      assert.match(set.problems.join('\n'), /c\.yaml: \/rules: must be array/);
      assert.match(set.problems.join('\n'), /d\.yaml: not a regular file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
