/**
 * Kernel-doc comments (Documentation/doc-guide/kernel-doc.rst): parsing the raw `/** ... *\/` block that
 * the extractor attaches to a definition, and rendering it as Markdown for hovers. Comment text is
 * untrusted: the renderer escapes everything that Markdown or HTML would interpret.
 */

export interface KernelDocParam {
  name: string;
  description: string;
}

export interface KernelDoc {
  /** Name in the first line (`folio_lock`, `struct folio`, `DOC: title`), when present. */
  name?: string;
  /** Brief description (after `name -`). */
  summary: string;
  params: KernelDocParam[];
  context?: string;
  returns?: string;
  /** Remaining description (other sections such as `Note:` included), paragraphs separated by blank lines. */
  body: string;
}

const SECTION = /^(context|returns?|return value|note|notes|locking|example|see also)\s*:\s*(.*)$/i;
const PARAM = /^@([^\s:]+)\s*:\s*(.*)$/;
const SUMMARY = /^((?:struct|union|enum|typedef)\s+\w+|DOC|[\w]+(?:\(\))?)\s*(?:-|:)\s*(.*)$/;

/** The comment's lines without the `/**`, `*\/` and leading ` * ` decoration. */
function commentLines(raw: string): string[] {
  let body = raw.trim();
  if (body.startsWith('/**')) body = body.slice(3);
  else if (body.startsWith('/*')) body = body.slice(2);
  if (body.endsWith('*/')) body = body.slice(0, -2);
  const lines = body.split(/\r\n|\r|\n/).map((line) => line.replace(/^\s*\*(?!\/) ?/, '').replace(/\s+$/, ''));
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

export function parseKernelDoc(raw: string): KernelDoc {
  const lines = commentLines(raw);
  const doc: KernelDoc = { summary: '', params: [], body: '' };
  const body: string[] = [];
  let index = 0;

  // Brief description: first line (`name - text`), continued until a blank line or an @param.
  if (lines.length > 0) {
    const first = lines[0].trim();
    const match = SUMMARY.exec(first);
    const summary: string[] = [];
    if (match) {
      doc.name = match[1];
      summary.push(match[2]);
    } else summary.push(first);
    index = 1;
    while (
      index < lines.length &&
      lines[index].trim() !== '' &&
      !PARAM.test(lines[index].trim()) &&
      !SECTION.test(lines[index].trim())
    ) {
      summary.push(lines[index].trim());
      index++;
    }
    doc.summary = summary.join(' ').trim();
  }

  type Target =
    { kind: 'param'; param: KernelDocParam } | { kind: 'context' | 'returns'; parts: string[] } | { kind: 'body' };
  let target: Target = { kind: 'body' };
  const context: string[] = [];
  const returns: string[] = [];
  for (; index < lines.length; index++) {
    const line = lines[index];
    const trimmed = line.trim();
    const param = PARAM.exec(trimmed);
    if (param) {
      const entry = { name: param[1], description: param[2].trim() };
      doc.params.push(entry);
      target = { kind: 'param', param: entry };
      continue;
    }
    const section = SECTION.exec(trimmed);
    if (section) {
      const heading = section[1].toLowerCase();
      if (heading === 'context') {
        target = { kind: 'context', parts: context };
        context.push(section[2]);
        continue;
      }
      if (heading.startsWith('return')) {
        target = { kind: 'returns', parts: returns };
        returns.push(section[2]);
        continue;
      }
      target = { kind: 'body' };
      body.push(trimmed);
      continue;
    }
    if (trimmed === '') {
      // A blank line ends a parameter description; sections keep their paragraphs.
      if (target.kind === 'param') target = { kind: 'body' };
      if (target.kind === 'body') body.push('');
      else target.parts.push('');
      continue;
    }
    if (target.kind === 'param') target.param.description = `${target.param.description} ${trimmed}`.trim();
    else if (target.kind === 'body') body.push(trimmed);
    else target.parts.push(trimmed);
  }
  const joined = (parts: string[]) => collapseParagraphs(parts);
  if (context.length > 0) doc.context = joined(context);
  if (returns.length > 0) doc.returns = joined(returns);
  doc.body = joined(body);
  return doc;
}

const LIST_ITEM = /^(?:[-*]|--|\d+[.)])\s+\S/;
/**
 * A definition item: a return value or constant, then `:` or ` - ` and its meaning (`-EINVAL:\tInvalid ...`,
 * `%true: ...`, `0 - success`). Only short value-like labels count, so a prose line with a colon stays prose.
 */
export const DEFINITION_ITEM = /^(?:-?E[A-Z0-9]+|-?\d+|%[-\w]+|NULL|true|false|VM_FAULT_\w+)(?:\s*:\s+|\s+-\s+)\S/;

function startsItem(text: string): boolean {
  return LIST_ITEM.test(text) || DEFINITION_ITEM.test(text);
}

/**
 * Lines to paragraphs: wrapped lines joined by a space, paragraphs separated by one blank line. List
 * items (`* 0 - success`, `- item`, `1. step`) keep a line of their own, continuation lines joined to them.
 */
function collapseParagraphs(lines: string[]): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  let line = '';
  const endLine = () => {
    if (line) current.push(line);
    line = '';
  };
  const endParagraph = () => {
    endLine();
    if (current.length > 0) paragraphs.push(current.join('\n'));
    current = [];
  };
  for (const raw of lines) {
    const text = raw.trim();
    if (text === '') {
      endParagraph();
      continue;
    }
    if (startsItem(text)) endLine();
    line = line ? `${line} ${text}` : text;
  }
  endParagraph();
  return paragraphs.join('\n\n');
}
