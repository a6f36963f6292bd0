/**
 * Which lines of a file a configuration leaves out: the groups of `#if`/`#ifdef`/... whose conditions are
 * decided false over the configuration's CONFIG_ symbols, the groups after a branch decided true, and the whole
 * file when it belongs to another architecture's `arch/` folder.
 *
 * A group is inactive when its own condition is decided false or an earlier condition of the same chain is decided
 * true; everything else stays live, undecided conditions included (conditionExpression.ts). The lines of the
 * directives that open and close an inactive group are not part of it (clangd's inactive regions leave them out
 * too); directives nested inside an inactive group are (the preprocessor skips them).
 */
import type { KernelConfig } from '../base/kernelConfig';
import { scanConditionalDirectives, type ConditionalDirective } from './conditionalDirectives';
import { evaluateCondition, evaluateDefined, type Decision } from './conditionExpression';
import { archOfPath } from './kernelFiles';

export interface ConfigurationView {
  /** The CONFIG_ symbols; undefined when only the architecture is chosen (conditionals stay undecided). */
  config?: Pick<KernelConfig, 'symbols'>;
  /** The `arch/<arch>/` folder that is live; every other architecture's folder is inactive. */
  arch?: string;
}

export type InactiveReason =
  /** The group's own condition is false in this configuration. */
  | 'condition-false'
  /** An earlier branch of the same chain is taken (the `#else` stub of a configured feature). */
  | 'branch-taken'
  /** The file is in another architecture's `arch/` folder. */
  | 'other-arch'
  /** The file's object is not built: its Kbuild makefile names it under an option that is off. */
  | 'not-built';

export interface InactiveRegion {
  /** 0-based, inclusive original lines. */
  first: number;
  last: number;
  reason: InactiveReason;
  /** The directive that decides it, as written (`#ifdef CONFIG_ZONE_DEVICE`), and its 0-based line. */
  directive?: string;
  directiveLine?: number;
}

/** 0-based index of a text's last line (a final line break does not start a line). */
export function lastLineOf(text: string): number {
  let lines = 0;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) lines++;
  if (text.length > 0 && !text.endsWith('\n')) return lines;
  return Math.max(0, lines - 1);
}

function directiveText(directive: ConditionalDirective): string {
  return directive.condition ? `#${directive.kind} ${directive.condition}` : `#${directive.kind}`;
}

/** The decision of one opening or `#elif`-like directive's condition. */
export function decideDirective(directive: ConditionalDirective, view: ConfigurationView): Decision {
  if (!view.config) return undefined;
  switch (directive.kind) {
    case 'if':
    case 'elif':
      return evaluateCondition(directive.condition, view.config);
    case 'ifdef':
    case 'elifdef':
      return evaluateDefined(directive.condition, view.config);
    case 'ifndef':
    case 'elifndef': {
      const defined = evaluateDefined(directive.condition, view.config);
      return defined === undefined ? undefined : !defined;
    }
    default:
      return undefined;
  }
}

interface Frame {
  /** The code around the `#if` is live. */
  parentLive: boolean;
  /** Some condition of the chain so far is decided true (the directive that is), or undecided ('maybe'). */
  taken: ConditionalDirective | 'maybe' | undefined;
  /** The current group is inactive (only meaningful when parentLive). */
  dead: boolean;
  /** Start of the open inactive region, when the current group is inactive under live code. */
  regionStart: number;
  reason: InactiveReason;
  decidedBy: ConditionalDirective | undefined;
}

/** The inactive regions of `file` (tree-relative path) with text `text` under a configuration. */
export function inactiveRegions(file: string, text: string, view: ConfigurationView): InactiveRegion[] {
  const fileArch = archOfPath(file);
  if (view.arch !== undefined && fileArch !== undefined && fileArch !== view.arch) {
    if (text.length === 0) return [];
    return [{ first: 0, last: lastLineOf(text), reason: 'other-arch', directive: `arch/${fileArch}` }];
  }
  if (!view.config) return [];
  return conditionalRegions(scanConditionalDirectives(text), lastLineOf(text), view);
}

/** The inactive groups of a file's conditional directives (`lastLine`: the file's last 0-based line). */
export function conditionalRegions(
  directives: readonly ConditionalDirective[],
  lastLine: number,
  view: ConfigurationView,
): InactiveRegion[] {
  const regions: InactiveRegion[] = [];
  const stack: Frame[] = [];
  const live = () => stack.length === 0 || (stack[stack.length - 1].parentLive && !stack[stack.length - 1].dead);
  const close = (frame: Frame, endLine: number) => {
    if (!frame.parentLive || !frame.dead) return;
    if (endLine >= frame.regionStart) {
      regions.push({
        first: frame.regionStart,
        last: endLine,
        reason: frame.reason,
        directive: frame.decidedBy ? directiveText(frame.decidedBy) : undefined,
        directiveLine: frame.decidedBy?.firstLine,
      });
    }
  };
  const enterGroup = (frame: Frame, directive: ConditionalDirective, decision: Decision | 'else') => {
    if (frame.taken !== undefined && frame.taken !== 'maybe') {
      frame.dead = true;
      frame.reason = 'branch-taken';
      frame.decidedBy = frame.taken;
    } else if (decision === false) {
      frame.dead = true;
      frame.reason = 'condition-false';
      frame.decidedBy = directive;
    } else {
      frame.dead = false;
    }
    // After a condition decided true every later group is dead, whether or not an undecided one came before.
    if (decision === true && (frame.taken === undefined || frame.taken === 'maybe')) frame.taken = directive;
    else if (decision === undefined && frame.taken === undefined) frame.taken = 'maybe';
    frame.regionStart = directive.lastLine + 1;
  };

  for (const directive of directives) {
    switch (directive.kind) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        const parentLive = live();
        const frame: Frame = {
          parentLive,
          taken: undefined,
          dead: false,
          regionStart: 0,
          reason: 'condition-false',
          decidedBy: undefined,
        };
        stack.push(frame);
        enterGroup(frame, directive, parentLive ? decideDirective(directive, view) : undefined);
        break;
      }
      case 'elif':
      case 'elifdef':
      case 'elifndef':
      case 'else': {
        const frame = stack[stack.length - 1];
        if (!frame) break; // unbalanced: the preprocessor would stop with an error; nothing to hide
        close(frame, directive.firstLine - 1);
        const decision =
          directive.kind === 'else'
            ? 'else'
            : frame.parentLive && (frame.taken === undefined || frame.taken === 'maybe')
              ? decideDirective(directive, view)
              : undefined;
        enterGroup(frame, directive, decision);
        break;
      }
      case 'endif': {
        const frame = stack.pop();
        if (frame) close(frame, directive.firstLine - 1);
        break;
      }
    }
  }
  // An #if without #endif runs to the end of the file.
  while (stack.length > 0) close(stack.pop()!, lastLine);
  regions.sort((a, b) => a.first - b.first);
  return regions;
}

/** The region containing a 0-based line, if the line is inactive. */
export function regionAt(regions: readonly InactiveRegion[], line: number): InactiveRegion | undefined {
  let low = 0;
  let high = regions.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (regions[mid].last < line) low = mid + 1;
    else if (regions[mid].first > line) high = mid - 1;
    else return regions[mid];
  }
  return undefined;
}
