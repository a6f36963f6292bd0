import { compareKernelVersions, formatKernelVersion, parseKernelVersion } from '../base/kernelVersion';
import type { KernelVersion } from '../base/kernelVersion';
import type { CodeEvidence } from './codeEvidence';
import { sourceCalls } from './codeEvidence';
import type { AppliesToRule, Diagram, DiagramVariant } from './types';

/**
 * Picks the variant of a diagram that matches a tree. What the code contains outweighs the Makefile version:
 * backports, distribution kernels and trees in the middle of a series have code that the version number
 * does not describe. Rules that cannot be decided (no index, function not found) count for nothing.
 */
export interface SelectionInput {
  kernelVersion?: KernelVersion;
  evidence?: CodeEvidence;
  /** Variant asked for explicitly (CLI --variant, webview); wins if it exists. */
  requested?: string;
  /**
   * Which tracked changes the tree has: knowledge/changes' TreeChanges (its hasAll: true, false, or undefined when
   * the code cannot tell) decides `changes` rules; typed by shape so that diagrams does not import knowledge.
   */
  changes?: { hasAll(ids: readonly string[]): boolean | undefined };
}

export interface RuleOutcome {
  rule: AppliesToRule;
  /** undefined: could not be decided. */
  matches: boolean | undefined;
  /** Human-readable, e.g. "make_device_exclusive (mm/rmap.c) calls folio_walk_start". */
  explanation: string;
}

export interface VariantChoice {
  variant: DiagramVariant;
  /** Why this variant: the decided rules of the chosen variant, or "requested" / "default". */
  reason: string;
  /** Per variant: score and rule outcomes (for `--list`-style explanations and tests). */
  outcomes: Array<{ variant: string; score: number; rules: RuleOutcome[] }>;
}

const CODE_WEIGHT = 4;
const VERSION_WEIGHT = 2;

function evaluateRule(rule: AppliesToRule, input: SelectionInput): RuleOutcome {
  if ('kernel' in rule) {
    const version = input.kernelVersion;
    const min = parseKernelVersion(rule.kernel.min);
    const below = parseKernelVersion(rule.kernel.below);
    const range = [min ? `>= ${rule.kernel.min}` : '', below ? `< ${rule.kernel.below}` : '']
      .filter(Boolean)
      .join(' and ');
    if (!version) return { rule, matches: undefined, explanation: `kernel ${range}: version unknown` };
    const matches =
      (!min || compareKernelVersions(version, min) >= 0) && (!below || compareKernelVersions(version, below) < 0);
    return {
      rule,
      matches,
      explanation: `kernel ${formatKernelVersion(version)} ${matches ? 'is' : 'is not'} ${range}`,
    };
  }
  if ('changes' in rule) {
    const has = input.changes?.hasAll(rule.changes);
    const list = rule.changes.join(', ');
    if (has === undefined)
      return { rule, matches: undefined, explanation: `${list}: cannot tell whether the tree has it` };
    return { rule, matches: has, explanation: `the tree ${has ? 'has' : 'lacks'} ${list}` };
  }
  const evidence = input.evidence;
  if ('symbolExists' in rule || 'symbolMissing' in rule) {
    const name = 'symbolExists' in rule ? rule.symbolExists : rule.symbolMissing;
    const exists = evidence?.symbolExists(name, rule.file);
    if (exists === undefined)
      return { rule, matches: undefined, explanation: `${name}: cannot tell whether it exists` };
    const matches = 'symbolExists' in rule ? exists : !exists;
    return { rule, matches, explanation: `${name} ${exists ? 'exists' : 'does not exist'} in the tree` };
  }
  const callee = 'calls' in rule ? rule.calls : rule.doesNotCall;
  const source = evidence?.functionSource(rule.function, rule.file);
  if (!source) return { rule, matches: undefined, explanation: `${rule.function}: definition not found` };
  const calls = sourceCalls(source, callee);
  const matches = 'calls' in rule ? calls : !calls;
  return {
    rule,
    matches,
    explanation: `${rule.function} (${source.file}) ${calls ? 'calls' : 'does not call'} ${callee}`,
  };
}

function isCodeRule(rule: AppliesToRule): boolean {
  return !('kernel' in rule);
}

export function selectVariant(diagram: Diagram, input: SelectionInput): VariantChoice {
  const outcomes = diagram.variants.map((variant) => {
    const rules = variant.appliesTo.map((rule) => evaluateRule(rule, input));
    const score = rules.reduce((sum, outcome) => {
      if (outcome.matches === undefined) return sum;
      const weight = isCodeRule(outcome.rule) ? CODE_WEIGHT : VERSION_WEIGHT;
      return sum + (outcome.matches ? weight : -weight);
    }, 0);
    return { variant: variant.id, score, rules };
  });

  if (input.requested) {
    const requested = diagram.variants.find((variant) => variant.id === input.requested);
    if (requested) return { variant: requested, reason: 'requested', outcomes };
  }

  // Highest score wins; on a tie the earlier (newer) variant in the file.
  let best = 0;
  for (let i = 1; i < outcomes.length; i++) if (outcomes[i].score > outcomes[best].score) best = i;
  const decided = outcomes[best].rules.filter((outcome) => outcome.matches !== undefined);
  const reason =
    decided.length === 0
      ? 'default (no kernel version or code evidence available)'
      : decided.map((outcome) => outcome.explanation).join('; ');
  return { variant: diagram.variants[best], reason, outcomes };
}
