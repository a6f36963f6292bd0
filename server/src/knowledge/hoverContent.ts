import { ClientCommands, type ThreadListEntry } from '../../../protocol';
import { isKconfigFile } from '../parsing/kernelFiles';
import type { Definition, KernelIndex } from '../indexing/types';
import { getCatalog, lookupSymbol, type Catalog, type CatalogEntry } from './catalog';
import type { KernelVersion } from '../base/kernelVersion';
import * as fs from 'fs';
import { versionStatus } from './versionStatus';
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
import { renderKernelDoc, renderShortKernelDoc } from './docRendering';
import { catalogEntryForTarget, hoverTargetAt, type HoverTarget } from './hoverTarget';
import { semanticSymbolAt } from '../semantics/symbolResolution';
import type { SemanticDocument, TypeResolver } from '../semantics/typeResolver';
import { localHoverMarkdown, memberHoverMarkdown } from './semanticHover';
import {
  completeSignature,
  leadLines,
  linkMessageIds,
  sourcesLine,
  timelineLine,
  upstreamSignatureNote,
  type EventInTree,
} from './hoverSections';
import { summarizeForSymbol, type TreeChanges } from './changes/treeChanges';
import type { ChangeResult } from './changes/changeTypes';

/**
 * Builds hover Markdown. For catalog symbols it leads with what only this product knows, in a compact block: the
 * status for this tree (release-based, plus what the tree's code has of the tracked changes, backports
 * included), the replacement, what the caller must hold, the top pitfall and the review-thread count. Then the
 * tree's own signature (all arch variants summarised; the upstream declaration when the tree has none), the
 * curated explanation, full duties and pitfalls, the timeline, links (lore, the extension's thread viewer and
 * diagram) and last the tree's kernel-doc, shortened. Any other indexed symbol gets signature + doc + location.
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
  /** What this tree's code has of the tracked upstream changes (the evidence service). */
  changes?: TreeChanges;
  /**
   * Where the hover is: tree-relative file and 0-based line. On a definition's own line its kernel-doc is on
   * screen right above, so the hover keeps only its summary.
   */
  at?: { file: string; line: number };
  /**
   * The thread service's list for a name (the same one the code lens counts and the thread list shows). Without
   * it the hover lists the threads the catalog entry cites.
   */
  threads?: (name: string) => HoverThreads | undefined;
  /**
   * Where a function is installed in ops tables (knowledge/opsTables.ts `installationsOf`): undefined when not
   * asked or too widely used to look.
   */
  installedIn?: (name: string) => readonly InstallSite[] | undefined;
}

/** A store of a function into a struct's function-pointer field. */
export interface InstallSite {
  type?: string;
  field: string;
  /** Tree-relative file and 0-based line of the store. */
  file: string;
  line: number;
  inferred: boolean;
  macro?: string;
}

/** Stores a hover lists before "… N more". */
const MAX_INSTALL_SITES = 4;

export interface HoverThreads {
  entries: ThreadListEntry[];
  /** The user's mail is still being read: the list may grow. */
  pending?: boolean;
}

/** Thread entries a hover lists before "… N more". */
const MAX_HOVER_THREADS = 5;

/** Paragraphs of kernel-doc free text kept in a tracked hover (parameters, Context and Return always stay). */
const DOC_BODY_PARAGRAPHS = 2;

const MAX_VARIANTS = 4;

/** Markdown for the symbol, or undefined when there is nothing useful to say. */
export function buildHoverMarkdown(input: HoverInput): string | undefined {
  const catalog = input.catalog ?? getCatalog();
  const entry = input.entry ?? lookupSymbol(input.name, catalog);
  const definitions = findDefinitions(input.index, input.name, entry);
  if (entry) return trackedHover(entry, definitions, input);
  if (input.trackedOnly || definitions.length === 0) return undefined;
  return untrackedHover(input.name, definitions, input.index, installedSection(input, definitions));
}

/**
 * `installed in: dev_pagemap_ops.migrate_to_ram (lib/test_hmm.c:1402)`: where a callback is stored, so a reader of
 * the function knows who calls it (the call hierarchy lists the calls through those fields).
 */
