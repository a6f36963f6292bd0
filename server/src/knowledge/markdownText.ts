import { ClientCommands } from '../../../protocol';
import { stripUnsafe } from '../../../protocol/untrustedText';

/**
 * Safe Markdown building blocks for hovers. Everything that comes from source files, mail or data is
 * escaped here, so a hostile doc comment cannot inject links, HTML, images or command URIs.
 */

/**
 * Escapes text so it renders literally: no emphasis, code spans, links, images, raw HTML, entities, tables,
 * headings, quotes or list markers. Parentheses and dots stay readable: without `[` no link can form.
 */
export function escapeMarkdown(text: string): string {
  return escapeLineStarts(escapeInline(text));
}

/**
 * Escapes characters that are special anywhere in a line. `<` and `&` get CommonMark backslash escapes (no tag,
 * autolink or entity can form) rather than entities: some Markdown views (terminals, editors that show hovers as
 * text) print `&gt;` literally. A `>` is only special at a line start, so `folio->mapping` stays as written.
 * URLs become code spans (lore URLs links), see BARE_URL; the rest of the text is defused (defuseAutolinks).
 */
function escapeInline(text: string): string {
  const clean = stripControl(text);
  const pieces: string[] = [];
  let last = 0;
  for (const url of clean.matchAll(URL_OR_ADDRESS)) {
    pieces.push(defuseAutolinks(escapeSpecials(clean.slice(last, url.index))));
    pieces.push(LORE_URL.test(url[0]) ? link(url[0], url[0]) : inlineCode(url[0]));
    last = url.index + url[0].length;
  }
  pieces.push(defuseAutolinks(escapeSpecials(clean.slice(last))));
  return pieces.join('');
}

