import * as fs from 'fs';
import * as path from 'path';
import { locationsOf, pathOfUri, percentile, type LspDriver, type Position, type Range } from './lspDriver';
import { seededRandom, shuffled } from './sampling';
import { C_KEYWORDS, identifierTokens } from './tokenTruth';

/**
 * Completion and signature help measured on the real tree through the LSP wire (issue 18), with truths that owe
 * nothing to our parser:
 *   - member completion at `a->f` / `a.f` positions of the tree's own code: the buffer is edited as a user types
 *     (the member name deleted, cursor after the operator); the code compiles, so `f` is a member of `a`'s type:
 *     it must be in our list, and every item must be a field;
 *   - signature help at call sites of the tree's own code with at least one argument: the cursor after the k-th
 *     argument's comma; for a call that compiles the function takes as many parameters as the call passes (unless
 *     it is variadic), and the active parameter is k;
 *   - the acceptance probes of the issue on mm/ksm.c (`fw.page`, completion after `fw.`, signature help
 *     inside `folio_walk_start(&fw, vma, `), judged against the text of include/linux/pagewalk.h, and the
 *     issue's opening case: the local `folio` of get_mergeable_page() (14 tree-wide answers before);
 *   - p50/p99 of completion and signature help while doing so, as a user typing meets them: the file is open and
 *     parsed (a hover on the site first), edits arrive as incremental changes (the server's sync kind), so the
 *     request pays tree-sitter's incremental re-parse, not a first parse. The first request after opening a file
 *     (the whole parse included) is reported apart as `firstAfterOpen`.
 */

export interface SemanticAccuracy {
  memberCompletion: { n: number; containsMember: number; onlyFields: number; misses: string[] };
  signatureHelp: {
    n: number;
    answered: number;
    parameterCount: number;
    activeParameter: number;
    misses: string[];
  };
  probes: Array<{ name: string; ok: boolean; detail: string }>;
  latency: Record<string, { count: number; p50: number; p99: number; max: number }>;
}

const FIELD_KIND = 5;
const FUNCTION_KINDS = new Set([2, 3]);

interface Site {
  file: string;
  line: number;
  character: number;
  name: string;
}

