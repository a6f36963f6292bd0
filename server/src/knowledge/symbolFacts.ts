import type { KernelVersion } from '../base/kernelVersion';
import type { CatalogEntry } from './catalog';
import { loreUrl } from './markdownText';
import { pendingChanges, versionStatus, type VersionState } from './versionStatus';

/**
 * The hover's facts about a tracked symbol as data, not Markdown: what it is, what a caller must hold, its
 * releases and what they changed, the status for this tree, the replacement, the review threads the catalog
 * cites, and the public sources. One function for every surface that wants the facts without the rendering:
 * the review's symbol list and the MCP `explain_symbol` tool read them here; the hover renders the same entry
 * and the same versionStatus().
 */

export interface SymbolFactsOptions {
  version?: KernelVersion;
  /** Whether the tree's index has a definition of it (undefined: not known). */
  definedInTree?: boolean;
}

export interface ReleaseEvent {
  release: string;
  /** 'exact' or 'at-or-before' (only known to hold by that release). */
  bound: 'exact' | 'at-or-before';
  what: string | null;
  source: string;
}

export interface CitedThread {
  messageId: string;
  subject: string;
  author: string;
  date: string;
  point: string;
  url: string;
}

export interface SymbolFacts {
  name: string;
  aliases: string[];
  kind: string;
  /** For a struct member: its struct. */
  container: string | null;
  topics: string[];
  header: string | null;
  summary: string;
  explanation: string;
  /** What a caller must hold or guarantee. */
  callerDuties: string[];
  pitfalls: string[];
  /** What a call leaves held and what releases it (the annotations' call context). */
  callContext: { after: string; release: string[]; requires: string | null } | null;
  status: { state: VersionState; text: string };
  introduced: string | null;
  removed: string | null;
  releases: ReleaseEvent[];
  /** Changes recorded after this tree's release: what a forward-port must account for. */
  pendingChanges: ReleaseEvent[];
  replacement: string | null;
  replacementSymbols: string[];
  related: string[];
  threads: CitedThread[];
  diagrams: string[];
  sources: string[];
  /** Data file of the entry. */
  dataFile: string | null;
}

function event(e: { release: string; bound?: 'exact' | 'at-or-before'; what?: string; source: string }): ReleaseEvent {
  return { release: e.release, bound: e.bound ?? 'exact', what: e.what ?? null, source: e.source };
}

export function symbolFacts(
  entry: CatalogEntry,
  options: SymbolFactsOptions = {},
): SymbolFacts & {
  changed: ReleaseEvent[];
} {
  const status = versionStatus(entry, options.version, { definedInTree: options.definedInTree });
  const releases: ReleaseEvent[] = [];
  if (entry.status.introduced) releases.push({ ...event(entry.status.introduced), what: 'introduced' });
  const changed = (entry.status.changed ?? []).map(event);
  releases.push(...changed);
  if (entry.status.removed) releases.push({ ...event(entry.status.removed), what: 'removed' });
  return {
    name: entry.name,
    aliases: entry.aliases ?? [],
    kind: entry.kind,
    container: entry.field?.container ?? null,
    topics: entry.topics,
    header: entry.header ?? null,
    summary: entry.summary.trim(),
    explanation: entry.explanation.trim(),
    callerDuties: entry.requires ?? [],
    pitfalls: entry.pitfalls ?? [],
    callContext: entry.callContext
      ? {
          after: entry.callContext.after,
          release: entry.callContext.release ?? [],
          requires: entry.callContext.requires ?? null,
        }
      : null,
    status: { state: status.state, text: status.text },
    introduced: entry.status.introduced?.release ?? null,
    removed: entry.status.removed?.release ?? null,
    releases,
    changed,
    pendingChanges: pendingChanges(entry, options.version).map(event),
    replacement: entry.replacement?.text.trim() ?? null,
    replacementSymbols: entry.replacement?.symbols ?? [],
    related: entry.related ?? [],
    threads: (entry.threads ?? []).map((thread) => ({ ...thread, url: loreUrl(thread.messageId) })),
    diagrams: (entry.diagrams ?? []).map((diagram) =>
      diagram.variant ? `${diagram.id}#${diagram.variant}` : diagram.id,
    ),
    sources: entry.sources,
    dataFile: entry.file ?? null,
  };
}
