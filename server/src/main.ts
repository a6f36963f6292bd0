import { commands } from './cli/commands';
import { processIO, type CliIO } from './cli/command';
import { guardedIO } from './cli/terminalGuard';
import { optionHelp, UsageError } from './cli/args';
import { PACKAGE_VERSION } from './base/paths';
import { describeError } from './base/errors';

/**
 * Entry point of the server bundle. `kernel-mm-lens lsp --stdio` is the language server;
 * every other subcommand is a command-line tool over the same index and knowledge.
 */
export async function main(argv: string[], terminal: CliIO = processIO): Promise<number> {
  // Every command writes through the terminal sink: untrusted text reaches no terminal with control bytes.
  const io = guardedIO(terminal);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out.write(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name)?.load();
  if (!command) {
    io.err.write(`kernel-mm-lens: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help')) {
    io.out.write(`usage: kernel-mm-lens ${command.usage}\n${command.summary}\n\n${optionHelp(command.options)}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err.write(`kernel-mm-lens ${name}: ${err.message}\nusage: kernel-mm-lens ${command.usage}\n`);
      return 2;
    }
    throw err;
  }
}

function usage(): string {
  const lines = commands
    .map((entry) => entry.load())
    .map((command) => `  ${command.usage.padEnd(58)} ${command.summary}`);
  return `usage: kernel-mm-lens COMMAND [OPTIONS]\n\n${lines.join('\n')}\n\nkernel-mm-lens COMMAND --help for the options of one command.\n`;
}

// Run when executed directly (node dist/server.js ...), e.g. by editors that spawn the bundle.
if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`kernel-mm-lens: ${describeError(err, true)}\n`);
      process.exitCode = 2;
    },
  );
}
