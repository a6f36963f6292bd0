/**
 * Data model of the removed-API lint: rules as written in `server/data/lint-rules/*.yaml` (validated by
 * `ruleSchema.ts`) and the findings the matcher produces. Positions are 0-based lines and UTF-16 columns, as in LSP.
 */

/** Mechanical rewrites a rule may describe. Adding a rule that uses one of these needs no code change. */
export type FixSpec =
  /** Replace the identifier by another one: `SWP_DEVICE_EXCLUSIVE_WRITE` -> `SWP_DEVICE_EXCLUSIVE`. */
  (
    | { type: 'rename'; to: string }
    /** `partner(x) || sym(x)` -> `partner(x)` (also swapped, and the negated `!partner(x) && !sym(x)` form). */
    | { type: 'drop-disjunct'; partner: string }
    /** Delete the whole line (a Kconfig `select`, an `#include`). */
    | { type: 'delete-line'; onlyIn?: MatchContext[] }
    /**
     * Delete one argument of the call (0-based `index`), only when it is exactly `onlyIf` (`NULL`): a removed
     * parameter whose other values changed what the call did.
     */
    | { type: 'drop-argument'; index: number; onlyIf?: string }
  ) & {
    /**
     * Why the rewrite keeps behaviour only on a target at or after the rule's removal, in words for the user
     * ("pmd_trans_huge() covers devmap PMDs only from 6.17"). Default: a sentence made from the fix type.
     */
    premise?: string;
  };

/** How a symbol is recognised. */
export type MatchKind =
  /** A C identifier (also in macro bodies and #if conditions, and as a word in Makefiles). */
  | 'identifier'
  /** A Kconfig symbol: `select/depends on NAME` in Kconfig, `CONFIG_NAME` in C and Makefiles. */
  | 'kconfig'
  /** A header path in `#include <...>` / `#include "..."`. */
  | 'include';

export type SymbolKind = 'function' | 'macro' | 'type' | 'variable' | 'kconfig' | 'header';

/** Where an occurrence was found; fixes may be limited to some contexts. */
export type MatchContext =
  | 'code' // C code outside preprocessor lines
  | 'preprocessor' // #if conditions, #define bodies, other directives
  | 'include' // #include line
  | 'kconfig-select' // select / imply
  | 'kconfig-depends' // depends on / visible if / if / default ... if / range
  | 'kconfig-config' // config NAME / menuconfig NAME (the definition)
  | 'makefile';

export interface RemovalThread {
  messageId: string;
  subject?: string;
}

export interface LintSymbolSpec {
  name: string;
  match?: MatchKind;
  fix?: FixSpec;
  /** Only calls (and declarations) with exactly this many arguments match: a removed parameter. */
  args?: number;
  /** How findings name the use (`get_dev_pagemap(pfn, pgmap)`); default: the name, with `()` for functions. */
  display?: string;
}

/** One rule as written in the YAML (after defaults: symbols normalised to objects). */
export interface LintRule {
  id: string;
  title?: string;
  symbols: LintSymbolSpec[];
  kind: SymbolKind;
  /** "6.17": first mainline release without the symbol. */
  removedIn: string;
  /** When removedIn is only a bound (not verified exactly), why. */
  removedInNote?: string;
  /** Release in which the definition itself disappeared, when later than the uses (devmap_managed_key). */
  definitionRemovedIn?: string;
  replacement: string;
  /** Names whose definitions are shown as related information when the tree has them. */
  replacementSymbols?: string[];
  explanation: string;
  removal?: RemovalThread;
  sources: string[];
  /** Data file the rule came from (for messages). */
  file?: string;
}

/** A symbol with its rule, as the matcher looks it up. */
export interface SymbolEntry {
  name: string;
  match: MatchKind;
  fix?: FixSpec;
  args?: number;
  display?: string;
  rule: LintRule;
}

export type LintSeverity = 'error' | 'warning' | 'information' | 'hint';
export type SeverityOverride = LintSeverity | 'off';

/** The two rule codes users can tune separately (`kernelMmLens.lintSeverity`). */
export const RULE_CODE_USE = 'removed-api';
export const RULE_CODE_DEFINITION = 'removed-api-definition';
export type RuleCode = typeof RULE_CODE_USE | typeof RULE_CODE_DEFINITION;

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

/** A text replacement in offsets of the linted text (converted to LSP ranges by the callers). */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
  /** Same span as LSP positions (set by the linter). */ range?: Range;
}

export interface MechanicalFix {
  title: string;
  edits: OffsetEdit[];
}

/** One raw occurrence of a removed symbol in a file. */
export interface Occurrence {
  entry: SymbolEntry;
  context: MatchContext;
  isDefinition: boolean;
  /** Offsets of the matched text in the file. */
  start: number;
  end: number;
  range: Range;
  fix?: MechanicalFix;
  /** Why no automatic fix is offered (for rules whose rewrite is not mechanical here). */
  noFixReason?: string;
}

export interface Finding extends Occurrence {
  code: RuleCode;
  severity: LintSeverity;
  /** True when the tree predates the removal (forward-porting advice: Deprecated tag). */
  upstreamOnly: boolean;
  message: string;
  /** Symbol as shown to users: `pmd_devmap()`, `<linux/pfn_t.h>`, `ARCH_HAS_PTE_DEVMAP`. */
  display: string;
  href?: string;
}
