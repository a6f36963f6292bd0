import { formatKernelVersion } from '../../base/kernelVersion';
import { changeTag, loreUrl } from './changeEvaluation';
import type { ChangeResult, Evidence } from './changeTypes';
import type { TreeChanges } from './treeChanges';
import type { ChangeEvidenceJson, ChangeJson, ChangesReport } from '../../../../protocol';

/**
 * The one JSON shape of "which tracked changes does this tree have" (types in protocol/: the CLI, the editor's
 * changes view and the MCP `tree_changes` tool all print it, so they cannot disagree).
 */
export type { ChangeJson, ChangesReport };
export type EvidenceJson = ChangeEvidenceJson;

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
