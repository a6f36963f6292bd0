import type { ThreadListEntry, ThreadOutlineEntry } from '../../protocol';
import { plainTextLabel } from '../../protocol/untrustedText';

/**
 * The plain-text UI of review threads (quick pick, outline, notifications) from mail fields, which are untrusted
 * text: a subject, author or Message-ID can carry terminal escapes, other control characters or bidi overrides
 * that reorder or hide what is shown (issue 22). Every field goes through plainTextLabel (protocol/untrustedText.ts):
 * those characters removed, one line, bounded length. Kept apart from the VS Code wiring so it can be tested.
 */

const RELATION_ICON: Record<string, string> = {
  patch: '$(diff)',
  review: '$(comment-discussion)',
  mention: '$(mention)',
};

export interface PickText {
  label: string;
  description: string;
  detail?: string;
}

/** Mail text must not render as an icon: `$(name)` is the quick pick's icon syntax, kept only for our own icons. */
function noIcons(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}

/**
 * One quick-pick row: the relation's icon (ours) and the subject; relation, author, date, then `suffix` (version,
 * in-tree status, local mail: composed by the caller); the summary.
 */
export function threadPickText(entry: ThreadListEntry, suffix = ''): PickText {
  return {
    label: `${RELATION_ICON[entry.relation] ?? ''} ${noIcons(plainTextLabel(entry.subject))}`,
    description: noIcons(plainTextLabel(`${entry.relation} · ${entry.author} · ${entry.date.slice(0, 10)}${suffix}`)),
    detail: entry.summary === undefined ? undefined : noIcons(plainTextLabel(entry.summary, 300)),
  };
}

/** An outline entry's name (the author) and detail (date and subject). */
export function outlineText(entry: ThreadOutlineEntry): { name: string; detail: string } {
  return {
    name: plainTextLabel(entry.author, 80) || '(unknown)',
    detail: plainTextLabel(`${entry.date.slice(0, 10)} ${entry.subject}`),
  };
}

/** A notification or error text that quotes mail or server output. */
export function notificationText(text: string): string {
  return plainTextLabel(text, 500);
}
