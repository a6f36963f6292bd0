import type { CallContextEntry, FailureKind, HeldResource } from './callContext';

/**
 * The text of an inlay hint, short enough for VS Code's default `editor.inlayHints.maximumLength` (43): VS Code
 * cuts longer labels at the end, which is where the release function used to be ("… until folio_walk_en…").
 * The label therefore says what is held and then, after an arrow, how it is released ("PTL held →
 * folio_walk_end()"); when that does not fit, the held part goes first and the release function stays.
 * The full sentence goes to the tooltip.
 */

/** VS Code's default for `editor.inlayHints.maximumLength`. */
export const INLAY_HINT_MAX_LENGTH = 43;

const ARROW = '→';
const ELLIPSIS = '…';

/** How the call's result is used where the hint is shown. */
export interface CallSiteShape {
  /** The call is the operand of `!` (`if (!folio_trylock(folio))`): the branch that follows is the failure. */
  negated: boolean;
}

/**
 * Condition under which the caller holds something, in words that stay right whatever the call is part of.
 * After a negated call "if true:" would describe the branch below as the success one; "on success:" does not.
 */
export function conditionPrefix(failure: FailureKind, site: CallSiteShape): string {
  if (failure === 'none') return '';
  if (site.negated) return 'on success: ';
  if (failure === 'false') return 'if true: ';
  if (failure === 'nonzero') return 'if 0: ';
  // NULL / ERR_PTR results: the hint sits after the call whose result is the object; no prefix needed.
  return '';
}

/** The functions that release what a call holds, first name of each held resource, in order and once each. */
export function releaseFunctions(holds: readonly HeldResource[]): string[] {
  const names: string[] = [];
  for (const held of holds) {
    const first = held.releasedBy[0];
    if (first && !names.includes(first)) names.push(first);
  }
  return names;
}

/** A few words for what is held when the data gives no short label: the resources without their parentheses. */
export function heldWords(holds: readonly HeldResource[]): string {
  return holds
    .map((held) => held.what.replace(/\s*\(.*$/, '').trim())
    .filter(Boolean)
    .join(' + ');
}

/**
 * First candidate that fits `max`: condition + held + → + releases; then tighter joins; then without the held
 * words; then without the condition; last, the first release function alone. Every candidate names a release
 * function when there is one.
 */
export function fitHintLabel(
  parts: { condition: string; held: string; releases: string[] },
  max = INLAY_HINT_MAX_LENGTH,
): string {
  const calls = parts.releases.map((name) => `${name}()`);
  const spaced = calls.join(' + ');
  const tight = calls.join('+');
  const held = parts.held.trim();
  const candidates: string[] = [];
  if (calls.length === 0) {
    candidates.push(`${parts.condition}${held}`, held);
  } else {
    for (const joined of [spaced, tight]) {
      if (held) candidates.push(`${parts.condition}${held} ${ARROW} ${joined}`);
    }
    for (const joined of [spaced, tight]) candidates.push(`${parts.condition}${ARROW} ${joined}`);
    candidates.push(`${ARROW} ${tight}`);
  }
  for (const candidate of candidates) if (candidate.trim() && candidate.length <= max) return candidate;
  // Nothing fits: the first release function, marked when others follow.
  if (calls.length === 0) return truncate(held, max);
  return truncate(`${ARROW} ${calls[0]}${calls.length > 1 ? ELLIPSIS : ''}`, max);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}${ELLIPSIS}`;
}

/** The label of the hint after a tracked call. `entry.label` (data) is the held part; it may carry its own arrow. */
export function callHintLabel(
  entry: Pick<CallContextEntry, 'failure' | 'holds'> & { label?: string },
  site: CallSiteShape,
): string {
  const condition = conditionPrefix(entry.failure, site);
  const label = entry.label?.trim();
  if (label && label.includes(ARROW)) {
    // A complete label from the data (calls whose releases the data does not track, like an array of pages).
    const full = `${condition}${label}`;
    if (full.length <= INLAY_HINT_MAX_LENGTH) return full;
    return fitHintLabel({ condition, held: '', releases: releaseNamesIn(label) });
  }
  return fitHintLabel({ condition, held: label || heldWords(entry.holds), releases: releaseFunctions(entry.holds) });
}

/** Function names written as `name()` in a text, in order and once each. */
export function releaseNamesIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\(\)/g))
    if (!names.includes(match[1])) names.push(match[1]);
  return names;
}

/**
 * The label for free text from the symbol catalog (`callContext.after`, for calls the call-context data does not
 * describe): as written when it fits, else the part before the first `:` as the held words and the `name()`s the
 * text mentions as the release functions.
 */
export function freeTextHintLabel(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= INLAY_HINT_MAX_LENGTH) return flat;
  const releases = releaseNamesIn(flat);
  const colon = flat.indexOf(':');
  const held = colon > 0 && !/\(\)/.test(flat.slice(0, colon)) ? flat.slice(0, colon) : '';
  if (releases.length === 0) return truncate(flat, INLAY_HINT_MAX_LENGTH);
  return fitHintLabel({ condition: '', held, releases });
}
