import type { CliCommand } from './command';
import { lspCommand } from './lspCommand';
import { indexCommand } from './indexCommand';
import { benchCommand } from './benchCommand';
import { threadsCommand } from './threadsCommand';
import { diagramCommand } from './diagramCommand';
import { lintCommand } from './lintCommand';

/** Every subcommand of `kernel-mm-lens`, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  lspCommand,
  indexCommand,
  benchCommand,
  threadsCommand,
  diagramCommand,
  lintCommand,
];
