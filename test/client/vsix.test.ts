// Packages the extension (scripts/package.sh --no-build, i.e. the dist/ of the last build) and checks
// what the .vsix holds: the bundles, both wasm files, catalogs, media, grammars, README/LICENSE, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cache =
  process.env.E2E_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kernel-mm-lens', 'e2e');
const vsce = [join(root, 'node_modules/.bin/vsce'), join(cache, 'tools/node_modules/.bin/vsce')].find((p) =>
  existsSync(p),
);
const hasUnzip = spawnSync('unzip', ['-v']).status === 0;
const built = existsSync(join(root, 'dist/server.js')) && existsSync(join(root, 'dist/client.js'));
const skip = !vsce
  ? 'vsce is not installed (run scripts/install-e2e.sh --tools)'
  : !hasUnzip
    ? 'unzip is not installed (apt-get install unzip)'
    : !built
      ? 'dist/ is not built (npm run build)'
      : false;
const MAX_VSIX_BYTES = 8 * 1024 * 1024;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
}

test('the .vsix holds exactly the runtime files', { skip, timeout: 120_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kml-vsix-test-'));
  try {
    const out = join(work, 'kernel-mm-lens.vsix');
    const run = spawnSync('bash', [join(root, 'scripts/package.sh'), '--no-build', '-o', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 110_000,
    });
    assert.equal(run.status, 0, `package.sh failed:\n${run.stderr}`);
    assert.equal(run.stdout.trim().split('\n').pop(), out, 'last stdout line is the .vsix path');
    const size = statSync(out).size;
    assert.ok(size > 200_000 && size < MAX_VSIX_BYTES, `vsix size ${size} bytes outside (200 kB, ${MAX_VSIX_BYTES})`);

    const listing = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    const entries = listing.stdout.split('\n').filter(Boolean);
    const has = (name: string) => entries.includes(`extension/${name}`);

    for (const required of [
      'package.json',
      'dist/client.js',
      'dist/server.js',
      'dist/indexWorker.js',
      'dist/mailWorker.js',
      'dist/tree-sitter.wasm',
      'dist/tree-sitter-c.wasm',
      'media/icon.png',
    ]) {
      assert.ok(has(required), `missing ${required}`);
    }
    assert.ok(
      entries.some((e) => /^extension\/LICENSE(\.txt)?$/.test(e)),
      'LICENSE shipped',
    );
    // vsce stores the README as extension/readme.md
    if (existsSync(join(root, 'README.md')))
      assert.ok(
        entries.some((e) => /^extension\/readme\.md$/i.test(e)),
        'README.md shipped',
      );
    // every catalog file of the build and every grammar of the repo ships (they are loaded at run time)
    const dataFiles = entries.filter((e) => e.startsWith('extension/dist/data/') && /\.(ya?ml|json)$/.test(e));
    const builtData = filesUnder(join(root, 'dist/data')).filter((f) => /\.(ya?ml|json)$/.test(f)).length;
    assert.ok(
      dataFiles.length > 0 && dataFiles.length === builtData,
      `catalogs: ${dataFiles.length} in the vsix, ${builtData} in dist/data`,
    );
    for (const grammar of filesUnder(join(root, 'syntaxes')))
      assert.ok(has(`syntaxes/${grammar}`), `grammar ${grammar} shipped`);

    const forbidden = entries.filter((e) =>
      /node_modules\/|\.map$|\.ts$|^extension\/(client|server|test|scripts|protocol|\.ci|bin)\/|^extension\/media\/src\/|\.vsix$/.test(
        e,
      ),
    );
    assert.deepEqual(forbidden, [], 'no sources, sourcemaps, tests or node_modules in the vsix');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
