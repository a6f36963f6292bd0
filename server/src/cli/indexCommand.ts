import type { CliCommand } from './command';
export const indexCommand: CliCommand = {
  name: 'index', usage: 'index [--cache-dir DIR] [--exclude GLOB]... PATH', summary: 'Build or refresh the persistent index of a kernel tree.', options: {},
  async run(_argv, io) { io.err.write('not yet\n'); return 2; },
};
