// The extension manifest (package.json) against the client code: activation, engine, commands and their handlers,
// the grammar and icon files it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClientCommands } from '../../protocol';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const clientSources = readdirSync(join(root, 'client/src'), { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && d.name.endsWith('.ts'))
  .map((d) => readFileSync(join(d.parentPath, d.name), 'utf8'))
  .join('\n');

test('activation is lazy: C files and kernel-looking trees, never "*"', () => {
  const events: string[] = manifest.activationEvents;
  assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), JSON.stringify(events));
  assert.ok(events.includes('onLanguage:c'));
  const tree = events.filter((e) => e.startsWith('workspaceContains:'));
  assert.ok(tree.length > 0);
  for (const event of tree) assert.match(event, /^workspaceContains:(mm|include\/linux)\//, event);
});

test('engine and @types/vscode both stay on VS Code 1.100 (code-server 4.100, the e2e harness)', () => {
  assert.equal(manifest.engines.vscode, '^1.100.0');
  assert.match(manifest.devDependencies['@types/vscode'], /^1\.100\./);
  assert.ok(existsSync(join(root, manifest.icon)), `icon ${manifest.icon}`);
  assert.ok(existsSync(join(root, 'LICENSE')));
});

test('every contributed command has a handler in the client, and every handler id is contributed', () => {
  const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.equal(new Set(contributed).size, contributed.length, 'no duplicate command contributions');
  const clientCommandKey = new Map(Object.entries(ClientCommands).map(([key, id]) => [id as string, key]));
  for (const id of contributed) {
    const key = clientCommandKey.get(id);
    // registered either through ClientCommands.<key> or by its literal id (feature-local command tables)
    const registered = (key && clientSources.includes(`ClientCommands.${key}`)) || clientSources.includes(`'${id}'`);
    assert.ok(registered, `${id} is contributed but no client code names it`);
  }
  for (const id of Object.values(ClientCommands)) assert.ok(contributed.includes(id), `${id} is not contributed`);
});

test('keybindings use the Ctrl+Alt+M chord only, and point at contributed commands', () => {
  const contributed = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  for (const binding of manifest.contributes.keybindings as Array<{ command: string; key: string }>) {
    assert.match(binding.key, /^ctrl\+alt\+m [a-z]$/, binding.key);
    assert.ok(contributed.has(binding.command), binding.command);
  }
});

test('grammars and languages name files that exist and a consistent scope', () => {
  const languages = new Set(manifest.contributes.languages.map((l: { id: string }) => l.id));
  for (const grammar of manifest.contributes.grammars as Array<{ language: string; scopeName: string; path: string }>) {
    assert.ok(languages.has(grammar.language), grammar.language);
    const file = join(root, grammar.path);
    assert.ok(existsSync(file), grammar.path);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).scopeName, grammar.scopeName);
  }
});

test('untrusted workspaces: limited support, with the settings that point at files restricted', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.ok(untrusted.description.length > 40);
  assert.deepEqual([...untrusted.restrictedConfigurations].sort(), [
    'kernelMmLens.loreExternals',
    'kernelMmLens.mailSources',
    'kernelMmLens.notesFile',
  ]);
});
