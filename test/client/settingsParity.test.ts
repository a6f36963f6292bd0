// The settings VS Code shows (package.json contributes.configuration), the defaults both sides use
// (protocol DEFAULT_SETTINGS) and the keys the server reads (mergeSettings) must be the same set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, SETTINGS_SECTION, ClientCommands, type KernelMmLensSettings } from '../../protocol';
import { mergeSettings } from '../../server/src/lsp/settings';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared: Record<string, { type: string; default: unknown; markdownDescription?: string; description?: string }> =
  manifest.contributes.configuration.properties;
const prefix = `${SETTINGS_SECTION}.`;

test('package.json declares exactly the settings of DEFAULT_SETTINGS, with the same defaults', () => {
  const declaredKeys = Object.keys(declared)
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length))
    .sort();
  assert.deepEqual(declaredKeys, Object.keys(DEFAULT_SETTINGS).sort());
  assert.deepEqual(
    Object.keys(declared).filter((k) => !k.startsWith(prefix)),
    [],
    'every setting lives under the kernelMmLens section',
  );
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
    assert.deepEqual(declared[prefix + key].default, value, `default of ${prefix + key}`);
  }
});

test('every declared setting has a JSON type matching its default and a description', () => {
  const jsonType = (v: unknown) =>
    Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v;
  for (const [key, schema] of Object.entries(declared)) {
    const type = schema.type === 'integer' ? 'number' : schema.type;
    assert.equal(
      type,
      jsonType(schema.default),
      `${key}: type ${schema.type} vs default ${JSON.stringify(schema.default)}`,
    );
    const text = schema.markdownDescription ?? schema.description ?? '';
    assert.ok(text.length >= 30, `${key} needs a real description`);
  }
});

test('mergeSettings reads exactly the declared keys, and ignores unknown ones and wrong types', () => {
  // a non-default value of the right type for every declared key
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
    if (typeof value === 'boolean') changed[key] = !value;
    else if (typeof value === 'number') changed[key] = value + 3;
    else if (typeof value === 'string') {
      // An enumerated setting takes another of its declared values; a free string any other text.
      const choices = (declared[`kernelMmLens.${key}`] as { enum?: string[] } | undefined)?.enum;
      changed[key] = choices ? choices.find((choice) => choice !== value) : value === '6.6' ? '6.1' : '6.6';
    } else if (Array.isArray(value)) changed[key] = ['x/**'];
    else changed[key] = { 'some-rule': 'off' };
  }
  const merged = mergeSettings(DEFAULT_SETTINGS, { ...changed, notASetting: 1 });
  assert.deepEqual(merged, changed as unknown as KernelMmLensSettings);

  const wrongTypes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS))
    wrongTypes[key] = typeof value === 'string' ? 42 : 'not-the-type';
  assert.deepEqual(mergeSettings(DEFAULT_SETTINGS, wrongTypes), DEFAULT_SETTINGS);
});

test('restricted settings and commands are declared consistently', () => {
  for (const key of manifest.capabilities.untrustedWorkspaces.restrictedConfigurations as string[]) {
    assert.ok(declared[key], `restricted setting ${key} is declared`);
  }
  for (const command of manifest.contributes.commands as Array<{ command: string; category: string; title: string }>) {
    assert.equal(command.category, 'Kernel MM Lens', command.command);
    assert.ok(command.command.startsWith('kernelMmLens.'), command.command);
  }
});

test('every client command id of the protocol is contributed to the palette', () => {
  const contributed = new Set((manifest.contributes.commands as Array<{ command: string }>).map((c) => c.command));
  for (const id of Object.values(ClientCommands))
    assert.ok(contributed.has(id), `${id} missing from contributes.commands`);
});

test('docs/vscode.md documents every setting with its default', () => {
  const docs = readFileSync(join(root, 'docs', 'vscode.md'), 'utf8');
  for (const [key, schema] of Object.entries(declared)) {
    const row = docs.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
    assert.ok(row, `docs/vscode.md has no row for ${key}`);
    assert.ok(row.includes(`\`${JSON.stringify(schema.default)}\``), `docs/vscode.md shows another default for ${key}`);
  }
});
