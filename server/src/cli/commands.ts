import type { CliCommand } from './command';

/**
 * Every subcommand of `kernel-mm-lens`, in the order `--help` lists them. Each is loaded only when used:
 * the language server, mail parsing, diagrams and lint pull in libraries the `index` command does not need,
 * and loading all of them cost a quarter of a second of every start.
 */
export interface CommandEntry {
  name: string;
  load(): CliCommand;
}

export const commands: CommandEntry[] = [
  { name: 'lsp', load: () => require('./lspCommand').lspCommand },
  { name: 'index', load: () => require('./indexCommand').indexCommand },
  { name: 'bench', load: () => require('./benchCommand').benchCommand },
  { name: 'threads', load: () => require('./threadsCommand').threadsCommand },
  { name: 'diagram', load: () => require('./diagramCommand').diagramCommand },
  { name: 'lint', load: () => require('./lintCommand').lintCommand },
  { name: 'hover', load: () => require('./hoverCommand').hoverCommand },
  { name: 'catalog', load: () => require('./catalogCommand').catalogCommand },
  { name: 'notes', load: () => require('./notesCommand').notesCommand },
];
