import type { CatalogEntry, StatusEvent } from './catalog';
import {
  compareKernelVersions,
  formatKernelVersion,
  parseKernelVersion,
  type KernelVersion,
} from '../base/kernelVersion';

/**
 * A catalog symbol's status relative to one tree: "introduced in 6.12", "exists in this tree; removed
 * upstream in 6.17 — use …", "not in this tree yet (added in 6.15)". Used by hovers and lint messages.
 */

export type VersionState =
  /** The tree is at or after the introduction and before any removal. */
  | 'present'
  /** The tree predates the introduction. */
  | 'not-yet'
  /** The tree predates the removal: the symbol exists here but is gone upstream. */
  | 'removed-upstream'
  /** The tree is at or after the removal. */
  | 'removed'
  /** No version known, or the catalog has no release data. */
  | 'unknown';

export interface VersionStatus {
  state: VersionState;
  /** One sentence for hovers: plain text with symbol names in backticks. */
  text: string;
  /** Releases from the catalog, for callers that build their own wording. */
  introduced?: string;
  removed?: string;
  replacement?: string;
}

export interface VersionStatusOptions {
  /** Whether the index found a definition of the symbol in this tree (undefined = not known). */
  definedInTree?: boolean;
}

function versionOf(event: StatusEvent | undefined): KernelVersion | undefined {
  return event ? parseKernelVersion(event.release) : undefined;
}

function replacementText(entry: CatalogEntry): string | undefined {
  if (!entry.replacement) return undefined;
  const symbols = entry.replacement.symbols ?? [];
  return symbols.length ? symbols.map((s) => `\`${s}\``).join(', ') : entry.replacement.text;
}

/** Status of `entry` for a tree at `version` (undefined when the tree's version is unknown). */
export function versionStatus(
  entry: CatalogEntry,
  version: KernelVersion | undefined,
  options: VersionStatusOptions = {},
): VersionStatus {
  const introduced = entry.status.introduced;
  const removed = entry.status.removed;
  const intro = versionOf(introduced);
  const gone = versionOf(removed);
  const use = replacementText(entry);
  const useSuffix = !use
    ? ''
    : entry.replacement?.symbols?.length
      ? ` — use ${use}`
      : ` — ${decapitalise(use.replace(/\.\s*$/, ''))}`;
  const base = { introduced: introduced?.release, removed: removed?.release, replacement: use };
  const introWord =
    introduced?.bound === 'at-or-before'
      ? `present by ${introduced.release}`
      : introduced
        ? `introduced in ${introduced.release}`
        : undefined;
  const removedWord =
    removed?.bound === 'at-or-before'
      ? `gone upstream by ${removed.release}`
      : removed
        ? `removed upstream in ${removed.release}`
        : undefined;
  const inTree = options.definedInTree;

  if (!version) {
    const parts = [introWord, removedWord].filter(Boolean).join('; ');
    return {
      ...base,
      state: 'unknown',
      text: parts
        ? `${capitalise(parts)} (this tree's version is unknown)${removed ? useSuffix : ''}.`
        : 'No release history recorded.',
    };
  }
  const here = formatKernelVersion(version);

  if (gone && compareKernelVersions(version, gone) >= 0) {
    const when =
      removed?.bound === 'at-or-before' ? `was gone by ${removed.release}` : `was removed in ${removed!.release}`;
    const still = inTree ? ' It is still defined in this tree (a backport or local change?).' : '';
    return { ...base, state: 'removed', text: `Not in ${here}: ${when}${useSuffix}.${still}` };
  }
  if (intro && compareKernelVersions(version, intro) < 0) {
    if (introduced?.bound === 'at-or-before') {
      const found =
        inTree === true ? ' This tree defines it.' : inTree === false ? ' This tree does not define it.' : '';
      return {
        ...base,
        state: inTree ? 'present' : 'unknown',
        text: `Present by ${introduced.release}; the first release is not recorded, so a ${here} tree may predate it.${found}`,
      };
    }
    // Without the index nothing was looked up: say what the release number says, not what the code has
    // (a 6.12.y stable tree can carry a transitional softleaf_from_pte() macro, added upstream in 6.19).
    const text =
      inTree === undefined
        ? `Added in ${introduced!.release}, after this tree's release (${here}); without the index a backport is not ruled out.`
        : `Not in this tree yet (${here}): added in ${introduced!.release}.${inTree ? ' This tree defines it anyway (a backport?).' : ''}`;
    return { ...base, state: 'not-yet', text };
  }
  if (gone) {
    const lead =
      inTree === false ? `Expected in ${here} but not found in this tree's index` : `Exists in this tree (${here})`;
    return { ...base, state: 'removed-upstream', text: `${lead}; ${removedWord}${useSuffix}.` };
  }
  if (intro) {
    const same = compareKernelVersions(version, intro) === 0 && introduced?.bound !== 'at-or-before';
    const lead = same ? `Introduced in ${introduced!.release}, this tree's release` : capitalise(introWord!);
    const missing = inTree === false ? ` Not found in this tree's index (config- or arch-specific, or renamed?).` : '';
    const last = lastChangeBy(entry, version);
    return { ...base, state: 'present', text: `${lead}; exists in this tree (${here})${last}.${missing}` };
  }
  const changed = (entry.status.changed ?? []).map((c) => c.release);
  return {
    ...base,
    state: 'unknown',
    text: changed.length ? `Changed in ${changed.join(', ')}.` : 'No release history recorded.',
  };
}

/**
 * "; last changed in 6.18 (second parameter removed)": the newest recorded change at or before the tree's release,
 * so a hover on a 6.19 tree says which form of the API the tree has (an old call shape is then visibly stale).
 */
function lastChangeBy(entry: CatalogEntry, version: KernelVersion): string {
  let latest: StatusEvent[] = [];
  let latestVersion: KernelVersion | undefined;
  for (const event of entry.status.changed ?? []) {
    const at = parseKernelVersion(event.release);
    // A change in the release that introduced the symbol is part of how it arrived, not a later change.
    if (!at || compareKernelVersions(at, version) > 0 || event.release === entry.status.introduced?.release) continue;
    const order = latestVersion ? compareKernelVersions(at, latestVersion) : 1;
    if (order > 0) [latest, latestVersion] = [[event], at];
    else if (order === 0) latest.push(event);
  }
  if (!latest.length) return '';
  const whats = [...new Set(latest.map((event) => event.what).filter((what): what is string => Boolean(what)))];
  return `; last changed in ${latest[0].release}${whats.length ? ` (${whats.join('; ')})` : ''}`;
}

/** Changes recorded for releases after this tree: what a forward-port must account for. */
export function pendingChanges(entry: CatalogEntry, version: KernelVersion | undefined): StatusEvent[] {
  const changes = entry.status.changed ?? [];
  if (!version) return changes;
  return changes.filter((change) => {
    const at = parseKernelVersion(change.release);
    return at ? compareKernelVersions(version, at) < 0 : true;
  });
}

function decapitalise(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

function capitalise(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}
