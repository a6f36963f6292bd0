/**
 * Wire types of patch/series review (`kernelMmLens/reviewPatch`) and of the agent tools offered through the
 * language server (`kernelMmLens/agentTool`, what VS Code's language-model tools call). Imported by
 * protocol/index.ts, where the request types are.
 */

/** `kernelMmLens/reviewPatch`: review patch files or a series folder against the workspace tree. */
export interface ReviewPatchParams {
  /** Absolute paths: .patch/.diff/.mbox/.eml files, or folders of them (what `b4 am -o` or `git format-patch` wrote). */
  paths: string[];
  /** The earlier version of the series (files or folders), to compare with and find unaddressed comments. */
  previous?: string[];
  /** Look up review threads and earlier versions in the configured mail; default true. */
  threads?: boolean;
}

export type ReviewFindingSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface ReviewFindingWire {
  /** `removed-api`, `removed-api-definition`, `missing-release`, `hunk-does-not-apply`. */
  rule: string;
  severity: ReviewFindingSeverity;
  /** Control and bidi characters removed (the message may quote the patch). */
  message: string;
  /** Tree-relative post-image file and 1-based line; null when the hunk does not apply. */
  file: string | null;
  line: number | null;
  /** Absolute path of the input file and the 1-based line of the `+` line (or hunk) the finding is about. */
  patchFile: string;
  patchLine: number | null;
  /** Subject of the patch it is in. */
  patchSubject: string;
  /**
   * A reply mail to the patch quoting the lines the finding is about, with the finding as the comment: a draft for
   * the reviewer to edit. Every quoted line is untrusted text with control and bidi characters removed.
   */
  draftReply: string;
}

export interface ReviewPatchResult {
  /** The same text report as `kernel-mm-lens review` prints (patches, findings, symbols, threads, versions). */
  report: string;
  findings: ReviewFindingWire[];
  patches: number;
  /** Release the tree was reviewed as, e.g. "6.12"; null when unknown. */
  kernelVersion: string | null;
  /** What could not be read, applied or looked up: one sentence each. */
  problems: string[];
}

/** `kernelMmLens/agentTool`: one of the agent tools (the MCP server's tools) run by the language server. */
export interface AgentToolParams {
  /** Tool name as the MCP server lists it: explain_symbol, find_definition, review_patch, ... */
  name: string;
  input: unknown;
}

export type AgentToolResultWire = { ok: true; result: Record<string, unknown> } | { ok: false; error: string };
