import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { headersChanged, includeClosure, includeStats } from '../../server/src/indexing/includeClosure';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-incl-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

void test('the headers a file sees: transitive, per architecture, asm-generic when the arch has none, "x.h" next to the file', () => {
  const root = tree({
    'mm/a.c': '#include <linux/a.h>\n#include "internal.h"\n',
    'mm/internal.h': '#include <linux/b.h>\n',
    'include/linux/a.h': '#include <asm/page.h>\n#include <asm/barrier.h>\n#include <linux/a.h>\n',
    'include/linux/b.h': '  #  include <uapi/linux/c.h>\n',
    'include/uapi/linux/c.h': '/* see <linux/never.h> */\n',
    'arch/x86/include/asm/page.h': '#include <asm-generic/getorder.h>\n',
    'arch/arm64/include/asm/page.h': '#include <linux/arm64_only.h>\n',
    'arch/arm64/include/asm/barrier.h': '',
    'include/asm-generic/barrier.h': '',
    'include/asm-generic/getorder.h': '',
    'include/linux/arm64_only.h': '',
    'include/linux/unrelated.h': '',
  });
  assert.deepEqual([...includeClosure(root, 'mm/a.c', 'x86')].sort(), [
    'arch/x86/include/asm/page.h',
    'include/asm-generic/barrier.h',
    'include/asm-generic/getorder.h',
    'include/linux/a.h',
    'include/linux/b.h',
    'include/uapi/linux/c.h',
    'mm/a.c',
    'mm/internal.h',
  ]);
  const arm64 = includeClosure(root, 'mm/a.c', 'arm64');
  assert.ok(arm64.has('arch/arm64/include/asm/barrier.h') && arm64.has('include/linux/arm64_only.h'));
  assert.ok(!arm64.has('include/asm-generic/barrier.h') && !arm64.has('arch/x86/include/asm/page.h'));
  // Code under arch/<a>/ sees its own architecture's headers whatever the preferred one.
  const own = includeClosure(root, 'arch/arm64/mm/fault.c', 'x86', '#include <asm/page.h>\n');
  assert.deepEqual([...own].sort(), [
    'arch/arm64/include/asm/page.h',
    'arch/arm64/mm/fault.c',
    'include/linux/arm64_only.h',
  ]);
});

void test('an unsaved buffer decides, missing headers, folders and include cycles end quietly', () => {
  const root = tree({
    'mm/a.c': '#include <linux/a.h>\n',
    'include/linux/a.h': '#include <linux/b.h>\n',
    'include/linux/b.h':
      '#include <linux/a.h>\n#include <linux/missing.h>\n#include </etc/passwd>\n#include "../../../outside.h"\n',
    'include/linux/dir.h/x': '',
  });
  assert.deepEqual([...includeClosure(root, 'mm/a.c', 'x86', '#include <linux/dir.h>\n')], ['mm/a.c']);
  assert.deepEqual([...includeClosure(root, 'mm/a.c', 'x86')].sort(), [
    'include/linux/a.h',
    'include/linux/b.h',
    'mm/a.c',
  ]);
  assert.deepEqual([...includeClosure(root, 'mm/gone.c', 'x86')], ['mm/gone.c']);
});

void test('a closure is kept until a header changes on disk', () => {
  const root = tree({ 'mm/a.c': '#include <linux/a.h>\n', 'include/linux/a.h': '#include <linux/new.h>\n' });
  assert.deepEqual([...includeClosure(root, 'mm/a.c', 'x86')].sort(), ['include/linux/a.h', 'mm/a.c']);
  fs.writeFileSync(path.join(root, 'include/linux/new.h'), '');
  assert.ok(!includeClosure(root, 'mm/a.c', 'x86').has('include/linux/new.h'), 'kept until told');
  headersChanged();
  assert.ok(includeClosure(root, 'mm/a.c', 'x86').has('include/linux/new.h'));
});

// Go to Definition builds a closure for every new file it is asked from (issue 16's latency): the headers already
// read are not stat'ed again for it, until headersChanged() (or RECHECK_MS) says to look at the disk again.
void test('a new closure over headers already read costs no stat; after headersChanged they are checked again', () => {
  const root = tree({
    'mm/a.c': '#include <linux/a.h>\n',
    'mm/b.c': '#include <linux/a.h>\n#include <linux/b.h>\n',
    'include/linux/a.h': '#include <linux/b.h>\n',
    'include/linux/b.h': '#include <linux/c.h>\n',
    'include/linux/c.h': '',
    'include/linux/d.h': '',
  });
  headersChanged();
  const before = includeStats.stats;
  assert.equal(includeClosure(root, 'mm/a.c', 'x86').size, 4);
  const first = includeStats.stats - before;
  assert.ok(first >= 3, `${first} stats for the first closure`);
  assert.equal(includeClosure(root, 'mm/b.c', 'x86').size, 4);
  assert.equal(includeStats.stats - before - first, 1, 'only the new file itself is read');
  // A header rewritten and reported: read again, with its new include lines.
  fs.writeFileSync(path.join(root, 'include/linux/c.h'), '#include <linux/d.h>\n');
  fs.utimesSync(path.join(root, 'include/linux/c.h'), new Date(), new Date(Date.now() + 5000));
  headersChanged();
  assert.ok(includeClosure(root, 'mm/a.c', 'x86').has('include/linux/d.h'));
});
