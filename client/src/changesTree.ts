import type { ChangeJson, ChangesReport } from '../../protocol';

/**
 * The changes view's content, without VS Code: tracked upstream changes grouped by topic, each with its status
 * for the tree, the evidence location and its probes. Kept pure so it is tested without an editor.
 */

export type ChangeNodeIcon = 'present' | 'absent' | 'partial' | 'unknown' | 'topic' | 'holds' | 'fails';

export interface ChangeNode {
  /** Stable id (tree item id): topic, change id, change id + probe index. */
  id: string;
  label: string;
  description?: string;
  /** Plain-text tooltip (multi-line). */
  tooltip?: string;
  icon: ChangeNodeIcon;
  /** Where a click goes: a tree-relative file and 1-based line. */
  evidence?: { file: string; line?: number };
  /** For "Open on lore.kernel.org". */
  messageId?: string;
  children?: ChangeNode[];
}

export interface ChangesModel {
  /** One line above the tree: the version and the counts. */
  message: string;
  roots: ChangeNode[];
}

export function changesModel(report: ChangesReport | null | undefined): ChangesModel {
  if (!report) return { message: 'No kernel tree open: the tracked changes need a workspace tree.', roots: [] };
  const topics = new Map<string, ChangeJson[]>();
  for (const change of report.changes) {
    const topic = change.topics[0] ?? 'other';
    topics.set(topic, [...(topics.get(topic) ?? []), change]);
  }
  const roots = [...topics].map(([topic, changes]): ChangeNode => {
    const present = changes.filter((c) => c.status === 'present').length;
    const partial = changes.filter((c) => c.status === 'partial').length;
    return {
      id: `topic:${topic}`,
      label: topic,
      description: `${present}/${changes.length} present${partial ? `, ${partial} partial` : ''}`,
      icon: 'topic',
      children: changes.map(changeNode),
    };
  });
  return { message: summaryLine(report), roots };
}

export function summaryLine(report: ChangesReport): string {
  const count = (status: ChangeJson['status']) => report.changes.filter((c) => c.status === status).length;
  const backports = report.changes.filter((c) => c.versionRelation === 'backport' && c.status === 'present').length;
  const parts = [
    `${count('present')} present${backports ? ` (${backports} backported)` : ''}`,
    `${count('partial')} partial`,
    `${count('absent')} absent`,
  ];
  if (count('unknown')) parts.push(`${count('unknown')} unknown`);
  const basis = report.basis === 'files' ? ' · read from the named files (index not ready)' : '';
  return `Linux ${report.kernelVersion ?? '(version unknown)'}: ${parts.join(', ')}${basis}`;
}

function changeNode(change: ChangeJson): ChangeNode {
  const tag = change.tag ? `${change.tag} ` : '';
  const release = change.release
    ? `mainline ${change.release}${change.releaseBasis === 'inferred' ? ' (inferred)' : ''}`
    : 'not in a mainline release yet';
  const relation =
    change.versionRelation === 'backport'
      ? change.status === 'partial'
        ? ' · partly backported'
        : ' · backported'
      : change.versionRelation === 'missing'
        ? ' · expected by the release, not found'
        : '';
  const where = change.evidence
    ? `${change.evidence.file}${change.evidence.line ? `:${change.evidence.line}` : ''}`
    : '';
  const tooltip = [
    `${tag}${change.subject}`,
    change.mailSubject && change.mailSubject !== change.subject ? `Posted as: ${change.mailSubject}` : undefined,
    `Status: ${change.status}${relation}; ${release}`,
    change.messageId ? `Message-ID: ${change.messageId}` : undefined,
    change.commit ? `Commit: ${change.commit}` : undefined,
    where ? `Evidence: ${where}${change.evidence?.text ? `\n    ${change.evidence.text.trim()}` : ''}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  return {
    id: `change:${change.id}`,
    label: `${tag}${change.subject}`,
    description: `${change.status}${relation} · ${release}${where ? ` · ${where}` : ''}`,
    tooltip,
    icon: change.status,
    evidence: change.evidence ? { file: change.evidence.file, line: change.evidence.line ?? undefined } : undefined,
    messageId: change.messageId ?? undefined,
    children: change.probes.map((probe, i) => ({
      id: `change:${change.id}:probe:${i}`,
      label: probe.label,
      description: probe.evidence
        ? `${probe.evidence.file}${probe.evidence.line ? `:${probe.evidence.line}` : ''}`
        : probe.outcome,
      tooltip: [probe.detail, probe.evidence?.text?.trim()].filter(Boolean).join('\n'),
      icon: probe.outcome === 'holds' ? 'holds' : probe.outcome === 'fails' ? 'fails' : 'unknown',
      evidence: probe.evidence ? { file: probe.evidence.file, line: probe.evidence.line ?? undefined } : undefined,
    })),
  };
}
