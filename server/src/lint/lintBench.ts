import { spawn } from 'child_process';
import { defaultLintRules } from './rules';
import { lintPaths } from './lintRunner';
import { detectKernelVersion } from '../base/kernelVersion';

/**
 * Benchmark of the whole-tree lint against `grep -rwE` for the same identifiers over the same kinds of files, in
 * the same run (interleaved, best of `runs`), for `npm run bench`. The target is ours <= 1.5 x grep.
 */
export interface LintBenchResult {
  /** Wall-clock seconds of our lint (walk, prefilter, tokenize, match, severity, fixes). */
  ours: number;
  /** Wall-clock seconds of grep -rwE over the same identifiers. */
  grep: number;
  findings: number;
  /** Lines grep printed (a rough upper bound of ours: grep also counts comments, strings, longer-name contexts). */
  grepLines: number;
  files: number;
}

export async function benchLint(root: string, runs = 2): Promise<LintBenchResult> {
  const rules = defaultLintRules();
  const words = [...rules.identifiers.keys(), ...rules.kconfigSymbols.keys()];
  const pattern = [...new Set(words)].map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  let ours = Infinity;
  let grep = Infinity;
  let findings = 0;
  let files = 0;
  let grepLines = 0;
  for (let run = 0; run < runs; run++) {
    const grepStart = process.hrtime.bigint();
    grepLines = await runGrep(root, pattern);
    grep = Math.min(grep, Number(process.hrtime.bigint() - grepStart) / 1e9);

    const start = process.hrtime.bigint();
    const result = await lintPaths([root], {
      root,
      rules,
      version: detectKernelVersion(root),
      maxFileSize: 8 * 1024 * 1024,
    });
    ours = Math.min(ours, Number(process.hrtime.bigint() - start) / 1e9);
    findings = result.files.reduce((sum, file) => sum + file.findings.length, 0);
    files = result.scanned;
  }
  return { ours, grep, findings, grepLines, files };
}

/**
 * Counts grep's output lines (output must go to a pipe: GNU grep stops at the first match when writing to /dev/null).
 */
function runGrep(root: string, pattern: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'grep',
      [
        '-rwE',
        pattern,
        '--include=*.c',
        '--include=*.h',
        '--include=Kconfig*',
        '--include=Makefile*',
        '--include=Kbuild*',
        '.',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let lines = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    child.on('error', reject);
    // grep exits 1 when nothing matched: still a valid timing.
    child.on('close', (code) =>
      code === 0 || code === 1 ? resolve(lines) : reject(new Error(`grep exited with ${code}`)),
    );
  });
}
