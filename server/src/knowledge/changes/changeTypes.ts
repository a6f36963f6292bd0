/**
 * Data model of tracked upstream changes (`server/data/changes/*.yaml`, schema `changes.schema.json`) and of
 * what the evidence engine says about one tree. A change is a commit or a posted patch with its real subject,
 * the Message-ID of the mail that carried it, its mainline release, and probes on the tree's code. The answer
 * for a tree comes from the code, never from the Makefile version: stable and vendor trees carry backports.
 */

export type ReleaseBasis = 'verified' | 'inferred' | 'pending';

export interface ReleaseInfo {
  /** First mainline release ("6.15"); absent when the change is pending. */
  version?: string;
  basis: ReleaseBasis;
  source: string;
}

export interface MailMessage {
  id: string;
  /** Subject exactly as posted, tags included: "[PATCH v2 02/17] mm/rmap: ...". */
  subject: string;
  date: string;
}

export interface ChangeSeries {
  id: string;
  title: string;
  author: string;
  cover?: MailMessage;
  release: ReleaseInfo;
}

export type ProbeKind = 'function' | 'macro' | 'type' | 'enumerator' | 'field' | 'any';

/** One probe as written in the data (exactly one of defines, lacks, function, file, anyOf). */
export interface ProbeSpec {
  label?: string;
  defines?: string;
  /** The tree no longer defines this symbol, or none of these (the same thing under its older names). */
  lacks?: string | string[];
  kind?: ProbeKind;
  function?: string;
  calls?: string;
  contains?: string | string[];
  params?: number;
  file?: string;
  expect?: 'present' | 'absent';
  /** With function: a tree without the function lacks the change (fails) or cannot be judged (unknown, default). */
  missing?: 'fails' | 'unknown';
  in?: string[];
  anyOf?: ProbeSpec[];
  /**
   * Judged only where this guard holds: a removal can only be told in a tree that has the code which used the
   * removed thing (`lacks: RMAP_LEVEL_PTE` means nothing in a tree older than enum rmap_level itself).
   */
  onlyIf?: ProbeSpec;
}

export interface ChangeSpec {
  id: string;
  subject: string;
  message?: MailMessage;
  series?: string;
  part?: string;
  commit?: string;
  author?: string;
  release?: ReleaseInfo;
  topics: string[];
  symbols: string[];
  summary: string;
  probes: ProbeSpec[];
  sources: string[];
}

/** A change after loading: series defaults applied. */
export interface TrackedChange extends ChangeSpec {
  release: ReleaseInfo;
  author?: string;
  seriesInfo?: ChangeSeries;
  /** Data file it came from (file name only). */
  file: string;
}

export interface ChangeProblem {
  file: string;
  message: string;
}

export interface ChangeCatalog {
  changes: TrackedChange[];
  series: ChangeSeries[];
  problems: ChangeProblem[];
  byId(id: string): TrackedChange | undefined;
  /** Changes whose `symbols` list the name. */
  touching(symbol: string): TrackedChange[];
}

/** A line of the tree that shows a probe's outcome. */
export interface Evidence {
  /** Tree-relative path. */
  file: string;
  /** 1-based line (the CLI and JSON speak editor lines); absent when the evidence is a whole file or an absence. */
  line?: number;
  /** The line's text, trimmed and shortened; untrusted (it is the tree's text). */
  text?: string;
}

/** holds: the tree looks like it has the change; fails: it does not; unknown: the probe could not decide. */
export type ProbeOutcome = 'holds' | 'fails' | 'unknown';

export interface ProbeResult {
  label: string;
  outcome: ProbeOutcome;
  /** One sentence: "make_device_exclusive (mm/rmap.c:2241) calls folio_walk_start". */
  detail: string;
  evidence?: Evidence;
}

/** present: every decided probe holds; absent: none holds; partial: some do; unknown: nothing could be decided. */
export type ChangeStatus = 'present' | 'absent' | 'partial' | 'unknown';

export interface ChangeResult {
  change: TrackedChange;
  status: ChangeStatus;
  probes: ProbeResult[];
  /** The line that best shows the status (first holding probe for present/partial, first failing one for absent). */
  evidence?: Evidence;
  /**
   * Relation to the tree's Makefile version: `backport` when the code has the change although the version
   * predates its mainline release; `missing` when the version is at or past the release but the code lacks
   * it (reverted, reworked later, or a vendor change); `as-expected` otherwise; `unknown` without a version.
   */
  versionRelation: 'backport' | 'missing' | 'as-expected' | 'unknown';
}
