import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { tokenize } from '../../server/src/parsing/lexer';
import { scanInstallSites } from '../../server/src/parsing/installSites';
import { scanFieldStores } from '../../server/src/parsing/fieldStores';

// Install sites (the whole-tree index's candidates for "where is f installed") on hand-written inputs, and the
// property the ops tables rely on: every store the text scanner finds in a file is an install site of that file.

function sites(text: string): string[] {
  const tokens = tokenize(text);
  const out: string[] = [];
  scanInstallSites(tokens, (field, value) =>
    out.push(`${tokens.tokenText(field)}=${tokens.tokenText(value)}@${tokens.line[value]}`),
  );
  return out;
}

test('designated initialisers, arrays, nested lists, casts and & are install sites', () => {
  const text = [
    'static const struct demo_ops ops = {',
    '\t.open = demo_open,',
    '\t.release = &demo_release,',
    '\t.fault = (vm_fault_t (*)(struct vm_fault *))demo_fault,', // not a simple cast: the text scanner skips it too
    '\t.mmap = (void *)demo_mmap,',
    '\t.ops = { .free = demo_free },',
    '\t.owner = THIS_MODULE,',
    '\t.name = "demo",',
    '\t.flags = 0,',
    '\t.next = NULL,',
    '};',
    'static struct demo_ops table[] = { [0] = { .open = a_open }, { .open = b_open } };',
  ].join('\n');
  assert.deepEqual(sites(text), [
    'open=demo_open@1',
    'release=demo_release@2',
    'mmap=demo_mmap@4',
    'free=demo_free@5',
    'owner=THIS_MODULE@6',
    'open=a_open@11',
    'open=b_open@11',
  ]);
});

test('assignments through -> and . are install sites; calls, comparisons and compound assignments are not', () => {
  const text = [
    'void demo_init(struct demo *d, struct demo_ops o)',
    '{',
    '\td->ops->free = kvfree;',
    '\to.release = demo_release, d->n = count;',
    '\td->cb = demo_cb(d);',
    '\tif (d->ops == other) return;',
    '\td->count += step;',
    '\tx = demo_plain;',
    '\td->mask = a | b;',
    '}',
  ].join('\n');
  assert.deepEqual(sites(text), ['free=kvfree@2', 'release=demo_release@3', 'n=count@3']);
});

test('comments, strings and preprocessor lines are skipped like blanks; #define bodies store nothing', () => {
  const text = [
    '#define DEMO_TABLE { .open = macro_open, }',
    'static const struct demo_ops ops = {',
    '\t.release = demo_release /* the only one */,',
    '\t.probe = demo_probe',
    '#ifdef CONFIG_DEMO',
    '\t\t',
    '#endif',
    '\t,',
    '\t.name = "x" /* comment */ ,',
    '};',
    '// .open = commented_open,',
  ].join('\n');
  assert.deepEqual(sites(text), ['release=demo_release@2', 'probe=demo_probe@3']);
});

test('every store the text scanner finds in the fixtures is an install site of the same file', () => {
  const fixtures = path.join(__dirname, '..', 'fixtures');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.[ch]$/.test(entry.name)) files.push(full);
    }
  };
  walk(fixtures);
  let stores = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const found = new Set(sites(text).map((site) => site.replace(/@\d+$/, '')));
    for (const store of scanFieldStores(text)) {
      stores++;
      assert.ok(
        found.has(`${store.field}=${store.value}`),
        `${path.relative(fixtures, file)}: ${store.field}=${store.value}`,
      );
    }
  }
  assert.ok(files.length > 50 && stores > 20, `${files.length} files, ${stores} stores`);
});