export async function judgeSemantics(
  server: LspDriver,
  root: string,
  files: string[],
  options: { seed: number; quota?: number; log?: (line: string) => void },
): Promise<SemanticAccuracy> {
  const quota = options.quota ?? 40;
  const random = seededRandom(options.seed ^ 0x18);
  const candidates = shuffled(files, random);
  const memberSites: Site[] = [];
  const callSites: Array<Site & { argumentStarts: number[]; arguments: number }> = [];
  for (const file of candidates) {
    if (memberSites.length >= quota && callSites.length >= quota) break;
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const found = sitesOf(text, file);
    const members = shuffled(found.members, random).slice(0, 2);
    const calls = shuffled(found.calls, random).slice(0, 2);
    for (const site of members) if (memberSites.length < quota) memberSites.push(site);
    for (const site of calls) if (callSites.length < quota) callSites.push(site);
  }
  const before = new Map([...server.timings].map(([k, v]) => [k, v.length]));
  const report: SemanticAccuracy = {
    memberCompletion: { n: 0, containsMember: 0, onlyFields: 0, misses: [] },
    signatureHelp: { n: 0, answered: 0, parameterCount: 0, activeParameter: 0, misses: [] },
    probes: [],
    latency: {},
  };
  let version = 1000;
  const firstAfterOpen: number[] = [];
  // Opens the file (if not yet) and parses it with a first request, as the editor has done before the user types.
  const openAndParse = async (site: Site) => {
    const fresh = !server.isOpen(site.file);
    const { ms } = await server.hover(site.file, { line: site.line, character: site.character });
    if (fresh) firstAfterOpen.push(ms);
    return server.open(site.file);
  };
  let openFile: string | undefined;
  const switchTo = (file: string) => {
    if (openFile !== undefined && openFile !== file) server.close(openFile);
    openFile = file;
  };
  for (const site of memberSites) {
    switchTo(site.file);
    const uri = await openAndParse(site);
    const at = { line: site.line, character: site.character };
    const name = { start: at, end: { line: site.line, character: site.character + site.name.length } };
    incrementalChange(server, uri, ++version, name, '');
    const items = completionItems((await server.completion(site.file, at)).result);
    incrementalChange(server, uri, ++version, { start: at, end: at }, site.name);
    report.memberCompletion.n++;
    const contains = items.some((item) => item.label === site.name);
    const onlyFields = items.length > 0 && items.every((item) => item.kind === FIELD_KIND);
    if (contains) report.memberCompletion.containsMember++;
    if (onlyFields) report.memberCompletion.onlyFields++;
    if (!contains || !onlyFields)
      report.memberCompletion.misses.push(
        `${site.file}:${site.line + 1}:${site.character + 1} ${site.name} (${items.length} items)`,
      );
  }
  for (const site of callSites) {
    const k = Math.floor(random() * site.arguments);
    const text = fs.readFileSync(path.join(root, site.file), 'utf8');
    const at = positionOf(text, site.argumentStarts[k]);
    switchTo(site.file);
    await openAndParse(site);
    const answer = (await server.signatureHelp(site.file, at)).result as {
      signatures?: Array<{ label: string; parameters?: unknown[] }>;
      activeParameter?: number;
    } | null;
    report.signatureHelp.n++;
    const signature = answer?.signatures?.[0];
    const where = `${site.file}:${site.line + 1}:${site.character + 1} ${site.name} arg ${k + 1}/${site.arguments}`;
    if (!signature) {
      report.signatureHelp.misses.push(`${where}: no answer`);
      continue;
    }
    report.signatureHelp.answered++;
    const variadic = signature.label.includes('...');
    const count = signature.parameters?.length ?? 0;
    if (count === site.arguments || (variadic && count <= site.arguments + 1)) report.signatureHelp.parameterCount++;
    else report.signatureHelp.misses.push(`${where}: ${count} parameters in "${signature.label}"`);
    const expected = variadic ? Math.min(k, count - 1) : k;
    if (answer?.activeParameter === expected) report.signatureHelp.activeParameter++;
  }
  if (openFile !== undefined) server.close(openFile);
  report.probes = await acceptanceProbes(server, root, () => ++version);
  for (const method of ['textDocument/completion', 'textDocument/signatureHelp']) {
    const values = (server.timings.get(method) ?? []).slice(before.get(method) ?? 0);
    if (values.length)
      report.latency[method] = {
        count: values.length,
        p50: percentile(values, 50),
        p99: percentile(values, 99),
        max: Math.max(...values),
      };
  }
  if (firstAfterOpen.length)
    report.latency.firstAfterOpen = {
      count: firstAfterOpen.length,
      p50: percentile(firstAfterOpen, 50),
      p99: percentile(firstAfterOpen, 99),
      max: Math.max(...firstAfterOpen),
    };
  return report;
}

/** `a->f` / `a.f` members and calls with arguments inside function bodies, from the token truth (code only). */
export function sitesOf(
  text: string,
  file: string,
): { members: Site[]; calls: Array<Site & { argumentStarts: number[]; arguments: number }> } {
  const members: Site[] = [];
  const calls: Array<Site & { argumentStarts: number[]; arguments: number }> = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  for (const token of identifierTokens(text)) {
    if (token.inIfZero || token.directive !== undefined) continue;
    const offset = lineStarts[token.line] + token.character;
    if (text.slice(offset, offset + token.name.length) !== token.name) continue; // a token across a line splice
    let before = offset;
    while (before > 0 && (text[before - 1] === ' ' || text[before - 1] === '\t')) before--;
    if (
      text.slice(before - 2, before) === '->' ||
      (text[before - 1] === '.' && /[\w)\]]/.test(text[before - 2] ?? ''))
    ) {
      members.push({ file, line: token.line, character: token.character, name: token.name });
      continue;
    }
    // A call inside a body: `name(` after an indentation, not after a type (`static int f(` is a definition).
    if (token.character === 0 || text[offset + token.name.length] !== '(' || C_KEYWORDS.has(token.name)) continue;
    if (/[\w*]/.test(text[before - 1] ?? '')) continue;
    const argumentStarts = argumentStartsOf(text, offset + token.name.length);
    if (argumentStarts && argumentStarts.length > 0)
      calls.push({
        file,
        line: token.line,
        character: token.character,
        name: token.name,
        argumentStarts,
        arguments: argumentStarts.length,
      });
  }
  return { members, calls };
}

