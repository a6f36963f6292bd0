import { ClientCommands } from '../../../protocol';
import { isKconfigFile } from '../parsing/kernelFiles';
import type { Definition, KernelIndex } from '../indexing/types';
import { getCatalog, lookupSymbol, type Catalog, type CatalogEntry } from './catalog';
import { formatKernelVersion, type KernelVersion } from '../base/kernelVersion';
import { pendingChanges, versionStatus } from './versionStatus';
import {
  codeBlock,
  commandUri,
  escapeMarkdown,
  inlineCode,
  link,
  loreUrl,
  renderLimitedMarkdown,
  sanitizeMarkdown,
} from './markdownText';
import { renderKernelDoc } from './docRendering';
import { catalogEntryForTarget, hoverTargetAt, type HoverTarget } from './hoverTarget';
import { semanticSymbolAt } from '../semantics/symbolResolution';
import type { SemanticDocument, TypeResolver } from '../semantics/typeResolver';
import { localHoverMarkdown, memberHoverMarkdown } from './semanticHover';

/**
 * Builds hover Markdown: for catalog symbols the tree's own signature (all arch variants summarised), the
 * rendered kernel-doc, the curated explanation, the status for this tree's version, the replacement and links
 * (lore, the extension's thread viewer and diagram); for any other indexed symbol signature + doc + location.
 * Shared by the LSP hover and `kernel-mm-lens hover`, so both print the same text.
 */

export interface HoverInput {
  /** The identifier under the cursor (a `CONFIG_` prefix is fine). */
  name: string;
  index?: KernelIndex;
  /** The tree's kernel version (Makefile or override). */
  version?: KernelVersion;
  catalog?: Catalog;
  /** A catalog entry already chosen by the caller (e.g. a struct member resolved from context). */
  entry?: CatalogEntry;
  /** Command links need a client that runs them (VS Code); plain lore links are always included. */
  commandLinks?: boolean;
  /** Only tracked symbols get a hover (generic navigation switched off for clangd users). */
  trackedOnly?: boolean;
  /** The tree is still being indexed: say why the signature and kernel-doc are missing. */
  indexPending?: boolean;
}

const MAX_VARIANTS = 4;

/** Markdown for the symbol, or undefined when there is nothing useful to say. */
export function buildHoverMarkdown(input: HoverInput): string | undefined {
  const catalog = input.catalog ?? getCatalog();
  const entry = input.entry ?? lookupSymbol(input.name, catalog);
  const definitions = findDefinitions(input.index, input.name, entry);
  if (entry) return trackedHover(entry, definitions, input);
  if (input.trackedOnly || definitions.length === 0) return undefined;
  return untrackedHover(input.name, definitions, input.index);
}

function findDefinitions(index: KernelIndex | undefined, name: string, entry: CatalogEntry | undefined): Definition[] {
  if (!index) return [];
  const names = new Set([name, ...(entry ? [entry.name, ...(entry.aliases ?? [])] : [])]);
  if (name.startsWith('CONFIG_')) names.add(name.slice('CONFIG_'.length));
  const found: Definition[] = [];
  const seen = new Set<string>();
  for (const candidate of names) {
    try {
      // The index may answer `CONFIG_FOO` with the Kconfig `FOO` too: keep each definition once.
      for (const def of index.findDefinitions(candidate)) {
        const key = `${def.file}:${def.nameRange.start.line}:${def.nameRange.start.character}:${def.kind}`;
        if (!seen.has(key)) {
          seen.add(key);
          found.push(def);
        }
      }
    } catch {
      // A failing index must not take the hover down; the curated part still helps.
    }
  }
  if (entry?.kind === 'field' && entry.field)
    return found.filter((d) => d.kind === 'field' && d.container === entry.field!.container);
  // Without a struct context a bare identifier is never a member: `page` must not list every `->page` field.
  return found.filter((d) => d.kind !== 'field');
}

