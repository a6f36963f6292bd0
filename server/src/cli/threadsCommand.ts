import * as path from 'path';
import type { CliCommand } from './command';
import { listOption, parseArgs, stringOption, UsageError } from './args';
import { ThreadService } from '../lore/threadService';
import { sanitiseLine } from '../lore/renderThread';
import type { ThreadEntry } from '../lore/threadEntry';
import { defaultCacheDir } from '../base/paths';
import { findKernelTreeRoot } from '../base/kernelVersion';
import { treeChangesFor } from '../knowledge/changes/treeChanges';
import { inTreeLookup } from '../lore/threadInTree';
import type { InTreeLookup } from '../lore/threadEntry';

/**
 * `kernel-mm-lens threads SYMBOL [--mail PATH]... [--external PATH|URL]... [--tree DIR] [--json]`: the review threads of a
 * symbol from the same thread service as the editor's code lens, hover and picker: one entry per patch (or
 * series, or discussion) with its versions folded under it, latest first. What is extracted from each mail
 * source is cached under $XDG_CACHE_HOME/kernel-mm-lens/mail (like `index`), so the second call on an unchanged
 * 180 MB mbox does not parse it again. `--external` asks lei (public-inbox) instead of parsing whole archives;
 * naming a lore URL on the command line is the explicit request that allows a network query. With a kernel tree
 * (`--tree`, else the current folder when it lies in one) an entry says "in this tree" from that tree's code, through
 * the same change evidence (treeChangesFor, inTreeLookup) the language server uses for the editor's lists.
 */
export const threadsCommand: CliCommand = {
  name: 'threads',
  usage: 'threads SYMBOL [--mail PATH]... [--external PATH|URL]... [--tree DIR] [--json]',
  summary: 'List the review threads related to a symbol (bundled index, local mail, public-inbox/lei externals).',
  options: {
    mail: { value: true, repeat: true, help: 'mbox (.mbox, .mbox.gz), maildir or .eml file to search as well' },
    external: {
      value: true,
      repeat: true,
      help: 'public-inbox inbox folder, lei external or lore URL to query with lei (diff-aware search)',
    },
    file: { value: true, help: 'with --external: narrow the diff terms to changes of this tree-relative file' },
    tree: {
      value: true,
      help: 'kernel tree whose code says whether a patch is in it (default: the current folder, when in a kernel tree)',
    },
    json: { help: 'print a JSON array: one entry per patch/series/discussion, versions and replies folded in' },
    verbose: { help: 'print mail parsing notes (missing Message-IDs, skipped messages, ...) on stderr' },
    'cache-dir': {
      value: true,
      help: 'folder for the mail extraction cache and lei answers (default: $XDG_CACHE_HOME/kernel-mm-lens)',
    },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length !== 1) throw new UsageError('threads needs exactly one SYMBOL');
    const symbol = args.positionals[0];
    const mail = listOption(args, 'mail').map((p) => path.resolve(p));
    const externals = listOption(args, 'external').map((e) => (/^https?:\/\//i.test(e) ? e : path.resolve(e)));
    const notes: string[] = [];
    const treeOption = stringOption(args, 'tree');
    const root = findKernelTreeRoot(path.resolve(treeOption ?? '.'));
    if (treeOption !== undefined && !root) {
      io.err.write(
        `kernel-mm-lens threads: --tree ${sanitiseLine(treeOption)}: no kernel tree there (a top-level Makefile with VERSION and PATCHLEVEL)\n`,
      );
      return 2;
    }
    let inTree: InTreeLookup | undefined;
    const cacheRoot = path.resolve(stringOption(args, 'cache-dir') ?? defaultCacheDir());
    const service = new ThreadService((message) => notes.push(message), {
      mailSources: () => mail,
      externals: () => externals,
      mailOptions: { cacheDir: path.join(cacheRoot, 'mail') },
      leiCacheDir: path.join(cacheRoot, 'lei'),
      // Read once, on first use: only the files the change probes name, not the whole tree.
      inTree: () => (root ? (inTree ??= inTreeLookup(treeChangesFor(root))) : undefined),
    });
    let said = '';
    if (externals.length > 0) {
      // The command line names the externals: that is the explicit request a remote query needs.
      const search = await service.searchExternals(symbol, { file: stringOption(args, 'file'), allowRemote: true });
      if (!search.result?.mbox || args.options.verbose) {
        said = search.message;
        io.err.write(`${sanitiseLine(said)}\n`);
      }
    }
    const entries = await service.threadsForSymbol(symbol);
    // Problems with the user's files are always worth a line; routine notes only with --verbose.
    for (const note of notes) {
      // "lei is not installed" once, not again as a note of the same search.
      if (note.startsWith('lei: ') && said.includes(note.slice('lei: '.length))) continue;
      if (args.options.verbose || /not found|cannot read|neither|stopped|invalid YAML|skipped|lei:/.test(note))
        io.err.write(`${sanitiseLine(note)}\n`);
    }
    if (args.options.json) {
      io.out.write(`${JSON.stringify(entries, null, 2)}\n`);
      return 0;
    }
    if (entries.length === 0) {
      const hint =
        mail.length || externals.length ? '' : ' (add --mail PATH or --external INBOX to search your own mail)';
      io.out.write(`No review threads known for ${sanitiseLine(symbol)}${hint}.\n`);
      return 0;
    }
    for (const entry of entries) writeEntry(entry, io.out);
    return 0;
  },
};

function writeEntry(entry: ThreadEntry, out: NodeJS.WritableStream): void {
  // Mail text is untrusted: never let it put escape sequences on the user's terminal.
  const versions = entry.versions.length;
  const version = entry.version ? ` v${entry.version}${versions > 1 ? ` (${versions} versions)` : ''}` : '';
  const inTree = entry.inTree ? `  [${sanitiseLine(entry.inTree.text)}]` : '';
  const adds = entry.addsOrRemoves ? '  [adds or removes it]' : '';
  out.write(
    `${entry.relation.padEnd(7)} ${entry.date.slice(0, 10).padEnd(10)} ${sanitiseLine(entry.author)}${version}${adds}${inTree}\n`,
  );
  out.write(`        ${sanitiseLine(entry.subject)}\n`);
  if (entry.summary) out.write(`        ${sanitiseLine(entry.summary)}\n`);
  const where = entry.source === 'bundled' || entry.source === 'catalog' ? entry.source : sanitiseLine(entry.source);
  out.write(`        ${entry.url || `<${sanitiseLine(entry.messageId)}>`}  [${where}]\n`);
  if (versions > 1) {
    const earlier = entry.versions
      .slice(1)
      .map((v) => `v${v.version} ${v.date.slice(0, 10)}`)
      .join(', ');
    out.write(`        earlier: ${earlier}\n`);
  }
  const replies = entry.versions.reduce((sum, v) => sum + v.replies.length, 0) + (entry.messages?.length ?? 0);
  if (replies > 0) out.write(`        ${replies} repl${replies === 1 ? 'y' : 'ies'} across versions\n`);
}
