import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { stablePatchId } from '../../server/src/lore/patchId';

// Hand-written patches (no kernel file copied): two files, a context line whose leading space a mailer
// stripped, a "\ No newline" marker, a diffstat and a signature that are not part of the id.
const TWO_FILES = `Subject: [PATCH v2 1/2] mm/walk: drop the devmap check

The check is dead since devmap pages are refcounted.

Signed-off-by: Ann Example <ann@example.org>
---
 mm/walk.c         | 3 +--
 include/walk.h    | 1 -
 2 files changed, 1 insertion(+), 3 deletions(-)

diff --git a/mm/walk.c b/mm/walk.c
index 1111111..2222222 100644
--- a/mm/walk.c
+++ b/mm/walk.c
@@ -10,7 +10,6 @@ static int walk_one(pmd_t *pmd)
 	int ret = 0;
 
-	if (pmd_trans_huge(*pmd) || pmd_devmap(*pmd))
-		ret = 1;
+	if (pmd_trans_huge(*pmd)) ret = 1;
 	return ret;
 }
 
@@ -40,3 +39,2 @@ int walk_all(void)
 {
-	walk_one(NULL);
 }
diff --git a/include/walk.h b/include/walk.h
index 3333333..4444444 100644
--- a/include/walk.h
+++ b/include/walk.h
@@ -1,3 +1,2 @@
 #define WALK 1
-#define WALK_DEVMAP 2
 #endif
\\ No newline at end of file
-- 
2.45.2
`;

function gitPatchId(text: string): string | undefined {
  const result = spawnSync('git', ['patch-id', '--stable'], { input: text, encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim().split(/\s+/)[0] || undefined;
}

const hasGit = spawnSync('git', ['--version']).status === 0;

test(
  'stable patch-id equals git patch-id --stable on a two-file patch',
  { skip: hasGit ? false : 'git not installed' },
  () => {
    const ours = stablePatchId(TWO_FILES);
    assert.match(ours ?? '', /^[0-9a-f]{40}$/);
    assert.equal(ours, gitPatchId(TWO_FILES));
  },
);

test(
  'patch-id ignores white space, line numbers, index lines and file order, but not the change',
  { skip: hasGit ? false : 'git not installed' },
  () => {
    const base = stablePatchId(TWO_FILES);
    const reflowed = TWO_FILES.replace('@@ -10,7 +10,6 @@', '@@ -110,7 +110,6 @@')
      .replace('index 1111111..2222222', 'index abcdef0..0fedcba')
      .replace('\tint ret = 0;', '    int   ret = 0;');
    assert.equal(stablePatchId(reflowed), base);
    assert.equal(stablePatchId(reflowed), gitPatchId(reflowed));
    const [head, rest] = TWO_FILES.split('diff --git a/mm/walk.c');
    const [walk, header] = rest.split('diff --git a/include/walk.h');
    const swapped = `${head}diff --git a/include/walk.h${header.replace(/-- \n2\.45\.2\n$/, '')}diff --git a/mm/walk.c${walk}-- \n2.45.2\n`;
    assert.equal(stablePatchId(swapped), base);
    const changed = TWO_FILES.replace('-\twalk_one(NULL);', '-\twalk_one(pmd);');
    assert.notEqual(stablePatchId(changed), base);
    assert.equal(stablePatchId(changed), gitPatchId(changed));
  },
);

test('a message without a diff has no patch-id; CRLF mail gives the same id', () => {
  assert.equal(stablePatchId('Looks good to me.\n\nReviewed-by: B <b@example.org>\n'), undefined);
  assert.equal(stablePatchId(TWO_FILES.replace(/\n/g, '\r\n')), stablePatchId(TWO_FILES));
});
