import type { Definition } from '../indexing/types';
import { parseKernelDoc } from '../parsing/kernelDoc';
import { typeText, type CType, type FieldInfo } from '../semantics/cTypes';
import type { LocalDeclaration } from '../semantics/scopes';
import type { MemberResolution } from '../semantics/symbolResolution';
import type { SemanticDocument, TypeResolver } from '../semantics/typeResolver';
import { codeBlock, escapeMarkdown, inlineCode } from './markdownText';

/**
 * Hover text for what the document itself resolves: a local shows its own declaration and type (never the
 * tree's same-named symbols), a parameter also its kernel-doc line, a member the field with its struct and its
 * comment. Source text is untrusted: everything goes through the Markdown escapes.
 */

const KIND_LABEL: Record<LocalDeclaration['kind'], string> = {
  local: 'local variable',
  parameter: 'parameter',
  'macro-local': 'local variable',
  label: 'label',
  'macro-parameter': 'macro parameter',
};

/** Markdown for a local, parameter, label or macro parameter of `document`. */
export function localHoverMarkdown(
  resolver: TypeResolver,
  document: SemanticDocument,
  local: LocalDeclaration,
): string {
  const position = resolver.locator(document).position(local.start);
  const where = local.functionName
    ? ` in ${inlineCode(`${local.functionName}${local.kind === 'macro-parameter' ? '' : '()'}`)}`
    : '';
  const ordinal =
    local.kind === 'parameter' && local.parameterIndex !== undefined ? ` ${local.parameterIndex + 1}` : '';
  const sections = [`**${escapeMarkdown(local.name)}** — ${KIND_LABEL[local.kind]}${ordinal}${where}`];
  sections.push(codeBlock(local.kind === 'label' ? `${local.name}:` : local.declarationText, 'c'));
  const facts: string[] = [];
  if (local.kind === 'macro-local') facts.push(`Declared by ${inlineCode(local.declarationText)}.`);
  facts.push(`Declared at line ${position.line + 1}${document.file ? ` of ${inlineCode(document.file)}` : ''}.`);
  const typeLine = typeDefinitionLine(resolver, document, local.type);
  if (typeLine) facts.push(typeLine);
  sections.push(facts.join(' '));
  if (local.kind === 'parameter' && local.functionName) {
    const description = parameterDoc(resolver, document, local.functionName, local.name);
    if (description) sections.push(`${inlineCode(`@${local.name}`)}: ${escapeMarkdown(description)}`);
  }
  return sections.join('\n\n');
}

/** Markdown for a resolved member: its declaration(s), struct, place and comment; undefined without a field. */
export function memberHoverMarkdown(member: MemberResolution): string | undefined {
  const fields = member.fields;
  if (fields.length === 0) return undefined;
  const first = fields[0];
  const sections = [`**${escapeMarkdown(first.name)}** — field of ${inlineCode(first.container)}${viaText(first)}`];
  const declarations = [...new Set(fields.map((f) => f.declaration))];
  sections.push(codeBlock(declarations.join('\n'), 'c'));
  const comment = fields.find((f) => f.comment)?.comment;
  if (comment) sections.push(escapeMarkdown(comment));
  const places = fields.filter((f) => f.file).map((f) => inlineCode(`${f.file}:${f.line + 1}`));
  if (places.length)
    sections.push(`Defined in ${places.join(', ')}${fields.length > 1 ? ' (one per #if branch)' : ''}.`);
  return sections.join('\n\n');
}

function viaText(field: FieldInfo): string {
  return field.via?.length ? ` (in an anonymous ${field.via.map(escapeMarkdown).join(' in an anonymous ')})` : '';
}

/** "Type: `struct folio` (`include/linux/mm_types.h:300`)." for types the tree defines. */
function typeDefinitionLine(resolver: TypeResolver, document: SemanticDocument, type: CType): string | undefined {
  if (type.kind === 'unknown') return undefined;
  let base: CType = type;
  for (let depth = 0; depth < 8 && base.kind === 'pointer'; depth++) base = base.to;
  const record =
    base.kind === 'tag' || base.kind === 'named' || base.kind === 'record'
      ? resolver.recordOf(base, document)
      : undefined;
  const shown = inlineCode(typeText(type));
  if (record?.file) return `Type: ${shown} (${inlineCode(`${record.file}:${record.line + 1}`)}).`;
  return `Type: ${shown}.`;
}

/** The `@name:` line of the enclosing function's kernel-doc, from the index's definition in this file. */
function parameterDoc(
  resolver: TypeResolver,
  document: SemanticDocument,
  functionName: string,
  name: string,
): string | undefined {
  const accept = (d: Definition) => d.kind === 'function' && d.file === document.file && !!d.doc;
  const definition = resolver.definitions.definitions(functionName, accept, document.file)[0];
  if (!definition?.doc) return undefined;
  try {
    return (
      parseKernelDoc(definition.doc)
        .params.find((p) => p.name === name)
        ?.description.trim() || undefined
    );
  } catch {
    return undefined;
  }
}
