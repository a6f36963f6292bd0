// The language-model tools the manifest declares (VS Code reads them before the extension runs) against the agent
// tools the server defines and answers (server/src/agentTools): same names, descriptions and input schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_TOOLS } from '../../server/src/agentTools/registry';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const PREFIX = 'kernelMmLens_';

test('contributes.languageModelTools equals the agent tools, one for one', () => {
  const declared = manifest.contributes.languageModelTools as Array<{
    name: string;
    displayName: string;
    modelDescription: string;
    inputSchema: unknown;
  }>;
  assert.deepEqual(
    declared.map((tool) => tool.name),
    AGENT_TOOLS.map((tool) => `${PREFIX}${tool.name}`),
  );
  for (const tool of AGENT_TOOLS) {
    const entry = declared.find((d) => d.name === `${PREFIX}${tool.name}`)!;
    assert.deepEqual(entry.inputSchema, tool.inputSchema, `${tool.name}: input schema differs from the server's`);
    assert.equal(entry.modelDescription, tool.description, `${tool.name}: description`);
    assert.equal(entry.displayName, tool.title, `${tool.name}: title`);
  }
  const source = readFileSync(join(root, 'client/src/features/languageModelTools.ts'), 'utf8');
  assert.ok(source.includes(`TOOL_PREFIX = '${PREFIX}'`));
});

test('the MCP server definition provider the manifest declares is the one the client registers', () => {
  const providers = manifest.contributes.mcpServerDefinitionProviders as Array<{ id: string; label: string }>;
  assert.equal(providers.length, 1);
  const source = readFileSync(join(root, 'client/src/features/mcpServerDefinition.ts'), 'utf8');
  assert.ok(source.includes(`MCP_PROVIDER_ID = '${providers[0].id}'`), providers[0].id);
});

test('no tool input schema has oneOf, anyOf or allOf at its top level (the Anthropic API refuses the whole tool list)', () => {
  for (const tool of AGENT_TOOLS) {
    for (const keyword of ['oneOf', 'anyOf', 'allOf'])
      assert.equal(tool.inputSchema[keyword], undefined, `${tool.name}: top-level ${keyword}`);
    assert.equal(tool.inputSchema.type, 'object', tool.name);
  }
});
