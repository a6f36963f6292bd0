import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { noteAuthor } from '../../server/src/notes/author';

const config = (values: Record<string, string>) => {
  const calls: string[][] = [];
  const git = (args: string[]) => {
    calls.push(args);
    const value = values[args[2]];
    return Promise.resolve({ code: value === undefined ? 1 : 0, stdout: value ?? '', stderr: '' });
  };
  return { git, calls };
};

test('a trusted workspace signs notes with its git identity', async () => {
  const { git } = config({ 'user.name': 'Ada Reviewer\n', 'user.email': 'ada@example.org\n' });
  assert.equal(await noteAuthor({ root: '/tree', trusted: true, git, env: {} }), 'Ada Reviewer <ada@example.org>');
});

test('an untrusted workspace runs no git; the fallbacks are $GIT_AUTHOR_NAME, the login name, "reviewer"', async () => {
  const { git, calls } = config({ 'user.name': 'Ada' });
  assert.equal(
    await noteAuthor({
      root: '/tree',
      trusted: false,
      git,
      env: { GIT_AUTHOR_NAME: 'Env Name', GIT_AUTHOR_EMAIL: 'e@x' },
    }),
    'Env Name <e@x>',
  );
  assert.deepEqual(calls, []);
  assert.equal(await noteAuthor({ trusted: false, env: {}, loginName: () => 'kdev' }), 'kdev');
  assert.equal(await noteAuthor({ trusted: false, env: {}, loginName: () => undefined }), 'reviewer');
});

test('config values are untrusted text: one line, no control characters or angle brackets', async () => {
  const { git } = config({ 'user.name': 'Mallory\u001b[31m <x>\nsecond line' });
  assert.equal(await noteAuthor({ root: '/tree', trusted: true, git, env: {} }), 'Mallory[31m x');
});

test(
  'real git: the repository config of the workspace',
  { skip: spawnSync('git', ['--version']).status !== 0 ? 'git is not installed' : false },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-author-'));
    try {
      const run = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
      run('init', '-q');
      run('config', 'user.name', 'Grace Kernel');
      run('config', 'user.email', 'grace@example.org');
      assert.equal(await noteAuthor({ root: dir, trusted: true, env: {} }), 'Grace Kernel <grace@example.org>');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
