/**
 * Workspace-symbol top-5 and latency, in process, on a real tree whose index cache is built (issue 16):
 *
 *   sample   draws the bench's name sample (ctags, seeded, 28 names per category) for each seed and writes it as
 *            JSON next to the peers' databases, so the probe below does not reload the 0.5 GB tags file;
 *   probe    loads the cached index and asks the workspace-symbol service (TreeIndex.searchSymbols, what the LSP
 *            feature calls) the bench's two queries per name: the exact name and the initials + last word
 *            (`folio_walk_start` -> `fwstart`); prints top-5 rates, each miss with the five names that came first,
 *            and the CPU time of every request (p50/p99/max, slowest queries). The query set is asked `--rounds`
 *            times; the first round is also the warm-up of the search tables. `--baseline DIR` asks another
 *            build's workspaceSymbols.ts the same queries, interleaved, for a same-run comparison.
 *
 * The timings are meant for the bundle (as the server runs): npx esbuild scripts/measure-workspace-symbols.ts --bundle
 * --platform=node --outfile=dist/measure-workspace-symbols.js (under tsx, calls across modules go through getters).
 * Run: node --import tsx scripts/measure-workspace-symbols.ts sample --root TREE --seeds 1,2
 *      node --import tsx scripts/measure-workspace-symbols.ts probe --root TREE --cache-dir DIR --seeds 1,2 [--json OUT]
 * The bench's figure judges only names with an occurrence in its token truth; this one judges every sampled name.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CtagsIndex } from '../server/src/cli/bench/peers';
import { drawNameSample, type SampledName } from '../server/src/cli/bench/nameSample';
import { listCFiles, defaultPeersDir } from '../server/src/cli/bench/treeFiles';
import { fuzzyQueryOf } from '../server/src/cli/bench/navigationAccuracy';
import { percentile } from '../server/src/cli/bench/lspDriver';
import { buildIndex } from '../server/src/indexing/indexBuilder';
import type { KernelIndex } from '../server/src/indexing/types';
import { rankName } from '../server/src/indexing/symbolSearch';

const argv = process.argv.slice(2);
const option = (name: string, fallback?: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const root = fs.realpathSync(path.resolve(option('root')!));
const seeds = option('seeds', '1')!.split(',').map(Number);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sampleFile = (seed: number) => path.join(defaultPeersDir(root), `ws-sample-seed-${seed}-n28.json`);

async function drawSamples(): Promise<void> {
  const { files } = listCFiles(root);
  log('loading ctags ...');
  const ctags = await CtagsIndex.load(path.join(defaultPeersDir(root), 'tags'));
  for (const seed of seeds) {
    const sample = drawNameSample(root, files, ctags, { seed, perCategory: 28 });
    fs.writeFileSync(sampleFile(seed), JSON.stringify(sample.map(({ name, category }) => ({ name, category }))));
    log(`seed ${seed}: ${sample.length} names -> ${sampleFile(seed)}`);
  }
}

interface Asked {
  seed: number;
  name: string;
  category: string;
  kind: 'exact' | 'initials';
  query: string;
  hit: boolean;
  top: string[];
  ms: number;
}

type Searcher = (query: string, options: { limit: number }) => Array<{ name: string }>;

/** The first five names of an answer, as the bench reads the LSP answer (`slice(0, 5)` of the list). */
function topNames(search: Searcher, query: string): { top: string[]; ms: number } {
  const start = process.cpuUsage();
  const found = search(query, { limit: 200 });
  const used = process.cpuUsage(start);
  return { top: found.slice(0, 5).map((d) => d.name), ms: (used.user + used.system) / 1000 };
}

/**
 * `--baseline DIR`: another build's workspaceSymbols.ts (with its symbolSearch.ts next to it) over the same loaded
 * index, asked the same queries interleaved with this build's, so that both are timed under the same load.
 */
async function baselineSearcher(dir: string, index: KernelIndex): Promise<Searcher> {
  // A bundle (esbuild, as dist/server.js is built) when there is one: under tsx, functions imported from another
  // module are called through getters, which costs the hot loops of a split module more than a single file.
  const bundle = path.resolve(dir, 'workspaceSymbols.js');
  const module = (await import(fs.existsSync(bundle) ? bundle : path.resolve(dir, 'workspaceSymbols.ts'))) as {
    WorkspaceSymbols: new (source: unknown) => { search: Searcher };
  };
  const tree = index as unknown as { data: unknown; nameFileStart: Uint32Array };
  const symbols = new module.WorkspaceSymbols({
    data: tree.data,
    nameFileStart: tree.nameFileStart,
    findDefinitions: (name: string) => index.findDefinitions(name),
    memberOnlyNames: () => new Uint8Array(0),
    overlayDefinedNames: () => [],
  });
  return (query, options) => symbols.search(query, options);
}

