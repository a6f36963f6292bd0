/**
 * The characters untrusted text (mail, comments, kernel-doc, notes, file names) must never carry raw into a
 * terminal, a VS Code label or a document: C0 controls (ESC starts ANSI colour and OSC sequences that set
 * titles, links or the clipboard), DEL, C1 controls (U+009B is a one-character CSI), and the Unicode marks that
 * reorder or hide text (bidi embeddings, overrides and isolates: "Trojan Source"). Shared by the server's sinks
 * (terminal, JSON, Markdown) and the client's plain-text UI; no imports, so both bundles can load it.
 */

/** Tab and newline are kept by the multi-line sinks; everything else here is unsafe. */
export const UNSAFE_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Removes every unsafe character (tab and newline stay). */
export function stripUnsafe(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, '');
}

/**
 * For one-line VS Code UI (quick-pick labels and details, notifications, tree items, titles): unsafe characters
 * removed, line breaks and tabs become spaces, runs of white space one space, cut to `maxLength` characters.
 * A notification turns `[text](command:…)`, `[text](https://…)` and `[text](file:…)` into a link (a command link
 * runs the command with its arguments when clicked; found by the e2e with a commit subject), so `](` gets a
 * zero-width space: the text reads as written and no link forms.
 */
export function plainTextLabel(text: string, maxLength = 200): string {
  const clean = stripUnsafe(String(text)).replace(/\s+/g, ' ').trim().replace(/\]\(/g, ']\u200b(');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/**
 * For a terminal: each unsafe character shown as a visible `\uXXXX` escape (`\u001b`, `\u202e`) instead of being
 * sent, so the terminal is never driven by the text and the reader still sees that something was there. Tab and
 * newline stay unless `oneLine`, which also shows them escaped (a file name on one line). Inside a JSON string
 * the same escape is JSON's own, so JSON text passed through here still parses to exactly the same value.
 */
export function visibleEscapes(text: string, oneLine = false): string {
  const escaped = text.replace(UNSAFE_CHARACTERS, escapeCharacter);
  return oneLine ? escaped.replace(/[\t\n]/g, escapeCharacter) : escaped;
}

function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
