import { kernelDocToMarkdown, parseKernelDoc } from '../parsing/kernelDoc';

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
