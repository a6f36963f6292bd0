import type { KernelIndex } from '../indexing/types';
import { changesJson } from '../knowledge/changes/changesJson';
import { treeChangesFor, type TreeChanges } from '../knowledge/changes/treeChanges';
import { PAGING_INPUT, page, pageOutput } from './paging';
import { SYMBOL_ARGUMENT, type AgentTool, type AgentToolContext, type JsonSchema } from './types';

/**
 * `tree_changes`: which tracked upstream mm changes this tree has, with the code evidence (the one TreeChanges
 * service behind the hover status, the `changes` CLI and the editor's changes view; the same JSON as
 * `changes --json`). Read through the index when it is ready, else through the files the probes name.
 */

const EVIDENCE: JsonSchema = {
  type: ['object', 'null'],
  required: ['file', 'line', 'text'],
  properties: { file: { type: 'string' }, line: { type: ['integer', 'null'] }, text: { type: ['string', 'null'] } },
};

export const CHANGE: JsonSchema = {
  type: 'object',
  required: ['id', 'subject', 'status', 'versionRelation', 'release', 'evidence', 'probes'],
  properties: {
    id: { type: 'string' },
    messageId: { type: ['string', 'null'] },
    subject: { type: 'string' },
    mailSubject: { type: ['string', 'null'] },
    tag: { type: ['string', 'null'] },
    release: { type: ['string', 'null'] },
    releaseBasis: { type: 'string', enum: ['verified', 'inferred', 'pending'] },
    commit: { type: ['string', 'null'] },
    series: { type: ['string', 'null'] },
    topics: { type: 'array', items: { type: 'string' } },
    symbols: { type: 'array', items: { type: 'string' } },
    status: { type: 'string', enum: ['present', 'absent', 'partial', 'unknown'] },
    versionRelation: { type: 'string', enum: ['backport', 'missing', 'as-expected', 'unknown'] },
    evidence: EVIDENCE,
    probes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label', 'outcome', 'detail'],
        properties: {
          label: { type: 'string' },
          outcome: { type: 'string', enum: ['holds', 'fails', 'unknown'] },
          detail: { type: 'string' },
          evidence: EVIDENCE,
        },
      },
    },
    lore: { type: ['string', 'null'] },
  },
};

/** One evaluation per tree and index: the probes read code, and the answers hold until the tree changes. */
const evaluated = new WeakMap<AgentToolContext, { index: KernelIndex | undefined; changes: TreeChanges }>();

export function treeChangesOf(ctx: AgentToolContext, index: KernelIndex | undefined): TreeChanges {
  const cached = evaluated.get(ctx);
  if (cached && cached.index === index) return cached.changes;
  const changes = treeChangesFor(ctx.root, { index, version: ctx.kernelVersion() });
  evaluated.set(ctx, { index, changes });
  return changes;
}

export const treeChanges: AgentTool = {
  name: 'tree_changes',
  title: 'Tracked mm changes this tree has',
  description:
    "Which tracked upstream mm changes (device-exclusive rework, devmap removal, folio_walk, fs-dax, HMM fixes) this kernel tree's code has, each with its status (present, absent, partial, unknown), whether that is a stable backport or missing for the release, the code line that shows it, its first mainline release and the posted patch on lore. Filter by `symbol`, `topic` or `status`. The same answer as the hover status and `kernel-mm-lens changes --json`.",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      symbol: { ...SYMBOL_ARGUMENT, description: 'Only changes that touch it.' },
      topic: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
      status: { type: 'string', enum: ['present', 'absent', 'partial', 'unknown'] },
      ...PAGING_INPUT,
    },
  },
  outputSchema: {
    ...pageOutput(CHANGE),
    properties: {
      ...(pageOutput(CHANGE).properties as object),
      kernelVersion: { type: ['string', 'null'] },
      basis: { type: 'string', enum: ['index', 'files'] },
    },
  },
  untrustedFields: ['items[].evidence.text', 'items[].probes[].evidence.text', 'items[].probes[].detail'],
  async run(ctx, args) {
    const changes = treeChangesOf(ctx, await ctx.index());
    const topic = typeof args.topic === 'string' ? args.topic : undefined;
    const results = (typeof args.symbol === 'string' ? changes.forSymbol(args.symbol) : changes.all()).filter(
      (result) => !topic || result.change.topics.includes(topic),
    );
    const report = changesJson(changes, '.', results);
    const items = report.changes.filter((c) => !args.status || c.status === args.status);
    return { kernelVersion: report.kernelVersion, basis: report.basis, ...page(items, args) };
  },
};