/** Offsets right after `(` and after each top-level comma of the call whose `(` is at `open`; undefined if unbalanced. */
function argumentStartsOf(text: string, open: number): number[] | undefined {
  const starts = [open + 1];
  let depth = 0;
  for (let i = open; i < Math.min(text.length, open + 2000); i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        if (text.slice(open + 1, i).trim() === '') return [];
        return starts;
      }
    } else if (c === ',' && depth === 1) starts.push(i + 1);
    else if (c === ';') return undefined;
  }
  return undefined;
}

/** One incremental `didChange` (a range replaced), as editors send while typing. */
function incrementalChange(server: LspDriver, uri: string, version: number, range: Range, text: string): void {
  server.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
}

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function completionItems(answer: unknown): Array<{ label: string; kind?: number }> {
  if (!answer) return [];
  const list = Array.isArray(answer) ? answer : (answer as { items?: unknown[] }).items;
  return Array.isArray(list) ? (list as Array<{ label: string; kind?: number }>) : [];
}

/** The three acceptance checks of issue 18 on mm/ksm.c, judged against include/linux/pagewalk.h's own text. */
async function acceptanceProbes(
  server: LspDriver,
  root: string,
  nextVersion: () => number,
): Promise<SemanticAccuracy['probes']> {
  const probes: SemanticAccuracy['probes'] = [];
  const file = 'mm/ksm.c';
  let text: string;
  let header: string;
  try {
    text = fs.readFileSync(path.join(root, file), 'utf8');
    header = fs.readFileSync(path.join(root, 'include/linux/pagewalk.h'), 'utf8');
  } catch {
    return [{ name: 'mm/ksm.c probes', ok: false, detail: 'mm/ksm.c or include/linux/pagewalk.h missing' }];
  }
  const structStart = header.indexOf('struct folio_walk {');
  const fieldOffset = header.indexOf('struct page *page;', structStart);
  const fieldLine = structStart >= 0 && fieldOffset >= 0 ? positionOf(header, fieldOffset).line : -1;
  const access = text.indexOf('fw.page');
  if (access < 0) return [{ name: 'fw.page', ok: false, detail: 'no fw.page in mm/ksm.c' }];
  const pagePosition = positionOf(text, access + 3);
  const definition = locationsOf((await server.definition(file, pagePosition)).result);
  const first = definition[0];
  const firstFile = first ? path.relative(root, pathOfUri(first.uri)).split(path.sep).join('/') : 'none';
  probes.push({
    name: "definition of fw.page in mm/ksm.c is struct folio_walk's field",
    ok: definition.length === 1 && firstFile === 'include/linux/pagewalk.h' && first.range.start.line === fieldLine,
    detail: `${definition.length} answer(s), first ${firstFile}:${first ? first.range.start.line + 1 : 0} (field on line ${fieldLine + 1})`,
  });

  probes.push(await localFolioProbe(server, file, text));

  const uri = server.open(file);
  const memberName = { start: pagePosition, end: { line: pagePosition.line, character: pagePosition.character + 4 } };
  incrementalChange(server, uri, nextVersion(), memberName, '');
  const items = completionItems((await server.completion(file, pagePosition)).result);
  const labels = new Set(items.map((i) => i.label));
  const wanted = ['page', 'level', 'pte', 'pmd'];
  probes.push({
    name: 'completion after `fw.` lists page, level, pte, pmd and no functions',
    ok: wanted.every((w) => labels.has(w)) && !items.some((i) => i.kind !== undefined && FUNCTION_KINDS.has(i.kind)),
    detail: `${items.length} items: ${[...labels].slice(0, 12).join(', ')}`,
  });

  const call = text.indexOf('folio_walk_start(&fw, vma, ');
  if (call >= 0) {
    const cursor = call + 'folio_walk_start(&fw, vma, '.length;
    const partial = text.slice(0, cursor) + text.slice(text.indexOf(')', cursor) + 1);
    incrementalChange(server, uri, nextVersion(), { start: pagePosition, end: pagePosition }, 'page');
    const rest = { start: positionOf(text, cursor), end: positionOf(text, text.indexOf(')', cursor) + 1) };
    incrementalChange(server, uri, nextVersion(), rest, '');
    const help = (await server.signatureHelp(file, positionOf(partial, cursor))).result as {
      signatures?: Array<{ label: string; parameters?: Array<{ label: [number, number] | string }> }>;
      activeParameter?: number;
    } | null;
    const signature = help?.signatures?.[0];
    const parameter = signature?.parameters?.[0]?.label;
    const firstParameter = Array.isArray(parameter) ? signature!.label.slice(parameter[0], parameter[1]) : parameter;
    probes.push({
      name: 'signature help inside `folio_walk_start(&fw, vma, ` shows `struct folio_walk *fw`, third parameter active',
      ok: firstParameter === 'struct folio_walk *fw' && help?.activeParameter === 2,
      detail: `${signature?.label ?? 'no signature'}; active ${help?.activeParameter}`,
    });
  } else
    probes.push({ name: 'folio_walk_start call', ok: false, detail: 'no `folio_walk_start(&fw, vma, ` in mm/ksm.c' });
  server.close(file);
  return probes;
}

