import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { defaultLintRules } from '../../server/src/lint/rules';
import { lintText } from '../../server/src/lint/linter';
import { parseKernelVersion } from '../../server/src/base/kernelVersion';
import type { Finding } from '../../server/src/lint/ruleTypes';

const cases = path.join(__dirname, '..', 'fixtures', 'lint', 'cases');
const rules = defaultLintRules();
const v617 = parseKernelVersion('6.17');

function lintCase(name: string, version = v617): Finding[] {
  return lintText(fs.readFileSync(path.join(cases, name), 'utf8'), name, { rules, version });
}
/** [line, column (1-based), symbol, code, context] */
const summary = (findings: Finding[]) =>
  findings.map((f) => [f.range.start.line + 1, f.range.start.character + 1, f.entry.name, f.code, f.context]);

describe('removed-API matcher: only real code counts', () => {
  it('C uses: code, macro bodies, #if conditions and #include; not comments, strings, #if 0 or longer names', () => {
    assert.deepEqual(summary(lintCase('uses.c')), [
      [7, 10, 'linux/pfn_t.h', 'removed-api', 'include'],
      [9, 46, 'pmd_devmap', 'removed-api', 'preprocessor'],
      [11, 13, 'ARCH_HAS_PTE_DEVMAP', 'removed-api', 'preprocessor'],
      [15, 8, '__HAVE_ARCH_PTE_DEVMAP', 'removed-api', 'preprocessor'],
      [24, 59, 'pfn_t', 'removed-api', 'code'],
      [27, 22, 'follow_page', 'removed-api', 'code'],
      [29, 6, 'pmd_devmap', 'removed-api', 'code'],
      [31, 9, 'pfn_t_to_pfn', 'removed-api', 'code'],
      [31, 29, 'PFN_DEV', 'removed-api', 'code'],
      [31, 43, 'SWP_DEVICE_EXCLUSIVE_READ', 'removed-api', 'code'],
    ]);
  });

  it('ranges cover exactly the symbol (CONFIG_ prefix included) and displays say what it is', () => {
    const findings = lintCase('uses.c');
    const config = findings.find((f) => f.entry.name === 'ARCH_HAS_PTE_DEVMAP')!;
    assert.equal(config.display, 'CONFIG_ARCH_HAS_PTE_DEVMAP');
    assert.equal(config.range.end.character - config.range.start.character, 'CONFIG_ARCH_HAS_PTE_DEVMAP'.length);
    assert.equal(findings.find((f) => f.entry.name === 'follow_page')!.display, 'follow_page()');
    assert.equal(findings.find((f) => f.context === 'include')!.display, '<linux/pfn_t.h>');
    assert.equal(findings.find((f) => f.entry.name === 'PFN_DEV')!.display, 'PFN_DEV');
  });

  it('definitions and declarations get their own rule code; uses inside them stay uses', () => {
    assert.deepEqual(summary(lintCase('definitions.h')), [
      [6, 9, 'PTE_DEVMAP', 'removed-api-definition', 'preprocessor'],
      [7, 9, 'pte_devmap', 'removed-api-definition', 'preprocessor'],
      [7, 45, 'PTE_DEVMAP', 'removed-api', 'preprocessor'],
      [11, 3, 'pfn_t', 'removed-api-definition', 'code'],
      [13, 19, 'pmd_devmap', 'removed-api-definition', 'code'],
      [15, 9, 'pte_devmap', 'removed-api', 'code'],
      [18, 7, 'pud_mkdevmap', 'removed-api-definition', 'code'],
      [19, 14, 'follow_page', 'removed-api-definition', 'code'],
      [20, 13, '__put_devmap_managed_folio_refs', 'removed-api-definition', 'code'],
      [22, 26, 'devmap_managed_key', 'removed-api-definition', 'code'],
      [23, 25, 'devmap_managed_key', 'removed-api-definition', 'code'],
      [24, 15, 'devmap_managed_key', 'removed-api-definition', 'code'],
      [26, 15, 'pfn_t', 'removed-api', 'code'],
      [26, 21, 'phys_to_pfn_t', 'removed-api-definition', 'code'],
      [28, 9, '__pfn_to_pfn_t', 'removed-api', 'code'],
    ]);
  });

  it('Kconfig: select and depends count, config is the definition; comments, help text, strings and longer names do not', () => {
    assert.deepEqual(summary(lintCase('Kconfig')), [
      [5, 9, 'ARCH_HAS_PTE_DEVMAP', 'removed-api', 'kconfig-select'],
      [12, 8, 'ARCH_HAS_PTE_DEVMAP', 'removed-api-definition', 'kconfig-config'],
      [18, 13, 'ARCH_HAS_PTE_DEVMAP', 'removed-api', 'kconfig-depends'],
      [19, 25, 'ARCH_HAS_PTE_DEVMAP', 'removed-api', 'kconfig-depends'],
    ]);
  });

  it('Makefiles: CONFIG_ words outside comments, whole words only', () => {
    assert.deepEqual(summary(lintCase('Makefile')), [[3, 7, 'ARCH_HAS_PTE_DEVMAP', 'removed-api', 'makefile']]);
  });

  it('hostile text (invalid UTF-8, NULs, unterminated comment) gives findings or nothing, never a crash', () => {
    const text = Buffer.concat([
      Buffer.from('int a = pmd_devmap(x);\n'),
      Buffer.from([0xff, 0xfe, 0, 0xc3]),
      Buffer.from('\n/* pte_devmap( unterminated'),
    ]).toString('utf8');
    assert.deepEqual(
      lintText(text, 'x.c', { rules, version: v617 }).map((f) => f.entry.name),
      ['pmd_devmap'],
    );
    assert.deepEqual(
      lintText('select ARCH_HAS_PTE_DEVMAP\u0000\n\thelp', 'Kconfig', { rules, version: v617 }).length,
      1,
    );
  });
});

