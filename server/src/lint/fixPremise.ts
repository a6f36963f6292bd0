import {
  compareKernelVersions,
  formatKernelVersion,
  parseKernelVersion,
  type KernelVersion,
} from '../base/kernelVersion';
import type { FixSpec, LintRule, MechanicalFix } from './ruleTypes';

/**
 * A rewrite of a removed API is mechanical only relative to a target where its premise holds. Renaming
 * `SWP_DEVICE_EXCLUSIVE_WRITE` to `SWP_DEVICE_EXCLUSIVE` breaks the build of a 6.12 tree, where the new name does
 * not exist; dropping `pud_devmap()` from `pud_trans_huge(x) || pud_devmap(x)` in a 6.12 x86 tree stops taking the
 * lock for DAX PUDs, because there pud_trans_huge() excludes devmap entries. So a fix is offered only when the
 * lint target is at or past the rule's removal; when the target is newer than the tree (forward-porting with
 * `lintTargetVersion` / `--kernel-version`), its title says which premise it relies on.
 */

export interface FixVersions {
  /** The version the code is linted for (lint target, or the tree's version). */
  target?: KernelVersion;
  /** The tree's own version (Makefile or kernelVersion setting). */
  tree?: KernelVersion;
}

export type PremiseVerdict = { allowed: true; fix: MechanicalFix } | { allowed: false; reason: string };

export function applyPremise(
  fix: MechanicalFix,
  spec: FixSpec,
  name: string,
  rule: LintRule,
  versions: FixVersions,
): PremiseVerdict {
  const removedIn = parseKernelVersion(rule.removedIn);
  const premise = premiseText(spec, name, rule.removedIn);
  if (!removedIn) return { allowed: true, fix };
  const release = formatKernelVersion(removedIn);
  if (!versions.target) {
    return {
      allowed: false,
      reason: `No automatic fix while the kernel version is unknown: ${premise}. Set the lint target (kernelMmLens.lintTargetVersion, or --kernel-version) to ${release} or later to get it.`,
    };
  }
  if (compareKernelVersions(versions.target, removedIn) < 0) {
    return {
      allowed: false,
      reason: `No automatic fix for ${formatKernelVersion(versions.target)}: ${premise}. When forward-porting to ${release} or later, set the lint target (kernelMmLens.lintTargetVersion, or --kernel-version) to that release.`,
    };
  }
  const forwardPort = versions.tree && compareKernelVersions(versions.tree, removedIn) < 0;
  return {
    allowed: true,
    fix: forwardPort ? { ...fix, title: `${fix.title} (for ${release} and later: ${premise})` } : fix,
  };
}

/** The premise in words: the data's own sentence, or one made from the fix type. */
export function premiseText(spec: FixSpec, name: string, removedIn: string): string {
  if (spec.premise) return spec.premise;
  switch (spec.type) {
    case 'rename':
      return `\`${spec.to}\` replaces \`${name}\` from ${removedIn}`;
    case 'drop-disjunct':
      return `\`${spec.partner}()\` covers what \`${name}()\` tested only from ${removedIn}`;
    case 'delete-line':
      return `the line is dead only from ${removedIn}`;
    case 'drop-argument':
      return `\`${name}()\` takes one argument less only from ${removedIn}`;
  }
}
