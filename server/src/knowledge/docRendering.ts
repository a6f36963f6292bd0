import { DEFINITION_ITEM, parseKernelDoc, type KernelDoc } from '../parsing/kernelDoc';
import { escapeMarkdown } from './markdownText';

/**
 * Renders a raw `/** ... *\/` kernel-doc comment for hovers (parameters, `Context:`, `Return:`), escaped with
 * the one Markdown escape (knowledge/markdownText.ts): a comment is untrusted text from the tree.
 * A comment the parser chokes on is shown as nothing rather than breaking the hover.
 */
export function renderKernelDoc(raw: string): string {
  try {
    return kernelDocToMarkdown(parseKernelDoc(raw));
  } catch {
    return '';
  }
}

export interface ShortDoc {
  markdown: string;
  /** Whether anything was left out. */
  shortened: boolean;
  /** The `Context:` section as plain text, for hovers that lead with the caller's duties. */
  context?: string;
}

/**
 * The kernel-doc for a hover that has already said what only this product knows: the summary, parameters,
 * `Context:` and `Return:` in full, the free text cut after `bodyParagraphs` paragraphs. With `onScreen` (the
 * hover is on the definition, so the comment is right above it) only the summary line is kept.
 */
export function renderShortKernelDoc(
  raw: string,
  options: { bodyParagraphs: number; onScreen?: boolean },
): ShortDoc | undefined {
  let doc: KernelDoc;
  try {
    doc = parseKernelDoc(raw);
  } catch {
    return undefined;
  }
  const context = doc.context?.replace(/\s+/g, ' ').trim() || undefined;
  if (options.onScreen) {
    const shortened = Boolean(doc.params.length || doc.body || doc.context || doc.returns);
    return { markdown: kernelDocToMarkdown({ summary: doc.summary, params: [], body: '' }), shortened, context };
  }
  const paragraphs = doc.body ? doc.body.split('\n\n') : [];
  const kept = paragraphs.slice(0, Math.max(0, options.bodyParagraphs));
  const markdown = kernelDocToMarkdown({ ...doc, body: kept.join('\n\n') });
  return { markdown, shortened: kept.length < paragraphs.length, context };
}

/** Markdown for a hover; every piece of comment text is escaped. */
export function kernelDocToMarkdown(doc: KernelDoc): string {
  const out: string[] = [];
  if (doc.summary) out.push(escapeWithLists(doc.summary));
  if (doc.params.length > 0) {
    out.push(
      '**Parameters**\n\n' +
        doc.params.map((param) => `- ${paramName(param.name)} — ${escapeWithLists(param.description)}`).join('\n'),
    );
  }
  if (doc.body) out.push(escapeWithLists(doc.body));
  const section = (heading: string, body: string) => {
    const rendered = escapeWithLists(body);
    // A section that opens with a list needs the list on its own lines.
    out.push(rendered.startsWith('- ') ? `**${heading}:**\n\n${rendered}` : `**${heading}:** ${rendered}`);
  };
  if (doc.context) section('Context', doc.context);
  if (doc.returns) section('Return', doc.returns);
  return out.join('\n\n');
}

/** Escapes each line; list items of the comment become Markdown list items with our own marker. */
function escapeWithLists(value: string): string {
  return value
    .split('\n')
    .map((line) => {
      const item = /^(?:[-*]|--|\d+[.)])\s+(.*)$/.exec(line);
      if (item) return `- ${escapeMarkdown(item[1])}`;
      // A definition item keeps its label: `- -EINVAL: Invalid arguments ...`.
      if (DEFINITION_ITEM.test(line)) return `- ${escapeMarkdown(line.replace(/\s+/g, ' '))}`;
      return escapeMarkdown(line);
    })
    .join('\n');
}

function paramName(name: string): string {
  // Parameter names come from the comment too: only a plain identifier goes into a code span.
  if (/^[\w.]+$/.test(name)) return '`' + name + '`';
  return escapeMarkdown(name);
}
