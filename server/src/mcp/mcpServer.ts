import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { PACKAGE_VERSION } from '../base/paths';
import { AGENT_TOOLS, callAgentTool, outputSchemaOf } from '../agentTools/registry';
import type { AgentToolContext } from '../agentTools/types';

/**
 * The MCP surface: the agent tools (server/src/agentTools) over the Model Context Protocol with the official SDK's
 * low-level server, so each tool keeps its own JSON schemas for input and output. Results go out twice, as the
 * spec asks of tools with an output schema: `structuredContent` (validated by clients against `outputSchema`) and
 * the same JSON as text for clients that read only text. Errors (bad arguments, a path outside the root) are tool
 * results with `isError`, never protocol failures. Every tool is read-only.
 */

const INSTRUCTIONS =
  'Kernel MM Lens knows a Linux kernel tree and the mm history around it (rmap, folio_walk, device-exclusive, devmap/ZONE_DEVICE, fs-dax, HMM): ' +
  'use explain_symbol before judging an mm API (release it appeared in or was removed, what a caller must hold), review_patch for a patch or series, ' +
  'review_threads for what was said on the list. Paths are relative to the tree root.';

export function createMcpServer(ctx: AgentToolContext): Server {
  const server = new Server(
    { name: 'kernel-mm-lens', version: PACKAGE_VERSION },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: AGENT_TOOLS.map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema as { type: 'object' },
      outputSchema: outputSchemaOf(tool) as { type: 'object' },
      annotations: {
        title: tool.title,
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: tool.openWorld === true,
      },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const outcome = await callAgentTool(ctx, request.params.name, request.params.arguments);
    if (!outcome.ok) return { content: [{ type: 'text', text: outcome.error }], isError: true };
    return { content: [{ type: 'text', text: JSON.stringify(outcome.result) }], structuredContent: outcome.result };
  });
  return server;
}
