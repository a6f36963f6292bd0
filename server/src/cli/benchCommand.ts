import type { CliCommand } from './command';
export const benchCommand: CliCommand = {
  name: 'bench', usage: 'bench [PATH]', summary: 'Benchmark the index against universal-ctags and grep on a real tree.', options: {},
  async run(_argv, io) { io.err.write('not yet\n'); return 2; },
};
