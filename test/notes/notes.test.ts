import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NotesService } from '../../server/src/notes/service';
import { loadNotes, saveNotes, defaultNotesPath, resolveNotesPath } from '../../server/src/notes/store';
import { noteBodyMarkdown, citedMessageIds } from '../../server/src/notes/render';
import { markdownProblem } from '../fuzz/outputSafety';
import { NOTES_FORMAT } from '../../server/src/notes/model';

const excerpt = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'notes', 'rmap_excerpt.c'), 'utf8');
const fixedNow = () => new Date('2025-02-10T19:38:01Z');

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-notes-'));
  const files = new Map<string, string>([['mm/rmap.c', excerpt]]);
  const symbolIndex = new Map<string, string[]>();
  const service = new NotesService(
    path.join(dir, 'notes.json'),
    {
      readSource: (file) => files.get(file),
      symbolFiles: (symbol) => symbolIndex.get(symbol) ?? [],
    },
    fixedNow,
  );
  return { dir, files, symbolIndex, service, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

test('a note is anchored to its symbol and follows edits above it', () => {
  const env = setup();
  try {
    const line = lineOf(excerpt, 'if (fw_folio)');
    const note = env.service.add({
      file: 'mm/rmap.c',
      line,
      body: 'Why end the walk only when fw_folio is set?',
      author: 'Reviewer',
    });
    assert.equal(note.anchor.symbol, 'make_device_exclusive');
    assert.equal(note.anchor.lineInSymbol, line - lineOf(excerpt, 'struct page *make_device_exclusive'));
    const edited = excerpt.replace(
      '/* Kernel-style excerpt written for the notes tests. */',
      '/* One.\n * Two.\n * Three.\n */\n#include <linux/rmap.h>',
    );
    env.files.set('mm/rmap.c', edited);
    const [view] = env.service.list();
    assert.equal(view.location.state, 'anchored');
    assert.equal(view.location.state === 'anchored' && view.location.line, lineOf(edited, 'if (fw_folio)'));
    // The followed place is persisted.
    const stored = JSON.parse(fs.readFileSync(env.service.notesPath, 'utf8'));
    assert.equal(stored.notes[0].anchor.line, lineOf(edited, 'if (fw_folio)'));
    // A reformatted line (whitespace) still matches.
    env.files.set('mm/rmap.c', edited.replace('\t\tif (fw_folio)', '\t\tif ( fw_folio )'));
    const [again] = env.service.list();
    assert.equal(again.location.state, 'anchored');
  } finally {
    env.done();
  }
});

test('a note follows its symbol to another file (a move in a newer tree)', () => {
  const env = setup();
  try {
    const line = lineOf(excerpt, 'fw.pte = ptep_clear_flush');
    env.service.add({ file: 'mm/rmap.c', line, body: 'mapcount stays untouched here' });
    env.files.delete('mm/rmap.c');
    env.files.set('mm/device_exclusive.c', `/* moved */\n\n${excerpt}`);
    env.symbolIndex.set('make_device_exclusive', ['mm/device_exclusive.c']);
    const [view] = env.service.list();
    assert.deepEqual(view.location.state === 'anchored' && [view.location.file, view.location.line], [
      'mm/device_exclusive.c',
      line + 2,
    ]);
  } finally {
    env.done();
  }
});

test('a note whose code is gone is orphaned with its last known text, never dropped', () => {
  const env = setup();
  try {
    const line = lineOf(excerpt, 'fw.pte = ptep_clear_flush');
    env.service.add({ file: 'mm/rmap.c', line, body: 'check the dirty bit' });
    env.files.set('mm/rmap.c', '// SPDX-License-Identifier: GPL-2.0\nint unrelated(void)\n{\n\treturn 0;\n}\n');
    const views = env.service.list();
    assert.equal(views.length, 1);
    assert.equal(views[0].location.state, 'orphaned');
    assert.equal(
      views[0].location.state === 'orphaned' && views[0].location.lastKnownText,
      'fw.pte = ptep_clear_flush(vma, addr, fw.ptep);',
    );
    assert.equal(JSON.parse(fs.readFileSync(env.service.notesPath, 'utf8')).notes.length, 1);
  } finally {
    env.done();
  }
});

test('storage round trip: versioned JSON, replies, resolve, delete', () => {
  const env = setup();
  try {
    const note = env.service.add({ file: 'mm/rmap.c', line: 11, body: 'first', author: 'A' });
    env.service.reply(note.id, 'second', 'B');
    env.service.resolve(note.id);
    const loaded = loadNotes(env.service.notesPath);
    assert.equal(loaded.problem, undefined);
    assert.equal(loaded.file.format, NOTES_FORMAT);
    assert.equal(loaded.file.version, 1);
    assert.equal(loaded.file.notes[0].status, 'resolved');
    assert.deepEqual(
      loaded.file.notes[0].replies.map((r) => [r.author, r.body]),
      [['B', 'second']],
    );
    assert.equal(loaded.file.notes[0].updated, '2025-02-10T19:38:01.000Z');
    env.service.delete(note.id);
    assert.equal(loadNotes(env.service.notesPath).file.notes.length, 0);
    assert.throws(() => env.service.reply(note.id, 'x'), /no note/);
    assert.deepEqual(
      fs.readdirSync(env.dir).filter((f) => f.includes('.tmp-')),
      [],
      'no temp file left behind',
    );
  } finally {
    env.done();
  }
});

test('a damaged notes file is reported and kept aside, not overwritten', () => {
  const env = setup();
  try {
    fs.writeFileSync(env.service.notesPath, '{"format": "kernel-mm-lens-notes", "version": 1, "notes": [ {"id": 1');
    const views = env.service.list();
    assert.deepEqual(views, []);
    assert.match(env.service.lastProblem ?? '', /damaged .*kept as .*notes\.json\.damaged-2025-02-10T19-38-01-000Z/);
    const aside = fs.readdirSync(env.dir).find((f) => f.startsWith('notes.json.damaged-'));
    assert.ok(aside);
    assert.match(fs.readFileSync(path.join(env.dir, aside), 'utf8'), /"id": 1$/);
    env.service.add({ file: 'mm/rmap.c', line: 11, body: 'new note after the damage' });
    assert.equal(loadNotes(env.service.notesPath).file.notes.length, 1);
    fs.writeFileSync(env.service.notesPath, JSON.stringify({ format: NOTES_FORMAT, version: 99, notes: [] }));
    const future = loadNotes(env.service.notesPath, fixedNow);
    assert.match(future.problem ?? '', /version 99 is not supported/);
  } finally {
    env.done();
  }
});

test('exports: Markdown and a plain-text review reply with quoted code', () => {
  const env = setup();
  try {
    const line = lineOf(excerpt, 'if (fw_folio)');
    const note = env.service.add({
      file: 'mm/rmap.c',
      line,
      body: 'See <547f6335-ceb4-4160-ba72-5214bf5c82f3@redhat.com>: `folio_walk_end()` only after a hit.',
      author: 'Reviewer',
    });
    env.service.reply(note.id, 'Agreed.', 'Author');
    const reply = env.service.export('reply');
    assert.match(
      reply,
      /^> mm\/rmap\.c\n> \.\.\.\n> struct page \*make_device_exclusive\(struct mm_struct \*mm, unsigned long addr,\n> \.\.\.\n/,
    );
    assert.match(
      reply,
      />\s+fw\.level != FW_LEVEL_PTE \|\| !pte_write\(fw\.pte\)\) \{\n>\s+if \(fw_folio\)\n\nSee <547f6335/,
    );
    assert.match(reply, /Author: Agreed\./);
    const markdown = env.service.export('markdown');
    assert.match(markdown, /^# Review notes/);
    assert.match(markdown, /## `make_device_exclusive` — `mm\/rmap\.c:15`/);
    assert.match(
      markdown,
      /Thread: <https:\/\/lore\.kernel\.org\/all\/547f6335-ceb4-4160-ba72-5214bf5c82f3@redhat\.com\/>/,
    );
    env.service.resolve(note.id);
    assert.doesNotMatch(env.service.export('reply'), /fw_folio/, 'resolved notes are not mailed back');
  } finally {
    env.done();
  }
});

test('note Markdown: citations become links, other text is escaped', () => {
  const md = noteBodyMarkdown('See <abc@x.org> and `folio_walk_end()`; <script>alert(1)</script> [x](javascript:1)');
  assert.match(md, /\[\\<abc@x\.org>\]\(https:\/\/lore\.kernel\.org\/all\/abc@x\.org\/\)/);
  assert.match(md, /\[`folio_walk_end\(\)`\]\(command:kernelMmLens\.notes\.goToSymbol\?%5B%22folio_walk_end%22%5D\)/);
  // `\<script>` and `\[x\](javascript:1)` are escaped: text, neither an element nor a link, once rendered.
  assert.equal(markdownProblem(md), undefined);
  assert.deepEqual(citedMessageIds('Message-ID: 87mskehjtc.fsf@nvdebian.thelocal and <a@b.c>'), [
    '87mskehjtc.fsf@nvdebian.thelocal',
    'a@b.c',
  ]);
});

test('storage location: per workspace under the cache dir by default, or the chosen file', () => {
  const a = defaultNotesPath('/cache', '/src/linux');
  const b = defaultNotesPath('/cache', '/other/linux');
  assert.match(a, /^\/cache\/notes\/linux-[0-9a-f]{12}\.json$/);
  assert.notEqual(a, b);
  assert.equal(resolveNotesPath('review/notes.json', '/src/linux', '/cache'), '/src/linux/review/notes.json');
  assert.equal(resolveNotesPath('', '/src/linux', '/cache'), a);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-save-'));
  try {
    saveNotes(path.join(dir, 'deep', 'n.json'), { format: NOTES_FORMAT, version: 1, notes: [] });
    assert.ok(fs.existsSync(path.join(dir, 'deep', 'n.json')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('notes on a struct field and on a macro follow their definitions', () => {
  const header = [
    '/* pagewalk.h excerpt */',
    'struct folio_walk {',
    '\tstruct page *page;',
    '\tenum folio_walk_level level;',
    '\tspinlock_t *ptl;',
    '};',
    '',
    '#define folio_walk_end(__fw, __vma) do { \\',
    '\tspin_unlock((__fw)->ptl); \\',
    '} while (0)',
    '',
  ].join('\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-notes-field-'));
  const files = new Map([['include/linux/pagewalk.h', header]]);
  try {
    const service = new NotesService(path.join(dir, 'n.json'), { readSource: (f) => files.get(f) }, fixedNow);
    const field = service.add({
      file: 'include/linux/pagewalk.h',
      line: 4,
      body: 'private: only folio_walk_end() may use it',
    });
    const macro = service.add({ file: 'include/linux/pagewalk.h', line: 8, body: 'unlock first, then unmap' });
    assert.equal(field.anchor.symbol, 'struct folio_walk');
    assert.equal(macro.anchor.symbol, 'folio_walk_end');
    const edited = header
      .replace('\tstruct page *page;\n', '\tstruct page *page;\n\tstruct vm_area_struct *vma;\n')
      .replace('/* pagewalk.h excerpt */\n', '/* pagewalk.h excerpt */\n#include <linux/mm.h>\n\n');
    files.set('include/linux/pagewalk.h', edited);
    const lines = edited.split('\n');
    const views = service.list();
    const at = (id: string) => views.find((v) => v.id === id)!.location;
    assert.deepEqual(at(field.id), {
      state: 'anchored',
      file: 'include/linux/pagewalk.h',
      line: lines.indexOf('\tspinlock_t *ptl;'),
      moved: true,
    });
    assert.equal(
      at(macro.id).state === 'anchored' && lines[(at(macro.id) as { line: number }).line],
      '\tspin_unlock((__fw)->ptl); \\',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
