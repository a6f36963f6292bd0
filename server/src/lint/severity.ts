import {
  compareKernelVersions,
  parseKernelVersion,
  formatKernelVersion,
  type KernelVersion,
} from '../base/kernelVersion';
import {
  RULE_CODE_DEFINITION,
  RULE_CODE_USE,
  type LintRule,
  type LintSeverity,
  type RuleCode,
  type SeverityOverride,
} from './ruleTypes';

/**
 * Severity follows the version the code is meant for (the lint target, else the tree's own version):
 *
 * | version               | use of the symbol | its definition |
 * | --------------------- | ----------------- | -------------- |
 * | at or past removal    | error             | information    |
 * | before the removal    | information       | hint           |
 * | unknown               | information       | hint           |
 *
 * A use that cannot compile in the target is an error; in the tree's own version the symbol is current, so a use is
 * information for the forward-porter (listed in the Problems view and filterable there, never struck through as if
 * deprecated here). Definitions rank below uses so that the Problems view, which lists files by their most severe
 * finding, opens on the call sites a forward-porter changes, not on the arch headers that define the symbol; in the
 * tree's own version they are only hints. Users may override per rule code (`removed-api`,
 * `removed-api-definition`) or per rule id (`pfn-t-type`); the id wins.
 */
export interface SeverityPolicy {
  /** Version of the code being linted (tree Makefile or override); undefined when unknown. */
  version?: KernelVersion;
  /**
   * The tree's own version when the lint target differs from it (forward-porting): quick fixes are only offered
   * for a target at or past the removal, and then say which premise they rely on (lint/fixPremise.ts).
   */
  treeVersion?: KernelVersion;
  overrides?: Record<string, string>;
}

export interface Verdict {
  code: RuleCode;
  severity: LintSeverity;
  upstreamOnly: boolean;
  message: string;
}

const VALID: ReadonlySet<string> = new Set(['error', 'warning', 'information', 'hint', 'off']);

export function judge(
  rule: LintRule,
  display: string,
  isDefinition: boolean,
  policy: SeverityPolicy,
): Verdict | undefined {
  const code: RuleCode = isDefinition ? RULE_CODE_DEFINITION : RULE_CODE_USE;
  const removedIn = parseKernelVersion(isDefinition ? (rule.definitionRemovedIn ?? rule.removedIn) : rule.removedIn)!;
  const when = rule.removedInNote
    ? `by ${formatKernelVersion(removedIn)} at the latest`
    : `in ${formatKernelVersion(removedIn)}`;
  const what = isDefinition ? `definition of \`${display}\`` : `\`${display}\``;
  let severity: LintSeverity;
  let upstreamOnly = false;
  let message: string;
  if (!policy.version) {
    severity = isDefinition ? 'hint' : 'information';
    upstreamOnly = true;
    message = `${what}: removed upstream ${when} (tree version unknown); use ${rule.replacement}`;
  } else if (compareKernelVersions(policy.version, removedIn) >= 0) {
    severity = isDefinition ? 'information' : 'error';
    message = isDefinition
      ? `${what}, which was removed ${when}: ${rule.replacement}`
      : `${what} was removed ${when}: ${rule.replacement}`;
  } else {
    severity = isDefinition ? 'hint' : 'information';
    upstreamOnly = true;
    message = `${what} is removed upstream ${when}; when forward-porting, ${rule.replacement}`;
  }
  const override = overrideFor(policy.overrides, rule.id) ?? overrideFor(policy.overrides, code);
  if (override === 'off') return undefined;
  if (override) severity = override;
  return { code, severity, upstreamOnly, message };
}

function overrideFor(overrides: SeverityPolicy['overrides'], key: string): SeverityOverride | undefined {
  const value = overrides?.[key];
  return typeof value === 'string' && VALID.has(value) ? (value as SeverityOverride) : undefined;
}

const RANK: Record<LintSeverity, number> = { error: 4, warning: 3, information: 2, hint: 1 };

/** True when `severity` is at or above `threshold` (error > warning > information > hint). */
export function atLeast(severity: LintSeverity, threshold: LintSeverity): boolean {
  return RANK[severity] >= RANK[threshold];
}

export function isLintSeverity(value: string): value is LintSeverity {
  return value in RANK;
}

/** Findings that belong to the same upstream removal (one series removes pmd_devmap(), pte_devmap(), the Kconfig symbol). */
function removalKey(rule: LintRule): string {
  return rule.removal?.messageId ?? rule.id;
}

const ONE_LEVEL_DOWN: Record<LintSeverity, LintSeverity> = {
  error: 'information',
  warning: 'information',
  information: 'hint',
  hint: 'hint',
};

/**
 * Uses inside a file that defines an API of the same removal (an arch pgtable.h using its own pte_devmap(), the
 * `#ifndef CONFIG_ARCH_HAS_PTE_DEVMAP` around the stub) are the implementation upstream deletes, not call sites a
 * forward-porter changes: they rank like the definitions, one level below uses elsewhere, unless the user set the
 * severity of the rule or of `removed-api` explicitly.
 */
export function rankProviderUses<
  F extends { entry: { rule: LintRule }; isDefinition: boolean; severity: LintSeverity; message: string },
>(findings: F[], overrides: SeverityPolicy['overrides']): F[] {
  const defined = new Set(findings.filter((f) => f.isDefinition).map((f) => removalKey(f.entry.rule)));
  if (defined.size === 0) return findings;
  for (const finding of findings) {
    if (finding.isDefinition || !defined.has(removalKey(finding.entry.rule))) continue;
    if (overrideFor(overrides, finding.entry.rule.id) ?? overrideFor(overrides, RULE_CODE_USE)) continue;
    finding.severity = ONE_LEVEL_DOWN[finding.severity];
    finding.message = `${finding.message} (this file defines the removed API: its own use goes with it)`;
  }
  return findings;
}
