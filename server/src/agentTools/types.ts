import type { KernelVersion } from '../base/kernelVersion';
import type { KernelIndex } from '../indexing/types';
import type { ThreadService } from '../lore/threadService';
import type { ConfigurationService } from '../configuration/configurationService';

/**
 * The tools an AI agent may call, defined once for every surface that offers them: the MCP server
 * (`kernel-mm-lens mcp`) and VS Code's language-model tools (through the language server). Each tool is a JSON
 * schema for its input and its output and a function over the same services the editor and the CLI use (index,
 * knowledge, lint, review engine, thread service, diagrams); the surfaces only carry arguments in and results out.
 * Every tool is read-only. Results are bounded and paginated (`limit`, `cursor` → `nextCursor`).
 */

export type JsonSchema = Record<string, unknown>;

/** The `symbol` argument of every tool that takes one (the index and the catalog are keyed by C identifiers). */
export const SYMBOL_ARGUMENT: JsonSchema = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$',
  description: 'A C identifier: function, macro, type, struct member or Kconfig symbol (CONFIG_ optional).',
};

/** What a tool may use; each surface provides it (MCP: from --root; LSP: its ServerContext). */
export interface AgentToolContext {
  /** Real path of the kernel tree (symlinks resolved): every file argument is relative to it. */
  readonly root: string;
  kernelVersion(): KernelVersion | undefined;
  /** The whole-tree index once ready (undefined when it cannot be built). */
  index(): Promise<KernelIndex | undefined>;
  threads(): ThreadService;
  /** Remote lore (http/https externals) may be asked: the user said so when configuring the surface. */
  readonly allowRemoteLore: boolean;
  log(message: string): void;
  /**
   * The kernel configuration the surface answers for (MCP: `--config`, the tree's `.config` by default; the editor:
   * its setting): definitions and the call hierarchy put what it compiles first and mark the rest, as the editor
   * and `kernel-mm-lens calls --config` do. Absent or in "all configurations": every branch is live.
   */
  configuration?(): Promise<ToolConfiguration | undefined>;
}

export interface ToolConfiguration {
  service: ConfigurationService;
  /** A tree file's text as the surface reads it (the editor's open buffers first); the file on disk when absent. */
  textOf?(index: KernelIndex, file: string): string | undefined;
}

export interface AgentTool {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  /**
   * Paths of the result fields that quote untrusted text (mail, patch lines, the tree's code and file names), as
   * `items[].subject`; every result says them in its `untrusted` marker (see untrustedText.ts).
   */
  untrustedFields: readonly string[];
  /** Talks to something outside the tree and the local mail (a lei external). */
  openWorld?: boolean;
  run(ctx: AgentToolContext, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** A tool's answer to bad arguments (a path outside the tree, an unknown symbol kind): an error result, not a crash. */
export class ToolInputError extends Error {}
