import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

/** A throw-away tree of hand-written files for the accuracy-bench tests; returns its real path. */
export function writeTree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-truth-')));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** Whether a command runs here (for the tests that skip with one clear line when a peer is absent). */
export function installed(command: string, args: string[] = ['--version']): boolean {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return !run.error;
}

/**
 * A minimal kernel-like tree: a header with a struct, a macro, an enum, a prototype, a typedef; mm/a.c
 * defining what mm/b.c uses (so that clangd needs its background index for the cross-file definition);
 * mm/c.c calling `not_built()` whose only definition (lib/elsewhere.c) is outside the compile database.
 */
export const MINI_TREE: Record<string, string> = {
  Makefile: '# not a real kernel\n',
  'include/linux/walk.h': [
    '#ifndef WALK_H',
    '#define WALK_H',
    '#define WALK_LEVELS 4',
    'enum walk_level { WALK_PTE, WALK_PMD };',
    'struct folio_walk {',
    '\tint level;',
    '\tvoid *page;',
    '};',
    'typedef unsigned long walk_addr_t;',
    'extern int walk_count;',
    'void *folio_walk_start(struct folio_walk *fw, walk_addr_t addr);',
    'int not_built(int x);',
    '#endif',
    '',
  ].join('\n'),
  'mm/a.c': [
    '#include <linux/walk.h>',
    'int walk_count;',
    'void *folio_walk_start(struct folio_walk *fw, walk_addr_t addr)',
    '{',
    '\tfw->level = WALK_PMD;',
    '\treturn (void *)addr;',
    '}',
    '',
  ].join('\n'),
  'mm/b.c': [
    '#include <linux/walk.h>',
    'static int use_walk(walk_addr_t addr)',
    '{',
    '\tstruct folio_walk fw;',
    '\tint levels = WALK_LEVELS;',
    '\tvoid *page = folio_walk_start(&fw, addr);',
    '\twalk_count += levels + fw.level + (page != 0) + WALK_PTE;',
    '\treturn not_built(levels);',
    '}',
    'int call_use(void) { return use_walk(1); }',
    '',
  ].join('\n'),
  'lib/elsewhere.c': 'int not_built(int x)\n{\n\treturn x;\n}\n',
};

/** compile_commands.json for mm/a.c and mm/b.c of a tree written by writeTree (lib/elsewhere.c left out). */
export function writeCompileDb(root: string, buildDir: string): void {
  fs.mkdirSync(buildDir, { recursive: true });
  const entries = ['mm/a.c', 'mm/b.c'].map((file) => ({
    directory: buildDir,
    file: path.join(root, file),
    arguments: [
      'clang',
      '-c',
      '-nostdinc',
      `-I${path.join(root, 'include')}`,
      '-o',
      path.join(buildDir, file.replace(/\.c$/, '.o')),
      path.join(root, file),
    ],
  }));
  fs.writeFileSync(path.join(buildDir, 'compile_commands.json'), JSON.stringify(entries, null, 1));
}
