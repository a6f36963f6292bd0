// Real code changes for the generated test archive: the hunks of `git diff --no-index` between Debian's
// linux-source-6.1 and linux-source-6.12 (real files, real functions in the hunk headers, real added and removed
// lines), and one constructed change on real 6.12 code: dropping the `|| pmd_devmap(...)`-style clauses, the way
// the upstream devmap removal did after 6.12 (the trees we have do not contain that change itself).
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

/** Areas a linux-mm reader sees patches for. Files must exist in both trees (renamed folders are left out). */
export const AREAS = [
  'mm',
  'include/linux',
  'fs/dax.c',
  'fs/proc',
  'fs/hugetlbfs',
  'fs/userfaultfd.c',
  'drivers/gpu/drm/nouveau',
  'drivers/gpu/drm/amd/amdkfd',
  'lib',
  'kernel/events',
  'kernel/fork.c',
  'arch/x86/mm',
  'arch/x86/include/asm',
  'virt/kvm',
];

/** Kernel trees set `diff=cpp` for C files (.gitattributes), which gives hunk headers the enclosing function. */
function attributesFile() {
  const file = path.join(os.tmpdir(), `kernel-mm-lens-lore-attributes-${process.pid}`);
  fs.writeFileSync(file, '*.c diff=cpp\n*.h diff=cpp\n');
  return file;
}

