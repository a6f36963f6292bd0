import * as fs from 'fs';
import * as path from 'path';
import type { CliCommand } from './command';
import { parseArgs, stringOption, UsageError } from './args';
import { NotesService } from '../notes/service';
import { resolveNotesPath } from '../notes/store';
import { readSourceFile } from '../notes/wire';
import { defaultCacheDir } from '../base/paths';

/** `kernel-mm-lens notes export|list`: the review notes of a tree, re-anchored against its current code. */
export const notesCommand: CliCommand = {
  name: 'notes',
  usage:
    'notes export [--format markdown|reply] [--notes-file F] [--tree PATH] [--cache-dir DIR] | notes list [--json] [...]',
  summary: 'Print the review notes of a kernel tree as Markdown or as a plain-text review reply (quoted code + note).',
  options: {
    format: {
      value: true,
      help: 'export format: markdown (default) or reply (interleaved "> " quotes, for mailing back to the list).',
    },
    'notes-file': {
      value: true,
      help: 'Notes file (default: the one the editor keeps for this tree under the cache folder).',
    },
    tree: { value: true, help: 'Kernel tree the notes belong to (default: the current folder).' },
    'cache-dir': {
      value: true,
      help: 'Cache folder holding the default notes file (default $XDG_CACHE_HOME/kernel-mm-lens, else ~/.cache/kernel-mm-lens).',
    },
    json: { help: 'list: print the notes as JSON.' },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    const [action] = args.positionals;
    if (action !== 'export' && action !== 'list') throw new UsageError('expected "notes export" or "notes list"');
    const tree = path.resolve(stringOption(args, 'tree') ?? process.cwd());
    if (!fs.existsSync(tree) || !fs.statSync(tree).isDirectory()) {
      io.err.write(`kernel-mm-lens notes: ${tree} is not a folder\n`);
      return 2;
    }
    const notesFile = resolveNotesPath(
      stringOption(args, 'notes-file') ?? '',
      tree,
      stringOption(args, 'cache-dir') ?? defaultCacheDir(),
    );
    if (!fs.existsSync(notesFile)) {
      io.err.write(`kernel-mm-lens notes: no notes file at ${notesFile}\n`);
      return 1;
    }
    const service = new NotesService(notesFile, { readSource: (file) => readSourceFile(path.join(tree, file)) });
    if (action === 'list') {
      const notes = service.list();
      if (service.lastProblem) io.err.write(`kernel-mm-lens notes: ${service.lastProblem}\n`);
      if (args.options.json) io.out.write(`${JSON.stringify(notes, null, 2)}\n`);
      else
        for (const n of notes) {
          const where =
            n.location.state === 'anchored'
              ? `${n.location.file}:${n.location.line + 1}`
              : `${n.location.lastFile}:${n.location.lastLine + 1} (orphaned)`;
          io.out.write(`${where}\t${n.status}\t${n.anchor.symbol ?? ''}\t${n.body.split('\n')[0]}\n`);
        }
      return service.lastProblem ? 1 : 0;
    }
    const format = stringOption(args, 'format') ?? 'markdown';
    if (format !== 'markdown' && format !== 'reply') throw new UsageError('--format must be markdown or reply');
    const text = service.export(format);
    if (service.lastProblem) {
      io.err.write(`kernel-mm-lens notes: ${service.lastProblem}\n`);
      return 1;
    }
    io.out.write(text);
    return 0;
  },
};
