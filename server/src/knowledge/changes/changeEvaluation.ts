import { compareKernelVersions, parseKernelVersion, type KernelVersion } from '../../base/kernelVersion';
import type { ChangeResult, ChangeStatus, Evidence, ProbeResult, TrackedChange } from './changeTypes';
import { evaluateProbe } from './probes';
import type { ChangeTreeSource } from './treeSource';

/**
 * A change's status in one tree, from its probes: present when every probe that could decide holds, absent
 * when none holds, partial when some do (a partial backport, or a tree in the middle of a series), unknown
 * when no probe could look. The Makefile version only classifies the answer (backport / missing), it never
 * decides it.
 */
export function evaluateChange(change: TrackedChange, source: ChangeTreeSource, version?: KernelVersion): ChangeResult {
  const probes = change.probes.map((probe) => evaluateProbe(probe, source));
  const status = statusOf(probes);
  return {
    change,
    status,
    probes,
    evidence: bestEvidence(status, probes),
    versionRelation: versionRelation(change, status, version),
  };
}

function statusOf(probes: ProbeResult[]): ChangeStatus {
  const decided = probes.filter((probe) => probe.outcome !== 'unknown');
  if (decided.length === 0) return 'unknown';
  const holding = decided.filter((probe) => probe.outcome === 'holds').length;
  if (holding === decided.length) return 'present';
  return holding === 0 ? 'absent' : 'partial';
}

/** The line that best shows the status: a holding probe for present/partial, a failing one for absent. */
function bestEvidence(status: ChangeStatus, probes: ProbeResult[]): Evidence | undefined {
  const wanted = status === 'absent' ? 'fails' : 'holds';
  const candidates = probes.filter((probe) => probe.outcome === wanted && probe.evidence);
  return (candidates.find((probe) => probe.evidence?.line !== undefined) ?? candidates[0])?.evidence;
}

function versionRelation(
  change: TrackedChange,
  status: ChangeStatus,
  version: KernelVersion | undefined,
): ChangeResult['versionRelation'] {
  if (!version || status === 'unknown') return 'unknown';
  const has = status === 'present' || status === 'partial';
  const release = parseKernelVersion(change.release.version);
  // A pending change (no mainline release yet) found in a tree came from a stable or vendor backport.
  if (!release) return has ? 'backport' : 'as-expected';
  if (compareKernelVersions(version, release) < 0) return has ? 'backport' : 'as-expected';
  return status === 'present' ? 'as-expected' : 'missing';
}

/** Short name of a change for lists: "v2 02/17 mm/rmap: reject hugetlb folios in folio_make_device_exclusive()". */
export function changeLabel(change: TrackedChange): string {
  return `${changeTag(change)}${change.subject}`;
}

/** "v2 02/17 " from the mail subject's [PATCH v2 02/17] tag, or the series part; empty when neither is known. */
export function changeTag(change: TrackedChange): string {
  const tag = /\[(?:PATCH|RFC)?[^\]]*?(v\d+)?\s*(\d{1,2}\/\d{1,2})\]/i.exec(change.message?.subject ?? '');
  if (tag) return `${tag[1] ? `${tag[1]} ` : ''}${tag[2]} `;
  if (!change.part) return '';
  // No mail recorded for the patch itself: the series cover says which version was merged.
  const version = /\[[^\]]*?\b(v\d+)\b/i.exec(change.seriesInfo?.cover?.subject ?? '')?.[1];
  return `${version ? `${version} ` : ''}${change.part} `;
}

/** https://lore.kernel.org/all/<id>/ for a Message-ID (without angle brackets). */
export function loreUrl(messageId: string): string {
  return `https://lore.kernel.org/all/${encodeURIComponent(messageId).replace(/%40/g, '@')}/`;
}