function installedSection(input: HoverInput, definitions: Definition[]): string | undefined {
  if (!input.installedIn || !definitions.some((d) => d.kind === 'function' || d.kind === 'generated')) return undefined;
  let sites: readonly InstallSite[] | undefined;
  try {
    sites = input.installedIn(input.name);
  } catch {
    return undefined; // a bonus: a failing scan must not take the hover down
  }
  if (!sites || sites.length === 0) return undefined;
  const distinct = new Map<string, InstallSite>();
  for (const site of sites) distinct.set(`${site.type ?? '?'}.${site.field}\0${site.file}:${site.line}`, site);
  const shown = [...distinct.values()].slice(0, MAX_INSTALL_SITES).map((site) => {
    const notes = [site.macro && `by ${site.macro}()`, site.inferred && 'type inferred from the field name'].filter(
      Boolean,
    );
    return `${inlineCode(`${site.type ?? '?'}.${site.field}`)} (${inlineCode(`${site.file}:${site.line + 1}`)}${notes.length ? `, ${notes.join(', ')}` : ''})`;
  });
  const more = distinct.size > MAX_INSTALL_SITES ? ` · … ${distinct.size - MAX_INSTALL_SITES} more` : '';
  return `**installed in:** ${shown.join(' · ')}${more}`;
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
  const definedInTree = input.index ? definitions.length > 0 : undefined;
  const status = versionStatus(entry, input.version, { definedInTree });
  const evidence = input.changes ? symbolEvidence(input.changes, entry) : undefined;
  const doc = kernelDocFor(definitions, input);
  // One count: the lead says as many threads as the list below (the thread service's, else the catalog's).
  const listed = input.threads?.(entry.name);
  sections.push(
    ...leadLines({
      entry,
      version: input.version,
      statusText: status.text,
      changesText: evidence?.text,
      threadCount: listed ? listed.entries.length : (entry.threads?.length ?? 0),
      docContext: doc?.context,
    }),
  );
  if (definitions.length) {
    sections.push(...signatureSections(definitions, input.index));
    const installed = installedSection(input, definitions);
    if (installed) sections.push(installed);
  } else {
    const upstream = upstreamSignatureNote(entry, input.index !== undefined);
    if (upstream && entry.upstreamSignature) sections.push(`${upstream}\n${codeBlock(entry.upstreamSignature.text)}`);
    if (input.indexPending)
      sections.push('*Indexing this tree: the signature and kernel-doc appear here once the index is ready.*');
  }
  sections.push(linkMessageIds(renderLimitedMarkdown(entry.summary)));
  sections.push(linkMessageIds(renderLimitedMarkdown(entry.explanation.trim())));
  if ((entry.requires?.length ?? 0) > 1)
    sections.push(
      `**Caller must hold / guarantee**\n${entry.requires!.map((r) => `- ${linkMessageIds(renderLimitedMarkdown(r))}`).join('\n')}`,
    );
  if ((entry.pitfalls?.length ?? 0) > 1)
    sections.push(
      `**Pitfalls**\n${entry.pitfalls!.map((p) => `- ${linkMessageIds(renderLimitedMarkdown(p))}`).join('\n')}`,
    );
  const timeline = timelineLine(entry, input.version, evidence?.eventInTree);
  if (timeline) sections.push(timeline);
  if (evidence?.details) sections.push(evidence.details);
  if (entry.related?.length) sections.push(`**Related:** ${entry.related.map((r) => inlineCode(r)).join(', ')}`);
  const threads = listed
    ? serviceThreadSection(entry, listed, input.commandLinks !== false)
    : threadSection(entry, input.commandLinks !== false);
  if (threads) sections.push(threads);
  const diagrams = diagramSection(entry, input.commandLinks !== false);
  if (diagrams) sections.push(diagrams);
  if (doc?.markdown) sections.push(doc.markdown);
  sections.push(sourcesLine(entry.sources));
  return sections.filter(Boolean).join('\n\n');
}

interface SymbolEvidence {
  text?: string;
  /** One line per tracked change with its evidence location, for the body of the hover. */
  details?: string;
  eventInTree: EventInTree;
}

/** The tracked changes touching the symbol, as the tree's code has them. */
function symbolEvidence(changes: TreeChanges, entry: CatalogEntry): SymbolEvidence | undefined {
  let summary;
  try {
    summary = summarizeForSymbol(changes, entry.name);
  } catch {
    // Evidence is a bonus: a failing probe must not take the hover down.
    return undefined;
  }
  const decided = [...summary.present, ...summary.partial, ...summary.absent];
  const eventInTree: EventInTree = (event) => {
    const match = decided.find((r) => mentions(event.source, r));
    if (!match) return undefined;
    return match.status === 'present' ? 'backport' : match.status === 'partial' ? 'partial' : undefined;
  };
  const details = decided.length
    ? `**Tracked changes in this tree's code**\n${decided.map(changeLine).join('\n')}`
    : undefined;
  return { text: summary.text, details, eventInTree };
}

/** Whether a catalog event's source names the change (its Message-ID or its commit). */
function mentions(source: string, result: ChangeResult): boolean {
  const { change } = result;
  if (change.message?.id && source.includes(change.message.id)) return true;
  return Boolean(change.commit && source.includes(change.commit.slice(0, 12)));
}

function changeLine(result: ChangeResult): string {
  const { change } = result;
  const where = result.evidence
    ? ` at ${inlineCode(`${result.evidence.file}${result.evidence.line ? `:${result.evidence.line}` : ''}`)}`
    : '';
  const subject = change.message?.id
    ? link(change.subject, loreUrl(change.message.id))
    : escapeMarkdown(change.subject);
  const release = change.release.version ? `mainline ${change.release.version}` : 'no mainline release yet';
  return `- ${result.status}: ${subject} (${escapeMarkdown(release)})${where}`;
}

