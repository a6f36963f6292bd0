/**
 * Shape of the answer to the workspace-lint request, read defensively: the client only needs
 * "which file, which LSP diagnostics". Pure (no `vscode`), so it is unit-tested.
 */
export interface LspPosition {
  line: number;
  character: number;
}
export interface LspDiagnostic {
  range: { start: LspPosition; end: LspPosition };
  message: string;
  severity?: number;
  code?: string | number;
  source?: string;
  [extra: string]: unknown;
}
export interface FileDiagnostics {
  uri: string;
  diagnostics: LspDiagnostic[];
}

function isPosition(p: unknown): p is LspPosition {
  return (
    !!p &&
    typeof p === 'object' &&
    Number.isInteger((p as LspPosition).line) &&
    Number.isInteger((p as LspPosition).character)
  );
}

function isDiagnostic(d: unknown): d is LspDiagnostic {
  if (!d || typeof d !== 'object') return false;
  const x = d as LspDiagnostic;
  return typeof x.message === 'string' && !!x.range && isPosition(x.range.start) && isPosition(x.range.end);
}

/**
 * Accepts `FileDiagnostics[]`, `{ files: FileDiagnostics[] }` or `{ items: ... }` (the same records,
 * as a workspace diagnostic report names them). Records without a string uri and malformed diagnostics are dropped.
 */
export function normalizeLintResult(result: unknown): FileDiagnostics[] {
  const list: unknown = Array.isArray(result)
    ? result
    : result && typeof result === 'object'
      ? ((result as { files?: unknown }).files ?? (result as { items?: unknown }).items)
      : undefined;
  if (!Array.isArray(list)) return [];
  const byUri = new Map<string, LspDiagnostic[]>();
  for (const record of list) {
    if (!record || typeof record !== 'object') continue;
    const uri = (record as { uri?: unknown }).uri;
    const diagnostics =
      (record as { diagnostics?: unknown; items?: unknown }).diagnostics ?? (record as { items?: unknown }).items;
    if (typeof uri !== 'string' || !Array.isArray(diagnostics)) continue;
    const good = diagnostics.filter(isDiagnostic);
    byUri.set(uri, [...(byUri.get(uri) ?? []), ...good]);
  }
  return [...byUri].map(([uri, diagnostics]) => ({ uri, diagnostics }));
}

export function countDiagnostics(files: FileDiagnostics[]): number {
  return files.reduce((sum, file) => sum + file.diagnostics.length, 0);
}

/**
 * What the Problems view will show after a workspace lint, in one sentence: it lists errors, warnings and
 * information, but never hints (those only show as dotted underlines in an open editor). `against`: the version
 * checked ("6.17 (lint target)", "6.12.118 (the tree)").
 */
export function describeLintOutcome(
  files: FileDiagnostics[],
  against?: string,
): { message: string; inProblemsView: number } {
  const count = [0, 0, 0, 0, 0];
  for (const file of files) for (const d of file.diagnostics) count[d.severity ?? 1]++;
  const [errors, warnings, information, hints] = [count[1], count[2], count[3], count[4]];
  const shown = errors + warnings + information;
  const filesShown = files.filter((file) => file.diagnostics.some((d) => (d.severity ?? 1) <= 3)).length;
  const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  const checked = against ? ` against Linux ${against}` : '';
  if (shown + hints === 0) return { message: `Kernel MM Lens: no findings${checked}.`, inProblemsView: 0 };
  const parts = [
    errors && plural(errors, 'error'),
    warnings && plural(warnings, 'warning'),
    information && `${information.toLocaleString('en-US')} information`,
  ].filter(Boolean);
  const listed = shown
    ? `${parts.join(', ')} in ${plural(filesShown, 'file')}${checked}, listed in the Problems view`
    : `nothing for the Problems view${checked}`;
  const hinted = hints ? `; ${plural(hints, 'hint')} show only in open editors` : '';
  return { message: `Kernel MM Lens: ${listed}${hinted}.`, inProblemsView: shown };
}