async function probe(): Promise<void> {
  const cacheDir = path.resolve(option('cache-dir')!);
  const rounds = Number(option('rounds', '2'));
  log('loading the index ...');
  const built = await buildIndex({ root, cacheDir, maxFileSize: 2 * 1024 * 1024, preferredArch: 'x86', log });
  const index = built.index;
  if (!index) throw new Error('no index');
  const ours: Searcher = (query, options) => index.searchSymbols(query, options);
  const baselineDir = option('baseline');
  const baseline = baselineDir ? await baselineSearcher(baselineDir, index) : undefined;
  for (const [label, search] of [
    ['ours', ours],
    ['baseline', baseline],
  ] as const) {
    if (!search) continue;
    const startPrepare = process.cpuUsage();
    search('x', { limit: 1 });
    const used = process.cpuUsage(startPrepare);
    log(`${label}: search tables ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`);
    if (label === 'ours') {
      // The abbreviation table's size (private fields, read for the report only).
      const searcher = (index as unknown as { workspaceSymbols: { searcher?: { bucketOwners: Uint32Array } } })
        .workspaceSymbols.searcher;
      if (searcher) log(`ours: ${searcher.bucketOwners.length} abbreviation keys`);
    }
  }
  const asked: Asked[] = [];
  const baselineAsked: Asked[] = [];
  let alternate = false;
  for (let round = 0; round < rounds; round++) {
    for (const seed of seeds) {
      const sample = JSON.parse(fs.readFileSync(sampleFile(seed), 'utf8')) as SampledName[];
      for (const { name, category } of sample) {
        const queries: Array<[Asked['kind'], string | undefined]> = [
          ['exact', name],
          ['initials', fuzzyQueryOf(name)],
        ];
        for (const [kind, query] of queries) {
          if (!query) continue;
          // The second search of a query finds the names it reads in the CPU caches: who goes first alternates.
          alternate = !alternate;
          const before = baseline && alternate ? topNames(baseline, query) : undefined;
          const { top, ms } = topNames(ours, query);
          if (round === rounds - 1) asked.push({ seed, name, category, kind, query, hit: top.includes(name), top, ms });
          if (baseline) {
            const answer = before ?? topNames(baseline, query);
            if (round === rounds - 1)
              baselineAsked.push({ seed, name, category, kind, query, hit: answer.top.includes(name), ...answer });
          }
        }
      }
    }
  }
  for (const [label, list] of [
    ['ours', asked],
    ['baseline', baselineAsked],
  ] as const) {
    if (list.length === 0) continue;
    for (const seed of seeds) {
      for (const kind of ['exact', 'initials'] as const) {
        const of = list.filter((a) => a.seed === seed && a.kind === kind);
        const hits = of.filter((a) => a.hit).length;
        console.log(`${label} seed ${seed} ${kind}: ${hits}/${of.length} = ${((100 * hits) / of.length).toFixed(1)}%`);
      }
    }
    const times = list.map((a) => a.ms);
    console.log(
      `${label} cpu ms per request (${times.length}, last round): p50 ${percentile(times, 50).toFixed(1)} p99 ${percentile(times, 99).toFixed(1)} max ${Math.max(...times).toFixed(1)}`,
    );
    for (const a of [...list].sort((x, y) => y.ms - x.ms).slice(0, 8))
      console.log(`  ${label} slow ${a.ms.toFixed(1)} ms  ${a.query}`);
  }
  if (argv.includes('--misses')) {
    // Each miss: the wanted name and the five before it, with rank, usage (files) and definition kinds.
    const describe = (name: string, query: string) => {
      const id = index.data.names.get(name);
      const start = (index as unknown as { nameFileStart: Uint32Array }).nameFileStart;
      const usage = id === undefined ? 0 : start[id + 1] - start[id];
      const kinds = [...new Set(index.findDefinitions(name).map((d) => (d.isDeclaration ? 'decl' : d.kind)))];
      return `${name}[r${rankName(name, query)} u${usage} ${kinds.join('/')}]`;
    };
    for (const a of asked.filter((x) => !x.hit)) {
      const position = index
        .searchSymbols(a.query, { limit: 5000 })
        .map((d) => d.name)
        .filter((n, k, all) => all.indexOf(n) === k)
        .indexOf(a.name);
      console.log(
        `miss seed ${a.seed} ${a.category} ${a.query} -> ${describe(a.name, a.query)} at ${position}: ${a.top.map((n) => describe(n, a.query)).join(' ')}`,
      );
    }
  }
  const out = option('json');
  if (out) fs.writeFileSync(out, JSON.stringify(asked, null, 1));
}

const verb = argv[0];
(verb === 'sample' ? drawSamples() : probe()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
