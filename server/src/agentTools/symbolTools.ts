import * as path from 'path';
import type { Definition, KernelIndex, Range, Reference } from '../indexing/types';
import { describeInactive, type Liveness } from '../configuration/configurationService';
import { callHierarchyRoots, incomingCallEdges, outgoingCallEdges, type CallEdge } from '../knowledge/callGraph';
import { opsTablesOnDisk, readTreeFile } from '../knowledge/opsTableAccess';
import { getCatalog, lookupSymbol } from '../knowledge/catalog';
import { symbolFacts } from '../knowledge/symbolFacts';
import { changeJson } from '../knowledge/changes/changesJson';
import { summarizeForSymbol } from '../knowledge/changes/treeChanges';
import { CHANGE, treeChangesOf } from './changeTools';
import { PAGING_INPUT, page, pageOutput } from './paging';
import { SYMBOL_ARGUMENT, ToolInputError, type AgentTool, type AgentToolContext, type JsonSchema } from './types';

/**
 * The navigation and knowledge tools: the hover's facts as data, definitions, references and the call hierarchy,
 * all from the whole-tree index and the knowledge catalog the editor uses.
 */

const LOCATION_PROPERTIES: Record<string, JsonSchema> = {
  file: { type: 'string', description: 'Path relative to the tree root.' },
  line: { type: 'integer', minimum: 1 },
  column: { type: 'integer', minimum: 1 },
  endLine: { type: 'integer', minimum: 1 },
  endColumn: { type: 'integer', minimum: 1 },
};

const DEFINITION: JsonSchema = {
  type: 'object',
  required: ['name', 'kind', 'file', 'line', 'column'],
  properties: {
    name: { type: 'string' },
    kind: { type: 'string' },
    ...LOCATION_PROPERTIES,
    signature: { type: 'string' },
    container: { type: 'string' },
    arch: { type: 'string' },
    isDeclaration: { type: 'boolean' },
    isStatic: { type: 'boolean' },
    inactive: {
      type: 'string',
      description:
        'Not compiled in the kernel configuration in use, and why (config off: #ifdef CONFIG_X, #else branch, other architecture, not built: mm/Makefile:N).',
    },
  },
};

/** The configuration the answers are given for, as the output says it. */
const CONFIGURATION_OUTPUT: JsonSchema = {
  type: 'string',
  description: "The kernel configuration answers are ordered by: 'all configurations' or its file and architecture.",
};

