/**
 * The layers point one way. Every import of server/src, client/src, media/src and protocol (static, type-only,
 * `export … from`, `import()`, `require()`, `import('…').Type`) is checked against this order, lowest first:
 *
 *   protocol ← base ← parsing ← indexing ← knowledge / lint / lore / diagrams / annotations / notes
 *            ← review / agentTools (the tools an AI agent may call, defined once for the surfaces)
 *            ← surfaces (lsp, mcp) ← cli (and server/src/main.ts)
 *
 * A module may import its own layer and the layers below it. The domain folders share a rank and may use each
 * other, as long as no two of them import each other (directly or round a cycle). The surfaces share a rank
 * but never import each other: each adapts the services below to its own protocol. The VS Code client and the
 * webview script import only `protocol` (and packages; resources such as package.json are not code); `protocol` imports
 * no project code and no package
 * that pulls in `vscode` or Node.js. A folder of server/src missing from LAYERS fails the test: place it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');

/** Rank of each folder of server/src. */
const LAYERS: Record<string, number> = {
  base: 1,
  parsing: 2,
  indexing: 3,
  knowledge: 4,
  lint: 4,
  lore: 4,
  diagrams: 4,
  annotations: 4,
  semantics: 4,
  notes: 4,
  configuration: 4,
  review: 5,
  agentTools: 5,
  lsp: 6,
  mcp: 6,
  cli: 7,
};
const PROTOCOL_RANK = 0;
const DOMAIN_RANK = 4;
const SURFACE_RANK = 6;
/** Packages protocol/ may import: the LSP type definitions both bundles can load without `vscode`. */
const PROTOCOL_PACKAGES = new Set(['vscode-languageserver-protocol', 'vscode-jsonrpc']);

interface ImportEdge {
  from: string;
  specifier: string;
  /** Repository-relative path of the imported file, for project imports. */
  target?: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every module specifier a file names, however it is imported. */
export function importsOf(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) specifiers.push(expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        specifiers.push(node.arguments[0].text);
      }
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal))
        specifiers.push(argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

function resolveTarget(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    if (fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile()) return candidate;
  }
  return base;
}

/** 'protocol', 'client', 'media', 'server/<folder>' (server/src/main.ts counts as cli), or 'outside'. */
function areaOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'protocol') return 'protocol';
  if (parts[0] === 'client' && parts[1] === 'src') return 'client';
  if (parts[0] === 'media' && parts[1] === 'src') return 'media';
  if (parts[0] === 'server' && parts[1] === 'src') return parts.length === 3 ? 'server/cli' : `server/${parts[2]}`;
  return 'outside';
}

function rankOf(area: string): number | undefined {
  if (area === 'protocol') return PROTOCOL_RANK;
  return area.startsWith('server/') ? LAYERS[area.slice('server/'.length)] : undefined;
}

/** Why an import breaks the order, or undefined when it is allowed. */
export function violation(edge: ImportEdge): string | undefined {
  const fromArea = areaOf(edge.from);
  if (!edge.target) {
    if (fromArea !== 'protocol') return undefined;
    const name = edge.specifier.startsWith('@')
      ? edge.specifier.split('/').slice(0, 2).join('/')
      : edge.specifier.split('/')[0];
    return PROTOCOL_PACKAGES.has(name) ? undefined : `protocol may import only ${[...PROTOCOL_PACKAGES].join(', ')}`;
  }
  // Resources (package.json for the version, the webview's stylesheet) are data, not a layer.
  if (/\.(json|css)$/.test(edge.target)) return undefined;
  const toArea = areaOf(edge.target);
  if (fromArea === toArea) return undefined;
  if (fromArea === 'client' || fromArea === 'media') {
    return toArea === 'protocol' ? undefined : `${fromArea} may import only protocol/, not ${toArea}`;
  }
  if (toArea === 'client' || toArea === 'media' || toArea === 'outside') return `imports ${toArea} code`;
  const fromRank = rankOf(fromArea);
  const toRank = rankOf(toArea);
  if (fromRank === undefined) return `${fromArea} is not in the layer table of test/architecture/importOrder.test.ts`;
  if (toRank === undefined) return `${toArea} is not in the layer table of test/architecture/importOrder.test.ts`;
  if (toRank > fromRank) return `${fromArea} (layer ${fromRank}) imports ${toArea} (layer ${toRank}), a higher layer`;
  if (toRank === fromRank && fromRank === SURFACE_RANK) return `surfaces do not import each other (${toArea})`;
  return undefined;
}

