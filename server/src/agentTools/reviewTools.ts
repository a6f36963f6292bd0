import * as fs from 'fs';
import { readRegularFile } from '../lore/mail/mailReader';
import { sanitiseLine, sanitiseMailText } from '../lore/renderThread';
import type { ThreadEntry } from '../lore/threadEntry';
import { defaultLintRules } from '../lint/rules';
import { lintText } from '../lint/linter';
import { shippedDiagrams } from '../diagrams/loader';
import { buildDiagram, DiagramLookupError } from '../diagrams/diagramService';
import { FileHintEvidence } from '../diagrams/codeEvidence';
import { patchInputFromText } from '../review/patchInput';
import { reviewPatches } from '../review/reviewEngine';
import type { ReviewResult } from '../review/types';
import { PAGING_INPUT, page, pageOutput } from './paging';
import { resolveInsideRoot } from './treePaths';
import { SYMBOL_ARGUMENT, ToolInputError, type AgentTool, type JsonSchema } from './types';

/**
 * The review tools: the review threads of a symbol (the thread service behind the code lens and `threads`), the
 * removed-API lint of a file or a diff, the review of a patch or series (the review engine behind `review`), and
 * a lifecycle diagram as Mermaid. Mail text in results is untrusted: control and bidi characters are removed.
 */

/** Largest patch text accepted (a 30-patch series is about 1 MB). */
const MAX_PATCH_CHARS = 8 * 1024 * 1024;
const MAX_LINT_FILE_BYTES = 8 * 1024 * 1024;

const THREAD: JsonSchema = {
  type: 'object',
  required: ['messageId', 'subject', 'url', 'relation', 'kind', 'versions'],
  properties: {
    messageId: { type: 'string' },
    subject: { type: 'string' },
    title: { type: 'string' },
    url: { type: 'string' },
    relation: { type: 'string', enum: ['patch', 'review', 'mention'] },
    kind: { type: 'string', enum: ['patch', 'series', 'thread'] },
    author: { type: 'string' },
    date: { type: 'string' },
    summary: { type: 'string' },
    cited: { type: 'boolean' },
    inTree: { type: 'string' },
    versions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version', 'messageId'],
        properties: {
          version: { type: 'integer' },
          messageId: { type: 'string' },
          subject: { type: 'string' },
          date: { type: 'string' },
          url: { type: 'string' },
          replies: { type: 'integer' },
        },
      },
    },
  },
};

function threadJson(entry: ThreadEntry) {
  return {
    messageId: sanitiseLine(entry.messageId),
    subject: sanitiseLine(entry.subject),
    title: sanitiseLine(entry.title),
    url: entry.url,
    relation: entry.relation,
    kind: entry.kind,
    author: sanitiseLine(entry.author),
    date: entry.date,
    ...(entry.summary ? { summary: sanitiseLine(entry.summary).slice(0, 300) } : {}),
    cited: entry.cited === true,
    ...(entry.inTree ? { inTree: sanitiseLine(entry.inTree.text) } : {}),
    versions: entry.versions.slice(0, 20).map((v) => ({
      version: v.version,
      messageId: sanitiseLine(v.messageId),
      subject: sanitiseLine(v.subject),
      date: v.date,
      url: v.url,
      replies: v.replies.length,
    })),
  };
}

