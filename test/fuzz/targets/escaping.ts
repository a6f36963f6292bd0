/**
 * Fuzz target: the escaping primitives every sink goes through, on arbitrary text. Markdown-escaped text must
 * render to no element and no link; code spans and blocks must not be broken out of; SVG/XML-escaped text
 * must carry no markup, no live URL and no XML-invalid character; Mermaid labels no syntax character.
 */
import { escapeXml, escapeMermaid } from '../../../server/src/diagrams/escape';
import { codeBlock, escapeMarkdown, inlineCode, link, loreUrl } from '../../../server/src/knowledge/markdownText';
import { markdownProblem, xmlTextProblem } from '../outputSafety';

function check(what: string, problem: string | undefined, input: string): void {
  if (problem) throw new Error(`${what} of ${JSON.stringify(input.slice(0, 120))}: ${problem}`);
}

export function fuzz(data: Buffer): void {
  const text = data.toString('utf8');
  check('escapeMarkdown', markdownProblem(escapeMarkdown(text)), text);
  check('inlineCode', markdownProblem(`see ${inlineCode(text)} here`), text);
  check('codeBlock', markdownProblem(codeBlock(text)), text);
  check('link to lore', markdownProblem(link(text, loreUrl(text))), text);
  check('escapeXml', xmlTextProblem(escapeXml(text)), text);
  const mermaid = escapeMermaid(text);
  if (/["<>&|[\]{}()`\n\r]/.test(mermaid.replace(/#(?:quot|lt|gt|amp|\d+);/g, '')))
    check('escapeMermaid', 'syntax character', text);
}
