/**
 * The "inactive code" section of `kernel-mm-lens bench` (issue 24): the editor's inactive lines under a real
 * kernel configuration against the configuration truth (configTruth.ts: GNU cpp over the tree's own kconfig.h),
 * on mm/*.c, fs/dax.c and the mm headers; the LSP's `textDocument/inactiveRegions` against the CLI's `regions`;
 * and the time the evaluation takes per file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ConfigurationService } from '../../configuration/configurationService';
import { CppConditionEvaluator, readConfigWithTools, truthInactiveLines } from './configTruth';
import { LspDriver, percentile, uriOf } from './lspDriver';
import type { BenchRow } from './accuracySection';

/** Debian's amd64 configuration for the 6.12 tree (package linux-config-6.12). */
export const DEBIAN_CONFIG_6_12 = '/usr/src/linux-config-6.12/config.amd64_none_amd64.xz';

/** The headers of the mm core, page tables, ZONE_DEVICE/HMM and fs-dax the users of this extension read. */
const MM_HEADERS = [
  'include/linux/mm.h',
  'include/linux/mm_types.h',
  'include/linux/mm_types_task.h',
  'include/linux/mm_inline.h',
  'include/linux/mmzone.h',
  'include/linux/memremap.h',
  'include/linux/memcontrol.h',
  'include/linux/memory_hotplug.h',
  'include/linux/mempolicy.h',
  'include/linux/huge_mm.h',
  'include/linux/hugetlb.h',
  'include/linux/rmap.h',
  'include/linux/swap.h',
  'include/linux/swapops.h',
  'include/linux/pagemap.h',
  'include/linux/pagewalk.h',
  'include/linux/page-flags.h',
  'include/linux/page_ref.h',
  'include/linux/pgtable.h',
  'include/linux/migrate.h',
  'include/linux/mmu_notifier.h',
  'include/linux/hmm.h',
  'include/linux/dax.h',
  'include/linux/gfp.h',
  'include/linux/ksm.h',
  'include/linux/vmstat.h',
  'include/linux/highmem.h',
  'include/linux/shmem_fs.h',
  'include/linux/userfaultfd_k.h',
];

/** The files the acceptance names: mm/*.c, fs/dax.c, the mm headers and mm/'s own headers. */
export function configurationBenchFiles(root: string): string[] {
  const list = (dir: string, suffix: string) => {
    try {
      return fs
        .readdirSync(path.join(root, dir))
        .filter((name) => name.endsWith(suffix))
        .sort()
        .map((name) => `${dir}/${name}`);
    } catch {
      return [];
    }
  };
  return [...list('mm', '.c'), 'fs/dax.c', ...MM_HEADERS, ...list('mm', '.h')].filter((file) =>
    fs.existsSync(path.join(root, file)),
  );
}

export interface ConfigurationReport {
  config: string;
  arch?: string;
  files: number;
  nonBlankLines: number;
  /** Non-blank lines the editor and the truth classify the same. */
  sameLines: number;
  /** Lines live by the truth, and those of them the editor shows inactive. */
  liveLines: number;
  liveShownInactive: number;
  /** Lines inactive by the truth, and those of them the editor shows inactive. */
  inactiveLines: number;
  inactiveFound: number;
  /** Files where the two differ, with the first differing lines (1-based), for a reader to check. */
  differences: Array<{ file: string; lines: number[] }>;
  /** Evaluation time per file (ms), the configuration read once before. */
  perFileMs: { p50: number; p99: number; max: number };
  readMs: number;
  /** LSP notifications against the CLI's output, file by file. */
  lsp?: { files: number; equal: number; unequal: string[]; error?: string };
}

export async function runConfigurationBench(options: {
  root: string;
  configFile: string;
  cacheDir: string;
  log: (line: string) => void;
  /** Files whose LSP notifications are compared with the CLI (default: a few large ones). */
  lspFiles?: string[];
}): Promise<ConfigurationReport> {
  const { root, configFile, log } = options;
  const files = configurationBenchFiles(root);
  const service = new ConfigurationService();
  const readStart = performance.now();
  const state = await service.configure({ root, kernelConfig: configFile, arch: '' });
  const readMs = performance.now() - readStart;
  if (state.problem) throw new Error(state.problem);
  const kconfig = path.join(root, 'include', 'linux', 'kconfig.h');
  if (!CppConditionEvaluator.available()) throw new Error('cpp not found (apt-get install cpp): no truth to compare');
  if (!fs.existsSync(kconfig)) throw new Error(`${kconfig} missing: not a kernel tree`);
  const evaluator = new CppConditionEvaluator(readConfigWithTools(configFile), kconfig);
  const report: ConfigurationReport = {
    config: configFile,
    arch: state.arch,
    files: files.length,
    nonBlankLines: 0,
    sameLines: 0,
    liveLines: 0,
    liveShownInactive: 0,
    inactiveLines: 0,
    inactiveFound: 0,
    differences: [],
    perFileMs: { p50: 0, p99: 0, max: 0 },
    readMs,
  };
  const times: number[] = [];
  try {
    log(`inactive code: ${files.length} files under ${path.basename(configFile)} (arch ${state.arch ?? '?'}) ...`);
    for (const file of files) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      const start = performance.now();
      const regions = service.regions(file, text, false);
      times.push(performance.now() - start);
      const ours = new Set<number>();
      for (const region of regions) for (let line = region.first; line <= region.last; line++) ours.add(line);
      const truth = truthInactiveLines(file, text, state.arch, evaluator);
      const lines = text.split('\n');
      const differing: number[] = [];
      lines.forEach((content, line) => {
        if (content.trim() === '') return;
        report.nonBlankLines++;
        const inTruth = truth.has(line);
        const inOurs = ours.has(line);
        if (inTruth === inOurs) report.sameLines++;
        else if (differing.length < 20) differing.push(line + 1);
        if (inTruth) {
          report.inactiveLines++;
          if (inOurs) report.inactiveFound++;
        } else {
          report.liveLines++;
          if (inOurs) report.liveShownInactive++;
        }
      });
      if (differing.length > 0) report.differences.push({ file, lines: differing });
    }
  } finally {
    evaluator.dispose();
  }
  report.perFileMs = { p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(0, ...times) };
  report.lsp = await compareLspWithCli(root, configFile, options.cacheDir, options.lspFiles ?? LSP_FILES, log);
  return report;
}

