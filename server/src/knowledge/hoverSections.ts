import {
  compareKernelVersions,
  formatKernelVersion,
  parseKernelVersion,
  type KernelVersion,
} from '../base/kernelVersion';
import type { CatalogEntry, StatusEvent } from './catalog';
import { escapeMarkdown, link, loreUrl, renderLimitedMarkdown } from './markdownText';

/**
 * Pieces of the tracked-symbol hover that put what only this product knows first: a compact lead (status for
 * this tree with its backports, replacement, what the caller must hold, the top pitfall, how many review
 * threads), a timeline that names every event once, Message-IDs as lore links (a bare `id@host` would be turned
 * into a mailto: link by the editor), and signatures completed where the index cut them.
 */

export interface LeadInput {
  entry: CatalogEntry;
  /** The tree's Makefile version (or the override). */
  version?: KernelVersion;
  /** versionStatus(...).text: the release-based status sentence. */
  statusText: string;
  /** summarizeForSymbol(...).text: what the tree's code has of the tracked changes touching the symbol. */
  changesText?: string;
  threadCount: number;
  /** The `Context:` of the tree's kernel-doc: the caller's duties when the catalog records none. */
  docContext?: string;
}

/** Kinds a caller calls: their lead always says what the caller must hold, even when nothing is recorded. */
const CALLABLE = new Set(['function', 'function-macro']);

