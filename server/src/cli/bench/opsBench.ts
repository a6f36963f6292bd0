/**
 * The "ops tables" section of `kernel-mm-lens bench` (issue 24): for the fields the issue names, the functions
 * the ops tables say are stored into `TYPE.FIELD` (knowledge/opsTables.ts, lexical) against an independent truth:
 * GNU grep lists the files that write `struct TYPE`, tree-sitter parses each (plain grammar, no masking) and every
 * initializer list of that struct type - a declaration's, an array element's, a compound literal's - gives its
 * `.FIELD = f` / `.FIELD = &f` pairs. The truth has initialisers only; assignments the tables also find are
 * counted apart. Plus the two call-hierarchy checks on the real tree.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Node, Parser } from 'web-tree-sitter';
import type { KernelIndex } from '../../indexing/types';
import { OpsTables, type OpsStore } from '../../knowledge/opsTables';
import { LineMap } from '../../parsing/textScan';
import { indirectCallersOf, indirectCallsInFunction } from '../../knowledge/indirectCalls';
import { createCParser } from '../../parsing/treeSitter';
import { snippetParser, withParsedText } from '../../semantics/snippetParser';
import { DiskSources } from '../../semantics/sourceAccess';
import { TypeResolver } from '../../semantics/typeResolver';

/** The fields of the acceptance list (all function-pointer fields of the first four types, as in 6.12). */
export const OPS_FIELDS: Record<string, string[]> = {
  dev_pagemap_ops: ['page_free', 'migrate_to_ram', 'memory_failure'],
  mmu_interval_notifier_ops: ['invalidate'],
  mmu_notifier_ops: [
    'release',
    'clear_flush_young',
    'clear_young',
    'test_young',
    'invalidate_range_start',
    'invalidate_range_end',
    'arch_invalidate_secondary_tlbs',
    'alloc_notifier',
    'free_notifier',
  ],
  dax_operations: ['direct_access', 'dax_supported', 'zero_page_range', 'recovery_write'],
  vm_operations_struct: ['huge_fault', 'page_mkwrite', 'pfn_mkwrite'],
  address_space_operations: ['migrate_folio'],
};

export interface OpsFieldResult {
  type: string;
  field: string;
  truth: number;
  ours: number;
  found: number;
  assignments: number;
  /**
   * Where the answer came from: `declaration` (Go to Implementation at the field's declaration in its struct, the
   * type decided there), else `table` (no declaration of the field in that struct found: the tables asked directly).
   */
  asked: 'declaration' | 'table';
  missed: string[];
  extra: string[];
}

export interface OpsReport {
  fields: OpsFieldResult[];
  truth: number;
  ours: number;
  found: number;
  recall: number;
  precision: number;
  /** ms for the whole set of fields, cold (nothing cached), and the truth's time for the same fields. */
  oursMs: number;
  truthMs: number;
  doSwapPageTargets: string[];
  dmirrorCallers: string[];
}

