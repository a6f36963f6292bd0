#!/usr/bin/env node
// Accuracy run of the missing-release rule on a real kernel tree: every warning on released code is a false positive.
// Usage: node scripts/check-missing-release.mjs [TREE] [--json] [--inject]
// --inject: also delete each release statement of silent real code in turn and count how many leaks the rule catches
// (recall)   (default TREE: ~/.cache/kernel-mm-lens/trees/linux-source-6.12)
// Exit code 1 when any warning remains, so CI/bench can track it.
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';

if (!process.env.KERNEL_MM_LENS_TSX) {
  // Re-run under tsx so the TypeScript sources load directly.
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, KERNEL_MM_LENS_TSX: '1' },
    },
  );
  process.exit(result.status ?? 1);
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const inject = args.includes('--inject');
const tree =
  args.find((a) => !a.startsWith('--')) ?? join(homedir(), '.cache', 'kernel-mm-lens', 'trees', 'linux-source-6.12');
if (!existsSync(tree)) {
  console.error(`kernel tree not found: ${tree} (run scripts/install-kernel-trees.sh)`);
  process.exit(2);
}
const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { checkTreeForFalsePositives } = await import(
  pathToFileURL(join(repo, 'server', 'src', 'annotations', 'accuracy.ts')).href
);
const report = await checkTreeForFalsePositives(tree, { injectLeaks: inject });
if (json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`missing-release accuracy on ${tree}`);
  console.log(`files scanned ${report.filesScanned}, parsed ${report.filesParsed}, ${report.seconds.toFixed(1)} s`);
  console.log('call sites analysed:');
  for (const [name, count] of Object.entries(report.callSites)) console.log(`  ${name.padEnd(46)} ${count}`);
  console.log(
    `functions analysed: ${report.functions}, given up (over budget, silent): ${report.gaveUp.length}${report.gaveUp.length ? ` (${report.gaveUp.join(', ')})` : ''}`,
  );
  console.log(`warnings (false positives on released code): ${report.findings.length}`);
  for (const f of report.findings) console.log(`  ${f.file}:${f.line} in ${f.function}(): ${f.acquire}`);
  if (report.skipped.length) console.log(`skipped: ${report.skipped.length}`);
  if (report.injected) {
    const caught = report.injected.filter((i) => i.detected).length;
    console.log(
      `injected leaks (one release statement deleted at a time): caught ${caught} of ${report.injected.length}`,
    );
    for (const miss of report.injected.filter((i) => !i.detected))
      console.log(`  missed: ${miss.file}:${miss.line} ${miss.function}(): ${miss.release}`);
  }
}
process.exit(report.findings.length ? 1 : 0);
