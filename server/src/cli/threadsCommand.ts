import * as path from 'path';
import type { CliCommand } from './command';
import { listOption, parseArgs, stringOption, UsageError } from './args';
import { ThreadService } from '../lore/threadService';
import { sanitiseLine } from '../lore/renderThread';

/**
 * `kernel-mm-lens threads SYMBOL [--mail PATH...] [--json]`: the review threads of a symbol from the bundled index
 * and the given mail (mbox, .mbox.gz, maildir, .eml), ranked like the editor's "Show related review threads".
 */
export const threadsCommand: CliCommand = {
  name: 'threads',
  usage: 'threads SYMBOL [--mail PATH]... [--json]',
  summary: 'List the review threads related to a symbol (bundled index + local mail from b4/lei).',
  options: {
    mail: { value: true, repeat: true, help: 'mbox (.mbox, .mbox.gz), maildir or .eml file to search as well' },
    json: { help: 'print a JSON array (messageId, subject, author, date, url, relation, source, ...)' },
    verbose: { help: 'print mail parsing notes (missing Message-IDs, cut messages, ...) on stderr' },
    'cache-dir': {
      value: true,
      help: 'keep what was extracted from each mail source here, to skip parsing it again while unchanged',
    },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length !== 1) throw new UsageError('threads needs exactly one SYMBOL');
    const symbol = args.positionals[0];
    const mail = listOption(args, 'mail').map((p) => path.resolve(p));
    const notes: string[] = [];
    const cacheDir = stringOption(args, 'cache-dir');
    const service = new ThreadService(
      (message) => notes.push(message),
      () => mail,
      cacheDir ? { cacheDir: path.resolve(cacheDir) } : {},
    );
    const entries = await service.threadsForSymbol(symbol);
    // Problems with the user's files are always worth a line; routine notes only with --verbose.
    for (const note of notes) {
      if (args.options.verbose || /not found|cannot read|neither|stopped|invalid YAML|skipped/.test(note))
        io.err.write(`${note}\n`);
    }
    if (args.options.json) {
      io.out.write(`${JSON.stringify(entries, null, 2)}\n`);
      return 0;
    }
    if (entries.length === 0) {
      io.out.write(
        `No review threads known for ${sanitiseLine(symbol)}${mail.length ? '' : ' (add --mail PATH to search your own mail)'}.\n`,
      );
      return 0;
    }
    for (const entry of entries) {
      // Mail text is untrusted: never let it put escape sequences on the user's terminal.
      const version = entry.version ? ` v${entry.version}` : '';
      io.out.write(
        `${entry.relation.padEnd(7)} ${entry.date.slice(0, 10).padEnd(10)} ${sanitiseLine(entry.author)}${version}\n`,
      );
      io.out.write(`        ${sanitiseLine(entry.subject)}\n`);
      if (entry.summary) io.out.write(`        ${sanitiseLine(entry.summary)}\n`);
      io.out.write(
        `        ${entry.url || `<${sanitiseLine(entry.messageId)}>`}  [${entry.source === 'bundled' ? 'bundled' : sanitiseLine(entry.source)}]\n`,
      );
    }
    return 0;
  },
};
