/**
 * Data model of patch and series review: the input as patches (mail or plain diff) with their hunks and the input
 * line of every diff line, and the result every surface prints (CLI JSON/SARIF/text, the editor's Problems and
 * review view, the MCP `review_patch` tool). The JSON shape of `ReviewResult` is the documented interface of
 * `kernel-mm-lens review --json`: patches, findings, symbols, threads, versions.
 */

/** One line of a hunk: `' '` context, `'+'` added, `'-'` removed. */
export interface DiffLine {
  kind: ' ' | '+' | '-';
  /** The line without its diff marker. */
  text: string;
  /** 1-based line in the input file; undefined when the mail body was transfer-encoded (base64, QP, MIME). */
  inputLine?: number;
}

export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The text after the second `@@` (git's function context), untrusted. */
  context: string;
  lines: DiffLine[];
  /** 1-based input line of the `@@` header. */
  inputLine?: number;
}

export interface FileDiff {
  /** Tree-relative path before the change; undefined for a new file. */
  oldPath?: string;
  /** Tree-relative path after the change; undefined for a deleted file. */
  newPath?: string;
  hunks: Hunk[];
  /** A binary change (`Binary files ... differ`, `GIT binary patch`): never applied, reported. */
  binary: boolean;
}

/** One message of the input: a patch, a cover letter, a reply, or a plain diff without mail headers. */
export interface PatchMessage {
  /** The input file it came from, as the user named it ("-" for stdin). */
  inputFile: string;
  /** 1-based input line where the message starts. */
  inputLine: number;
  subject: string;
  /** Title without the subject's prefixes (b4's rules), "" for a plain diff. */
  title: string;
  version: number;
  /** k of [PATCH k/M]; 0 for a cover letter. */
  counter?: number;
  expected?: number;
  messageId?: string;
  /** Message-IDs this one refers to, oldest first (In-Reply-To last). */
  references: string[];
  author: string;
  authorEmail: string;
  date: string;
  isCover: boolean;
  /** A `Re:` or a message without a diff that answers another: a review, kept for the version comparison. */
  isReply: boolean;
  /** `git patch-id --stable` of the diff, undefined without one. */
  patchId?: string;
  files: FileDiff[];
  /** Body text as plain lines (for replies: what the quoted-hunk check reads). */
  body: string;
  /** True when every diff line carries its input line. */
  lineMapped: boolean;
}

/** The input, split: postings in series order, and replies found next to them (a `b4 mbox` of a thread). */
export interface PatchInput {
  cover?: PatchMessage;
  patches: PatchMessage[];
  replies: PatchMessage[];
  /** What could not be read or understood, one sentence each. */
  problems: string[];
}

// ---- the result -------------------------------------------------------------------------------------------

export type ReviewSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface ReviewHunkJson {
  file: string;
  applies: boolean;
}

export interface ReviewPatchJson {
  subject: string;
  version: number;
  patchId: string | null;
  hunks: ReviewHunkJson[];
}

export interface ReviewFindingJson {
  /** `removed-api`, `removed-api-definition`, `missing-release`, `hunk-does-not-apply`. */
  rule: string;
  severity: ReviewSeverity;
  message: string;
  /** Tree-relative file and 1-based line of the post-image; null when the hunk does not apply. */
  file: string | null;
  line: number | null;
  /** The input file and 1-based line of the `+` line (or the hunk line) the finding is about. */
  patchFile: string;
  patchLine: number | null;
}

export type SymbolRelation = 'touched' | 'call-added' | 'call-removed' | 'use-added' | 'use-removed' | 'changed-line';

export interface ReviewSymbolJson {
  name: string;
  relations: SymbolRelation[];
  kind: string;
  /** The catalog's one-line explanation. */
  summary: string;
  /** Release facts: status for this tree, and the mainline releases. */
  status: string;
  state: string;
  introduced: string | null;
  removed: string | null;
  changed: Array<{ release: string; what: string | null }>;
  replacement: string | null;
  /** What a caller must hold or guarantee. */
  duties: string[];
  sources: string[];
  /** 1-based indexes of the patches (in series order) that touch it. */
  patches: number[];
}

export interface ReviewThreadJson {
  /** The touched functions and symbols it was found for; empty for an earlier version of this series. */
  symbols: string[];
  /** `symbol`: a thread about a touched symbol; `earlier-version`: an earlier posting of a patch of this series. */
  reason: 'symbol' | 'earlier-version';
  messageId: string;
  subject: string;
  url: string;
  relation: string;
  author: string;
  date: string;
  /** Latest version number, when the thread is a patch or series. */
  version: number | null;
  versions: number;
  replies: number;
  source: string;
}

export interface PatchRef {
  subject: string;
  version: number;
  patchId: string | null;
  messageId: string | null;
}

export interface ChangedPatch {
  previous: PatchRef;
  current: PatchRef;
  /** How the two were matched: b4's subject rule, or the same patch-id under another subject. */
  matchedBy: 'subject' | 'patch-id';
}

export interface PossiblyUnaddressed {
  /** The reply to the earlier version. */
  messageId: string;
  url: string;
  author: string;
  date: string;
  /** Subject of the earlier patch it answered. */
  patch: string;
  /** The quoted diff lines the comment follows, still the same in this version. */
  quoted: string[];
  /** The comment's first lines (untrusted text). */
  comment: string;
  /** Where the quoted line is now: tree-relative post-image position, and the input line. */
  file: string | null;
  line: number | null;
  patchFile: string | null;
  patchLine: number | null;
}

export interface ReviewVersionsJson {
  previous: { version: number; patches: number; source: string } | null;
  current: { version: number; patches: number };
  added: PatchRef[];
  dropped: PatchRef[];
  changed: ChangedPatch[];
  unchanged: ChangedPatch[];
  possiblyUnaddressed: PossiblyUnaddressed[];
}

export interface ReviewResult {
  patches: ReviewPatchJson[];
  findings: ReviewFindingJson[];
  symbols: ReviewSymbolJson[];
  threads: ReviewThreadJson[];
  versions: ReviewVersionsJson;
}