function projectImports(): ImportEdge[] {
  const files = ['server/src', 'client/src', 'media/src', 'protocol'].flatMap(sourceFiles);
  return files.flatMap((from) =>
    importsOf(from, fs.readFileSync(path.join(root, from), 'utf8')).map((specifier) => ({
      from,
      specifier,
      target: resolveTarget(from, specifier),
    })),
  );
}

/** Cycles between domain folders (folder graph), each as "a -> b -> a". */
function domainCycles(edges: ImportEdge[]): string[] {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!edge.target) continue;
    const from = areaOf(edge.from);
    const to = areaOf(edge.target);
    if (from === to || rankOf(from) !== DOMAIN_RANK || rankOf(to) !== DOMAIN_RANK) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

test('every import of server, client, webview and protocol follows the layer order', () => {
  const edges = projectImports();
  assert.ok(edges.length > 500, `only ${edges.length} imports found: is the scan broken?`);
  const problems = edges.flatMap((edge) => {
    const why = violation(edge);
    return why ? [`${edge.from}: '${edge.specifier}': ${why}`] : [];
  });
  assert.deepEqual(problems, []);
});

test('every folder of server/src has a place in the layer order', () => {
  const folders = fs
    .readdirSync(path.join(root, 'server/src'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  assert.deepEqual(
    folders.filter((folder) => LAYERS[folder] === undefined),
    [],
  );
});

test('the domain folders use each other without cycles', () => {
  assert.deepEqual(domainCycles(projectImports()), []);
});

test('the import scan sees every kind of import and the check rejects imports against the order', () => {
  const text = [
    "import a from './a';",
    "import type { B } from '../b';",
    "export { c } from './c';",
    "const d = require('./d');",
    "const e = await import('./e');",
    "let f: import('./f').F;",
    "import g = require('./g');",
  ].join('\n');
  assert.deepEqual(importsOf('x.ts', text), ['./a', '../b', './c', './d', './e', './f', './g']);
  const edge = (from: string, specifier: string): ImportEdge => ({
    from,
    specifier,
    target: resolveTarget(from, specifier),
  });
  assert.match(violation(edge('server/src/parsing/lexer.ts', '../indexing/types'))!, /higher layer/);
  assert.match(violation(edge('server/src/indexing/treeIndex.ts', '../lsp/context'))!, /higher layer/);
  assert.match(violation(edge('server/src/lsp/server.ts', '../mcp/server'))!, /surfaces do not import each other/);
  assert.match(violation(edge('client/src/extension.ts', '../../server/src/lsp/server'))!, /client may import only/);
  assert.match(violation(edge('protocol/index.ts', '../server/src/base/paths'))!, /higher layer|protocol/);
  assert.match(violation({ from: 'protocol/index.ts', specifier: 'vscode' })!, /protocol may import only/);
  assert.match(violation(edge('server/src/newthing/x.ts', '../parsing/lexer'))!, /not in the layer table/);
  assert.equal(violation(edge('server/src/lsp/server.ts', '../indexing/types')), undefined);
  assert.equal(violation(edge('server/src/lint/linter.ts', '../knowledge/catalog')), undefined);
  assert.equal(violation(edge('client/src/extension.ts', '../../protocol')), undefined);
});
