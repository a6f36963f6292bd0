import type { InTreeInfo } from '../../../protocol';
import type { InTreeLookup } from './threadEntry';
import { parsePatchSubject } from './subject';
import type { TrackedChange } from '../knowledge/changes/changeTypes';
import type { TreeChanges } from '../knowledge/changes/treeChanges';

/**
 * "In this tree" for a thread entry (issue 20): a patch is matched to a tracked change by the Message-ID of one of
 * its posted versions (or its cover letter), else by its title as b4 reads it (prefixes dropped, case ignored);
 * the change's code evidence then says whether this tree has it. Never decided from a version number. A change
 * whose probes cannot tell (`unknown`) adds nothing: the entry says less rather than guess.
 */
export function inTreeLookup(changes: TreeChanges): InTreeLookup {
  const byMessage = new Map<string, TrackedChange>();
  const byTitle = new Map<string, TrackedChange>();
  for (const change of changes.catalog.changes) {
    if (change.message?.id) byMessage.set(change.message.id, change);
    byTitle.set(parsePatchSubject(change.message?.subject ?? change.subject).key, change);
    byTitle.set(parsePatchSubject(change.subject).key, change);
  }
  return (messageIds, title) => {
    const change =
      messageIds.map((id) => byMessage.get(id)).find((c) => c !== undefined) ??
      byTitle.get(parsePatchSubject(title).key);
    if (!change) return undefined;
    const result = changes.result(change.id);
    if (!result || result.status === 'unknown') return undefined;
    const where = result.evidence
      ? `${result.evidence.file}${result.evidence.line ? `:${result.evidence.line}` : ''}`
      : undefined;
    const text =
      result.status === 'present'
        ? `in this tree${where ? ` (${where})` : ''}`
        : result.status === 'partial'
          ? `partly in this tree${where ? ` (${where})` : ''}`
          : 'not in this tree';
    const info: InTreeInfo = { status: result.status, changeId: change.id, text };
    if (result.evidence) info.evidence = { ...result.evidence };
    return info;
  };
}
