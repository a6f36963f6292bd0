import type { OptionSpec } from './args';

/** One `kernel-mm-lens` subcommand. Each lives in its own file and is listed in `cli/commands.ts`. */
export interface CliCommand {
  name: string;
  /** Usage line after the program name, e.g. `index [--cache-dir DIR] PATH`. */
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Returns the process exit code. Output goes to the given streams (tests pass their own). */
  run(argv: string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export const processIO: CliIO = { out: process.stdout, err: process.stderr };
