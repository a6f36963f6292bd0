import { kernelDocToMarkdown, parseKernelDoc, type KernelDoc } from '../parsing/kernelDoc';

/**
 * Renders a raw `/** ... *\/` kernel-doc comment for hovers (parameters, `Context:`, `Return:`), escaped.
 * A comment the parser chokes on is shown as nothing rather than breaking the hover.
 */
export function renderKernelDoc(raw: string): string {
  try {
    return kernelDocToMarkdown(parseKernelDoc(raw), true);
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
