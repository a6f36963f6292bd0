import { formatKernelVersion } from '../../base/kernelVersion';
import { changeTag, loreUrl } from './changeEvaluation';
import type { ChangeResult, Evidence } from './changeTypes';
import type { TreeChanges } from './treeChanges';

/**
 * The one JSON shape of "which tracked changes does this tree have": `kernel-mm-lens changes --json`, the
 * editor's changes view and the MCP `tree_changes` tool all print it, so they cannot disagree.
 * Documented in docs/changes.md; fields are only ever added.
 */
export interface ChangeJson {
  id: string;
  /** Message-ID of the mail that carried the change (the patch, or the series cover when the patch is not recorded). */
  messageId: string | null;
  /** Mainline commit subject. */
  subject: string;
  /** Subject of `messageId` as posted, tags included. */
  mailSubject: string | null;
  /** "v2 02/17" when known. */
  tag: string | null;
  /** First mainline release, or null while pending. */
  release: string | null;
  releaseBasis: 'verified' | 'inferred' | 'pending';
  commit: string | null;
  series: string | null;
  topics: string[];
  symbols: string[];
  status: 'present' | 'absent' | 'partial' | 'unknown';
  versionRelation: 'backport' | 'missing' | 'as-expected' | 'unknown';
  evidence: EvidenceJson | null;
  probes: Array<{
    label: string;
    outcome: 'holds' | 'fails' | 'unknown';
    detail: string;
    evidence: EvidenceJson | null;
  }>;
  lore: string | null;
}

export interface EvidenceJson {
  file: string;
  /** 1-based; null when the evidence is a whole file or an absence. */
  line: number | null;
  text: string | null;
}

export interface ChangesReport {
  tree: string;
  kernelVersion: string | null;
  /** "index": absences are absences from the whole tree; "files": from the files the probes name. */
  basis: 'index' | 'files';
  changes: ChangeJson[];
}

export function changesJson(
  changes: TreeChanges,
  tree: string,
  results: ChangeResult[] = changes.all(),
): ChangesReport {
  return {
    tree,
    kernelVersion: changes.version ? formatKernelVersion(changes.version, true) : null,
    basis: changes.basis,
    changes: results.map(changeJson),
  };
}

export function changeJson(result: ChangeResult): ChangeJson {
  const change = result.change;
  const messageId = change.message?.id ?? change.seriesInfo?.cover?.id ?? null;
  const mailSubject = change.message?.subject ?? change.seriesInfo?.cover?.subject ?? null;
  const tag = changeTag(change).trim();
  return {
    id: change.id,
    messageId,
    subject: change.subject,
    mailSubject,
    tag: tag || null,
    release: change.release.version ?? null,
    releaseBasis: change.release.basis,
    commit: change.commit ?? null,
    series: change.seriesInfo?.title ?? null,
    topics: change.topics,
    symbols: change.symbols,
    status: result.status,
    versionRelation: result.versionRelation,
    evidence: evidenceJson(result.evidence),
    probes: result.probes.map((probe) => ({
      label: probe.label,
      outcome: probe.outcome,
      detail: probe.detail,
      evidence: evidenceJson(probe.evidence),
    })),
    lore: messageId ? loreUrl(messageId) : null,
  };
}

function evidenceJson(evidence: Evidence | undefined): EvidenceJson | null {
  return evidence ? { file: evidence.file, line: evidence.line ?? null, text: evidence.text ?? null } : null;
}
