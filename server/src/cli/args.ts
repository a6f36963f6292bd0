/**
 * A small, strict argument parser for the CLI: `--flag`, `--key value`, `--key=value`, repeated keys
 * collected into arrays, and positionals. Unknown options are reported, not ignored.
 */
export interface OptionSpec {
  /** Takes a value (`--format json`); otherwise it is a boolean flag. */
  value?: boolean;
  /** May be given several times; values are collected in order. */
  repeat?: boolean;
  /** One-line description for `--help`. */
  help: string;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs['options'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const option = spec[name];
    if (!option) throw new UsageError(`unknown option --${name}`);
    let value: string | boolean = true;
    if (option.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
    } else if (eq >= 0) {
      throw new UsageError(`--${name} takes no value`);
    }
    if (option.repeat) {
      const list = (options[name] as string[] | undefined) ?? [];
      list.push(String(value));
      options[name] = list;
    } else {
      options[name] = value;
    }
  }
  return { positionals, options };
}

export function optionHelp(spec: Record<string, OptionSpec>): string {
  return Object.entries(spec)
    .map(
      ([name, option]) =>
        `  --${name}${option.value ? ' VALUE' : ''}${option.repeat ? ' (repeatable)' : ''}\n      ${option.help}`,
    )
    .join('\n');
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}
