// Regression (issue 20): in code-server the thread list lost the local-mail entry of a symbol after any settings
// change. VS Code runs code-server's workbench as a remote window, where values from the user settings file are
// applied only for settings whose scope is allowed there (LOCAL_MACHINE_SCOPES in VS Code's
// src/vs/workbench/services/configuration/common/configuration.ts: application, window, resource,
// language-overridable). `mailSources` was `machine-overridable`: the client's initializationOptions (read at
// activation) still carried it, the next workspace/configuration answer did not, and the mail was dropped.
// This test drives the real server the way vscode-languageclient does and answers workspace/configuration as a
// remote window would, from the scopes package.json declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startInProcessServer } from '../lsp/inProcessServer';
import { DEFAULT_SETTINGS, Requests, SETTINGS_SECTION, type ThreadListEntry } from '../../protocol';

const repo = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { scope?: string; default: unknown }> } };
};
const properties = manifest.contributes.configuration.properties;
/** Scopes VS Code applies from the (local) user settings file in a remote window such as code-server. */
const APPLIED_FROM_USER_SETTINGS_IN_REMOTE = new Set(['application', 'window', 'resource', 'language-overridable']);

/**
 * What `workspace.getConfiguration().get('kernelMmLens')` gives the extension host of a remote window when the
 * user settings hold `user`: the user's value where the declared scope lets it apply, else the default.
 */
function remoteWindowSection(user: Record<string, unknown>): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) {
    const name = key.slice(SETTINGS_SECTION.length + 1);
    const applies = APPLIED_FROM_USER_SETTINGS_IN_REMOTE.has(schema.scope ?? 'window');
    section[name] = applies && name in user ? user[name] : schema.default;
  }
  return section;
}

test('settings VS Code would drop from the user settings of a remote window: none', () => {
  const dropped = Object.entries(properties)
    .filter(([, schema]) => !APPLIED_FROM_USER_SETTINGS_IN_REMOTE.has(schema.scope ?? 'window'))
    .map(([key]) => key);
  assert.deepEqual(dropped, []);
});

test('the local-mail thread survives a settings change, as VS Code (remote window) passes settings', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-lsp-mail-settings-'));
  const root = path.join(dir, 'linux');
  fs.cpSync(path.join(repo, 'test', 'fixtures', 'e2e-tree'), root, { recursive: true });
  const mail = path.join(dir, 'mail', 'demo-devmap-versions.mbox');
  fs.mkdirSync(path.dirname(mail));
  fs.copyFileSync(path.join(repo, 'test', 'fixtures', 'lore', 'demo-devmap-versions.mbox'), mail);

  const logs: string[] = [];
  let user: Record<string, unknown> = { mailSources: [mail], lintTargetVersion: '6.17' };
  let configurationAsked: () => void = () => undefined;
  const firstRead = new Promise<void>((resolve) => (configurationAsked = resolve));
  const { client, dispose } = await startInProcessServer({
    root,
    cacheDir: path.join(dir, 'cache'),
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
    // vscode-languageclient: the settings the extension read at activation (client/src/context.ts readSettings)
    initializationOptions: {
      cacheDir: path.join(dir, 'cache'),
      settings: { ...DEFAULT_SETTINGS, ...user },
      workspaceTrusted: true,
    },
    register: (connection) => {
      connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) => {
        setImmediate(() => configurationAsked());
        return params.items.map((item) => (item.section === SETTINGS_SECTION ? remoteWindowSection(user) : {}));
      });
      connection.onNotification('window/logMessage', (message: { message: string }) => {
        logs.push(message.message);
      });
    },
  });
  /** didChangeConfiguration as the client sends it, resolved once the server has read the settings again. */
  const changeSettings = async (next: Record<string, unknown>): Promise<void> => {
    user = next;
    const asked = new Promise<void>((resolve) => (configurationAsked = resolve));
    await client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await asked;
    await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const demoEntries = async (): Promise<ThreadListEntry[]> =>
    (await client.sendRequest(Requests.threadsForSymbol, { symbol: 'pmd_devmap' })).filter((entry) =>
      entry.subject.includes('drm/demo: drop the pmd_devmap() check'),
    );
  try {
    await firstRead;

    const before = await demoEntries();
    assert.equal(before.length, 1, 'one entry for the three versions of the local patch');
    assert.equal(before[0].versions?.length, 3);
    assert.equal(before[0].local, true);

    // Another setting changes (the e2e clears the lint target): the mail must stay.
    await changeSettings({ mailSources: [mail] });
    assert.equal((await demoEntries()).length, 1, 'the local-mail entry after a settings change');

    // The user removes the mail: the entry goes, and the log says why the list shrank.
    await changeSettings({});
    assert.equal((await demoEntries()).length, 0);
    assert.ok(
      logs.some((line) => /the settings name no mail sources any more \(1 before\)/.test(line)),
      logs.join('\n'),
    );
  } finally {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
