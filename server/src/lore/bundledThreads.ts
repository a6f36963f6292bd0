import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { dataDir } from '../base/paths';
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

/** Minimal run-time shape check: enough that later code never trips over a missing field. */
function validMessage(value: any): value is BundledThreadMessage {
  return (
    value &&
    isString(value.messageId) &&
    isString(value.subject) &&
    isString(value.author) &&
    isString(value.date) &&
    isString(value.point) &&
    Array.isArray(value.symbols) &&
    Array.isArray(value.sources) &&
    value.symbols.every((s: any) => s && isString(s.symbol) && ['patch', 'review', 'mention'].includes(s.relation))
  );
}

export function threadsDataDir(): string {
  return path.join(dataDir(), 'threads');
}

export function loadBundledThreads(log: LoreLog, directory = threadsDataDir()): BundledThreadIndex {
  const index: BundledThreadIndex = { series: [], byMessageId: new Map() };
  let files: string[] = [];
  try {
    files = fs
      .readdirSync(directory)
      .filter((name) => name.endsWith('.yaml'))
      .sort();
  } catch (error) {
    log(`threads: bundled index not found at ${directory}: ${(error as Error).message}`);
    return index;
  }
  for (const name of files) {
    let document: any;
    try {
      document = parseYaml(fs.readFileSync(path.join(directory, name), 'utf8'));
    } catch (error) {
      log(`threads: ${name}: invalid YAML, skipped: ${(error as Error).message}`);
      continue;
    }
    const seriesList: any[] = Array.isArray(document?.series) ? document.series : [];
    if (seriesList.length === 0) log(`threads: ${name}: no "series" list, skipped`);
    for (const raw of seriesList) {
      if (!raw || !isString(raw.id) || !isString(raw.series) || !Array.isArray(raw.messages)) {
        log(`threads: ${name}: series entry without id/series/messages, skipped`);
        continue;
      }
      const messages = raw.messages.filter((message: unknown) => {
        const ok = validMessage(message);
        if (!ok) log(`threads: ${name}: malformed message in series ${raw.id}, skipped`);
        return ok;
      }) as BundledThreadMessage[];
      const series: BundledSeries = {
        id: raw.id,
        series: raw.series,
        version: Number.isInteger(raw.version) ? raw.version : 1,
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
