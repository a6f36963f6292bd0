import * as vscode from 'vscode';
import type { ClientContext } from '../clientContext';
import { mcpServerArguments } from '../mcpServerArguments';

/**
 * `kernel-mm-lens mcp` registered as an MCP server of VS Code (`contributes.mcpServerDefinitionProviders`), for
 * agents that take their tools from MCP servers, on the first workspace folder, with the index cache the editor
 * uses (a warm start reads it), the mail sources of the settings and the kernel configuration the editor answers for. `vscode.lm.registerMcpServerDefinitionProvider`
 * came with VS Code 1.101; the extension is built against 1.100 (code-server 4.100), so the API is looked up at run
 * time and its absence said in one log line.
 */

type McpStdioServerDefinitionConstructor = new (
  label: string,
  command: string,
  args: string[],
  env: Record<string, string | number | null>,
  version?: string,
) => unknown;

interface McpApi {
  registerMcpServerDefinitionProvider(
    id: string,
    provider: { provideMcpServerDefinitions(): unknown[] },
  ): vscode.Disposable;
}

export const MCP_PROVIDER_ID = 'kernelMmLens.mcpServer';

export function activate(ctx: ClientContext): void {
  const lm = (vscode as { lm?: Partial<McpApi> }).lm;
  const Definition = (vscode as { McpStdioServerDefinition?: McpStdioServerDefinitionConstructor })
    .McpStdioServerDefinition;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof Definition !== 'function') {
    ctx.output.appendLine(
      `[client] MCP server definitions need VS Code 1.101 or later (vscode.lm.registerMcpServerDefinitionProvider is absent in ${vscode.version}): configure \`kernel-mm-lens mcp\` by hand if an agent needs it (docs/mcp.md)`,
    );
    return;
  }
  const extension = ctx.extension;
  const changed = new vscode.EventEmitter<void>();
  ctx.subscribe(changed);
  ctx.subscribe(vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()));
  // A configuration picked in the status bar (or any setting the arguments carry) gives the agents a new definition.
  ctx.subscribe(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        ['kernelConfig', 'arch', 'mailSources', 'loreExternals'].some((key) =>
          event.affectsConfiguration(`kernelMmLens.${key}`),
        )
      )
        changed.fire();
    }),
  );
  ctx.subscribe(
    lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions() {
        const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
        if (!folder) return [];
        const args = mcpServerArguments(
          ctx.settings(),
          folder.uri.fsPath,
          extension.asAbsolutePath('dist/server.js'),
          vscode.Uri.joinPath(extension.globalStorageUri, 'index').fsPath,
        );
        const version = (extension.extension.packageJSON as { version?: string }).version;
        // The extension host's runtime, told to behave as plain Node (as the language server is started).
        return [
          new Definition(
            `Kernel MM Lens (${folder.name})`,
            process.execPath,
            args,
            { ELECTRON_RUN_AS_NODE: '1' },
            version,
          ),
        ];
      },
    } as { provideMcpServerDefinitions(): unknown[] }),
  );
}
