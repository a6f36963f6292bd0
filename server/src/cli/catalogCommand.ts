import type { CliCommand } from './command';
import { parseArgs, stringOption, UsageError } from './args';
import { getCatalog, type CatalogEntry } from '../knowledge/catalog';

/**
 * `kernel-mm-lens catalog [--json] [--topic T]`: the knowledge catalog for scripts (JSON array) or as a table.
 * Problems in the data files are reported on stderr and make the exit code 1, so CI notices broken entries.
 */
export const catalogCommand: CliCommand = {
  name: 'catalog',
  usage: 'catalog [--json] [--topic TOPIC]',
  summary: 'Print the catalog of tracked kernel symbols (status, replacement, threads, sources).',
  options: {
    json: {
      help: 'print a JSON array: name, kind, topics, summary, introduced, removed, replacement, threads, sources',
    },
    topic: {
      value: true,
      help: 'only entries of this topic (device-exclusive, folio-walk, devmap, pfn-t, fs-dax, ...)',
    },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length) throw new UsageError(`unexpected argument: ${args.positionals[0]}`);
    const catalog = getCatalog();
    const topic = stringOption(args, 'topic');
    const entries = catalog.entries.filter((entry) => !topic || entry.topics.includes(topic));
    for (const problem of catalog.problems) io.err.write(`catalog: ${problem.file}: ${problem.message}\n`);
    if (args.options.json) {
      io.out.write(`${JSON.stringify(entries.map(catalogJson), null, 2)}\n`);
    } else {
      for (const entry of entries) {
        const bound = (event?: { bound?: string }) => (event?.bound === 'at-or-before' ? '<=' : '');
        const { introduced, removed } = entry.status;
        const status = [
          introduced && `+${bound(introduced)}${introduced.release}`,
          removed && `-${bound(removed)}${removed.release}`,
        ]
          .filter(Boolean)
          .join(' ');
        io.out.write(
          `${displayName(entry).padEnd(40)} ${entry.kind.padEnd(14)} ${status.padEnd(12)} ${entry.summary}\n`,
        );
      }
      io.out.write(`${entries.length} entries\n`);
    }
    return catalog.problems.length ? 1 : 0;
  },
};

function displayName(entry: CatalogEntry): string {
  return entry.field ? `${entry.field.container}.${entry.name}` : entry.name;
}

/** The stable JSON shape scripts rely on (documented in docs/catalog.md). */
function catalogJson(entry: CatalogEntry) {
  return {
    name: entry.name,
    ...(entry.field ? { container: entry.field.container } : {}),
    aliases: entry.aliases ?? [],
    kind: entry.kind,
    topics: entry.topics,
    summary: entry.summary,
    introduced: entry.status.introduced?.release ?? null,
    introducedBound: entry.status.introduced?.bound ?? (entry.status.introduced ? 'exact' : null),
    removed: entry.status.removed?.release ?? null,
    removedBound: entry.status.removed?.bound ?? (entry.status.removed ? 'exact' : null),
    changed: (entry.status.changed ?? []).map((c) => ({ release: c.release, what: c.what ?? null })),
    replacement: entry.replacement ? { symbols: entry.replacement.symbols ?? [], text: entry.replacement.text } : null,
    threads: (entry.threads ?? []).map((t) => ({
      messageId: t.messageId,
      subject: t.subject,
      author: t.author,
      date: t.date,
      point: t.point,
      url: `https://lore.kernel.org/all/${t.messageId}/`,
    })),
    diagrams: entry.diagrams ?? [],
    sources: entry.sources,
  };
}
