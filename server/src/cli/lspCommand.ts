import type { CliCommand } from './command';
import { parseArgs, UsageError } from './args';

export const lspCommand: CliCommand = {
  name: 'lsp',
  usage: 'lsp [--stdio]',
  summary: 'Run the language server on stdin/stdout (VS Code, Neovim, Emacs, any LSP client).',
  options: {
    stdio: { help: 'Talk LSP over stdin/stdout (the default and only transport).' },
    'cache-dir': { value: true, help: 'Index cache folder (default $XDG_CACHE_HOME/kernel-mm-lens).' },
    // Added by some clients (vscode-languageclient for module servers); the LSP connection already watches the parent.
    clientProcessId: { value: true, help: 'Process id of the editor (accepted for compatibility, not needed).' },
    'node-ipc': { help: 'Not supported: use --stdio.' },
  },
  async run(argv) {
    const args = parseArgs(argv, this.options);
    if (args.options['node-ipc']) throw new UsageError('only --stdio is supported');
    const { startLanguageServer } = await import('../lsp/server');
    startLanguageServer({
      cacheDir: typeof args.options['cache-dir'] === 'string' ? args.options['cache-dir'] : undefined,
    });
    // The connection keeps the process alive; resolve only when it ends.
    return new Promise<number>(() => undefined);
  },
};
