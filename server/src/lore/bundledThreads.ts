import { dataPath, readDataFolder, shippedData } from '../base/dataFiles';
import type { BundledSeries, BundledThreadMessage, LoreLog } from './types';

/**
 * The review threads shipped with the extension (server/data/threads/*.yaml, schema threads.schema.json beside
 * them): enough to list and summarise a symbol's threads offline with no mail set up. Adding a thread is a data
 * change. The full schema is enforced by the tests (ajv); at run time a malformed entry is logged and skipped.
 */

export interface BundledThreadIndex {
  series: BundledSeries[];
  byMessageId: Map<string, { series: BundledSeries; message: BundledThreadMessage }>;
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

type Fields = Partial<Record<string, unknown>> | undefined;

/** Minimal run-time shape check: enough that later code never trips over a missing field. */
function validMessage(value: unknown): value is BundledThreadMessage {
  const message = value as Fields;
  return (
    message !== undefined &&
    message !== null &&
    isString(message.messageId) &&
    isString(message.subject) &&
    isString(message.author) &&
    isString(message.date) &&
    isString(message.point) &&
    Array.isArray(message.symbols) &&
    Array.isArray(message.sources) &&
    message.symbols.every((entry) => {
      const symbol = entry as Fields;
      return isString(symbol?.symbol) && ['patch', 'review', 'mention'].includes(symbol?.relation as string);
    })
  );
}

export function threadsDataDir(): string {
  return dataPath('threads');
}

const shipped = shippedData(() => {
  const problems: string[] = [];
  const index = loadBundledThreads((line) => problems.push(line));
  return { index, problems };
});

/** The shipped thread index, loaded once per process, with the problems met while loading it. */
export function shippedBundledThreads(): { index: BundledThreadIndex; problems: string[] } {
  return shipped.get();
}

export function loadBundledThreads(log: LoreLog, directory = threadsDataDir()): BundledThreadIndex {
  const index: BundledThreadIndex = { series: [], byMessageId: new Map() };
  const folder = readDataFolder(directory, 'the bundled thread index');
  if (folder.problem) {
    log(`threads: ${folder.problem}`);
    return index;
  }
  for (const file of folder.files) {
    const name = file.name;
    if ('problem' in file) {
      log(`threads: ${name}: ${file.problem}, skipped`);
      continue;
    }
    const document = file.document as Fields;
    const seriesList: unknown[] = Array.isArray(document?.series) ? document.series : [];
    if (seriesList.length === 0) log(`threads: ${name}: no "series" list, skipped`);
    for (const item of seriesList) {
      const raw = item as Fields;
      if (!raw || !isString(raw.id) || !isString(raw.series) || !Array.isArray(raw.messages)) {
        log(`threads: ${name}: series entry without id/series/messages, skipped`);
        continue;
      }
      const seriesId = raw.id;
      const messages = raw.messages.filter((message: unknown) => {
        const ok = validMessage(message);
        if (!ok) log(`threads: ${name}: malformed message in series ${seriesId}, skipped`);
        return ok;
      });
      const series: BundledSeries = {
        id: raw.id,
        series: raw.series,
        version: Number.isInteger(raw.version) ? (raw.version as number) : 1,
        coverMessageId: isString(raw.coverMessageId) ? raw.coverMessageId : undefined,
        messages,
      };
      index.series.push(series);
      for (const message of messages) {
        if (index.byMessageId.has(message.messageId))
          log(`threads: ${name}: duplicate Message-ID ${message.messageId}`);
        else index.byMessageId.set(message.messageId, { series, message });
      }
    }
  }
  return index;
}

/** How a bundled message relates to a symbol (file paths match `files`, names match `symbols` then `functions`). */
export function bundledRelation(
  message: BundledThreadMessage,
  symbol: string,
): 'patch' | 'review' | 'mention' | undefined {
  const explicit = message.symbols.find((entry) => entry.symbol === symbol);
  if (explicit) return explicit.relation;
  const isReply = message.inReplyTo !== undefined && !message.patch;
  if (message.functions?.includes(symbol) || message.files?.includes(symbol)) return isReply ? 'review' : 'patch';
  return undefined;
}
