import * as fs from 'fs';
import * as path from 'path';
import type { CliCommand } from './command';
import { listOption, parseArgs, stringOption, UsageError } from './args';
import { findKernelTreeRoot } from '../base/kernelVersion';
import { defaultCacheDir } from '../base/paths';
import { describeError } from '../base/errors';
import { resolveConfigFile } from '../configuration/configurationService';

/**
 * `kernel-mm-lens mcp [--root DIR]`: the MCP server over stdio for AI agents (Claude Code, VS Code agent mode, any
 * MCP client). stdout carries the protocol only; the log goes to stderr. The tree is --root, else the kernel tree
 * around the current folder.
 */
export const mcpCommand: CliCommand = {
  name: 'mcp',
  usage:
    'mcp [--root DIR] [--mail PATH]... [--external PATH|URL]... [--allow-remote-lore] [--config FILE|all] [--arch ARCH]',
  summary: 'Serve the tree and its mm knowledge to AI agents over the Model Context Protocol (stdio, read-only).',
  options: {
    root: { value: true, help: 'kernel tree (default: found upwards from the current folder)' },
    mail: { value: true, repeat: true, help: 'mbox, maildir or .eml with review threads (as threads --mail)' },
    external: {
      value: true,
      repeat: true,
      help: 'public-inbox inbox, lei external or lore URL (as threads --external)',
    },
    'allow-remote-lore': {
      help: 'let review_threads(searchExternals) ask http(s) externals; without it only local inboxes are queried',
    },
    'cache-dir': { value: true, help: 'index and mail cache folder (default $XDG_CACHE_HOME/kernel-mm-lens)' },
    'no-index': { help: 'do not load or build the index (knowledge, lint, review and threads still work)' },
    config: {
      value: true,
      help: "kernel configuration (.config, .gz, .xz) that orders definitions and the call hierarchy and marks what it does not compile; 'all' for none (default: .config at the tree root)",
    },
    arch: { value: true, help: "architecture whose arch/ folder is live (default: the configuration's)" },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    const given = stringOption(args, 'root');
    const root = given ? path.resolve(given) : findKernelTreeRoot(process.cwd());
    if (!root) throw new UsageError('no kernel tree here: give --root DIR');
    try {
      if (!fs.statSync(root).isDirectory()) throw new Error('not a folder');
    } catch (error) {
      throw new UsageError(`--root ${root}: ${describeError(error)}`);
    }
    const kernelConfig = stringOption(args, 'config') ?? '';
    const wantedConfig = resolveConfigFile({ root, kernelConfig, arch: '' });
    // An explicit file that is not there is a typo to say now, not a silent "all configurations" later.
    if (kernelConfig && wantedConfig && !fs.existsSync(wantedConfig))
      throw new UsageError(`--config ${kernelConfig}: no such file`);
    const log = (message: string): void => {
      io.err.write(`kernel-mm-lens mcp: ${message.replace(/[\r\n]+/g, ' ')}\n`);
    };
    const { createMcpContext } = await import('../mcp/mcpContext');
    const { createMcpServer } = await import('../mcp/mcpServer');
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const ctx = createMcpContext({
      root,
      cacheDir: path.resolve(stringOption(args, 'cache-dir') ?? defaultCacheDir()),
      mail: listOption(args, 'mail').map((p) => path.resolve(p)),
      externals: listOption(args, 'external').map((e) => (/^https?:\/\//i.test(e) ? e : path.resolve(e))),
      allowRemoteLore: args.options['allow-remote-lore'] === true,
      noIndex: args.options['no-index'] === true,
      kernelConfig,
      arch: stringOption(args, 'arch') ?? '',
      log,
    });
    const server = createMcpServer(ctx);
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      server.onclose = () => resolve();
      process.stdin.on('end', () => resolve());
    });
    // Loading a whole-tree index holds the event loop for seconds: start it once the client has its answer to
    // initialize, so the handshake and tools/list are never late (on the 6.12 tree the handshake took 16.8 s
    // when the load started first).
    server.oninitialized = () => void ctx.ready();
    await server.connect(transport);
    log(`serving ${ctx.root} over stdio`);
    await closed;
    return 0;
  },
};