export const reviewThreads: AgentTool = {
  name: 'review_threads',
  title: 'Review threads about a symbol',
  description:
    'The mailing-list review threads about a kernel symbol: one entry per patch (or series, or discussion) with its versions latest first, ranked by relation (changes it > reviews it > mentions it) then date; from the bundled thread index, the catalog, the configured local mail and lei externals. The same list the code lens counts.',
  inputSchema: {
    type: 'object',
    required: ['symbol'],
    additionalProperties: false,
    properties: {
      symbol: SYMBOL_ARGUMENT,
      searchExternals: {
        type: 'boolean',
        description:
          'First ask the configured public-inbox/lei externals (local inboxes; remote lore only when the server was started with --allow-remote-lore).',
      },
      ...PAGING_INPUT,
    },
  },
  outputSchema: {
    ...pageOutput(THREAD),
    properties: { ...(pageOutput(THREAD).properties as object), symbol: { type: 'string' }, note: { type: 'string' } },
  },
  openWorld: true,
  untrustedFields: [
    'note',
    'items[].messageId',
    'items[].subject',
    'items[].title',
    'items[].author',
    'items[].summary',
    'items[].inTree',
    'items[].versions[].messageId',
    'items[].versions[].subject',
  ],
  async run(ctx, args) {
    const symbol = args.symbol as string;
    const service = ctx.threads();
    let note: string | undefined;
    if (args.searchExternals === true) {
      note = sanitiseLine((await service.searchExternals(symbol, { allowRemote: ctx.allowRemoteLore })).message);
    }
    const entries = await service.threadsForSymbol(symbol);
    return { symbol, ...(note ? { note } : {}), ...page(entries.map(threadJson), args) };
  },
};

const FINDING: JsonSchema = {
  type: 'object',
  required: ['rule', 'severity', 'message'],
  properties: {
    rule: { type: 'string' },
    ruleId: { type: 'string' },
    severity: { type: 'string', enum: ['error', 'warning', 'information', 'hint'] },
    message: { type: 'string' },
    file: { type: ['string', 'null'] },
    line: { type: ['integer', 'null'] },
    column: { type: 'integer' },
    patchLine: { type: ['integer', 'null'] },
    replacement: { type: 'string' },
  },
};

export const lint: AgentTool = {
  name: 'lint',
  title: 'Removed-API lint of a file or a diff',
  description:
    "Uses of mm APIs removed upstream (devmap, pfn_t, the old device-exclusive API, follow_page, 6.18/6.19 renames) with their replacement, severity for this tree's release. Give `path` (a file of the tree) or `diff` (unified diff text: only its added lines are checked).",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      path: { type: 'string', description: 'File relative to the tree root.' },
      diff: { type: 'string', maxLength: MAX_PATCH_CHARS, description: 'A unified diff or patch mail.' },
      ...PAGING_INPUT,
    },
  },
  outputSchema: {
    ...pageOutput(FINDING),
    properties: { ...(pageOutput(FINDING).properties as object), kernelVersion: { type: ['string', 'null'] } },
  },
  untrustedFields: ['items[].file', 'items[].message'],
  async run(ctx, args) {
    exactlyOne(args, ['path', 'diff']);
    const version = ctx.kernelVersion();
    const kernelVersion = version ? `${version.major}.${version.minor}` : null;
    if (typeof args.path === 'string') {
      const file = resolveInsideRoot(ctx.root, args.path);
      if (!fs.statSync(file.absolute).isFile()) throw new ToolInputError(`path: ${args.path} is not a regular file`);
      const bytes = readRegularFile(file.absolute, MAX_LINT_FILE_BYTES + 1);
      if (!bytes || bytes.length > MAX_LINT_FILE_BYTES)
        throw new ToolInputError(`path: ${args.path} cannot be read or is larger than ${MAX_LINT_FILE_BYTES} bytes`);
      const findings = lintText(bytes.toString('utf8'), file.relative, { rules: defaultLintRules(), version }).map(
        (f) => ({
          rule: f.code,
          ruleId: f.entry.rule.id,
          severity: f.severity,
          message: f.message,
          file: file.relative,
          line: f.range.start.line + 1,
          column: f.range.start.character + 1,
          replacement: f.entry.rule.replacement,
        }),
      );
      return { kernelVersion, ...page(findings, args) };
    }
    const { result } = await reviewPatches(patchInputFromText('diff', String(args.diff)), { root: ctx.root, version });
    const findings = result.findings
      .filter((f) => f.rule.startsWith('removed-api'))
      .map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        file: f.file,
        line: f.line,
        patchLine: f.patchLine,
      }));
    return { kernelVersion, ...page(findings, args) };
  },
};