function location(file: string, range: Range) {
  return {
    file,
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

export function definitionJson(d: Definition, inactive?: string) {
  return {
    name: d.name,
    kind: d.kind,
    ...location(d.file, d.nameRange),
    ...(d.signature ? { signature: d.signature.slice(0, 400) } : {}),
    ...(d.container ? { container: d.container } : {}),
    ...(d.arch ? { arch: d.arch } : {}),
    isDeclaration: d.isDeclaration === true,
    isStatic: d.isStatic === true,
    ...(inactive ? { inactive } : {}),
  };
}

function symbolOf(args: Record<string, unknown>): string {
  const symbol = args.symbol;
  if (typeof symbol !== 'string') throw new ToolInputError('symbol: give a C identifier');
  return symbol;
}

async function indexOf(ctx: AgentToolContext) {
  const index = await ctx.index();
  if (!index) throw new ToolInputError('the tree index is not available (see the server log)');
  return index;
}

/** How the surface's kernel configuration judges tree lines; `liveness` undefined in "all configurations". */
interface ConfigurationAnswer {
  liveness?: (file: string, line: number) => Liveness;
  rank(definitions: Definition[]): Definition[];
  /** Why a definition is not compiled, or undefined. */
  inactive(d: Definition): string | undefined;
  description: string;
}

async function configurationOf(ctx: AgentToolContext, index: KernelIndex | undefined): Promise<ConfigurationAnswer> {
  const configuration = await ctx.configuration?.();
  if (!index || !configuration?.service.view())
    return { rank: (all) => all, inactive: () => undefined, description: 'all configurations' };
  const { service } = configuration;
  const textOf = (file: string) => configuration.textOf?.(index, file) ?? readTreeFile(index, file);
  const liveness = (file: string, line: number) => service.liveness(file, line, textOf);
  const state = service.state();
  const name = state.file ? path.basename(state.file) : 'all configurations';
  return {
    liveness,
    rank: (all) => service.rankByLiveness(all, textOf),
    inactive(d) {
      const answer = liveness(d.file, d.nameRange.start.line);
      return answer.state === 'inactive' && answer.region ? describeInactive(answer.region) : undefined;
    },
    description: `${name}${state.arch ? ` (arch ${state.arch})` : ''}`,
  };
}

/**
 * Definitions as Go to Definition orders them: real definitions (generic first, then the preferred arch), then
 * declarations; with a configuration, those it compiles first (the `#else` stub of a feature it turns off before
 * the feature's definition). One page of them as JSON, each one the configuration does not compile marked why
 * (only the page's are judged: a member name has thousands of definitions).
 */
function definitionsPage(all: Definition[], configuration: ConfigurationAnswer, args: Record<string, unknown>) {
  const ordered = configuration.rank([...all.filter((d) => !d.isDeclaration), ...all.filter((d) => d.isDeclaration)]);
  const shown = page(ordered, args);
  return { ...shown, items: shown.items.map((d) => definitionJson(d, configuration.inactive(d))) };
}

export const explainSymbol: AgentTool = {
  name: 'explain_symbol',
  title: 'Explain a kernel mm symbol',
  description:
    'What Kernel MM Lens knows about a symbol, as data: for tracked mm symbols (device-exclusive, folio_walk, devmap/ZONE_DEVICE, fs-dax, HMM) the summary, what a caller must hold, pitfalls, the release it appeared/changed/was removed in and its status for this tree, the replacement, cited review threads and public sources; which tracked changes touching it the code of this tree has (stable backports included, with the code line); for any symbol its definitions in the tree and the number of known review threads.',
  inputSchema: {
    type: 'object',
    required: ['symbol'],
    additionalProperties: false,
    properties: { symbol: SYMBOL_ARGUMENT },
  },
  outputSchema: {
    type: 'object',
    required: ['symbol', 'tracked', 'kernelVersion', 'facts', 'definitions', 'reviewThreads', 'inThisTree'],
    properties: {
      symbol: { type: 'string' },
      tracked: { type: 'boolean' },
      kernelVersion: { type: ['string', 'null'] },
      facts: {
        type: ['object', 'null'],
        required: ['name', 'summary', 'status', 'releases', 'callerDuties', 'sources'],
        properties: {
          name: { type: 'string' },
          kind: { type: 'string' },
          summary: { type: 'string' },
          explanation: { type: 'string' },
          callerDuties: { type: 'array', items: { type: 'string' } },
          pitfalls: { type: 'array', items: { type: 'string' } },
          status: {
            type: 'object',
            required: ['state', 'text'],
            properties: { state: { type: 'string' }, text: { type: 'string' } },
          },
          introduced: { type: ['string', 'null'] },
          removed: { type: ['string', 'null'] },
          releases: {
            type: 'array',
            items: {
              type: 'object',
              required: ['release', 'source'],
              properties: {
                release: { type: 'string' },
                bound: { type: 'string' },
                what: { type: ['string', 'null'] },
                source: { type: 'string' },
              },
            },
          },
          replacement: { type: ['string', 'null'] },
          threads: {
            type: 'array',
            items: {
              type: 'object',
              required: ['messageId', 'subject', 'url'],
              properties: { messageId: { type: 'string' }, subject: { type: 'string' }, url: { type: 'string' } },
            },
          },
          sources: { type: 'array', items: { type: 'string' } },
        },
      },
      definitions: pageOutput(DEFINITION),
      reviewThreads: { type: 'integer', minimum: 0, description: 'Same number as review_threads and the code lens.' },
      inThisTree: {
        type: 'object',
        required: ['changes'],
        description:
          "The tracked changes touching the symbol as this tree's code has them (backports included): the hover's lead sentence and each change with its evidence, as tree_changes gives them.",
        properties: { text: { type: 'string' }, changes: { type: 'array', items: CHANGE } },
      },
    },
  },
  untrustedFields: [
    'definitions.items[].file',
    'definitions.items[].signature',
    'definitions.items[].container',
    'inThisTree.changes[].evidence.text',
    'inThisTree.changes[].probes[].evidence.text',
    'inThisTree.changes[].probes[].detail',
  ],
  async run(ctx, args) {
    const symbol = symbolOf(args);
    const index = await ctx.index();
    const found = index ? index.findDefinitions(symbol) : [];
    const definitions = definitionsPage(found, await configurationOf(ctx, index), { limit: 10 });
    const entry = lookupSymbol(symbol, getCatalog());
    const version = ctx.kernelVersion();
    const facts = entry ? symbolFacts(entry, { version, definedInTree: index ? found.length > 0 : undefined }) : null;
    const threads = await ctx.threads().threadsForSymbol(symbol);
    const inTree = summarizeForSymbol(treeChangesOf(ctx, index), symbol);
    return {
      symbol,
      tracked: entry !== undefined,
      kernelVersion: version ? `${version.major}.${version.minor}` : null,
      facts,
      definitions,
      reviewThreads: threads.length,
      inThisTree: {
        ...(inTree.text ? { text: inTree.text } : {}),
        changes: [...inTree.present, ...inTree.partial, ...inTree.absent].map(changeJson),
      },
    };
  },
};

export const findDefinition: AgentTool = {
  name: 'find_definition',
  title: 'Find the definitions of a symbol',
  description:
    'Definitions of a C symbol in the whole kernel tree (functions, macros, types, struct members, Kconfig), real definitions first (generic, then the preferred architecture), then declarations; with a kernel configuration (the editor status bar, or mcp --config, else .config at the tree root) what it compiles first and the others marked inactive with why; the same order as Go to Definition.',
  inputSchema: {
    type: 'object',
    required: ['symbol'],
    additionalProperties: false,
    properties: { symbol: SYMBOL_ARGUMENT, ...PAGING_INPUT },
  },
  outputSchema: {
    ...pageOutput(DEFINITION),
    properties: {
      ...(pageOutput(DEFINITION).properties as object),
      symbol: { type: 'string' },
      configuration: CONFIGURATION_OUTPUT,
    },
  },
  untrustedFields: ['items[].file', 'items[].signature', 'items[].container'],
  async run(ctx, args) {
    const symbol = symbolOf(args);
    const index = await indexOf(ctx);
    const configuration = await configurationOf(ctx, index);
    return {
      symbol,
      configuration: configuration.description,
      ...definitionsPage(index.findDefinitions(symbol), configuration, args),
    };
  },
};

const REFERENCE: JsonSchema = {
  type: 'object',
  required: ['file', 'line', 'column'],
  properties: {
    ...LOCATION_PROPERTIES,
    isCall: { type: 'boolean' },
    isDefinition: { type: 'boolean' },
    inPreprocessor: { type: 'boolean' },
    enclosingFunction: { type: 'string' },
  },
};

function referenceJson(r: Reference) {
  return {
    ...location(r.file, r.range),
    isCall: r.isCall,
    isDefinition: r.isDefinition,
    inPreprocessor: r.inPreprocessor,
    ...(r.enclosingFunction ? { enclosingFunction: r.enclosingFunction } : {}),
  };
}

export const findReferences: AgentTool = {
  name: 'find_references',
  title: 'Find the references of a symbol',
  description:
    'Every occurrence of a C symbol in code across the tree (comments and strings never count), with whether it is a call and the function it is in; the same answer as Find All References.',
  inputSchema: {
    type: 'object',
    required: ['symbol'],
    additionalProperties: false,
    properties: {
      symbol: SYMBOL_ARGUMENT,
      includeDeclaration: { type: 'boolean', description: 'Also list definitions and declarations (default true).' },
      ...PAGING_INPUT,
    },
  },
  outputSchema: {
    ...pageOutput(REFERENCE),
    properties: { ...(pageOutput(REFERENCE).properties as object), symbol: { type: 'string' } },
  },
  untrustedFields: ['items[].file', 'items[].enclosingFunction'],
  async run(ctx, args) {
    const symbol = symbolOf(args);
    const index = await indexOf(ctx);
    const references = (await index.findReferences(symbol)).filter(
      (r) => args.includeDeclaration !== false || !r.isDefinition,
    );
    return { symbol, ...page(references.map(referenceJson), args) };
  },
};

const CALL: JsonSchema = {
  type: 'object',
  required: ['function', 'calls'],
  properties: {
    function: DEFINITION,
    calls: { type: 'array', items: { type: 'object', required: ['line', 'column'], properties: LOCATION_PROPERTIES } },
    indirect: { type: 'boolean', description: 'A call through a function pointer (ops table), when known.' },
    via: {
      type: 'string',
      description: 'For an indirect call: the struct type and field it goes through (dev_pagemap_ops.migrate_to_ram).',
    },
    inferred: {
      type: 'boolean',
      description: 'For an indirect call: the object type was not found, the field name alone decided.',
    },
    inactive: {
      type: 'string',
      description:
        'The function is not compiled in the kernel configuration in use, and why; such edges come after the compiled ones.',
    },
  },
};

export const callHierarchy: AgentTool = {
  name: 'call_hierarchy',
  title: 'Callers or callees of a function',
  description:
    'Incoming calls (every function that calls it, with the call sites) or outgoing calls (every function its body calls) of a kernel function or function-like macro, over the whole tree, including calls through ops tables (function-pointer fields: indirect, via TYPE.FIELD); with a kernel configuration (the editor status bar, or mcp --config, else .config at the tree root) the functions it compiles first and the others marked inactive with why; the same answer as the editor call hierarchy and kernel-mm-lens calls --config.',
  inputSchema: {
    type: 'object',
    required: ['symbol', 'direction'],
    additionalProperties: false,
    properties: {
      symbol: SYMBOL_ARGUMENT,
      direction: { type: 'string', enum: ['incoming', 'outgoing'] },
      file: {
        type: 'string',
        description: 'outgoing: the file of the definition to start from, when the name has several.',
      },
      ...PAGING_INPUT,
    },
  },
  outputSchema: {
    ...pageOutput(CALL),
    properties: {
      ...(pageOutput(CALL).properties as object),
      symbol: { type: 'string' },
      direction: { type: 'string' },
      configuration: CONFIGURATION_OUTPUT,
      definitions: { type: 'array', items: DEFINITION },
      partial: {
        type: 'array',
        items: { type: 'string' },
        description: 'Present when the answer is cut: why (calls through a field used in too many files to type all).',
      },
    },
  },
  untrustedFields: [
    'definitions[].file',
    'definitions[].signature',
    'items[].function.file',
    'items[].function.signature',
  ],
  async run(ctx, args) {
    const symbol = symbolOf(args);
    const index = await indexOf(ctx);
    const configuration = await configurationOf(ctx, index);
    const liveness = configuration.liveness;
    const definitions = callHierarchyRoots(index, symbol, { liveness });
    const ops = await opsTablesOnDisk(index);
    const callJson = (edge: CallEdge, file: string) => ({
      function: definitionJson(edge.function),
      calls: edge.ranges.map((range) => location(file, range)),
      ...(edge.via
        ? { indirect: true, via: `${edge.via.type ?? '?'}.${edge.via.field}`, inferred: edge.via.inferred }
        : {}),
      ...(edge.inactive ? { inactive: edge.inactive } : {}),
    });
    let calls: Array<Record<string, unknown>>;
    const partial: string[] = [];
    if (args.direction === 'incoming') {
      calls = (await incomingCallEdges(index, symbol, { ops, liveness, onPartial: (note) => partial.push(note) })).map(
        (edge) => callJson(edge, edge.function.file),
      );
    } else {
      const from = definitions.find((d) => (typeof args.file === 'string' ? d.file === args.file : !d.isDeclaration));
      calls = from
        ? outgoingCallEdges(
            index,
            { name: from.name, file: from.file, line: from.nameRange.start.line },
            { ops, liveness },
          ).map((edge) => callJson(edge, from.file))
        : [];
    }
    return {
      symbol,
      direction: args.direction,
      configuration: configuration.description,
      definitions: definitions.slice(0, 10).map((d) => definitionJson(d, configuration.inactive(d))),
      ...page(calls, args),
      ...(partial.length ? { partial } : {}),
    };
  },
};
