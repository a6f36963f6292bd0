import { escapeMarkdown } from './markdownText';

/**
 * Renders a raw `/** ... *\/` kernel-doc comment for hovers.
 * TEMPORARY fallback until server/src/parsing/kernelDoc.ts (parseKernelDoc/kernelDocToMarkdown) lands:
 * strips the comment markers and escapes every line.
 */
export function renderKernelDoc(raw: string): string {
  const body = raw
    .replace(/^\s*\/\*\*?/, '')
    .replace(/\*\/\s*$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
  return body.split('\n').map((line) => escapeMarkdown(line)).join('  \n');
}