describe('removed-API severity follows the kernel version', () => {
  const sample = 'static int f(pmd_t pmd) { return pmd_devmap(pmd); }\n';
  const lint = (version?: string, overrides?: Record<string, string>) =>
    lintText(sample, 'f.c', { rules, version: parseKernelVersion(version), overrides });

  it('at or after the removal: an error saying it was removed', () => {
    const [finding] = lint('6.17');
    assert.equal(finding.severity, 'error');
    assert.equal(finding.upstreamOnly, false);
    assert.match(finding.message, /^`pmd_devmap\(\)` was removed in 6\.17: test what the entry really is/);
    assert.equal(
      finding.href,
      'https://lore.kernel.org/all/cover.176965585864cb8d2cf41464b44dcc0471e643a0.1750323463.git-series.apopple@nvidia.com/',
    );
  });

  it('before the removal: information with forward-porting advice', () => {
    const [finding] = lint('6.12');
    assert.equal(finding.severity, 'information');
    assert.equal(finding.upstreamOnly, true);
    assert.match(finding.message, /^`pmd_devmap\(\)` is removed upstream in 6\.17; when forward-porting, test what/);
  });

  it('unknown version: information that says so', () => {
    const [finding] = lint(undefined);
    assert.equal(finding.severity, 'information');
    assert.match(finding.message, /tree version unknown/);
  });

  it('per-code and per-rule overrides, the rule id winning; off drops the finding', () => {
    assert.equal(lint('6.17', { 'removed-api': 'warning' })[0].severity, 'warning');
    assert.equal(
      lint('6.17', { 'removed-api': 'warning', 'devmap-pxx-test': 'information' })[0].severity,
      'information',
    );
    assert.deepEqual(lint('6.17', { 'removed-api': 'off' }), []);
    assert.equal(lint('6.17', { 'removed-api-definition': 'off' }).length, 1);
    assert.equal(lint('6.17', { 'removed-api': 'bogus' })[0].severity, 'error');
  });

  it('uses outrank definitions, so the Problems view opens on call sites (it lists files by their worst finding)', () => {
    const at = (text: string, file: string, version: string) =>
      lintText(text, file, { rules, version: parseKernelVersion(version) }).map((f) => [f.code, f.severity]);
    const definition = 'static inline int pmd_devmap(pmd_t pmd) { return 0; }\n';
    const use = 'int f(pmd_t p) { return pmd_devmap(p); }\n';
    assert.deepEqual(at(definition, 'pgtable.h', '6.17'), [['removed-api-definition', 'information']]);
    assert.deepEqual(at(use, 'driver.c', '6.17'), [['removed-api', 'error']]);
    assert.deepEqual(at(definition, 'pgtable.h', '6.12'), [['removed-api-definition', 'hint']]);
    assert.deepEqual(at(use, 'driver.c', '6.12'), [['removed-api', 'information']]);
    // a use in the file that defines the API (or another API of the same removal) is its implementation: it ranks
    // with the definitions, unless the user set the severity
    const provider = `#ifndef CONFIG_ARCH_HAS_PTE_DEVMAP\n${definition}#endif\nint g(pmd_t p) { return pmd_devmap(p); }\n`;
    assert.deepEqual(at(provider, 'pgtable.h', '6.17'), [
      ['removed-api', 'information'],
      ['removed-api-definition', 'information'],
      ['removed-api', 'information'],
    ]);
    const forced = lintText(provider, 'pgtable.h', {
      rules,
      version: parseKernelVersion('6.17'),
      overrides: { 'removed-api': 'error' },
    });
    assert.deepEqual(
      forced.filter((f) => !f.isDefinition).map((f) => f.severity),
      ['error', 'error'],
    );
  });

  it('devmap_managed_key: uses are gone in 6.15, the definition only in 6.17', () => {
    const text =
      'DEFINE_STATIC_KEY_FALSE(devmap_managed_key);\nvoid f(void) { static_branch_inc(&devmap_managed_key); }\n';
    const findings = lintText(text, 'memremap.c', { rules, version: parseKernelVersion('6.15') });
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity]),
      [
        ['removed-api-definition', 'hint'],
        // memremap.c defines the key: its own use goes with it upstream
        ['removed-api', 'information'],
      ],
    );
  });

  it('a bound instead of an exact release is worded as such', () => {
    const [finding] = lintText('put_devmap_managed_page(page);', 'a.c', { rules, version: parseKernelVersion('6.12') });
    assert.match(finding.message, /removed by 6\.12 at the latest/);
  });
});
