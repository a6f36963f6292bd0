/**
 * Independent judges of "is this output safe to show", used by the fuzz targets, the property tests and the
 * per-sink tests. They do not reuse the project's escaping: Markdown is rendered by markdown-it with raw HTML
 * enabled (as permissive as a Markdown viewer gets), and the result's tokens are inspected.
 */

/** The part of markdown-it's token we read (the package ships no types). */
interface MdToken {
  type: string;
  content: string;
  children: MdToken[] | null;
  attrGet(name: string): string | null;
}
interface MarkdownRenderer {
  parse(src: string, env: object): MdToken[];
  render(src: string): string;
  renderInline(src: string): string;
  core: { ruler: { __rules__: Array<{ name: string; fn: unknown }>; before(a: string, b: string, fn: unknown): void } };
  linkify: { set(options: object): void };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => MarkdownRenderer;
// VS Code renders hovers and Markdown documents with markdown-it; raw HTML on is the most permissive setting.
const markdown = new MarkdownIt({ html: true, linkify: true });

/**
 * VS Code's Markdown preview (code-server 4.100 / VS Code 1.100) runs markdown-it 12 with linkify, fuzzy domain links
 * off and fuzzy e-mail links on. markdown-it 12 merges a backslash escape into the surrounding text before linkify
 * looks at it (13 made escapes their own tokens, joined after linkify), so `a@b\.org` is a `mailto:` link there.
 * Emulated: markdown-it 14 with its text_join rule (which merges escapes into text) also run before linkify.
 */
export const oldPreview = new MarkdownIt({ html: true, linkify: true });
oldPreview.linkify.set({ fuzzyLink: false });
oldPreview.core.ruler.before(
  'linkify',
  'text_join_first',
  oldPreview.core.ruler.__rules__.find((rule) => rule.name === 'text_join')!.fn,
);

/** C0 controls but tab and newline, DEL, C1 controls, and the Unicode marks that reorder or hide text. */
export const UNSAFE_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Links a Markdown answer may carry: lore threads and the extension's own commands. */
export function isAllowedLink(href: string): boolean {
  return /^https:\/\/lore\.kernel\.org\//.test(href) || /^command:kernelMmLens\.[A-Za-z0-9_.]+(\?|$)/.test(href);
}

/** Describes the first unsafe thing in `text` as a terminal or plain-text UI would show it, or undefined. */
export function plainTextProblem(text: string): string | undefined {
  const bad = UNSAFE_CHARACTER.exec(text);
  return bad ? `raw control or bidi character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')}` : undefined;
}

/**
 * Describes the first unsafe thing in rendered Markdown, or undefined: a raw HTML element, an image, a link
 * other than `allowed`, or a control/bidi character. Judged by current markdown-it and by the emulated older preview.
 */
export function markdownProblem(md: string, allowed: (href: string) => boolean = isAllowedLink): string | undefined {
  const character = plainTextProblem(md.replace(/\r/g, ''));
  if (character) return character;
  const walk = (tokens: MdToken[]): string | undefined => {
    for (const token of tokens) {
      if (token.type === 'html_block' || token.type === 'html_inline') return `raw HTML: ${token.content.slice(0, 60)}`;
      if (token.type === 'image') return `image: ${token.attrGet('src')}`;
      if (token.type === 'link_open') {
        const href = token.attrGet('href') ?? '';
        if (!allowed(href)) return `link to ${href}`;
      }
      if (token.children) {
        const inner = walk(token.children);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return walk(markdown.parse(md, {})) ?? walk(oldPreview.parse(md, {}));
}

/** The text a reader sees when `md` is rendered (tags dropped, entities decoded). */
export function renderedText(md: string): string {
  return markdown
    .render(md)
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Describes the first unsafe thing in text escaped for SVG/HTML content or attributes, or undefined: any
 * markup character, an entity that is not one of ours, a URL scheme, an XML-invalid character.
 */
export function xmlTextProblem(escaped: string): string | undefined {
  if (/[<>"']/.test(escaped)) return 'markup character';
  if (/&(?!(amp|lt|gt|quot|#39);)/.test(escaped)) return 'bare ampersand';
  if (/[a-z][a-z0-9+.-]*:\/\//i.test(escaped)) return 'live URL';
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(escaped)) return 'XML-invalid character';
  return undefined;
}

/** The hostile strings of issue 22, as they arrive from mail, comments, notes and file names. */
export const HOSTILE_STRINGS: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%5Cn%22%7D)',
  'command:workbench.action.terminal.sendSequence?{"text":"id\\n"}',
  '[x](javascript:alert(1))',
  'javascript:alert(1)',
  '<a href="https://evil.example/">lore</a>',
  '<div onmouseover="alert(1)">raw html</div>',
  '![pixel](https://evil.example/p.png)',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007',
  '\u001b]0;new title\u0007',
  '\u009b2J',
  'admin\u202e\u2066gnp.exe',
  '\u2067hidden\u2069 \u200f',
  'a\u0000b\u0008c\u007fd',
];