function escapeSpecials(text: string): string {
  return stripControl(text).replace(/[\\`*_{}[\]|~#<&]/g, (ch) => `\\${ch}`);
}

/**
 * A URL in untrusted text: a scheme with `//`, `mailto:`, a `www.` host or a protocol-relative `//host`, up to white
 * space (closing punctuation left out). VS Code's Markdown preview (markdown-it 12, linkify on) merges backslash escapes into the text before
 * it looks for links, so an escape cannot stop it there (seen in the e2e); a code span is never linkified by any
 * renderer and shows the URL exactly as written. A lore URL is the one kind that may stay a link.
 */
const BARE_URL =
  /(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|mailto:|(?<![\w.-])www\.|(?<![\w/:])\/\/(?=[\w-]))[^\s<>`]*[^\s<>`.,;:!?'")\]}]/gi;
const LORE_URL = /^https:\/\/lore\.kernel\.org\/[A-Za-z0-9._~%@/+=-]*$/;

/**
 * An e-mail address (or anything with an `@` between two non-space characters, Message-IDs included): a code span
 * too. VS Code's Markdown preview (markdown-it 12, linkify with fuzzy e-mail links on) merges the backslash escapes
 * into the text before it looks for links, so `jane@example\.org` still became a `mailto:` link there. The run
 * takes every non-space character but `<`, `>` and backticks on both sides of the `@` (a superset of what
 * linkify-it takes for an address), starts after white space, a bracket or a quote (none can start an address) and
 * leaves closing punctuation out. The hovers turn a code span that holds a Message-ID into a lore link
 * (linkMessageIds in hoverSections.ts), the notes link `<id@host>` before escaping.
 */
const BARE_ADDRESS = /(?<![^\s<>`([{"'])[^\s<>`([{"'][^\s<>`]*@[^\s<>`]*[^\s<>`.,;:!?'")\]}]/g;
const URL_OR_ADDRESS = new RegExp(`${BARE_URL.source}|${BARE_ADDRESS.source}`, 'gi');

/**
 * Bare domains and e-mail addresses, and URL pieces BARE_URL leaves (`//host`, `javascript:`), must not become
 * links either: marked's GFM autolinks (VS Code hovers and comments) and markdown-it's linkify (13 and later:
 * escapes end a text run) turn `x.com`, `//x` and `a@x.com` into links. A backslash escape before the piece a
 * linkifier keys on breaks the match and renders as nothing, so the text reads (and copies) exactly as written:
 * - `:` after a word that could be a URI scheme and before a non-space (`javascript\:`, `command\:`;
 *   `Fixes: x`, `21:30` and `folio_walk::page` stay);
 * - the first `/` of `//` before a non-space (`\//host`, protocol-relative URLs);
 * - `.` after a non-space and before a letter (`x\.com`, `a@x\.org`; a domain label may hold symbols such as `+`
 *   for linkify-it): every top-level domain starts with a letter, so numbers such as `6.12` stay.
 * (E-mail addresses are code spans, BARE_ADDRESS: escapes do not stop VS Code's Markdown preview.)
 */
function defuseAutolinks(escaped: string): string {
  return escaped
    .replace(/(?<=[A-Za-z][A-Za-z0-9+.-]*):(?=[^\s:])/g, '\\:')
    .replace(/\/(?=\/[^\s/])/g, '\\/')
    .replace(/(?<=\S)\.(?=\p{L})/gu, '\\.');
}

/** Line starts: no indented code block, list item, setext underline or ordered list. */
function escapeLineStarts(text: string): string {
  return text
    .replace(/^[ \t]+/gm, '')
    .replace(/^([+\-=>])/gm, '\\$1')
    .replace(/^(\d+)([.)])(?=\s|$)/gm, '$1\\$2');
}

/** Removes C0/C1 control characters (except newline and tab) and the marks that reorder or hide text. */
function stripControl(text: string): string {
  return stripUnsafe(text);
}

/** An inline code span that cannot be broken out of, whatever backticks the text holds. */
export function inlineCode(text: string): string {
  const clean = stripControl(text).replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function codeBlock(text: string, language = 'c'): string {
  const clean = stripControl(text);
  const longest = Math.max(2, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${clean}\n${fence}`;
}

/**
 * Renders catalog prose: a deliberately small Markdown subset. Backtick code spans and "- " bullets are
 * kept; everything else is escaped, so data files cannot carry links, HTML or command URIs.
 */
export function renderLimitedMarkdown(text: string): string {
  return stripControl(text)
    .split('\n')
    .map((line) => {
      const bullet = /^(\s*)[-*] (.*)$/.exec(line);
      const body = bullet ? bullet[2] : line;
      const parts = body.split(/(`[^`\n]+`)/).map((part, i) => (i % 2 === 1 ? part : escapeInline(part)));
      // Line-start rules only for the start of the line, so spaces next to code spans survive.
      parts[0] = escapeLineStarts(parts[0]);
      const rendered = parts.join('');
      return bullet ? `${bullet[1]}- ${rendered}` : rendered;
    })
    .join('\n');
}

/** `https://lore.kernel.org/all/<Message-ID>/`, with the ID percent-encoded except for '@'. */
export function loreUrl(messageId: string): string {
  const encoded = encodeURIComponent(messageId.replace(/^<|>$/g, ''))
    .replace(/%40/g, '@')
    .replace(/[()'*!]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `https://lore.kernel.org/all/${encoded}/`;
}

const ALLOWED_COMMANDS = new Set<string>(Object.values(ClientCommands));

/** A `command:` URI for one of the extension's own commands; throws for anything else. */
export function commandUri(command: string, args: unknown[]): string {
  if (!ALLOWED_COMMANDS.has(command)) throw new Error(`not an extension command: ${command}`);
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/**
 * A Markdown link whose label is escaped and whose target is a vetted URL. Linkifiers leave link text alone
 * (markdown-it skips it, marked's autolinks are off inside links), so the label keeps its dots and colons.
 */
export function link(label: string, target: string): string {
  return `[${escapeLineStarts(escapeSpecials(label))}](${target.replace(/[()\s]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`;
}

/**
 * Last line of defence for Markdown produced elsewhere (rendered kernel-doc): drops raw HTML tags and
 * links to anything but https URLs and the extension's own commands.
 */
export function sanitizeMarkdown(markdown: string): string {
  return (
    stripControl(markdown)
      // An unescaped `<` that could open a tag gets a backslash; `\\<` (already escaped) stays as it is.
      .replace(/(\\*)<(?=[A-Za-z!/?])/g, (_whole, slashes: string) => `${slashes}${slashes.length % 2 ? '' : '\\'}<`)
      // A `]` after an odd number of backslashes is escaped text, not a link (re-escaping it showed `\:` and `\.`
      // in hovers of kernel-doc that quotes a Markdown link; found by the e2e).
      .replace(/(?<=(?:^|[^\\])(?:\\\\)*)\]\(\s*<?([^)\s>]*)>?[^)]*\)/g, (whole, target: string) => {
        if (/^https:\/\//i.test(target)) return whole;
        const command = /^command:([A-Za-z0-9_.]+)/.exec(target)?.[1];
        if (command && ALLOWED_COMMANDS.has(command)) return whole;
        return `\\]\\(${escapeMarkdown(target)}\\)`;
      })
  );
}