const LSP_FILES = ['mm/memory.c', 'mm/huge_memory.c', 'include/linux/memremap.h', 'include/linux/mm.h', 'fs/dax.c'];

/** Opens files in a spawned language server and compares its inactiveRegions with `kernel-mm-lens regions --json`. */
async function compareLspWithCli(
  root: string,
  configFile: string,
  cacheDir: string,
  files: string[],
  log: (line: string) => void,
): Promise<ConfigurationReport['lsp']> {
  const present = files.filter((file) => fs.existsSync(path.join(root, file)));
  const bin = path.resolve(__dirname, '..', 'bin', 'kernel-mm-lens.js');
  const cliEntry = fs.existsSync(bin)
    ? bin
    : path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'kernel-mm-lens.js');
  const cli = spawnSync(
    process.execPath,
    [cliEntry, 'regions', ...present.map((file) => path.join(root, file)), '--config', configFile, '--json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (cli.status !== 0) return { files: 0, equal: 0, unequal: [], error: `regions CLI: ${cli.stderr}` };
  const expected = new Map<string, Array<[number, number]>>(
    (JSON.parse(cli.stdout) as Array<{ file: string; inactive: Array<[number, number]> }>).map((entry) => [
      entry.file,
      entry.inactive,
    ]),
  );
  log(`inactive code: LSP inactiveRegions of ${present.length} files against the CLI ...`);
  const received = new Map<string, Array<[number, number]>>();
  const driver = await LspDriver.start({
    root,
    cacheDir: fs.mkdtempSync(path.join(cacheDir || os.tmpdir(), 'kmml-regions-lsp-')),
    settings: { kernelConfig: configFile },
    inactiveRegions: true,
  });
  try {
    driver.onNotification('textDocument/inactiveRegions', (params) => {
      const { textDocument, regions } = params as {
        textDocument: { uri: string };
        regions: Array<{ start: { line: number }; end: { line: number } }>;
      };
      received.set(
        textDocument.uri,
        regions.map((r) => [r.start.line + 1, r.end.line + 1]),
      );
    });
    // The configuration is read after `initialized`; the server pushes every open document again when it is.
    await waitFor(async () => {
      const status = await driver.custom<{ mode: string }>('kernelMmLens/getConfigurationStatus');
      return status.result.mode === 'config';
    }, 30_000);
    for (const file of present) driver.open(file);
    await waitFor(async () => present.every((file) => received.has(uriOf(path.join(root, file)))), 30_000);
  } finally {
    await driver.stop();
  }
  const unequal = present.filter(
    (file) => JSON.stringify(received.get(uriOf(path.join(root, file)))) !== JSON.stringify(expected.get(file)),
  );
  return { files: present.length, equal: present.length - unequal.length, unequal };
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`no answer in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function configurationRows(report: ConfigurationReport): BenchRow[] {
  const pct = (hit: number, total: number) => (total > 0 ? `${((100 * hit) / total).toFixed(2)}%` : '-');
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const rows: BenchRow[] = [
    [
      'inactive lines = cpp truth (non-blank)',
      pct(report.sameLines, report.nonBlankLines),
      'cpp + kconfig.h',
      '-',
      `>= 99%: ${verdict(report.sameLines >= 0.99 * report.nonBlankLines)}`,
    ],
    [
      '  live lines shown inactive',
      pct(report.liveShownInactive, report.liveLines),
      '-',
      '-',
      `<= 0.1%: ${verdict(report.liveShownInactive <= 0.001 * report.liveLines)}`,
    ],
    [
      '  inactive lines found',
      pct(report.inactiveFound, report.inactiveLines),
      '-',
      '-',
      `${report.inactiveLines} inactive of ${report.nonBlankLines}`,
    ],
    [
      'inactive regions per file p50 / p99 (ms)',
      `${report.perFileMs.p50.toFixed(2)} / ${report.perFileMs.p99.toFixed(2)}`,
      '-',
      '-',
      `${report.files} files; config read ${report.readMs.toFixed(0)} ms`,
    ],
  ];
  if (report.lsp)
    rows.push([
      'LSP inactiveRegions = CLI regions',
      report.lsp.error ? 'error' : `${report.lsp.equal}/${report.lsp.files}`,
      '-',
      '-',
      `all equal: ${verdict(!report.lsp.error && report.lsp.equal === report.lsp.files)}`,
    ]);
  return rows;
}
