import type { CliCommand } from './command';

/**
 * Every subcommand of `kernel-mm-lens`, in the order `--help` lists them. Each is loaded only when used:
 * the language server, mail parsing, diagrams and lint pull in libraries the `index` command does not need,
 * and loading all of them cost a quarter of a second of every start. (`require` is what defers the load in the
 * CommonJS bundle; eslint.config.mjs allows it for these modules only.)
 */
export interface CommandEntry {
  name: string;
  load(): CliCommand;
}

export const commands: CommandEntry[] = [
  { name: 'lsp', load: () => (require('./lspCommand') as typeof import('./lspCommand')).lspCommand },
  { name: 'index', load: () => (require('./indexCommand') as typeof import('./indexCommand')).indexCommand },
  { name: 'bench', load: () => (require('./benchCommand') as typeof import('./benchCommand')).benchCommand },
  { name: 'threads', load: () => (require('./threadsCommand') as typeof import('./threadsCommand')).threadsCommand },
  { name: 'diagram', load: () => (require('./diagramCommand') as typeof import('./diagramCommand')).diagramCommand },
  { name: 'lint', load: () => (require('./lintCommand') as typeof import('./lintCommand')).lintCommand },
  { name: 'hover', load: () => (require('./hoverCommand') as typeof import('./hoverCommand')).hoverCommand },
  { name: 'catalog', load: () => (require('./catalogCommand') as typeof import('./catalogCommand')).catalogCommand },
  { name: 'review', load: () => (require('./reviewCommand') as typeof import('./reviewCommand')).reviewCommand },
  { name: 'changes', load: () => (require('./changesCommand') as typeof import('./changesCommand')).changesCommand },
  { name: 'mcp', load: () => (require('./mcpCommand') as typeof import('./mcpCommand')).mcpCommand },
  { name: 'regions', load: () => (require('./regionsCommand') as typeof import('./regionsCommand')).regionsCommand },
  {
    name: 'implementations',
    load: () =>
      (require('./implementationsCommand') as typeof import('./implementationsCommand')).implementationsCommand,
  },
  { name: 'calls', load: () => (require('./callsCommand') as typeof import('./callsCommand')).callsCommand },
  { name: 'notes', load: () => (require('./notesCommand') as typeof import('./notesCommand')).notesCommand },
];
