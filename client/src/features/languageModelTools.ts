import * as vscode from 'vscode';
import { Requests } from '../../../protocol';
import type { ClientContext } from '../clientContext';

/**
 * The agent tools (explain_symbol, find_definition, review_patch, ...) as VS Code language-model tools, for agent
 * mode and other chat participants. They are declared in package.json (`contributes.languageModelTools`, kept
 * equal to the server's definitions by test/client/languageModelTools.test.ts) and answered by the running
 * language server (`kernelMmLens/agentTool`): the same tools as `kernel-mm-lens mcp`, over the editor's own index
 * and mail instead of a second process loading the index again. Every tool is read-only.
 */

/** Tool names in the manifest: this prefix and the MCP tool name. */
export const TOOL_PREFIX = 'kernelMmLens_';

interface ContributedTool {
  name: string;
  displayName?: string;
}

export function activate(ctx: ClientContext): void {
  const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
  if (typeof lm?.registerTool !== 'function' || typeof vscode.LanguageModelToolResult !== 'function') {
    ctx.output.appendLine(
      '[client] language-model tools are not available in this editor (no vscode.lm.registerTool): the agent tools are offered by `kernel-mm-lens mcp` only (docs/mcp.md)',
    );
    return;
  }
  const manifest = ctx.extension.extension.packageJSON as { contributes?: { languageModelTools?: ContributedTool[] } };
  for (const tool of manifest.contributes?.languageModelTools ?? []) {
    if (!tool.name.startsWith(TOOL_PREFIX)) continue;
    const name = tool.name.slice(TOOL_PREFIX.length);
    ctx.subscribe(
      lm.registerTool<Record<string, unknown>>(tool.name, {
        prepareInvocation: () => ({ invocationMessage: `Kernel MM Lens: ${tool.displayName ?? name}` }),
        async invoke(options, token) {
          const answer = await ctx.client.sendRequest(Requests.agentTool, { name, input: options.input }, token);
          // The model reads the error and may call again with other arguments.
          if (!answer.ok) throw new Error(answer.error);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(answer.result))]);
        },
      }),
    );
  }
}