function trackedHover(entry: CatalogEntry, definitions: Definition[], input: HoverInput): string {
  const sections: string[] = [];
  const title = entry.kind === 'field' && entry.field ? `struct ${entry.field.container}::${entry.name}` : entry.name;
  sections.push(
    `**${escapeMarkdown(title)}** — ${escapeMarkdown(kindLabel(entry))} · ${entry.topics.map(escapeMarkdown).join(', ')}`,
  );
  sections.push(...signatureSections(definitions, input.index));
  sections.push(...docSections(definitions));
  if (input.indexPending && definitions.length === 0)
    sections.push('*Indexing this tree: the signature and kernel-doc appear here once the index is ready.*');
  sections.push(renderLimitedMarkdown(entry.summary));
  sections.push(renderLimitedMarkdown(entry.explanation.trim()));
  if (entry.requires?.length)
    sections.push(
      `**Caller must hold / guarantee**\n${entry.requires.map((r) => `- ${renderLimitedMarkdown(r)}`).join('\n')}`,
    );
  if (entry.pitfalls?.length)
    sections.push(`**Pitfalls**\n${entry.pitfalls.map((p) => `- ${renderLimitedMarkdown(p)}`).join('\n')}`);
  sections.push(statusSection(entry, input.version, input.index ? definitions.length > 0 : undefined));
  if (entry.replacement) sections.push(`**Replacement:** ${renderLimitedMarkdown(entry.replacement.text)}`);
  if (entry.related?.length) sections.push(`**Related:** ${entry.related.map((r) => inlineCode(r)).join(', ')}`);
  const threads = threadSection(entry, input.commandLinks !== false);
  if (threads) sections.push(threads);
  const diagrams = diagramSection(entry, input.commandLinks !== false);
  if (diagrams) sections.push(diagrams);
  sections.push(`*Sources:* ${entry.sources.map((s) => escapeMarkdown(s)).join(' · ')}`);
  return sections.filter(Boolean).join('\n\n');
}

function untrackedHover(name: string, definitions: Definition[], index: KernelIndex | undefined): string {
  const sections = [`**${escapeMarkdown(name)}** — ${escapeMarkdown(definitions[0].kind)}`];
  sections.push(...signatureSections(definitions, index));
  sections.push(...docSections(definitions));
  return sections.join('\n\n');
}

function kindLabel(entry: CatalogEntry): string {
  return entry.kind === 'kconfig' ? 'Kconfig symbol' : entry.kind.replace('-', ' ');
}

/** Real definitions first; one code block of distinct signatures, then where each variant lives. */
function signatureSections(definitions: Definition[], index: KernelIndex | undefined): string[] {
  if (definitions.length === 0) return [];
  const sections: string[] = [];
  const real = definitions.filter((d) => !d.isDeclaration);
  const shown = real.length ? real : definitions;
  const distinct: Array<{ signature: string; arches: string[] }> = [];
  for (const def of shown) {
    const signature = (def.signature ?? (def.kind === 'kconfig' ? `config ${def.name}` : def.name)).trim();
    const arch = def.arch ?? 'generic';
    const existing = distinct.find((d) => d.signature === signature);
    if (existing) {
      if (!existing.arches.includes(arch)) existing.arches.push(arch);
    } else distinct.push({ signature, arches: [arch] });
  }
  const lines = distinct
    .slice(0, MAX_VARIANTS)
    .map((d) => (distinct.length > 1 ? `/* ${d.arches.join(', ')} */\n${d.signature}` : d.signature));
  if (distinct.length > MAX_VARIANTS) lines.push(`/* … ${distinct.length - MAX_VARIANTS} more variants */`);
  sections.push(codeBlock(lines.join('\n'), definitions[0].kind === 'kconfig' ? 'kconfig' : 'c'));
  sections.push(locationLine(definitions, index));
  return sections;
}