function gitDiff(cwd, oldPath, newPath, attributes) {
  const result = spawnSync(
    'git',
    [
      '-c',
      `core.attributesFile=${attributes}`,
      'diff',
      '--no-index',
      '--no-color',
      '-U3',
      '--diff-filter=M',
      oldPath,
      newPath,
    ],
    {
      cwd,
      encoding: 'latin1',
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  // git diff --no-index exits 1 when the inputs differ.
  if (result.status !== 0 && result.status !== 1) throw new Error(`git diff ${oldPath} ${newPath}: ${result.stderr}`);
  return result.stdout;
}

/**
 * Splits a multi-file diff into { path, index, hunks: [{ oldStart, oldCount, newStart, newCount, context, fn, lines }] }.
 * Paths are rewritten from `a/<oldPrefix>/mm/x.c` to the kernel's `mm/x.c`.
 */
export function parseDiff(text, oldPrefix, newPrefix) {
  const files = [];
  let file;
  let hunk;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      hunk = undefined;
      file = { path: '', index: '', hunks: [] };
      files.push(file);
      continue;
    }
    if (!file) continue;
    if (!hunk) {
      if (line.startsWith('index ')) file.index = line;
      else if (line.startsWith('+++ ')) file.path = line.slice(4).replace(/^b\//, '').replace(`${newPrefix}/`, '');
      else if (line.startsWith('--- ')) file.oldPath = line.slice(4).replace(/^a\//, '').replace(`${oldPrefix}/`, '');
    }
    const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/.exec(line);
    if (header) {
      const context = header[5];
      const fn = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(context)?.[1];
      hunk = {
        oldStart: Number(header[1]),
        oldCount: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newCount: header[4] === undefined ? 1 : Number(header[4]),
        context,
        fn,
        lines: [],
      };
      file.hunks.push(hunk);
      continue;
    }
    if (hunk && /^[-+ \\]/.test(line)) hunk.lines.push(line);
  }
  return files.filter((f) => /\.[ch]$/.test(f.path) && f.hunks.length > 0);
}

/** Every modified C file of AREAS between the two trees, sorted by path (deterministic). */
export function collectRealFileDiffs(treesDir, oldName, newName) {
  const attributes = attributesFile();
  try {
    const all = [];
    for (const area of AREAS) {
      if (!fs.existsSync(path.join(treesDir, oldName, area)) || !fs.existsSync(path.join(treesDir, newName, area)))
        continue;
      all.push(
        ...parseDiff(gitDiff(treesDir, `${oldName}/${area}`, `${newName}/${area}`, attributes), oldName, newName),
      );
    }
    return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } finally {
    fs.rmSync(attributes, { force: true });
  }
}

// `X || pmd_devmap(y)` and `pmd_devmap(y) || X` with one level of nested parentheses in the argument.
const DEVMAP_CALL = String.raw`p[mu]d_devmap\((?:[^()]|\([^()]*\))*\)`;
const OR_DEVMAP = new RegExp(String.raw`\s*\|\|\s*${DEVMAP_CALL}`, 'g');
const DEVMAP_OR = new RegExp(String.raw`${DEVMAP_CALL}\s*\|\|\s*`, 'g');

/**
 * The devmap-removal change on real 6.12 files: every `|| pXX_devmap(...)` clause dropped. One file diff per file
 * that changes, as git writes it (real hunk headers and context from the 6.12 file).
 */
export function devmapRemovalDiffs(treesDir, newName) {
  const candidates = [
    'mm/huge_memory.c',
    'mm/gup.c',
    'mm/memory.c',
    'mm/mprotect.c',
    'mm/mremap.c',
    'mm/pagewalk.c',
    'mm/hmm.c',
    'mm/migrate_device.c',
    'mm/page_vma_mapped.c',
    'mm/pgtable-generic.c',
    'mm/userfaultfd.c',
    'mm/khugepaged.c',
    'mm/mapping_dirty_helpers.c',
    'mm/memory-failure.c',
    'fs/dax.c',
    'fs/userfaultfd.c',
    'include/linux/huge_mm.h',
    'include/linux/pgtable.h',
  ];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-mm-lens-devmap-'));
  const attributes = attributesFile();
  try {
    const diffs = [];
    for (const rel of candidates) {
      const source = path.join(treesDir, newName, rel);
      if (!fs.existsSync(source)) continue;
      const original = fs.readFileSync(source, 'latin1');
      const edited = original
        .split('\n')
        .map((line) => line.replace(OR_DEVMAP, '').replace(DEVMAP_OR, ''))
        .join('\n');
      if (edited === original) continue;
      const before = path.join(work, 'a', rel);
      const after = path.join(work, 'b', rel);
      fs.mkdirSync(path.dirname(before), { recursive: true });
      fs.mkdirSync(path.dirname(after), { recursive: true });
      fs.writeFileSync(before, original, 'latin1');
      fs.writeFileSync(after, edited, 'latin1');
      diffs.push(
        ...parseDiff(gitDiff(work, `a/${rel}`, `b/${rel}`, attributes), 'a', 'b').map((f) => ({
          ...f,
          path: rel,
          oldPath: rel,
        })),
      );
    }
    return diffs;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(attributes, { force: true });
  }
}

/**
 * The text of a patch made of some hunks of one file diff: new-side start lines are recomputed for the chosen
 * hunks (as if only they were applied), so `git apply` reads it as a consistent patch on the old file.
 */
export function renderFileDiff(fileDiff, hunks) {
  const out = [`diff --git a/${fileDiff.path} b/${fileDiff.path}`];
  if (fileDiff.index) out.push(fileDiff.index);
  out.push(`--- a/${fileDiff.path}`, `+++ b/${fileDiff.path}`);
  let delta = 0;
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    const newStart = hunk.oldStart + delta;
    out.push(
      `@@ -${hunk.oldStart},${hunk.oldCount} +${newStart},${hunk.newCount} @@${hunk.context ? ` ${hunk.context}` : ''}`,
    );
    for (const line of hunk.lines) {
      out.push(line);
      if (line[0] === '+') added++;
      else if (line[0] === '-') removed++;
    }
    delta += hunk.newCount - hunk.oldCount;
  }
  return { text: out.join('\n'), added, removed };
}

/** Identifiers on the changed lines of some hunks (for prose that names what the patch touches). */
export function changedIdentifiers(hunks) {
  const names = new Map();
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line[0] !== '+' && line[0] !== '-') continue;
      if (/^[-+]\s*(\*|\/\*|\/\/)/.test(line)) continue;
      for (const match of line.slice(1).matchAll(/\b[a-z_][a-z0-9_]{4,}\b/g)) {
        if (match[0].includes('_') && !/_t$/.test(match[0])) names.set(match[0], (names.get(match[0]) ?? 0) + 1);
      }
    }
  }
  return [...names].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
}