export async function runOpsBench(index: KernelIndex, log: (line: string) => void): Promise<OpsReport> {
  const root = index.root;
  const parser = await snippetParser();
  const resolver = new TypeResolver({ index, parser, sources: new DiskSources((f) => index.absolutePath(f)) });
  const readText = (file: string) => {
    try {
      return fs.readFileSync(index.absolutePath(file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const ops = new OpsTables(index, readText, { resolver, parser });
  const fields: OpsFieldResult[] = [];
  let oursMs = 0;
  let truthMs = 0;
  const truthParser = await createCParser();
  try {
    for (const [type, names] of Object.entries(OPS_FIELDS)) {
      let start = performance.now();
      const truth = truthInitialisers(root, type, new Set(names), truthParser);
      truthMs += performance.now() - start;
      for (const field of names) {
        start = performance.now();
        const answer = implementationAtDeclaration(index, ops, resolver, parser, readText, type, field);
        oursMs += performance.now() - start;
        const stores = answer.stores;
        const ours = new Set(stores.filter((s) => s.kind === 'initializer').map((s) => `${s.file}:${s.function}`));
        const expected = truth.get(field) ?? new Set<string>();
        const found = [...ours].filter((key) => expected.has(key));
        fields.push({
          type,
          field,
          truth: expected.size,
          ours: ours.size,
          found: found.length,
          assignments: stores.filter((s) => s.kind === 'assignment').length,
          asked: answer.asked,
          missed: [...expected].filter((key) => !ours.has(key)).slice(0, 10),
          extra: [...ours].filter((key) => !expected.has(key)).slice(0, 10),
        });
        log(`ops tables: ${type}.${field}: ${found.length}/${expected.size} found, ${ours.size} ours`);
      }
    }
  } finally {
    truthParser.delete();
  }
  const sum = (pick: (r: OpsFieldResult) => number) => fields.reduce((total, r) => total + pick(r), 0);
  const report: OpsReport = {
    fields,
    truth: sum((r) => r.truth),
    ours: sum((r) => r.ours),
    found: sum((r) => r.found),
    recall: 0,
    precision: 0,
    oursMs,
    truthMs,
    doSwapPageTargets: [],
    dmirrorCallers: [],
  };
  report.recall = report.truth ? report.found / report.truth : 0;
  report.precision = report.ours ? report.found / report.ours : 0;

  // The call-hierarchy checks.
  const memory = readText('mm/memory.c');
  const doSwapPage = index.definitionsInFile('mm/memory.c').find((d) => d.name === 'do_swap_page');
  if (memory && doSwapPage)
    withParsedText(
      parser,
      memory,
      (tree) => {
        const sites = indirectCallsInFunction(
          ops,
          resolver,
          { file: 'mm/memory.c', text: memory, tree },
          doSwapPage.nameRange.start.line,
        );
        report.doSwapPageTargets = [
          ...new Set(
            sites.flatMap((site) =>
              site.call.targets.map((t) => `${t.function} via ${site.call.type ?? '?'}.${site.call.field}`),
            ),
          ),
        ].sort();
      },
      10_000,
    );
  const callers = await indirectCallersOf(
    ops,
    index,
    resolver,
    (file, use, given) => {
      const text = given ?? readText(file);
      return text === undefined ? undefined : withParsedText(parser, text, (tree) => use({ file, text, tree }), 10_000);
    },
    'dmirror_devmem_fault',
  );
  report.dmirrorCallers = [
    ...new Set(callers.map((c) => `${c.caller} (${c.file}) via ${c.type ?? '?'}.${c.field}`)),
  ].sort();
  return report;
}

/**
 * What Go to Implementation answers at the declaration of `type.field` in its struct (the service the editor asks,
 * `OpsTables.callThrough`, at the field's name there); the tables' answer for the type when no declaration is found.
 */
function implementationAtDeclaration(
  index: KernelIndex,
  ops: OpsTables,
  resolver: TypeResolver,
  parser: Parser,
  readText: (file: string) => string | undefined,
  type: string,
  field: string,
): { stores: OpsStore[]; asked: OpsFieldResult['asked'] } {
  for (const declaration of index.findDefinitions(field)) {
    if (declaration.kind !== 'field' || declaration.container !== type) continue;
    const text = readText(declaration.file);
    if (text === undefined) continue;
    const lines = new LineMap(text);
    const start = lines.offsetAt(declaration.nameRange.start);
    const end = lines.offsetAt(declaration.nameRange.end);
    const call = withParsedText(parser, text, (tree) =>
      ops.callThrough(resolver, { file: declaration.file, text, tree }, start, end),
    );
    if (call && !call.inferred && call.type === type) return { stores: call.targets, asked: 'declaration' };
  }
  return { stores: ops.implementations(type, field), asked: 'table' };
}

/**
 * `field -> {"file:function"}` of every initialiser of `struct type` in the tree, by grep + tree-sitter. Each file
 * is parsed as written and again with its conditional directive lines blanked (`withoutConditionals`): the union
 * of both, so a store under an `#ifdef` inside an initializer list counts, and a file the blanking garbles
 * (`#ifdef` around two versions of a function header) loses nothing the plain parse found.
 */
export function truthInitialisers(
  root: string,
  type: string,
  fields: Set<string>,
  parser: Parser,
): Map<string, Set<string>> {
  const grep = spawnSync('grep', ['-rlE', '--include=*.c', '--include=*.h', `struct[[:space:]]+${type}\\b`, '.'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = new Map<string, Set<string>>();
  for (const file of grep.stdout
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^\.\//, ''))) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue;
    }
    const blanked = withoutConditionals(text);
    for (const version of blanked === text ? [text] : [text, blanked])
      for (const [field, value] of initialiserPairs(parser, version, type, fields)) {
        const set = result.get(field) ?? new Set<string>();
        set.add(`${file}:${value}`);
        result.set(field, set);
      }
  }
  return result;
}

/** `[field, function]` of the `.field = f` / `.field = &f` pairs of every initializer list of `struct type`. */
function initialiserPairs(parser: Parser, text: string, type: string, fields: Set<string>): Array<[string, string]> {
  const tree = parser.parse(text);
  if (!tree) return [];
  const pairs: Array<[string, string]> = [];
  try {
    for (const list of tree.rootNode.descendantsOfType('initializer_list')) {
      if (!list || listType(list) !== type) continue;
      for (const pair of pairsOf(list)) {
        const designators = pair.childrenForFieldName('designator');
        if (designators.length !== 1 || designators[0]?.type !== 'field_designator') continue;
        const field = designators[0].text.replace(/^\.\s*/, '');
        if (!fields.has(field)) continue;
        let value = pair.childForFieldName('value');
        if (value?.type === 'pointer_expression' && value.text.startsWith('&'))
          value = value.childForFieldName('argument');
        if (value?.type !== 'identifier' || value.text === 'NULL') continue;
        pairs.push([field, value.text]);
      }
    }
  } finally {
    tree.delete();
  }
  return pairs;
}

/**
 * The text with every conditional directive line (`#if`, `#ifdef`, `#ifndef`, `#elif`, `#elifdef`, `#else`,
 * `#endif`, continuation lines included; a comment on the line kept) replaced by blanks of the same length, so that every branch is read as
 * code (all configurations). tree-sitter's C grammar takes `#ifdef` inside an initializer list for an error:
 * `.migrate_folio = migrate_folio,` under `#ifdef CONFIG_MIGRATION` in shmem_aops became an assignment to
 * `CONFIG_MIGRATION.migrate_folio` after an ERROR node, and the truth lost the store. Other directives (`#define`,
 * `#include`) stay: a macro's body is not code of the file.
 */
export function withoutConditionals(text: string): string {
  const lines = text.split('\n');
  let continued = false;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    const blank = continued || /^\s*#\s*(?:if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b/.test(line);
    if (!blank) continue;
    continued = /\\\s*$/.test(line);
    // A comment that starts on the directive line stays (it may close lines later: `#endif /* CONFIG_X ...`).
    const comment = line.search(/\/[*/]/);
    const cut = comment < 0 ? line.length : comment;
    lines[k] = line.slice(0, cut).replace(/[^\r]/g, ' ') + line.slice(cut);
  }
  return lines.join('\n');
}

/** The `.f = v` pairs of an initializer list, those under `#ifdef` inside the list too (all configurations). */
function pairsOf(list: Node): Node[] {
  const pairs: Node[] = [];
  for (const child of list.namedChildren) {
    if (!child) continue;
    if (child.type === 'initializer_pair') pairs.push(child);
    else if (child.type.startsWith('preproc_')) pairs.push(...pairsOf(child));
  }
  return pairs;
}

/** The struct tag an initializer list initialises, from the grammar's nodes; undefined when not written there. */
function listType(list: Node): string | undefined {
  const parent = list.parent;
  if (!parent) return undefined;
  if (parent.type === 'init_declarator') {
    const declaration = parent.parent;
    const typeNode = declaration?.childForFieldName('type');
    if (typeNode?.type !== 'struct_specifier') return undefined;
    return typeNode.childForFieldName('name')?.text;
  }
  if (parent.type === 'compound_literal_expression') {
    const descriptor = parent.childForFieldName('type');
    const spec = descriptor?.childForFieldName('type');
    return spec?.type === 'struct_specifier' ? spec.childForFieldName('name')?.text : undefined;
  }
  // An element of an array of structs: `{ {...}, [2] = {...} }`.
  if (parent.type === 'initializer_list') {
    const outer = parent.parent;
    if (outer?.type === 'init_declarator' && outer.childForFieldName('declarator')?.type === 'array_declarator')
      return listType(parent);
    return undefined;
  }
  if (
    parent.type === 'initializer_pair' &&
    parent.childrenForFieldName('designator')[0]?.type === 'subscript_designator'
  ) {
    const outer = parent.parent;
    return outer?.type === 'initializer_list' ? listType(outer) : undefined;
  }
  return undefined;
}

export function opsRows(report: OpsReport): Array<[string, string, string, string, string]> {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    [
      'ops tables: implementation recall',
      pct(report.recall),
      'grep + tree-sitter',
      '-',
      `>= 98%: ${report.recall >= 0.98 ? 'met' : 'MISSED'} (${report.found}/${report.truth}; ${report.fields.filter((f) => f.asked === 'declaration').length}/${report.fields.length} fields asked at their declaration)`,
    ],
    [
      'ops tables: implementation precision',
      pct(report.precision),
      'grep + tree-sitter',
      '-',
      `>= 98%: ${report.precision >= 0.98 ? 'met' : 'MISSED'} (${report.found}/${report.ours})`,
    ],
    [
      'ops tables: time for the fields (ms)',
      report.oursMs.toFixed(0),
      report.truthMs.toFixed(0),
      report.truthMs ? `${(report.oursMs / report.truthMs).toFixed(2)}x` : '-',
      `${report.fields.length} fields, cold`,
    ],
  ];
}
