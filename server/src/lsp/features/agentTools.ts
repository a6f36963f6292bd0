import * as fs from 'fs';
import { Requests, type AgentToolResultWire } from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { threadServiceFor } from '../threadServiceHost';
import { treeText } from '../treeText';
import { callAgentTool } from '../../agentTools/registry';
import type { AgentToolContext } from '../../agentTools/types';

/**
 * `kernelMmLens/agentTool {name, input}`: the agent tools of the MCP server (server/src/agentTools, defined once)
 * answered by the language server, over its own index, thread service and tree release — what VS Code's
 * language-model tools call, so an agent in the editor shares the editor's index instead of loading a second one.
 * Arguments are checked against the tool's schema; paths stay inside the tree; errors are one clean line.
 * Remote lore is never asked here: an agent's call is not the explicit user request it needs.
 */

function agentContext(ctx: ServerContext, root: string): AgentToolContext {
  return {
    root,
    kernelVersion: () => ctx.kernelVersion(),
    index: () => ctx.waitForIndex(),
    threads: () => threadServiceFor(ctx),
    allowRemoteLore: false,
    log: (message) => ctx.log(`agent tool: ${message}`),
    // The editor's configuration (status bar picker): an agent in the editor sees the order the editor shows.
    configuration: () =>
      Promise.resolve({ service: ctx.configuration, textOf: (index, file) => treeText(ctx, index, file) }),
  };
}

export const agentToolsFeature: ServerFeature = {
  name: 'agentTools',
  capabilities: () => ({}),
  register(ctx: ServerContext) {
    let context: AgentToolContext | undefined;
    ctx.connection.onRequest(Requests.agentTool, async (params): Promise<AgentToolResultWire> => {
      if (!ctx.root) return { ok: false, error: 'No kernel tree is open in this workspace.' };
      if (typeof params?.name !== 'string') return { ok: false, error: 'No tool name given.' };
      // Tool paths are checked against the real path of the tree (symlinks resolved), as the MCP server does.
      context ??= agentContext(ctx, fs.realpathSync(ctx.root));
      return callAgentTool(context, params.name, params.input);
    });
  },
};