/**
 * "Give exactly one of these arguments", checked here rather than with a top-level oneOf/anyOf in the input schema:
 * the Anthropic API refuses every tool list in which one tool's input schema has oneOf, anyOf or allOf at its top
 * level (a 400 for the whole request), and VS Code passes language-model tool schemas on as they are.
 */
function exactlyOne(args: Record<string, unknown>, names: string[]): void {
  const given = names.filter((name) => args[name] !== undefined);
  if (given.length !== 1) throw new ToolInputError(`give exactly one of ${names.map((n) => `\`${n}\``).join(', ')}`);
}

/** Items kept per list of a review result: an agent gets the first ones and the counts. */
const MAX_REVIEW_ITEMS = 200;

export const reviewPatch: AgentTool = {
  name: 'review_patch',
  title: 'Review a patch or a series',
  description:
    'Reviews a patch, a git format-patch series or a b4 mbox against this tree: hunks mapped onto the tree (a hunk that does not apply is said so), removed-API lint on added lines, missing-release duties of touched functions (folio_walk_start/folio_walk_end, pte_offset_map_lock/pte_unmap_unlock, folio lock and references), the tracked symbols it touches with their facts, the review threads of touched functions and earlier versions, and with an earlier version: added/dropped/changed/unchanged patches (patch-id, b4 rules) and earlier comments possibly left unaddressed. Deterministic, no language model.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      patch: { type: 'string', maxLength: MAX_PATCH_CHARS, description: 'Patch, series mbox or diff text.' },
      path: { type: 'string', description: 'A patch or mbox file relative to the tree root, instead of `patch`.' },
      previous: { type: 'string', maxLength: MAX_PATCH_CHARS, description: 'The earlier version (mbox text).' },
      threads: {
        type: 'boolean',
        description: 'Look up review threads and earlier versions in the mail (default true).',
      },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['result', 'problems', 'truncated'],
    properties: {
      result: {
        type: 'object',
        required: ['patches', 'findings', 'symbols', 'threads', 'versions'],
        properties: {
          patches: { type: 'array' },
          findings: { type: 'array', items: FINDING },
          symbols: { type: 'array' },
          threads: { type: 'array' },
          versions: { type: 'object' },
        },
      },
      problems: { type: 'array', items: { type: 'string' } },
      truncated: { type: 'boolean' },
    },
  },
  untrustedFields: [
    'result.patches[].subject',
    'result.patches[].hunks[].file',
    'result.findings[].file',
    'result.findings[].message',
    'result.findings[].patchFile',
    'result.threads[].messageId',
    'result.threads[].subject',
    'result.threads[].author',
    'result.versions.added[].subject',
    'result.versions.dropped[].subject',
    'result.versions.changed[].previous.subject',
    'result.versions.changed[].current.subject',
    'result.versions.unchanged[].previous.subject',
    'result.versions.unchanged[].current.subject',
    'result.versions.possiblyUnaddressed[].author',
    'result.versions.possiblyUnaddressed[].patch',
    'result.versions.possiblyUnaddressed[].quoted[]',
    'result.versions.possiblyUnaddressed[].comment',
    'problems[]',
  ],
  async run(ctx, args) {
    exactlyOne(args, ['patch', 'path']);
    let text: string;
    let name = 'patch';
    if (typeof args.path === 'string') {
      const file = resolveInsideRoot(ctx.root, args.path);
      const bytes = readRegularFile(file.absolute, MAX_PATCH_CHARS + 1);
      if (!bytes || bytes.length > MAX_PATCH_CHARS) throw new ToolInputError(`path: ${args.path} cannot be read`);
      text = bytes.toString('utf8');
      name = file.relative;
    } else text = String(args.patch);
    const input = patchInputFromText(name, text);
    if (input.patches.length === 0) throw new ToolInputError(input.problems[0] ?? 'no patch in the input');
    const previous =
      typeof args.previous === 'string'
        ? { input: patchInputFromText('previous', args.previous), source: 'previous' }
        : undefined;
    const { result, problems } = await reviewPatches(input, {
      root: ctx.root,
      version: ctx.kernelVersion(),
      threads: args.threads === false ? undefined : ctx.threads(),
      previous,
    });
    const bounded: ReviewResult = {
      ...result,
      findings: result.findings.slice(0, MAX_REVIEW_ITEMS),
      symbols: result.symbols.slice(0, MAX_REVIEW_ITEMS),
      threads: result.threads.slice(0, MAX_REVIEW_ITEMS).map((t) => ({
        ...t,
        subject: sanitiseLine(t.subject),
        author: sanitiseLine(t.author),
      })),
      versions: {
        ...result.versions,
        possiblyUnaddressed: result.versions.possiblyUnaddressed.slice(0, MAX_REVIEW_ITEMS).map((u) => ({
          ...u,
          author: sanitiseLine(u.author),
          comment: sanitiseMailText(u.comment),
          quoted: u.quoted.map(sanitiseLine),
        })),
      },
    };
    const truncated =
      result.findings.length > MAX_REVIEW_ITEMS ||
      result.symbols.length > MAX_REVIEW_ITEMS ||
      result.threads.length > MAX_REVIEW_ITEMS ||
      result.versions.possiblyUnaddressed.length > MAX_REVIEW_ITEMS;
    return { result: bounded, problems: problems.slice(0, 50).map(sanitiseLine), truncated };
  },
};

export const diagram: AgentTool = {
  name: 'diagram',
  title: 'Lifecycle diagram as Mermaid',
  description:
    'A lifecycle diagram (device-exclusive entries, folio_walk, ZONE_DEVICE refcounts, device-private faults, fs-dax layout breaking) as Mermaid flowchart text, in the variant this tree has, with each step, its function and locks. Give a diagram `id` or a `symbol` one of its steps names.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      id: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
      symbol: SYMBOL_ARGUMENT,
      variant: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    },
  },
  outputSchema: {
    type: 'object',
    required: ['id', 'title', 'variant', 'mermaid', 'steps'],
    properties: {
      id: { type: 'string' },
      title: { type: 'string' },
      variant: { type: 'string' },
      variantReason: { type: 'string' },
      variants: { type: 'array', items: { type: 'string' } },
      mermaid: { type: 'string' },
      steps: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'label'],
          properties: {
            id: { type: 'string' },
            label: { type: 'string' },
            function: { type: 'string' },
            locks: { type: 'array', items: { type: 'string' } },
            source: { type: 'string' },
          },
        },
      },
      alternatives: { type: 'array', items: { type: 'string' } },
    },
  },
  untrustedFields: [],
  async run(ctx, args) {
    if (args.id === undefined && args.symbol === undefined) throw new ToolInputError('give `id` or `symbol`');
    let result;
    try {
      result = buildDiagram(
        shippedDiagrams().diagrams,
        {
          id: typeof args.id === 'string' ? args.id : undefined,
          symbol: typeof args.symbol === 'string' ? args.symbol : undefined,
          variant: typeof args.variant === 'string' ? args.variant : undefined,
        },
        { kernelVersion: ctx.kernelVersion(), evidence: new FileHintEvidence(ctx.root) },
      );
    } catch (error) {
      if (error instanceof DiagramLookupError) throw new ToolInputError(error.message);
      throw error;
    }
    return {
      id: result.id,
      title: result.title,
      variant: result.variant,
      variantReason: result.variantReason,
      variants: result.variants.map((v) => v.id),
      mermaid: result.mermaid,
      steps: result.steps.map((step) => ({
        id: step.id,
        label: step.label,
        ...(step.function ? { function: step.function } : {}),
        locks: step.locks,
        ...(step.source.url ? { source: step.source.url } : step.source.tree ? { source: step.source.tree } : {}),
      })),
      alternatives: result.alternatives,
    };
  },
};
