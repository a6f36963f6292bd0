import { listOption, stringOption, UsageError, type ParsedArgs } from './args';
import { parseKernelVersion } from '../base/kernelVersion';
import { isLintSeverity } from '../lint/severity';
import type { LintSeverity } from '../lint/ruleTypes';

/** The lint options `lint` and `review` share: --fail-on, --kernel-version and --severity RULE=LEVEL. */
export interface LintCliOptions {
  failOn: LintSeverity;
  versionText: string | undefined;
  overrides: Record<string, string>;
}

export function parseLintCliOptions(args: ParsedArgs): LintCliOptions {
  const failOn = stringOption(args, 'fail-on') ?? 'error';
  if (!isLintSeverity(failOn))
    throw new UsageError(`--fail-on must be error, warning, information or hint, not "${failOn}"`);
  const versionText = stringOption(args, 'kernel-version');
  if (versionText !== undefined && !parseKernelVersion(versionText))
    throw new UsageError(`--kernel-version must look like 6.12, not "${versionText}"`);
  const overrides: Record<string, string> = {};
  for (const item of listOption(args, 'severity')) {
    const match = /^([\w-]+)=(error|warning|information|hint|off)$/.exec(item);
    if (!match) throw new UsageError(`--severity wants RULE=LEVEL, not "${item}"`);
    overrides[match[1]] = match[2];
  }
  return { failOn, versionText, overrides };
}