/** The first lines of the hover after the title: one short line per fact, the most useful first. */
export function leadLines(input: LeadInput): string[] {
  const { entry } = input;
  const here = input.version ? ` (${formatKernelVersion(input.version)})` : '';
  const lines = [
    `**Status${input.version ? ` for this tree${here}` : ''}:** ${linkMessageIds(renderLimitedMarkdown(input.statusText))}`,
  ];
  if (input.changesText) lines.push(`**Code evidence:** ${linkMessageIds(renderLimitedMarkdown(input.changesText))}`);
  if (entry.replacement)
    lines.push(`**Replacement:** ${linkMessageIds(renderLimitedMarkdown(entry.replacement.text))}`);
  if (entry.requires?.length) {
    const [first, ...rest] = entry.requires;
    lines.push(
      `**Caller must hold:** ${linkMessageIds(renderLimitedMarkdown(first))}${rest.length ? ` (+${rest.length} more below)` : ''}`,
    );
  } else if (CALLABLE.has(entry.kind)) {
    lines.push(
      input.docContext
        ? `**Caller must hold:** nothing beyond the kernel-doc's Context: ${escapeMarkdown(oneLine(input.docContext, 200))}`
        : '**Caller must hold:** nothing recorded for this symbol.',
    );
  }
  if (entry.pitfalls?.length) {
    const more = entry.pitfalls.length - 1;
    lines.push(
      `**Pitfall:** ${linkMessageIds(renderLimitedMarkdown(entry.pitfalls[0]))}${more ? ` (+${more} more below)` : ''}`,
    );
  }
  if (input.threadCount) lines.push(`**Review threads:** ${input.threadCount} (below)`);
  // Hard line breaks: VS Code would otherwise join consecutive lines into one paragraph.
  return [lines.join('  \n')];
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What this tree's code has of the change an event records: decided by the tracked-change evidence. */
export type EventInTree = (event: StatusEvent) => 'backport' | 'partial' | undefined;

/**
 * The release history, each event once: events of one release are merged ("changed 6.15: a; b"), and events
 * after the tree's version are marked instead of being listed a second time.
 */
export function timelineLine(entry: CatalogEntry, version?: KernelVersion, inTree?: EventInTree): string | undefined {
  const items: Array<{ release: string; text: string; here?: 'backport' | 'partial' }> = [];
  const { introduced, removed } = entry.status;
  if (introduced)
    items.push({
      release: introduced.release,
      text: `${introduced.bound === 'at-or-before' ? 'present by' : 'introduced'} ${introduced.release}`,
    });
  const changed = new Map<string, StatusEvent[]>();
  for (const event of entry.status.changed ?? [])
    changed.set(event.release, [...(changed.get(event.release) ?? []), event]);
  for (const [release, events] of changed) {
    const whats = [...new Set(events.map((event) => event.what).filter((what): what is string => Boolean(what)))];
    const here = inTree ? events.map(inTree) : [];
    items.push({
      release,
      text: `changed ${release}${whats.length ? ` (${whats.join('; ')})` : ''}`,
      here: here.includes('backport') ? 'backport' : here.includes('partial') ? 'partial' : undefined,
    });
  }
  if (removed)
    items.push({
      release: removed.release,
      text: `${removed.bound === 'at-or-before' ? 'gone by' : 'removed'} ${removed.release}`,
    });
  if (items.length === 0) return undefined;
  const later = (release: string) => {
    const at = parseKernelVersion(release);
    return Boolean(version && at && compareKernelVersions(version, at) < 0);
  };
  const mark = (item: (typeof items)[number]) => {
    if (!later(item.release)) return item.text;
    if (item.here === 'backport') return `${item.text} — backported in this tree`;
    if (item.here === 'partial') return `${item.text} — partly backported in this tree`;
    return `${item.text} — after this tree`;
  };
  const text = items.map(mark).join('; ');
  return `**Timeline:** ${linkMessageIds(renderLimitedMarkdown(text))}`;
}

/** `*Sources:*` with Message-IDs as lore links and everything else escaped. */
export function sourcesLine(sources: string[]): string {
  return `*Sources:* ${sources.map((source) => linkMessageIds(escapeMarkdown(source))).join(' · ')}`;
}

/**
 * A Message-ID as written in the data or in escaped Markdown: local part and domain, no spaces or brackets.
 * Escaped text has `\_` for `_` and `\.` for a dot before a letter, so the pattern accepts backslash escapes inside.
 */
const MESSAGE_ID =
  /(?<![\w.\\/:@-])((?:[A-Za-z0-9!#$%&'*+=?^`{|}~.-]|\\[_`*~#|{}.])+@[A-Za-z0-9-]+(?:\\?\.[A-Za-z0-9-]+)+)(?![\w@])/g;

/** A Message-ID as the whole of a code span (raw text: no escapes). */
const CODE_MESSAGE_ID = /^[A-Za-z0-9!#$%&'*+=?^_{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

/**
 * Turns Message-IDs in already-escaped Markdown into lore links, so the editor does not make them mailto: links.
 * The escape makes every `x@y` a code span (escapeMarkdown: VS Code's preview links addresses through escapes); a
 * code span that holds exactly one Message-ID becomes its lore link. Other code spans and existing links are left
 * alone.
 */
export function linkMessageIds(markdown: string): string {
  return markdown
    .split(/(`[^`\n]*`|\[[^\]\n]*\]\([^)\n]*\))/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(MESSAGE_ID, (escaped: string) => messageIdLink(escaped));
      const code = /^`([^`\s\\]+)`$/.exec(part)?.[1];
      return code && CODE_MESSAGE_ID.test(code) ? messageIdLink(code) : part;
    })
    .join('');
}

function messageIdLink(escaped: string): string {
  const id = escaped.replace(/\\(.)/g, '$1');
  return link(id, loreUrl(id));
}

/**
 * The declaration text of a definition, completed when the index cut it: a function-pointer member is recorded
 * as `vm_fault_t (*migrate_to_ram`; the full declaration runs from there to the `;` that ends it.
 */
export function completeSignature(signature: string, lines: readonly string[] | undefined, fromLine: number): string {
  if (!lines || balanced(signature)) return signature;
  const start = lines[fromLine] ?? '';
  const at = start.indexOf(signature.trim().slice(0, 40));
  if (at < 0) return signature;
  let text = start.slice(at);
  for (let line = fromLine + 1; !/;\s*(\/[*/].*)?$/.test(text) && line < Math.min(lines.length, fromLine + 12); line++)
    text += ` ${lines[line].trim()}`;
  const end = text.indexOf(';');
  const full = (end >= 0 ? text.slice(0, end + 1) : text).replace(/\s+/g, ' ').trim();
  return balanced(full) ? full : signature;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** How the upstream declaration is introduced when the tree does not define the symbol. */
export function upstreamSignatureNote(entry: CatalogEntry, treeKnown: boolean): string | undefined {
  const upstream = entry.upstreamSignature;
  if (!upstream) return undefined;
  const when = upstream.release ? `mainline ${upstream.release}` : 'as posted, not in a mainline release yet';
  return `${treeKnown ? 'Not defined in this tree; u' : 'U'}pstream declaration (${escapeMarkdown(when)}):`;
}