/** The tree's kernel-doc for the hover's end: shortened, and only its summary when it is on screen. */
function kernelDocFor(definitions: Definition[], input: HoverInput) {
  const withDoc = definitions.find((d) => d.doc && d.doc.trim());
  if (!withDoc?.doc) return undefined;
  const onScreen = Boolean(
    input.at &&
    definitions.some(
      (d) =>
        d.file === input.at!.file &&
        input.at!.line >= d.nameRange.start.line - 1 &&
        input.at!.line <= d.nameRange.start.line + 1,
    ),
  );
  const short = renderShortKernelDoc(withDoc.doc, { bodyParagraphs: DOC_BODY_PARAGRAPHS, onScreen });
  if (!short) return undefined;
  const body = sanitizeMarkdown(short.markdown).trim();
  if (!body) return { ...short, markdown: '' };
  const where = inlineCode(`${withDoc.file}:${withDoc.nameRange.start.line + 1}`);
  const note = short.shortened
    ? onScreen
      ? '\n\n*Full kernel-doc above the definition.*'
      : `\n\n*Kernel-doc shortened; the full text is above ${where}.*`
    : '';
  return { ...short, markdown: `**Kernel-doc** (${where})\n\n${body}${note}` };
}

function untrackedHover(
  name: string,
  definitions: Definition[],
  index: KernelIndex | undefined,
  installed: string | undefined,
): string {
  const sections = [`**${escapeMarkdown(name)}** — ${escapeMarkdown(definitions[0].kind)}`];
  sections.push(...signatureSections(definitions, index));
  if (installed) sections.push(installed);
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
    const signature = fullSignature(def, index);
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

/** The definition's declaration text; a function-pointer member the index cut is completed from the file. */
function fullSignature(def: Definition, index: KernelIndex | undefined): string {
  const recorded = (def.signature ?? (def.kind === 'kconfig' ? `config ${def.name}` : def.name)).trim();
  if (def.kind !== 'field' || !index || !/\(\s*\*\s*\w+$/.test(recorded)) return recorded;
  try {
    const absolute = index.absolutePath(def.file);
    if (fs.statSync(absolute).size > 4 * 1024 * 1024) return recorded;
    const lines = fs.readFileSync(absolute, 'utf8').split('\n');
    return completeSignature(recorded, lines, def.nameRange.start.line);
  } catch {
    return recorded;
  }
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

/** The thread service's entries: one per patch (versions folded), the count the code lens shows. */
function serviceThreadSection(entry: CatalogEntry, threads: HoverThreads, commands: boolean): string | undefined {
  const { entries } = threads;
  if (entries.length === 0 && !threads.pending) return undefined;
  const lines = entries.slice(0, MAX_HOVER_THREADS).map((thread) => {
    const versions = thread.versions?.length ?? 0;
    const title = thread.title || thread.subject;
    const lore = thread.url ? link(title, thread.url) : escapeMarkdown(title);
    const version = thread.version ? `, v${thread.version}${versions > 1 ? ` (${versions} versions)` : ''}` : '';
    const open =
      commands && thread.local
        ? ` · ${link('open in editor', commandUri(ClientCommands.openThread, [thread.messageId, entry.name]))}`
        : '';
    const inTree = thread.inTree ? ` · ${escapeMarkdown(thread.inTree.text)}` : '';
    const summary = thread.summary ? `\n  ${renderLimitedMarkdown(thread.summary)}` : '';
    return `- ${lore} — ${thread.relation}${version}, ${escapeMarkdown(thread.author)}, ${escapeMarkdown(thread.date.slice(0, 10))}${inTree}${open}${summary}`;
  });
  const more = entries.length - lines.length;
  const all = commands ? link('show all', commandUri(ClientCommands.showThreads, [entry.name])) : '';
  const tail = [
    more > 0 ? `*… and ${more} more${all ? ` (${all})` : ''}*` : '',
    threads.pending ? '*Your mail is still being read: the list may grow.*' : '',
  ].filter(Boolean);
  return [`**Review threads (${entries.length})**`, ...lines, ...tail].join('\n');
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
  /** Tree-relative path of the document, when it is inside the tree. */
  relativePath?: string;
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
  const markdown = buildHoverMarkdown({
    ...input,
    name: target.name,
    catalog,
    entry,
    at: hoverSite(input),
  });
  return markdown ? { markdown, target, entry } : undefined;
}

/** Where the hover was asked, for the lead's "the tree's code here" evidence. */
function hoverSite(input: HoverAtInput): HoverAtInput['at'] {
  return input.at ?? (input.relativePath ? { file: input.relativePath, line: input.line } : undefined);
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
    const markdown = buildHoverMarkdown({ ...input, name: target.name, catalog, entry, at: hoverSite(input) });
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