function locationLine(definitions: Definition[], index: KernelIndex | undefined): string {
  const where = (d: Definition) => `${d.file}:${d.nameRange.start.line + 1}`;
  const defs = definitions.filter((d) => !d.isDeclaration);
  const decls = definitions.filter((d) => d.isDeclaration);
  const generic = defs.filter((d) => !d.arch);
  const arches = [...new Set(defs.filter((d) => d.arch).map((d) => d.arch!))];
  const parts: string[] = [];
  if (generic.length)
    parts.push(
      `Defined in ${generic
        .slice(0, 3)
        .map((d) => inlineCode(where(d)))
        .join(', ')}${generic.length > 3 ? ` (+${generic.length - 3})` : ''}`,
    );
  if (arches.length) {
    const perArch = arches.map(
      (arch) => `${escapeMarkdown(arch)} (${inlineCode(where(defs.find((d) => d.arch === arch)!))})`,
    );
    parts.push(
      `${generic.length ? 'arch variants' : 'Defined per arch'}: ${perArch.slice(0, 8).join(', ')}${perArch.length > 8 ? ', …' : ''}`,
    );
  }
  if (decls.length)
    parts.push(
      `declared in ${decls
        .slice(0, 2)
        .map((d) => inlineCode(where(d)))
        .join(', ')}`,
    );
  if (definitions[0].kind === 'kconfig' && index) {
    const selectors = safeFilesMentioning(index, definitions[0].name).filter(
      (f) => isKconfigFile(f) && !definitions.some((d) => d.file === f),
    );
    if (selectors.length)
      parts.push(
        `used in ${selectors
          .slice(0, 6)
          .map((f) => inlineCode(f))
          .join(', ')}${selectors.length > 6 ? ', …' : ''}`,
      );
  }
  return parts.join('; ') + '.';
}

function safeFilesMentioning(index: KernelIndex, name: string): string[] {
  try {
    return index.filesMentioning(name);
  } catch {
    return [];
  }
}

function docSections(definitions: Definition[]): string[] {
  const withDoc = definitions.find((d) => d.doc && d.doc.trim());
  if (!withDoc?.doc) return [];
  const rendered = sanitizeMarkdown(renderKernelDoc(withDoc.doc)).trim();
  return rendered ? [rendered] : [];
}

function statusSection(
  entry: CatalogEntry,
  version: KernelVersion | undefined,
  definedInTree: boolean | undefined,
): string {
  const status = versionStatus(entry, version, { definedInTree });
  const lines = [
    `**Status${version ? ` for this tree (${formatKernelVersion(version)})` : ''}:** ${renderLimitedMarkdown(status.text)}`,
  ];
  const timeline: string[] = [];
  if (entry.status.introduced)
    timeline.push(
      `${entry.status.introduced.bound === 'at-or-before' ? 'present by' : 'introduced'} ${entry.status.introduced.release}`,
    );
  for (const change of entry.status.changed ?? [])
    timeline.push(`changed ${change.release}${change.what ? ` (${change.what})` : ''}`);
  if (entry.status.removed)
    timeline.push(
      `${entry.status.removed.bound === 'at-or-before' ? 'gone by' : 'removed'} ${entry.status.removed.release}`,
    );
  if (timeline.length) lines.push(`- Timeline: ${renderLimitedMarkdown(timeline.join('; '))}`);
  const later = pendingChanges(entry, version);
  if (version && later.length)
    lines.push(
      `- Changes after this tree: ${renderLimitedMarkdown(later.map((c) => `${c.release}: ${c.what ?? c.source}`).join('; '))}`,
    );
  return lines.join('\n');
}

function threadSection(entry: CatalogEntry, commands: boolean): string | undefined {
  if (!entry.threads?.length) return undefined;
  const lines = entry.threads.map((thread) => {
    const lore = link(thread.subject, loreUrl(thread.messageId));
    const open = commands
      ? ` · ${link('open in editor', commandUri(ClientCommands.openThread, [thread.messageId, entry.name]))}`
      : '';
    return `- ${lore} — ${escapeMarkdown(thread.author)}, ${escapeMarkdown(thread.date)}${open}\n  ${renderLimitedMarkdown(thread.point)}`;
  });
  return `**Review threads**\n${lines.join('\n')}`;
}

