import Ajv, { type ValidateFunction } from 'ajv';
import { callHierarchy, explainSymbol, findDefinition, findReferences } from './symbolTools';
import { diagram, lint, reviewPatch, reviewThreads } from './reviewTools';
import { treeChanges } from './changeTools';
import { ToolInputError, type AgentTool, type AgentToolContext, type JsonSchema } from './types';
import { markUntrusted, withUntrustedMarker } from './untrustedText';
import { sanitiseLine } from '../lore/renderThread';

/** Every agent tool, in the order they are listed. */
export const AGENT_TOOLS: readonly AgentTool[] = [
  explainSymbol,
  findDefinition,
  findReferences,
  callHierarchy,
  reviewThreads,
  treeChanges,
  lint,
  reviewPatch,
  diagram,
];

/** The output schema a surface announces: the tool's own plus the `untrusted` marker every result carries. */
export function outputSchemaOf(tool: AgentTool): JsonSchema {
  return withUntrustedMarker(tool.outputSchema);
}

const validators = new Map<string, ValidateFunction>();

function validatorOf(tool: AgentTool): ValidateFunction {
  let validate = validators.get(tool.name);
  if (!validate) {
    validate = new Ajv({ allErrors: false, strict: false }).compile(tool.inputSchema);
    validators.set(tool.name, validate);
  }
  return validate;
}

export type AgentToolOutcome = { ok: true; result: Record<string, unknown> } | { ok: false; error: string };

/**
 * Runs a tool by name after checking its arguments against its input schema. Bad arguments and refused paths are
 * an error outcome with one sentence; an internal failure too (logged with its stack), never a crash of the surface.
 */
export async function callAgentTool(ctx: AgentToolContext, name: string, args: unknown): Promise<AgentToolOutcome> {
  const outcome = await runTool(ctx, name, args);
  // An error may echo an argument or a file name: one clean line.
  return outcome.ok ? outcome : { ok: false, error: sanitiseLine(outcome.error).slice(0, 1000) };
}

async function runTool(ctx: AgentToolContext, name: string, args: unknown): Promise<AgentToolOutcome> {
  const tool = AGENT_TOOLS.find((candidate) => candidate.name === name);
  if (!tool) return { ok: false, error: `unknown tool ${name}` };
  const input = args ?? {};
  const validate = validatorOf(tool);
  if (!validate(input)) {
    const first = validate.errors?.[0];
    return {
      ok: false,
      error: `${name}: invalid arguments: ${first?.instancePath || '(arguments)'} ${first?.message ?? ''}`.trim(),
    };
  }
  try {
    const result = await tool.run(ctx, input as Record<string, unknown>);
    return { ok: true, result: markUntrusted(result, tool.untrustedFields) };
  } catch (error) {
    if (error instanceof ToolInputError) return { ok: false, error: `${name}: ${error.message}` };
    ctx.log(`${name}: internal error: ${(error as Error).stack ?? String(error)}`);
    return { ok: false, error: `${name}: internal error: ${(error as Error).message}` };
  }
}
