import * as path from 'path';
import { readRegularText } from '../base/regularFile';
import type { CliCommand } from './command';
import { HOVER_INSTALL_FILES } from '../knowledge/opsTables';
import { opsTablesOnDisk } from '../knowledge/opsTableAccess';
import { listOption, parseArgs, stringOption, UsageError } from './args';
import { treeIndexForCli } from './treeIndexForCli';
import { ThreadService } from '../lore/threadService';
import { DEFAULT_SETTINGS } from '../../../protocol';
import { hoverAt, type HoverAtResult } from '../knowledge/hoverContent';
import { snippetParser, withParsedText } from '../semantics/snippetParser';
import { DiskSources } from '../semantics/sourceAccess';
import { TypeResolver } from '../semantics/typeResolver';
import { detectKernelVersion, findKernelTreeRoot, parseKernelVersion } from '../base/kernelVersion';
import { getCatalog } from '../knowledge/catalog';
import { treeChangesFor } from '../knowledge/changes/treeChanges';
import { defaultCacheDir } from '../base/paths';
import type { KernelIndex } from '../indexing/types';

/**
 * `kernel-mm-lens hover FILE:LINE:COL`: the same Markdown the editor's hover shows (1-based line and column),
 * for terminals, other editors' scripts and tests. The tree root is found upwards from FILE (top-level Makefile
 * with VERSION/PATCHLEVEL); the index comes from the cache (built on first use) unless --no-index.
 */
export const hoverCommand: CliCommand = {
  name: 'hover',
  usage: 'hover FILE:LINE:COL [--kernel-version X.Y] [--cache-dir DIR] [--no-index] [--mail PATH]...',
  summary: 'Print the hover Markdown for a position (catalog explanation, version status, threads).',
  options: {
    'kernel-version': { value: true, help: "assume this kernel version instead of the tree Makefile's (e.g. 6.12)" },
    'cache-dir': { value: true, help: 'index cache folder (default $XDG_CACHE_HOME/kernel-mm-lens)' },
    'no-index': { help: 'do not build or load the index: curated catalog text only, no signature or kernel-doc' },
    root: { value: true, help: 'kernel tree root (default: found upwards from FILE)' },
    mail: {
      value: true,
      repeat: true,
      help: 'mail (mbox, maildir, .eml) whose threads are counted too, as with `threads --mail`',
    },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length !== 1) throw new UsageError('hover needs exactly one FILE:LINE:COL');
    const position = /^(.*):(\d+):(\d+)$/.exec(args.positionals[0]);
    if (!position) throw new UsageError(`expected FILE:LINE:COL (1-based), got "${args.positionals[0]}"`);
    const file = path.resolve(position[1]);
    const line = Number(position[2]) - 1;
    const character = Number(position[3]) - 1;
    if (line < 0 || character < 0) throw new UsageError('LINE and COL are 1-based');
    const override = stringOption(args, 'kernel-version');
    if (override !== undefined && !parseKernelVersion(override))
      throw new UsageError(`--kernel-version: not a version: ${override}`);

    const read = readRegularText(file, DEFAULT_SETTINGS.maxFileSize * 4);
    if ('skipped' in read) {
      io.err.write(`kernel-mm-lens hover: cannot read ${file}: ${read.message}\n`);
      return 2;
    }
    const text = read.text;
    const root = stringOption(args, 'root')
      ? path.resolve(stringOption(args, 'root')!)
      : findKernelTreeRoot(path.dirname(file));
    const version = detectKernelVersion(root, override);
    const catalog = getCatalog();
    for (const problem of catalog.problems) io.err.write(`catalog: ${problem.file}: ${problem.message}\n`);

    let index: KernelIndex | undefined;
    if (root && !args.options['no-index'])
      index = await loadIndex(root, stringOption(args, 'cache-dir'), (m) => io.err.write(`${m}\n`));

    // The same thread list as `threads` and the editor's lens and hover (the mail is read before the hover).
    const mail = listOption(args, 'mail').map((p) => path.resolve(p));
    const threads = new ThreadService((m) => io.err.write(`${m}\n`), {
      mailSources: () => mail,
      mailOptions: { cacheDir: path.join(stringOption(args, 'cache-dir') ?? defaultCacheDir(), 'mail') },
      catalog: () => catalog,
    });
    await threads.mail();
    // The file is parsed as an editor would parse it, so locals and members get the same answer as in the editor.
    const relative = root ? path.relative(root, file).split(path.sep).join('/') : undefined;
    const inTree = relative !== undefined && !relative.startsWith('..') && !path.isAbsolute(relative);
    const parser = await snippetParser();
    const resolver = new TypeResolver({
      index,
      parser,
      sources: new DiskSources((f) => (index ? index.absolutePath(f) : path.join(root ?? '/', f))),
    });
    const ops = index ? (await opsTablesOnDisk(index)).ops : undefined;
    const input = {
      installedIn: ops && ((name: string) => ops.installationsOf(name, HOVER_INSTALL_FILES)),
      text,
      fileName: path.basename(file),
      line,
      character,
      index,
      version,
      catalog,
      commandLinks: false,
      changes: root ? treeChangesFor(root, { index, version }) : undefined,
      relativePath: inTree ? relative : undefined,
      threads: (name: string) => threads.peekThreads(name),
    };
    let result: HoverAtResult | undefined;
    const parsed = withParsedText(parser, text, (tree) => {
      result = hoverAt({
        ...input,
        semantics: { resolver, document: inTree ? { file: relative, text, tree } : { text, tree } },
      });
      return true;
    });
    // A file too large or too hostile to parse still gets the hover the index alone can give.
    if (!parsed) result = hoverAt(input);
    if (!result) {
      io.err.write(
        `Nothing to show at ${position[1]}:${position[2]}:${position[3]}${index ? '' : root ? '' : ' (no kernel tree found above the file; no index)'}.\n`,
      );
      return 1;
    }
    io.out.write(`${result.markdown}\n`);
    return 0;
  },
};

async function loadIndex(
  root: string,
  cacheDir: string | undefined,
  log: (message: string) => void,
): Promise<KernelIndex | undefined> {
  try {
    return await treeIndexForCli(root, cacheDir);
  } catch (err) {
    log(`kernel-mm-lens hover: index unavailable (${(err as Error).message}); showing catalog text only`);
    return undefined;
  }
}