function diagramSection(entry: CatalogEntry, commands: boolean): string | undefined {
  if (!entry.diagrams?.length) return undefined;
  const labels = entry.diagrams.map((d) => {
    const label = `${d.id} lifecycle${d.variant ? ` (${d.variant})` : ''}`;
    return commands
      ? link(label, commandUri(ClientCommands.openDiagram, [{ id: d.id, variant: d.variant, symbol: entry.name }]))
      : escapeMarkdown(label);
  });
  return `**Lifecycle diagrams:** ${labels.join(' · ')}`;
}

export interface HoverAtInput extends Omit<HoverInput, 'name' | 'entry'> {
  /** Document text and its file name (Kconfig files are recognised by name). */
  text: string;
  fileName: string;
  /** 0-based line and UTF-16 character. */
  line: number;
  character: number;
  /** The document's tree and the semantic services: locals and members are answered from them first. */
  semantics?: HoverSemantics;
}

export interface HoverSemantics {
  resolver: TypeResolver;
  /** The same text as `HoverAtInput.text`, with its tree. */
  document: SemanticDocument;
}

export interface HoverAtResult {
  markdown: string;
  target: HoverTarget;
  entry?: CatalogEntry;
}

/** The hover for a position in a document: what `textDocument/hover` and `kernel-mm-lens hover` both print. */
export function hoverAt(input: HoverAtInput): HoverAtResult | undefined {
  const target = hoverTargetAt(input.text, input.line, input.character, input.fileName);
  if (!target) return undefined;
  const catalog = input.catalog ?? getCatalog();
  if (input.semantics && !target.kconfig) {
    const answer = semanticHover(input, input.semantics, target, catalog);
    if (answer !== 'not-semantic') return answer;
  }
  const entry = catalogEntryForTarget(target, catalog);
  // A member access that is not a tracked member says nothing about a same-named function.
  if (!entry && target.member) return undefined;
  const markdown = buildHoverMarkdown({ ...input, name: target.name, catalog, entry });
  return markdown ? { markdown, target, entry } : undefined;
}

/**
 * A local shows its own declaration (never the tree's same-named symbols); a member its field, or, for a tracked
 * member (`dev_pagemap_ops.migrate_to_ram`), the catalog entry of the struct the access resolves to.
 * 'not-semantic': neither, the usual hover applies.
 */
function semanticHover(
  input: HoverAtInput,
  semantics: HoverSemantics,
  target: HoverTarget,
  catalog: Catalog,
): HoverAtResult | undefined | 'not-semantic' {
  const start = offsetOfPosition(semantics.document.text, target.line, target.startCharacter);
  const end = start + (target.endCharacter - target.startCharacter);
  if (start < 0 || semantics.document.text.slice(start, end) !== target.name) return 'not-semantic';
  const symbol = semanticSymbolAt(semantics.resolver, semantics.document, start, end);
  if (!symbol) return 'not-semantic';
  if (symbol.kind === 'local') {
    if (input.trackedOnly) return undefined;
    return { markdown: localHoverMarkdown(semantics.resolver, semantics.document, symbol.local), target };
  }
  const container = symbol.member.record?.name;
  const resolved: HoverTarget = container
    ? { ...target, member: { base: target.member?.base ?? '', container } }
    : target;
  const entry = catalogEntryForTarget(resolved, catalog);
  if (entry) {
    const markdown = buildHoverMarkdown({ ...input, name: target.name, catalog, entry });
    return markdown ? { markdown, target: resolved, entry } : undefined;
  }
  if (input.trackedOnly) return undefined;
  const markdown = memberHoverMarkdown(symbol.member);
  return markdown ? { markdown, target: resolved } : undefined;
}

function offsetOfPosition(text: string, line: number, character: number): number {
  let offset = 0;
  for (let k = 0; k < line; k++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return -1;
    offset = next + 1;
  }
  return offset + character;
}
