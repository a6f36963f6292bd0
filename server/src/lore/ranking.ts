import type { ThreadListEntry, ThreadRelation } from '../../../protocol';
import type { BundledThreadIndex } from './bundledThreads';
import { bundledRelation } from './bundledThreads';
import type { MailIndex } from './mailIndex';
import { isSyntheticMessageId } from './parseMessage';
import { relationRank, stripSubjectPrefixes } from './symbolExtraction';

/**
 * A symbol's related messages from the bundled index and the user's mail, merged by Message-ID and ranked:
 * patches that change the symbol, then reviews that discuss it, then mentions; within each, newer series
 * versions first, then newer dates.
 */

/** lore link for a Message-ID; ids made up for mail without one get no link (they exist nowhere online). */
export function loreUrl(messageId: string): string {
  if (isSyntheticMessageId(messageId)) return '';
  return `https://lore.kernel.org/all/${encodeURIComponent(messageId).replace(/%40/g, '@')}/`;
}

/** Accepts `foo`, `foo()`, ` foo ` and returns the bare name. */
export function normaliseSymbol(symbol: string): string {
  return symbol.trim().replace(/\(\)$/, '');
}

export function compareEntries(a: ThreadListEntry, b: ThreadListEntry): number {
  return (
    relationRank(a.relation) - relationRank(b.relation) ||
    (b.version ?? 0) - (a.version ?? 0) ||
    b.date.localeCompare(a.date) ||
    a.messageId.localeCompare(b.messageId)
  );
}

function better(a: ThreadRelation, b: ThreadRelation): ThreadRelation {
  return relationRank(a) <= relationRank(b) ? a : b;
}

export function rankThreadsForSymbol(
  rawSymbol: string,
  bundled: BundledThreadIndex,
  mail: MailIndex,
): ThreadListEntry[] {
  const symbol = normaliseSymbol(rawSymbol);
  const byId = new Map<string, ThreadListEntry>();
  if (!symbol) return [];

  for (const series of bundled.series) {
    for (const message of series.messages) {
      const relation = bundledRelation(message, symbol);
      if (!relation) continue;
      byId.set(message.messageId, {
        messageId: message.messageId,
        subject: message.subject,
        author: message.author,
        date: message.date,
        url: loreUrl(message.messageId),
        relation,
        source: 'bundled',
        series: series.series,
        version: series.version,
        rootMessageId: series.coverMessageId ?? rootOfBundled(bundled, message.messageId),
        summary: message.point,
        local: false,
      });
    }
  }

  for (const hit of mail.symbolHits(symbol)) {
    const message = mail.messages.get(hit.messageId);
    if (!message) continue;
    const existing = byId.get(message.messageId);
    if (existing) {
      // The same message is in the user's mail: open it locally, keep the bundled summary and series.
      existing.relation = better(existing.relation, hit.relation);
      existing.source = message.source;
      existing.local = true;
      existing.rootMessageId = mail.threads.rootOf(message.messageId);
      continue;
    }
    byId.set(message.messageId, {
      messageId: message.messageId,
      subject: message.subject,
      author: message.author,
      date: message.date,
      url: loreUrl(message.messageId),
      relation: hit.relation,
      source: message.source,
      series: message.isPatch || message.version ? stripSubjectPrefixes(message.subject) : undefined,
      version: message.version,
      rootMessageId: mail.threads.rootOf(message.messageId),
      summary: firstProseLine(message.body),
      local: true,
    });
  }
  // A bundled message that is also in the user's mail opens locally, even when the mail copy lacks the symbol
  // (a trimmed b4 mbox, a partial quote).
  for (const entry of byId.values()) {
    const message = entry.local ? undefined : mail.messages.get(entry.messageId);
    if (!message) continue;
    entry.local = true;
    entry.source = message.source;
    entry.rootMessageId = mail.threads.rootOf(message.messageId);
  }
  return [...byId.values()].sort(compareEntries);
}

function rootOfBundled(bundled: BundledThreadIndex, messageId: string): string {
  const seen = new Set<string>();
  let cursor = messageId;
  for (;;) {
    const parent = bundled.byMessageId.get(cursor)?.message.inReplyTo;
    if (!parent || seen.has(parent) || !bundled.byMessageId.has(parent))
      return parent && !bundled.byMessageId.has(parent) ? parent : cursor;
    seen.add(cursor);
    cursor = parent;
  }
}

/** The first line of the message's own words: no quote, attribution, diff or empty line. */
export function firstProseLine(body: string): string | undefined {
  for (const line of body.split('\n', 200)) {
    const text = line.trim();
    if (!text || text.startsWith('>') || /^On .* wrote:$/.test(text) || /^(diff --git|---|\+\+\+|@@)/.test(text))
      continue;
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
  }
  return undefined;
}
