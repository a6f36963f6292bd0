/**
 * Acceptance run (issue 17): code lenses on deeply nested files, answered and cancelled. A temporary tree holds
 * files with thousands of nested parentheses, braces and `if` blocks, and functions whose acquire call sits in
 * nested loops (the missing-release analysis behind the lenses). Over LSP, for each file: a code lens request
 * timed to its answer; then one cancelled right after it is sent, timed to its RequestCancelled answer; then a
 * hover on the same file, to show the server still answers. Problems: any answer over 5 s, any crash.
 *
 *   node --import tsx scripts/hardening/deepNesting.ts [--keep]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LspDriver } from '../../server/src/cli/bench/lspDriver';

const SLOW_MS = 5000;
const REQUEST_CANCELLED = -32800;

const loops = (depth: number, call: string) =>
  `int nest(struct mm_struct *mm, struct folio *f, unsigned long a)\n{\n${'while (a--) {'.repeat(depth)} ${call}; if (a) return 1; ${'}'.repeat(depth)}\nreturn 0;\n}\n`;

/** File name → text. */
const FILES: Record<string, string> = {
  'mm/parens.c': `int parens(void)\n{\n\treturn ${'('.repeat(20_000)}1${')'.repeat(20_000)};\n}\n`,
  'mm/braces.c': `int braces(void) ${'{'.repeat(20_000)} folio_get(f); ${'}'.repeat(20_000)}\n`,
  'mm/ifs.c': `int ifs(int a) ${'if (a) {'.repeat(10_000)} folio_lock(f); ${'}'.repeat(10_000)}\nint after(void) { return 0; }\n`,
  'mm/unclosed.c': `int unclosed(void) ${'{ ('.repeat(15_000)} folio_lock(f);\n`,
  'mm/loops8.c': loops(8, 'folio_lock(f)'),
  'mm/loops60.c': loops(60, 'pte_offset_map_lock(mm, pmd, a, &ptl)'),
};

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-deep-nesting-'));
  const cacheDir = path.join(root, '.cache');
  let problems = 0;
  try {
    fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
    fs.mkdirSync(path.join(root, 'mm'));
    for (const [file, text] of Object.entries(FILES)) fs.writeFileSync(path.join(root, file), text);
    const driver = await LspDriver.start({ root, cacheDir, timeoutMs: 60_000 });
    try {
      await driver.waitForIndex();
      for (const file of Object.keys(FILES)) {
        const uri = driver.open(file);
        const full = await driver.begin('textDocument/codeLens', { textDocument: { uri } }).answer;
        const lenses = Array.isArray(full.result) ? full.result.length : 0;
        const cancelled = driver.begin('textDocument/codeLens', { textDocument: { uri } });
        driver.cancel(cancelled.id);
        const stop = await cancelled.answer;
        const hover = await driver.begin('textDocument/hover', {
          textDocument: { uri },
          position: { line: 0, character: 5 },
        }).answer;
        const line =
          `deep: ${file}: codeLens ${full.ms.toFixed(0)} ms (${full.error ? `error ${full.error.message}` : `${lenses} lenses`}), ` +
          `cancelled codeLens answered in ${stop.ms.toFixed(0)} ms (${stop.error?.code === REQUEST_CANCELLED ? 'RequestCancelled' : stop.error ? stop.error.message : 'a result'}), ` +
          `hover after ${hover.ms.toFixed(0)} ms`;
        console.log(line);
        for (const [what, answer] of [
          ['codeLens', full],
          ['cancelled codeLens', stop],
          ['hover', hover],
        ] as const) {
          if (answer.ms > SLOW_MS) {
            problems++;
            console.log(`deep: PROBLEM ${file}: ${what} took ${answer.ms.toFixed(0)} ms`);
          }
          if (answer.error && answer.error.code !== REQUEST_CANCELLED) {
            problems++;
            console.log(`deep: PROBLEM ${file}: ${what}: ${answer.error.message}`);
          }
        }
      }
      if (driver.hasExited) {
        problems++;
        console.log('deep: PROBLEM the server exited');
      }
    } finally {
      await driver.stop();
    }
  } finally {
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(
    `deep: ${problems === 0 ? 'every request answered under 5 s, cancellations at once' : `${problems} problems`}`,
  );
  process.exitCode = problems === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
