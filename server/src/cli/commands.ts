import type { CliCommand } from './command';
import { lspCommand } from './lspCommand';
import { indexCommand } from './indexCommand';
import { benchCommand } from './benchCommand';
import { threadsCommand } from './threadsCommand';
import { diagramCommand } from './diagramCommand';
import { lintCommand } from './lintCommand';
import { hoverCommand } from './hoverCommand';
import { catalogCommand } from './catalogCommand';
import { notesCommand } from './notesCommand';

/** Every subcommand of `kernel-mm-lens`, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  lspCommand,
  indexCommand,
  benchCommand,
  threadsCommand,
  diagramCommand,
  lintCommand,
  hoverCommand,
  catalogCommand,
  notesCommand,
];
