/**
 * Fuzz target: the kernel-doc renderer behind hovers, on an arbitrary comment. The Markdown it produces must
 * render with no raw HTML element, no image, no link but lore and our own commands, and no control or bidi
 * character (judged by markdown-it, not by our own escaping).
 */
import { renderKernelDoc } from '../../../server/src/knowledge/docRendering';
import { markdownProblem } from '../outputSafety';

export function fuzz(data: Buffer): void {
  const body = data.toString('utf8');
  // Half the inputs get the comment frame, so the parser's paths past "/**" are reached at once.
  const raw = data.length > 0 && data[0] % 2 === 0 ? `/**\n${body}\n */` : body;
  const markdown = renderKernelDoc(raw);
  const problem = markdownProblem(markdown);
  if (problem)
    throw new Error(`kernel-doc hover Markdown carries ${problem}: ${JSON.stringify(markdown.slice(0, 200))}`);
}
