import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { notesCommand } from '../../server/src/cli/notesCommand';
import { NotesService } from '../../server/src/notes/service';
import { captureIo as capture } from '../captureIo';

test('notes export prints the reply format re-anchored against the tree; list reports orphans', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-notescli-'));
  try {
    const tree = path.join(dir, 'tree');
    fs.mkdirSync(path.join(tree, 'mm'), { recursive: true });
    const excerpt = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'notes', 'rmap_excerpt.c'), 'utf8');
    fs.writeFileSync(path.join(tree, 'mm', 'rmap.c'), excerpt);
    const notesFile = path.join(dir, 'notes.json');
    const service = new NotesService(notesFile, {
      readSource: (f) => {
        try {
          return fs.readFileSync(path.join(tree, f), 'utf8');
        } catch {
          return undefined;
        }
      },
    });
    const line = excerpt.split('\n').findIndex((l) => l.includes('folio_put(folio);'));
    service.add({ file: 'mm/rmap.c', line, body: 'The reference is dropped here.', author: 'R' });
    fs.writeFileSync(path.join(tree, 'mm', 'rmap.c'), `\n\n\n${excerpt}`);
    const reply = capture();
    assert.equal(
      await notesCommand.run(['export', '--format', 'reply', '--notes-file', notesFile, '--tree', tree], reply.io),
      0,
    );
    assert.match(reply.text(), /^> mm\/rmap\.c\n> \.\.\.\n> struct page \*make_device_exclusive/);
    assert.match(reply.text(), /> \t\tfolio_put\(folio\);\n\nThe reference is dropped here\.\n$/);
    fs.writeFileSync(path.join(tree, 'mm', 'rmap.c'), 'int other(void)\n{\n\treturn 0;\n}\n');
    const list = capture();
    assert.equal(await notesCommand.run(['list', '--notes-file', notesFile, '--tree', tree], list.io), 0);
    assert.match(
      list.text(),
      /^mm\/rmap\.c:\d+ \(orphaned\)\topen\tmake_device_exclusive\tThe reference is dropped here\.\n$/,
    );
    const missing = capture();
    assert.equal(
      await notesCommand.run(['export', '--notes-file', path.join(dir, 'none.json'), '--tree', tree], missing.io),
      1,
    );
    assert.match(missing.errors(), /no notes file/);
    await assert.rejects(
      notesCommand.run(['export', '--format', 'html', '--notes-file', notesFile, '--tree', tree], capture().io),
      /--format must be/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
