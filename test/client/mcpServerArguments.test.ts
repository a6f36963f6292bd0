// The MCP server the extension offers VS Code's agents answers for the configuration the editor answers for
// (issue 24): the status bar's kernelMmLens.kernelConfig and arch become --config and --arch; a configuration file
// that is not there becomes "all" (the language server shows all configurations then, and the MCP server would not
// start on a missing --config file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'os';
import * as path from 'path';
import { mcpServerArguments } from '../../client/src/mcpServerArguments';

const root = path.join(os.tmpdir(), 'tree');
const base = ['server.js', 'mcp', '--root', root, '--cache-dir', '/cache'];
const settings = { mailSources: [], loreExternals: [], kernelConfig: '', arch: '' };
const exists = (file: string) =>
  file === '/usr/src/linux-config-6.12/config.amd64_none_amd64.xz' || file === path.join(root, 'my.config');

test('the editor configuration and architecture go to kernel-mm-lens mcp', () => {
  const args = (over: Partial<typeof settings>) =>
    mcpServerArguments({ ...settings, ...over }, root, 'server.js', '/cache', exists).slice(base.length);
  assert.deepEqual(args({}), [], "no setting: the server's own default (.config at the tree root)");
  assert.deepEqual(args({ kernelConfig: 'all' }), ['--config', 'all']);
  assert.deepEqual(args({ kernelConfig: '/usr/src/linux-config-6.12/config.amd64_none_amd64.xz', arch: 'x86' }), [
    '--config',
    '/usr/src/linux-config-6.12/config.amd64_none_amd64.xz',
    '--arch',
    'x86',
  ]);
  assert.deepEqual(args({ kernelConfig: 'my.config' }), ['--config', path.join(root, 'my.config')], 'tree-relative');
  assert.deepEqual(args({ kernelConfig: '/gone/.config' }), ['--config', 'all'], 'a missing file: all configurations');
  assert.deepEqual(
    mcpServerArguments({ ...settings, mailSources: ['~/mm.mbox'] }, root, 'server.js', '/cache', exists),
    [...base, '--mail', path.join(os.homedir(), 'mm.mbox')],
  );
});
