/**
 * The editor's requests on one file after another, as the acceptance runs of issue 17 make them
 * (mutatedCorpus.ts on the 10,000-file corpus, largeDocuments.ts on its largest files): open the file, then
 * document symbols, three hovers, inlay hints for the whole file, code lens, three definitions, and the pushed
 * diagnostics (timed from the open to the first list published; a large file's lint findings come before its
 * missing-release check). Counts requests, crashes (the server exits: restarted), failures and requests
 * slower than SLOW_MS.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LspDriver, type Position } from '../../server/src/cli/bench/lspDriver';

export const SLOW_MS = 5000;

export interface LspTally {
  requests: number;
  slow: Array<{ file: string; method: string; ms: number }>;
  failed: Array<{ file: string; method: string; error: string }>;
  crashes: string[];
  times: number[];
  /** Server start (spawn) to its index ready, and to the first answered request, in ms (the first start only). */
  startup?: { indexReadyMs: number; firstAnswerMs: number };
  /** Per file: server CPU (user + system) while its requests ran, and the slowest request. */
  perFile?: Array<{ file: string; cpuMs: number; slowestMs: number; slowestMethod: string }>;
}

export interface ExerciseOptions {
  /** The command that starts the server (default: this repository's bundle). */
  command?: string[];
  log?: (line: string) => void;
}

/** Positions on a few identifiers of the file (first, middle, last that are found). */
function positionsIn(text: string): Position[] {
  const lines = text.split(/\r\n|\r|\n/);
  const found: Position[] = [];
  for (let line = 0; line < lines.length && found.length < 200; line++) {
    const match = /[A-Za-z_][A-Za-z0-9_]{2,}/.exec(lines[line].slice(0, 2000));
    if (match) found.push({ line, character: match.index + 1 });
  }
  if (found.length === 0) return [{ line: 0, character: 0 }];
  return [found[0], found[found.length >> 1], found[found.length - 1]];
}

/** CPU time (user + system) the process has used, in ms (USER_HZ 100). */
export function cpuMsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

export async function exerciseOverLsp(
  root: string,
  cacheDir: string,
  files: string[],
  tally: LspTally,
  options: ExerciseOptions = {},
): Promise<void> {
  const start = () =>
    LspDriver.start({
      root,
      cacheDir,
      timeoutMs: 60_000,
      settings: { genericNavigation: true },
      command: options.command,
      log: options.log,
    });
  let driver = await start();
  await driver.waitForIndex(1_800_000);
  const indexReadyMs = performance.now() - driver.spawnedAt;
  let firstAnswer = true;
  const diagnostics = new Map<string, () => void>();
  const watchDiagnostics = (d: LspDriver) =>
    d.onNotification('textDocument/publishDiagnostics', (params) => {
      const uri = (params as { uri?: string }).uri ?? '';
      diagnostics.get(uri)?.();
    });
  watchDiagnostics(driver);
  tally.perFile ??= [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const positions = positionsIn(text);
    const lineCount = text.split(/\r\n|\r|\n/).length;
    const cpuBefore = cpuMsOf(driver.pid);
    let slowestMs = 0;
    let slowestMethod = '';
    const record = (method: string, ms: number) => {
      tally.requests++;
      tally.times.push(ms);
      if (ms > SLOW_MS) tally.slow.push({ file, method, ms });
      if (ms > slowestMs) [slowestMs, slowestMethod] = [ms, method];
    };
    const timed = async (method: string, run: () => Promise<unknown>) => {
      const started = performance.now();
      try {
        await run();
      } catch (error) {
        tally.failed.push({ file, method, error: error instanceof Error ? error.message : String(error) });
      }
      record(method, performance.now() - started);
      if (firstAnswer) {
        firstAnswer = false;
        tally.startup ??= { indexReadyMs, firstAnswerMs: performance.now() - driver.spawnedAt };
      }
    };
    const opened = performance.now();
    let diagnosed: Promise<void> = Promise.resolve();
    const uri = (() => {
      diagnosed = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          diagnostics.delete(driver.uriOf(file));
          tally.failed.push({ file, method: 'diagnostics', error: 'none published within 30 s' });
          record('diagnostics', performance.now() - opened);
          resolve();
        }, 30_000);
        diagnostics.set(driver.uriOf(file), () => {
          clearTimeout(timer);
          diagnostics.delete(driver.uriOf(file));
          record('diagnostics', performance.now() - opened);
          resolve();
        });
      });
      return driver.open(file);
    })();
    await timed('documentSymbol', () => driver.request('textDocument/documentSymbol', { textDocument: { uri } }));
    for (const position of positions) await timed('hover', () => driver.hover(file, position));
    await timed('inlayHint', () =>
      driver.inlayHint(file, { start: { line: 0, character: 0 }, end: { line: lineCount, character: 0 } }),
    );
    await timed('codeLens', () => driver.codeLens(file));
    for (const position of positions) await timed('definition', () => driver.definition(file, position));
    await diagnosed;
    if (driver.hasExited) {
      tally.crashes.push(file);
      console.log(`lsp: server exited while answering about ${file}; restarted`);
      driver = await start();
      watchDiagnostics(driver);
      await driver.waitForIndex(1_800_000);
      continue;
    }
    tally.perFile.push({ file, cpuMs: cpuMsOf(driver.pid) - cpuBefore, slowestMs, slowestMethod });
    driver.close(file);
  }
  await driver.stop();
}