/**
 * The opening case: definition of the local `folio` at `folio = folio_walk_start(` in
 * get_mergeable_page() must be exactly its `struct folio *folio;` declaration in the same function, and its
 * references must stay between the function's `{` and `}` (found in the file's own text by brace depth).
 */
async function localFolioProbe(
  server: LspDriver,
  file: string,
  text: string,
): Promise<SemanticAccuracy['probes'][number]> {
  const name = 'definition of the local `folio` in get_mergeable_page() is its declaration; references stay inside';
  const start = text.indexOf('get_mergeable_page(struct ');
  const open = start >= 0 ? text.indexOf('\n{', start) : -1;
  let close = -1;
  for (let i = open + 1, depth = 0; open >= 0 && i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) {
      close = i;
      break;
    }
  }
  const declaration = open >= 0 ? text.indexOf('struct folio *folio;', open) : -1;
  const use = open >= 0 ? text.indexOf('folio = folio_walk_start(', open) : -1;
  if (close < 0 || declaration < 0 || use < 0 || use > close || declaration > close)
    return { name, ok: false, detail: 'get_mergeable_page() with `struct folio *folio;` not found in mm/ksm.c' };
  const declarationLine = positionOf(text, declaration).line;
  const [firstLine, lastLine] = [positionOf(text, open).line, positionOf(text, close).line];
  const at = positionOf(text, use);
  const definition = locationsOf((await server.definition(file, at)).result);
  const references = locationsOf((await server.references(file, at)).result);
  const outside = references.filter(
    (r) => !pathOfUri(r.uri).endsWith(file) || r.range.start.line < firstLine || r.range.start.line > lastLine,
  );
  return {
    name,
    ok:
      definition.length === 1 &&
      pathOfUri(definition[0].uri).endsWith(file) &&
      definition[0].range.start.line === declarationLine &&
      references.length > 0 &&
      outside.length === 0,
    detail: `${definition.length} definition(s), first on line ${definition[0] ? definition[0].range.start.line + 1 : 0} (declaration on ${declarationLine + 1}); ${references.length} references, ${outside.length} outside lines ${firstLine + 1}-${lastLine + 1}`,
  };
}
