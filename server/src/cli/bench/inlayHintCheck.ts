import * as fs from 'fs';
import * as path from 'path';
import { LspDriver, type LspDriverOptions } from './lspDriver';
import { loadCallContext } from '../../annotations/callContext';
import { INLAY_HINT_MAX_LENGTH } from '../../annotations/hintLabel';

/**
 * "Inlay hints fit" (issue 21): every inlay hint the server gives for whole files, as an editor asks for them over
 * LSP, checked against VS Code's default `editor.inlayHints.maximumLength` (43) and for naming a release function.
 * A hint right after a call's `)` reports something held: its label must name a function that releases it
 * (`name()`, one of the release functions of the call-context data). A hint after a `{` is a context note of the
 * function (nothing acquired there): only its length counts.
 */
export interface HintCheckEntry {
  file: string;
  /** 1-based line of the hint. */
  line: number;
  label: string;
  kind: 'call' | 'context';
  tooLong: boolean;
  /** Call hints only: the label names a release function. */
  namesRelease: boolean;
}

export interface HintCheckResult {
  files: string[];
  hints: HintCheckEntry[];
  maxLength: number;
  tooLong: HintCheckEntry[];
  withoutRelease: HintCheckEntry[];
}

export const DEFAULT_HINT_FILES = ['mm/ksm.c', 'mm/memory.c'];

/** Every release function the call-context data knows, for "names its release function". */
export function knownReleaseFunctions(): Set<string> {
  return new Set(loadCallContext().releasers.keys());
}

/** Judges the hints of one file (pure; the LSP part is in checkInlayHints). */
export function judgeHints(
  file: string,
  text: string,
  hints: Array<{ position: { line: number; character: number }; label: unknown }>,
  releases: Set<string>,
): HintCheckEntry[] {
  const lines = text.split(/\r\n|\n|\r/);
  return hints.map((hint) => {
    const label =
      typeof hint.label === 'string'
        ? hint.label
        : Array.isArray(hint.label)
          ? hint.label.map((part: { value?: unknown }) => (typeof part?.value === 'string' ? part.value : '')).join('')
          : String(hint.label);
    const before = (lines[hint.position.line] ?? '').slice(0, hint.position.character).trimEnd();
    const kind = before.endsWith('{') ? 'context' : 'call';
    const named = [...label.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\(\)/g)].some((m) => releases.has(m[1]));
    return {
      file,
      line: hint.position.line + 1,
      label,
      kind,
      tooLong: label.length > INLAY_HINT_MAX_LENGTH,
      namesRelease: kind === 'context' || named,
    };
  });
}

/** Spawns the server on `root` (as an editor does), asks for the inlay hints of each file in full and judges them. */
export async function checkInlayHints(
  options: Omit<LspDriverOptions, 'timeoutMs'> & { files?: string[]; timeoutMs?: number },
): Promise<HintCheckResult> {
  const files = (options.files ?? DEFAULT_HINT_FILES).filter((file) => fs.existsSync(path.join(options.root, file)));
  const releases = knownReleaseFunctions();
  const driver = await LspDriver.start({ ...options, timeoutMs: options.timeoutMs ?? 120_000 });
  const hints: HintCheckEntry[] = [];
  try {
    for (const file of files) {
      const text = fs.readFileSync(path.join(options.root, file), 'utf8');
      const lineCount = text.split(/\r\n|\n|\r/).length;
      const { result } = await driver.inlayHint(file, {
        start: { line: 0, character: 0 },
        end: { line: lineCount, character: 0 },
      });
      hints.push(...judgeHints(file, text, result ?? [], releases));
      driver.close(file);
    }
  } finally {
    await driver.stop();
  }
  return {
    files,
    hints,
    maxLength: hints.reduce((max, hint) => Math.max(max, hint.label.length), 0),
    tooLong: hints.filter((hint) => hint.tooLong),
    withoutRelease: hints.filter((hint) => !hint.namesRelease),
  };
}

/** One line for the bench report. */
export function formatHintCheck(result: HintCheckResult): string {
  const verdict = result.tooLong.length === 0 && result.withoutRelease.length === 0 ? 'yes' : 'NO';
  const problems = [...result.tooLong, ...result.withoutRelease]
    .slice(0, 5)
    .map((hint) => `${hint.file}:${hint.line} "${hint.label}"`);
  return (
    `inlay hints on ${result.files.join(', ')}: ${result.hints.length} hints, longest ${result.maxLength} characters, ` +
    `${result.tooLong.length} over ${INLAY_HINT_MAX_LENGTH}, ${result.withoutRelease.length} without a release function; ` +
    `all fit and name their release: ${verdict}${problems.length ? ` (${problems.join('; ')})` : ''}`
  );
}
