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
