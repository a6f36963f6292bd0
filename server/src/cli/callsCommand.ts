import * as path from 'path';
import type { CliCommand } from './command';
import { parseArgs, stringOption, UsageError } from './args';
import { treeIndexForCli } from './treeIndexForCli';
import { findKernelTreeRoot } from '../base/kernelVersion';
import { ConfigurationService } from '../configuration/configurationService';
import type { Definition, Range } from '../indexing/types';
import {
  callHierarchyRoots,
  incomingCallEdges,
  outgoingCallEdges,
  viaOf,
  type CallEdge,
  type CallGraphOptions,
} from '../knowledge/callGraph';
import { opsTablesOnDisk, readTreeFile } from '../knowledge/opsTableAccess';

/** One edge of `calls --json`: 1-based lines and columns (UTF-16, as the editor counts them). */
export interface CallJson {
  function: { name: string; kind: string; file: string; line: number; column: number; arch?: string };
  calls: Array<{ line: number; column: number }>;
  /** `dev_pagemap_ops.migrate_to_ram` for a call through an ops table. */
  via?: string;
  inferred?: boolean;
  /** Why the configuration in use does not compile the function. */
  inactive?: string;
}

/**
 * `kernel-mm-lens calls NAME [--outgoing]`: the callers (or callees) of a function over the whole tree, including
 * calls through ops tables, from the same call-graph service as the editor's call hierarchy and the MCP tool
 * (knowledge/callGraph.ts). With a configuration, functions it does not compile come last, marked.
 */
export const callsCommand: CliCommand = {
  name: 'calls',
  usage:
    'calls NAME [--outgoing] [--file FILE] [--config FILE|all] [--arch ARCH] [--root DIR] [--cache-dir DIR] [--json]',
  summary: 'Callers (default) or callees of a function, direct and through ops tables (via TYPE.FIELD).',
  options: {
    outgoing: { help: 'the calls the function makes (default: the calls to it)' },
    file: { value: true, help: 'with --outgoing: the file of the definition to start from (the name has several)' },
    'direct-only': { help: 'leave out calls through ops tables' },
    config: {
      value: true,
      help: "configuration file (.config, .gz, .xz) to order by; 'all' for none (default: .config at the tree root)",
    },
    arch: { value: true, help: "architecture whose arch/ folder is live (default: the configuration's)" },
    root: { value: true, help: 'kernel tree root (default: found upwards from the current folder)' },
    'cache-dir': { value: true, help: 'index cache folder (default $XDG_CACHE_HOME/kernel-mm-lens)' },
    json: {
      help: 'JSON: {"symbol", "direction", "from", "calls": [{"function", "calls": [{"line", "column"}], "via", "inferred", "inactive"}]}',
    },
  },
  async run(argv, io) {
    const args = parseArgs(argv, this.options);
    if (args.positionals.length !== 1 || !/^[A-Za-z_]\w*$/.test(args.positionals[0]))
      throw new UsageError('calls needs one function name');
    const name = args.positionals[0];
    const rootOption = stringOption(args, 'root') ?? findKernelTreeRoot(process.cwd());
    if (!rootOption) throw new UsageError('no kernel tree here: pass --root DIR');
    const root = path.resolve(rootOption);
    const configuration = new ConfigurationService();
    const state = await configuration.configure({
      root,
      kernelConfig: stringOption(args, 'config') ?? '',
      arch: stringOption(args, 'arch') ?? '',
    });
    if (state.problem) {
      io.err.write(`kernel-mm-lens calls: ${state.problem}\n`);
      return 2;
    }
    const index = await treeIndexForCli(root, stringOption(args, 'cache-dir'));
    if (!index) {
      io.err.write(`kernel-mm-lens calls: cannot index ${root}\n`);
      return 2;
    }
    const partial: string[] = [];
    const options: CallGraphOptions = {
      onPartial: (note) => partial.push(note),
      ops: args.options['direct-only'] ? undefined : await opsTablesOnDisk(index),
      liveness: configuration.view()
        ? (file, line) => configuration.liveness(file, line, (f) => readTreeFile(index, f))
        : undefined,
    };
    const roots = callHierarchyRoots(index, name, options);
    if (roots.length === 0) {
      io.err.write(`kernel-mm-lens calls: no function or function-like macro ${name} in this tree\n`);
      return 1;
    }
    const outgoing = Boolean(args.options.outgoing);
    const wantedFile = stringOption(args, 'file');
    let from: Definition | undefined;
    let edges: CallEdge[];
    if (outgoing) {
      from = roots.find((d) => (wantedFile ? d.file === wantedFile : !d.isDeclaration));
      if (!from) {
        io.err.write(`kernel-mm-lens calls: no body of ${name}${wantedFile ? ` in ${wantedFile}` : ''}\n`);
        return 1;
      }
      edges = outgoingCallEdges(index, { name, file: from.file, line: from.nameRange.start.line }, options);
    } else edges = await incomingCallEdges(index, name, options);
    const calls = edges.map(callJson);
    if (args.options.json) {
      const result = {
        symbol: name,
        direction: outgoing ? 'outgoing' : 'incoming',
        from: from && definitionJson(from),
      };
      // `partial` only when the answer is cut (MAX_CALLER_FILES), so complete answers keep their shape.
      io.out.write(`${JSON.stringify({ ...result, calls, ...(partial.length ? { partial } : {}) }, null, 2)}\n`);
      for (const note of partial) io.err.write(`note: ${note}\n`);
    } else {
      for (const [k, call] of calls.entries()) {
        const edge = edges[k];
        const notes = [edge.via && viaOf(edge.via), call.inactive && `inactive: ${call.inactive}`].filter(Boolean);
        const sites = call.calls.map((c) => c.line).join(',');
        io.out.write(
          `${call.function.name}\t${call.function.file}:${call.function.line}\tcalls at ${sites}${notes.length ? `\t${notes.join('; ')}` : ''}\n`,
        );
      }
      io.err.write(`${calls.length} ${outgoing ? 'callee(s)' : 'caller(s)'} of ${name}\n`);
      for (const note of partial) io.err.write(`note: ${note}\n`);
    }
    return 0;
  },
};

function definitionJson(d: Definition): CallJson['function'] {
  const json: CallJson['function'] = {
    name: d.name,
    kind: d.kind,
    file: d.file,
    line: d.nameRange.start.line + 1,
    column: d.nameRange.start.character + 1,
  };
  if (d.arch) json.arch = d.arch;
  return json;
}

function callJson(edge: CallEdge): CallJson {
  const json: CallJson = {
    function: definitionJson(edge.function),
    calls: edge.ranges.map((r: Range) => ({ line: r.start.line + 1, column: r.start.character + 1 })),
  };
  if (edge.via) {
    json.via = `${edge.via.type ?? '?'}.${edge.via.field}`;
    json.inferred = edge.via.inferred;
  }
  if (edge.inactive) json.inactive = edge.inactive;
  return json;
}
