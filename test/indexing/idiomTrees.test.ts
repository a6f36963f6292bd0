/**
 * Golden idioms that need a whole tree: `test/fixtures/idioms/trees/<idiom>/` holds small files written for the
 * test and `expected.json` the answers a kernel reader expects, written by hand:
 *   "definitions":      [{ at: "file:L:C", name, expect: ["file:L:C", ...] }]  Go to Definition, in order;
 *   "references":       [{ name, expect: ["file:L:C", ...] }]                   every reference (any order);
 *   "workspaceSymbols": [{ query, top: [name, ...] }]                            the first distinct names, in order;
 *   "incomingCalls":    [{ name, expect: ["caller file:L:C <- L:C ...", ...] }]  callers and their call sites.
 * Lines and columns are 1-based. Every idiom is asked twice: on the index as built, and again after every file
 * of the tree was opened in the editor (laid over the index from its text), which must change no answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildIndexForTests } from '../../server/src/indexing/testing';
import type { TreeIndex } from '../../server/src/indexing/treeIndex';
import { isMemberAccessAt, isTagAt, orderedDefinitions } from '../../server/src/indexing/definitionOrder';
import { incomingCalls } from '../../server/src/indexing/incomingCalls';

const trees = path.join(__dirname, '..', 'fixtures', 'idioms', 'trees');

interface TreeExpectation {
  idiom: string;
  preferredArch?: string;
  definitions?: Array<{ at: string; name: string; expect: string[] }>;
  references?: Array<{ name: string; expect: string[] }>;
  workspaceSymbols?: Array<{ query: string; top: string[] }>;
  incomingCalls?: Array<{ name: string; expect: string[] }>;
}

function filesOf(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesOf(root, rel));
    else if (/\.[ch]$/.test(entry.name)) out.push(rel);
  }
  return out.sort();
}

function where(file: string, position: { line: number; character: number }): string {
  return `${file}:${position.line + 1}:${position.character + 1}`;
}

/** Every answer the expectation asks for, as text, so two runs compare as a whole. */
async function answers(index: TreeIndex, root: string, expected: TreeExpectation): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const query of expected.definitions ?? []) {
    const [file, line, column] = query.at.split(':');
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const lines = text.split('\n');
    const lineStart = lines.slice(0, Number(line) - 1).reduce((sum, l) => sum + l.length + 1, 0);
    const start = lineStart + Number(column) - 1;
    assert.equal(text.slice(start, start + query.name.length), query.name, `${query.at} is not at ${query.name}`);
    const found = orderedDefinitions(index, {
      name: query.name,
      sourceText: text,
      file,
      isMember: isMemberAccessAt(text, start),
      isTag: isTagAt(text, start),
      line: Number(line) - 1,
      character: Number(column) - 1,
      preferredArch: expected.preferredArch ?? 'x86',
    });
    out[`definition of ${query.name} at ${query.at}`] = found.map((d) => where(d.file, d.nameRange.start));
  }
  for (const query of expected.references ?? []) {
    const found = await index.findReferences(query.name);
    out[`references of ${query.name}`] = found.map((r) => where(r.file, r.range.start)).sort();
  }
  for (const query of expected.workspaceSymbols ?? []) {
    const names: string[] = [];
    for (const d of index.searchSymbols(query.query, { limit: 200 })) if (!names.includes(d.name)) names.push(d.name);
    out[`workspace symbols for "${query.query}"`] = names.slice(0, query.top.length);
  }
  for (const query of expected.incomingCalls ?? []) {
    const callers = await incomingCalls(index, query.name);
    out[`incoming calls of ${query.name}`] = callers
      .map(({ caller, ranges }) => {
        const sites = ranges.map((r) => `${r.start.line + 1}:${r.start.character + 1}`).join(' ');
        return `${caller.name} ${where(caller.file, caller.nameRange.start)} <- ${sites}`;
      })
      .sort();
  }
  return out;
}

function wanted(expected: TreeExpectation): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const query of expected.definitions ?? []) out[`definition of ${query.name} at ${query.at}`] = query.expect;
  for (const query of expected.references ?? []) out[`references of ${query.name}`] = [...query.expect].sort();
  for (const query of expected.workspaceSymbols ?? []) out[`workspace symbols for "${query.query}"`] = query.top;
  for (const query of expected.incomingCalls ?? []) out[`incoming calls of ${query.name}`] = [...query.expect].sort();
  return out;
}

for (const idiom of fs.readdirSync(trees).sort()) {
  const root = path.join(trees, idiom);
  const expected = JSON.parse(fs.readFileSync(path.join(root, 'expected.json'), 'utf8')) as TreeExpectation;
  void test(`idiom tree ${idiom}: ${expected.idiom}`, async () => {
    const index = await buildIndexForTests(root, { preferredArch: expected.preferredArch });
    assert.deepEqual(await answers(index, root, expected), wanted(expected));
  });
  void test(`idiom tree ${idiom}: opening every file changes no answer`, async () => {
    const index = await buildIndexForTests(root, { preferredArch: expected.preferredArch });
    const before = await answers(index, root, expected);
    for (const file of filesOf(root)) index.updateFile(file, fs.readFileSync(path.join(root, file), 'utf8'));
    assert.deepEqual(await answers(index, root, expected), before);
  });
}
